"""The syndicate of one scenario: who facilitates which hire, and where the talent maps reach.

Composes :mod:`~talentmoat.investors.payoff` and :mod:`~talentmoat.investors.cascade` on a
validated scenario and one strategy's knowledge (MODEL.md §F). Reads no files.

- **Routing.** Portfolio company ``p`` of investor ``v`` reaches person ``i`` (``access[p, i]``)
  when ``v`` facilitates that hire (its payoff, with ``ΔV_lab(i → p)`` from the value model, is
  positive; only valued pairs, the talent map's people, can be), or otherwise, without any help,
  when the talent map leaked to ``p`` and ``i`` is on it: ``access = f + (1 − f) · mapped ·
  P(p reached)``. Under the ``nonpoach_request`` strategy investors that agreed carry their
  deterrent (reputation cost, or the repeated-game threshold) in the payoff; otherwise none.
- **Offers.** ``p`` aims ``ai_hires_per_year / 4`` offers a quarter at the whole lab with
  weights ``ω_i = visibility_i · B({i})^θ`` (as a rival would) and makes the ones that land on
  someone it can reach: its rate toward the lab is ``h_p · Σ access · ω / Σ ω`` and it targets
  ``∝ access · ω``.
- **Leaked maps.** A rival reached by any investor's map (``P = 1 − Π_v (1 − P_v)``) sees each
  mapped person's visibility multiplied by ``1 + boost · P`` (in expectation).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from talentmoat.investors.cascade import EDGE_PROBABILITY, Spread, independent_cascade
from talentmoat.investors.payoff import (
    defects,
    facilitation_gain,
    facilitation_payoff,
    repeated_game_threshold,
    self_enforcing_cost,
)
from talentmoat.knowledge import standalone_share
from talentmoat.loader import Lab
from talentmoat.scenario import Investors, PortfolioCompany

QUARTERS_PER_YEAR = 4


def syndicate_graph(section: Investors, rivals: list[str]) -> nx.DiGraph:
    """The network the talent maps travel: investors, companies, parties and rivals as nodes."""
    graph = nx.DiGraph()
    graph.add_nodes_from(v.name for v in section.syndicate)
    graph.add_nodes_from(p.name for v in section.syndicate for p in v.portfolio)
    graph.add_nodes_from(p.name for p in section.parties)
    graph.add_nodes_from(rivals)
    for node in [*section.syndicate, *section.parties]:
        for tie in node.ties:
            graph.add_edge(node.name, tie.to, **{EDGE_PROBABILITY: tie.leak_probability})
    return graph


def key_people(standalone: np.ndarray, map_size: int) -> np.ndarray:
    """The talent map: the ``map_size`` people with the largest ``B({i})``, mask shape (N,)."""
    out = np.zeros(len(standalone), dtype=bool)
    out[np.argsort(-standalone, kind="stable")[:map_size]] = True
    return out


def targeting_weight(visibility: np.ndarray, value: np.ndarray, theta: float) -> np.ndarray:
    """``ω_i = visibility_i · B({i})^θ`` (0 for someone holding nothing), shape (N,)."""
    positive = value > 0
    return np.where(positive, visibility * np.power(np.where(positive, value, 1.0), theta), 0.0)


@dataclass(frozen=True)
class Syndicate:
    """The syndicate under one strategy; P companies, V investors, N people, J rivals.

    Attributes:
        investors: Investor names, length V.
        companies: Portfolio companies in investor order, length P.
        investor_of: Index of each company's investor, shape (P,).
        value_loss: ``ΔV_lab(i → p)`` (USD; NaN where not valued), shape (P, N).
        gain: Facilitation gain before reputation, ``s_vp · uplift − s_v · ΔV`` (USD; NaN where
            not valued), shape (P, N).
        deterrent: What holds an investor that agreed: its reputation cost or the repeated-game
            threshold, by ``investors.enforcement`` (USD), shape (V,).
        honours: 1 where the request is made and the investor agreed, shape (V,).
        facilitated: Whether the investor facilitates the hire (payoff > 0), shape (P, N).
        self_enforcing: Least reputation cost that makes honouring self-enforcing (USD), (V,).
        repeated_threshold: ``δ / (1 − δ) · L`` per investor (USD), shape (V,).
        spreads: Each investor's map spread (seeded at the investor), length V.
        mapped: People on the talent map, shape (N,).
        access: Whom each company reaches (probability), shape (P, N).
        company_rate: Offers a quarter each company makes to the lab, shape (P,).
        rival_reach: Each rival's targeting multiplier per person, shape (J, N).
    """

    investors: tuple[str, ...]
    companies: tuple[PortfolioCompany, ...]
    investor_of: np.ndarray
    value_loss: np.ndarray
    gain: np.ndarray
    deterrent: np.ndarray
    honours: np.ndarray
    facilitated: np.ndarray
    self_enforcing: np.ndarray
    repeated_threshold: np.ndarray
    spreads: tuple[Spread, ...]
    mapped: np.ndarray
    access: np.ndarray
    company_rate: np.ndarray
    rival_reach: np.ndarray


def visibility_of(lab: Lab) -> np.ndarray:
    """Visibility of each person by role (``firm.visibility``, default 1), shape (N,)."""
    table = lab.scenario.firm.visibility if lab.scenario.firm else {}
    fallback = table.get("default", 1.0)
    return np.array([table.get(r, fallback) for r in lab.roster.roles], dtype=float)


def companies_of(section: Investors) -> tuple[PortfolioCompany, ...]:
    """The portfolio companies in investor order (the rows of every (P, ·) array)."""
    return tuple(p for v in section.syndicate for p in v.portfolio)


def assess_syndicate(lab: Lab, K: np.ndarray, value_loss: np.ndarray,
                     requested: bool) -> Syndicate:
    """The syndicate's payoffs, routing and leaks for one strategy's knowledge.

    Args:
        lab: The loaded scenario.
        K: The strategy's knowledge, shape (N, C).
        value_loss: ``ΔV_lab(i → p)`` per company and person (USD; NaN where not valued: never
            facilitated), shape (P, N) (:func:`talentmoat.investors.valuation.value_losses`).
        requested: Whether the lab made the non-poach request (strategy ``nonpoach_request``).
    """
    s = lab.scenario
    section = s.investors
    w = s.blueprint.weights
    syndicate = section.syndicate
    companies = companies_of(section)
    investor_of = np.array([k for k, v in enumerate(syndicate) for _ in v.portfolio], dtype=int)
    lab_stake = np.array([v.stake for v in syndicate])
    value_loss = np.asarray(value_loss, dtype=float).reshape(len(companies), K.shape[0])
    gain = facilitation_gain(lab_stake, [p.stake for p in companies],
                             [p.uplift_per_hire for p in companies], investor_of, value_loss)
    threshold = repeated_game_threshold([v.discount_factor for v in syndicate],
                                        [v.deal_flow_loss_per_year for v in syndicate])
    deterrent = (threshold if section.enforcement == "repeated_game"
                 else np.array([v.reputation_cost for v in syndicate]))
    honours = np.array([requested and v.agreed_to_request for v in syndicate], dtype=float)
    facilitated = defects(facilitation_payoff(gain, investor_of, honours, deterrent))

    rivals = [r.name for r in s.rivals]
    graph = syndicate_graph(section, rivals)
    depth = section.leak_depth
    spreads = tuple(
        independent_cascade(graph, [v.name], max_depth=depth, exact_max_edges=section
                            .exact_max_edges, samples=section.cascade_samples, seed=s.seed)
        for v in syndicate
    )
    value = standalone_share(K, w)
    mapped = key_people(value, section.map_size) if depth > 0 else np.zeros(len(value), bool)

    def reached(node: str) -> float:
        return 1.0 - float(np.prod([1.0 - sp.probability(node) for sp in spreads]))

    visibility = visibility_of(lab)
    p_company = np.array([reached(p.name) for p in companies])
    access = np.where(facilitated, 1.0, mapped[None, :] * p_company[:, None])
    rate = np.zeros(len(companies))
    for k, p in enumerate(companies):  # a handful of companies
        omega = targeting_weight(visibility, value, p.targeting_exponent)
        total = omega.sum()
        rate[k] = (p.ai_hires_per_year / QUARTERS_PER_YEAR * (access[k] * omega).sum() / total
                   if total > 0 else 0.0)
    boost = section.map_visibility_boost
    rival_reach = 1.0 + boost * np.array([reached(r) for r in rivals])[:, None] * mapped[None, :]
    return Syndicate(
        investors=tuple(v.name for v in syndicate), companies=companies,
        investor_of=investor_of, value_loss=value_loss, gain=gain, deterrent=deterrent,
        honours=honours, facilitated=facilitated,
        self_enforcing=self_enforcing_cost(gain, investor_of, len(syndicate)),
        repeated_threshold=threshold, spreads=spreads, mapped=mapped, access=access,
        company_rate=rate, rival_reach=rival_reach.reshape(len(rivals), len(value)),
    )


def key_offers_per_year(lab: Lab, syn: Syndicate, K: np.ndarray) -> np.ndarray:
    """Expected offers a year to the mapped (key) people that each investor adds, shape (V,).

    First-order, at the start (every offer lands on person ``i`` with probability ``∝`` its
    party's weight on ``i``, ignoring that a party does not target the same person twice):
    its companies' offers that reach mapped people, plus the extra share of each rival's offers
    that its own map (``P_v(j)``) turns toward them.

    Args:
        lab: The loaded scenario.
        syn: :func:`assess_syndicate` for the same knowledge.
        K: The strategy's knowledge, shape (N, C).
    """
    s = lab.scenario
    value = standalone_share(K, s.blueprint.weights)
    visibility = visibility_of(lab)
    boost = s.investors.map_visibility_boost
    out = np.zeros(len(syn.investors))
    for k, p in enumerate(syn.companies):
        omega = targeting_weight(visibility, value, p.targeting_exponent)
        if omega.sum() > 0:
            out[syn.investor_of[k]] += (p.ai_hires_per_year * (syn.access[k] * omega
                                                               * syn.mapped).sum() / omega.sum())
    for rival in s.rivals:
        omega = targeting_weight(visibility, value, rival.targeting_exponent)
        if omega.sum() == 0:
            continue
        plain = (omega * syn.mapped).sum() / omega.sum()
        for v, spread in enumerate(syn.spreads):
            lifted = omega * (1.0 + boost * spread.probability(rival.name) * syn.mapped)
            share = (lifted * syn.mapped).sum() / lifted.sum()
            out[v] += rival.hires_per_quarter * QUARTERS_PER_YEAR * (share - plain)
    return out
