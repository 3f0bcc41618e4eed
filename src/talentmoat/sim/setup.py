"""One strategy's static inputs to the engine, as arrays over seats (MODEL.md §C–G).

A strategy is a set of policies (:mod:`talentmoat.sim.policies`). Building its :class:`Setup`
values the packages, offers, compute access and hazards with the package policies in force
(:func:`talentmoat.lab_economics.assess`), lets each policy adjust the setup in turn, and then
builds the hiring parties from the knowledge the policies leave: the rivals, then one
``portfolio:<name>`` party per portfolio company of the syndicate (:mod:`talentmoat.investors`).
Every strategy of a scenario has the same hiring parties, so strategies share their draws; a party
that the non-poach request silences has offer rate 0. The engine then only moves arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from talentmoat.behaviour import Coefficients, offer_utility, quarterly_background_hazard
from talentmoat.economics import nominal_package, offer_value
from talentmoat.errors import InputError
from talentmoat.investors import assess_syndicate
from talentmoat.lab_economics import Assessment, assess, require_firm
from talentmoat.loader import Lab
from talentmoat.scenario import ConstantMultiple, Rival
from talentmoat.sim.policies import make_policy


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
        nonpoach_request: Whether the lab has asked its investors not to poach (investors that
            agreed then weigh their deterrent before facilitating a hire).
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
    nonpoach_request: bool = False


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


def hiring_parties(lab: Lab, a: Assessment, coefficients: Coefficients,
                   setup: Setup) -> list[RivalSetup]:
    """The parties that make offers: the rivals, then the syndicate's portfolio companies.

    Built from the knowledge the policies leave (``setup.K``, ``setup.tacit``): whom a portfolio
    company can reach, and how hungry it is, depend on what each person holds and on whether the
    non-poach request is in force (:func:`talentmoat.investors.assess_syndicate`).
    """
    scenario = lab.scenario
    n = lab.roster.size
    nominal = nominal_package(a.pay.cash, a.pay.equity_grant_per_year)
    parties = [(rival, offers.compute_ratio, offers.autonomy_gap, np.ones(n))
               for rival, offers in zip(scenario.rivals, a.offers, strict=True)]
    if scenario.investors.syndicate:
        syn = assess_syndicate(lab, setup.K, setup.tacit, initial_lead(lab),
                               setup.nonpoach_request)
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
    return rivals


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
    chosen = [make_policy(p, scenario) for p in policies]
    a = assess(lab, tuple(p.name for p in chosen if p.acts_on_package))
    b = scenario.behaviour
    coefficients = Coefficients.from_parity(
        b.p_accept_at_parity, b.beta_comp, b.beta_compute, b.beta_autonomy, b.beta_friction
    )
    n_zeros = np.zeros(n)
    setup = Setup(
        name=name,
        policies=tuple(policies),
        K=lab.roster.K,
        tacit=scenario.blueprint.tacit,
        target=lab.roster.K,
        visibility=_role_values(lab, firm.visibility, 1.0),
        stay_value=a.package.stay_value,
        beta_comp=coefficients.beta_comp,
        hazard=quarterly_background_hazard(np.broadcast_to(a.background_attrition, (n,))),
        rivals=[],
        counter_share=n_zeros,
        counter_cap=np.full(n, np.inf),
        counter_years=0.0,
        cost_per_seat=n_zeros,
        units_per_seat=n_zeros,
        tender_cash_per_seat=n_zeros,
        tender_is_lab_cost=False,
        fixed_cost=0.0,
    )
    for policy in chosen:
        setup = policy.apply(setup, lab, a)
    return replace(setup, rivals=hiring_parties(lab, a, coefficients, setup))
