"""One strategy's static inputs to the engine, as arrays over seats (MODEL.md §C–G).

A strategy is a set of policies. Building its :class:`Setup` composes the economics (packages,
offers, compute, hazards: :mod:`talentmoat.lab_economics`) and the knowledge plan
(:mod:`talentmoat.knowledge.planner`) once; the engine then only moves arrays. Each policy's
effect is in one place below:

- ``liquidity``, ``synthetic_equity``, ``compute``: the package and compute access through
  :func:`talentmoat.lab_economics.assess`; their running costs (tender cash paid by backers,
  unit payouts, the blue-sky reserve's GPU-hours) accrue per quarter;
- ``compartmentalize``: seats start from the plan's knowledge, newcomers learn only up to it,
  and the seats that lost deep access cost a coordination overhead;
- ``retention_grant``: counter-offers that close part of each offer's gap, paid when the person
  stays;
- ``nonpoach_request``: investors that agreed carry their deterrent (reputation cost, or the
  repeated-game threshold) when weighing a facilitated hire (:mod:`talentmoat.investors`).
  Every strategy of a scenario with a syndicate has the same hiring parties — the rivals, then
  one ``portfolio:<name>`` party per portfolio company — so strategies share their draws; a
  party the request silences has offer rate 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talentmoat.behaviour import Coefficients, offer_utility, quarterly_background_hazard
from talentmoat.economics import nominal_package, offer_value
from talentmoat.errors import InputError
from talentmoat.investors import assess_syndicate
from talentmoat.knowledge import plan_compartments
from talentmoat.lab_economics import POLICY_NAMES, assess, require_firm
from talentmoat.loader import Lab
from talentmoat.scenario import (
    CompartmentalizePolicy,
    ConstantMultiple,
    LiquidityPolicy,
    RetentionGrantPolicy,
    Rival,
    SyntheticEquityPolicy,
)

QUARTERS_PER_YEAR = 4


@dataclass(frozen=True)
class RivalSetup:
    """One rival's offers and rebuilding (arrays over seats have shape (N,)).

    Attributes:
        name: The rival's name.
        offers_per_quarter: Expected offers a quarter (the fractional part is a Bernoulli draw).
        multiple_median: Median offer multiple.
        multiple_sigma: Lognormal sigma of the multiple (0: constant).
        offer_face: Value to the person per unit of multiple (USD/yr), shape (N,).
        buyout: Value of the rival's buy-out of the forfeit (USD/yr), shape (N,).
        utility_rest: ``α`` plus the compute, autonomy and friction terms of ``ΔU``, shape (N,).
        theta: Targeting exponent ``θ``.
        reach: Multiplier of its targeting weight per seat, shape (N,): 1 for a rival without
            a leaked talent map, higher on mapped people when a map reached it; for a portfolio
            company, the chance it reaches each seat (facilitated, or through a leaked map).
        rebuild_per_quarter: Growth of its own coverage a quarter, shape (C,).
        initial_own: Its own coverage at the start, shape (C,).
    """

    name: str
    offers_per_quarter: float
    multiple_median: float
    multiple_sigma: float
    offer_face: np.ndarray
    buyout: np.ndarray
    utility_rest: np.ndarray
    theta: float
    reach: np.ndarray
    rebuild_per_quarter: np.ndarray
    initial_own: np.ndarray


@dataclass(frozen=True)
class Setup:
    """A strategy's static inputs; arrays over seats have shape (N,), knowledge (N, C).

    Attributes:
        name: Strategy name.
        policies: Policies in force.
        K: Knowledge of each seat's first occupant, shape (N, C).
        tacit: Tacit share of each component, shape (C,): the blueprint's, except that the
            organisation documents the components it holds under compartmentalization (0).
        target: Level a newcomer in the seat learns toward, shape (N, C).
        visibility: Visibility to rivals, shape (N,).
        stay_value: Risk-adjusted package (USD/yr), shape (N,).
        beta_comp: Weight of ``ln(offer/stay)`` in ``ΔU``.
        hazard: Quarterly background hazard, shape (N,).
        rivals: One entry per hiring party: the rivals, then the portfolio companies.
        counter_share: Share of an offer's gap the lab matches (0: no counter), shape (N,).
        counter_cap: Cap on a counter-offer (USD/yr), shape (N,).
        counter_years: Years of a counter-offer the lab pays when the person stays.
        cost_per_seat: Lab cost a quarter of each active seat (USD), shape (N,).
        units_per_seat: Synthetic-unit payout a quarter at full metric hit (USD), shape (N,).
        tender_cash_per_seat: Tender proceeds a quarter (USD), shape (N,).
        tender_is_lab_cost: Whether the lab itself buys in the tenders.
        fixed_cost: Lab cost a quarter independent of headcount (USD).
    """

    name: str
    policies: tuple[str, ...]
    K: np.ndarray
    tacit: np.ndarray
    target: np.ndarray
    visibility: np.ndarray
    stay_value: np.ndarray
    beta_comp: float
    hazard: np.ndarray
    rivals: list[RivalSetup]
    counter_share: np.ndarray
    counter_cap: np.ndarray
    counter_years: float
    cost_per_seat: np.ndarray
    units_per_seat: np.ndarray
    tender_cash_per_seat: np.ndarray
    tender_is_lab_cost: bool
    fixed_cost: float


def _by_component(lab: Lab, value: float | dict[str, float], default: float) -> np.ndarray:
    ids = lab.scenario.blueprint.ids
    if isinstance(value, dict):
        return np.array([value.get(c, default) for c in ids], dtype=float)
    return np.full(len(ids), float(value))


def rival_rebuild(lab: Lab, rival: Rival) -> np.ndarray:
    """Growth of a rival's own coverage a quarter, shape (C,), from its spend and focus."""
    bp = lab.scenario.blueprint
    focus = _by_component(lab, rival.rebuild_focus, 0.0) if rival.rebuild_focus else bp.weights
    share = focus / focus.sum() if focus.sum() > 0 else np.zeros_like(focus)
    spend = rival.rebuild_rate_per_quarter * share
    cost = bp.replication_costs
    return np.where(cost > 0, spend / np.where(cost > 0, cost, 1.0), np.where(spend > 0, 1.0, 0.0))


def initial_lead(lab: Lab) -> float:
    """``lead_0 = B_lab − max_j B_j`` at the start, with every person in post.

    Raises:
        InputError: When the lab does not start ahead (MODEL.md §G requires ``lead_0 > 0``).
    """
    bp = lab.scenario.blueprint
    miss = np.prod(1.0 - lab.roster.K, axis=0)
    b_lab = float(bp.weights @ ((1.0 - bp.tacit) + bp.tacit * (1.0 - miss)))
    b_rivals = [float(bp.weights @ _by_component(lab, r.initial_coverage, 0.0))
                for r in lab.scenario.rivals]
    lead = b_lab - max(b_rivals, default=0.0)
    if lead <= 0:
        raise InputError.single(
            lab.source, "rivals[].initial_coverage",
            f"the lab must start ahead of every rival (a frontier lab); its blueprint share is "
            f"{b_lab:.3f} but a rival starts at {max(b_rivals):.3f}",
        )
    return lead


def _role_values(lab: Lab, table: dict[str, float], default: float) -> np.ndarray:
    fallback = table.get("default", default)
    return np.array([table.get(r, fallback) for r in lab.roster.roles], dtype=float)


def build_setup(lab: Lab, name: str, policies: list[str]) -> Setup:
    """The static inputs of one strategy.

    Args:
        lab: The loaded scenario (needs ``firm``).
        name: Strategy name.
        policies: Policies in force (names from ``STRATEGY_POLICIES``).
    """
    scenario = lab.scenario
    firm = require_firm(lab)
    n = lab.roster.size
    a = assess(lab, tuple(p for p in POLICY_NAMES if p in policies))
    b = scenario.behaviour
    coefficients = Coefficients.from_parity(
        b.p_accept_at_parity, b.beta_comp, b.beta_compute, b.beta_autonomy, b.beta_friction
    )
    nominal = nominal_package(a.pay.cash, a.pay.equity_grant_per_year)
    K, tacit = lab.roster.K, scenario.blueprint.tacit
    cost_per_seat = np.zeros(n)
    if "compartmentalize" in policies:
        plan_spec = scenario.knowledge.plan
        plan = plan_compartments(
            K, scenario.blueprint.weights, max_components=plan_spec.max_components,
            redundancy=plan_spec.redundancy, hold_threshold=scenario.knowledge.hold_threshold,
            residual=plan_spec.residual, org_holds=np.isin(scenario.blueprint.ids,
                                                           plan_spec.org_holds),
        )
        K = plan.K_after
        tacit = np.where(np.isin(scenario.blueprint.ids, plan_spec.org_holds), 0.0, tacit)
        overhead = (scenario.policies.compartmentalize or CompartmentalizePolicy()).overhead_share
        cost_per_seat += plan.revoked.any(axis=1) * overhead * a.pay.cash / QUARTERS_PER_YEAR

    parties = [(rival, offers.compute_ratio, offers.autonomy_gap, np.ones(n))
               for rival, offers in zip(scenario.rivals, a.offers, strict=True)]
    if scenario.investors.syndicate:
        syn = assess_syndicate(lab, K, tacit, initial_lead(lab), "nonpoach_request" in policies)
        parties = [(rival, ratio, gap, reach) for (rival, ratio, gap, _), reach
                   in zip(parties, syn.rival_reach, strict=True)]
        for company, rate, access in zip(syn.companies, syn.company_rate, syn.access,
                                         strict=True):
            party = Rival(
                name=f"portfolio:{company.name}", hires_per_quarter=rate,
                offer_multiple=company.offer_multiple, liquid_share=company.liquid_share,
                illiquid_discount=company.illiquid_discount, friction=company.friction,
                targeting_exponent=company.targeting_exponent,
            )
            parties.append((party, 1.0, 0.0, access))
    rivals = []
    for rival, compute_ratio, autonomy_gap, reach in parties:
        m = rival.offer_multiple
        median, sigma = ((m.value, 0.0) if isinstance(m, ConstantMultiple)
                         else (m.median, m.sigma))
        rivals.append(RivalSetup(
            name=rival.name,
            offers_per_quarter=rival.hires_per_quarter,
            multiple_median=median,
            multiple_sigma=sigma,
            offer_face=offer_value(1.0, nominal, rival.liquid_share, rival.illiquid_discount,
                                   0.0, a.package.forfeit),
            buyout=offer_value(0.0, nominal, rival.liquid_share, rival.illiquid_discount,
                               rival.buyout_share, a.package.forfeit),
            utility_rest=np.broadcast_to(offer_utility(coefficients, 1.0, compute_ratio,
                                                       autonomy_gap, rival.friction), (n,)),
            theta=rival.targeting_exponent,
            reach=reach,
            rebuild_per_quarter=rival_rebuild(lab, rival),
            initial_own=_by_component(lab, rival.initial_coverage, 0.0),
        ))

    counter_share = np.zeros(n)
    counter_cap = np.full(n, np.inf)
    counter_years = 0.0
    if "retention_grant" in policies:
        grant = scenario.policies.retention_grant or RetentionGrantPolicy()
        eligible = np.array([not grant.roles or r in grant.roles for r in lab.roster.roles])
        counter_share = np.where(eligible, grant.match_share, 0.0)
        if grant.max_per_person_usd is not None:
            counter_cap[:] = grant.max_per_person_usd
        counter_years = grant.grant_years

    units = np.zeros(n)
    if "synthetic_equity" in policies and a.package.synthetic.any():
        spec = scenario.policies.synthetic_equity or SyntheticEquityPolicy()
        expected_hit = spec.metric_hit if spec.metric_hit > 0 else 1.0
        units = a.package.synthetic / expected_hit / QUARTERS_PER_YEAR
    tender_cash = a.package.tender / QUARTERS_PER_YEAR
    liquidity = scenario.policies.liquidity or LiquidityPolicy()
    fixed = a.compute.reserve_cost if (a.compute is not None and "compute" in policies) else 0.0
    annual = np.broadcast_to(a.background_attrition, (n,))
    return Setup(
        name=name,
        policies=tuple(policies),
        K=K,
        tacit=tacit,
        target=K,
        visibility=_role_values(lab, firm.visibility, 1.0),
        stay_value=a.package.stay_value,
        beta_comp=coefficients.beta_comp,
        hazard=quarterly_background_hazard(annual),
        rivals=rivals,
        counter_share=counter_share,
        counter_cap=counter_cap,
        counter_years=counter_years,
        cost_per_seat=cost_per_seat,
        units_per_seat=units,
        tender_cash_per_seat=tender_cash,
        tender_is_lab_cost="liquidity" in policies and liquidity.buyer == "company",
        fixed_cost=float(fixed),
    )
