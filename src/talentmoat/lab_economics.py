"""A lab's scenario turned into per-person economics: compute access, packages and offers.

This module composes the pure functions of :mod:`talentmoat.economics`,
:mod:`talentmoat.compute` and :mod:`talentmoat.behaviour` on one validated scenario (MODEL.md
§C–E). It reads no files; the CLI presents what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np
from numpy.polynomial.hermite_e import hermegauss

from talentmoat.behaviour import (
    Coefficients,
    annual_attrition,
    background_attrition,
    p_accept,
    quarterly_background_hazard,
    satisfaction_hazard,
)
from talentmoat.compensation import PayArrays, resolve_pay
from talentmoat.compute import (
    Access,
    classic_fair_share,
    directed_allocation,
    fair_tree_ranks,
    person_access,
    split_capacity,
    token_allocation,
)
from talentmoat.economics import (
    EquityTerms,
    PackageValue,
    TenderTerms,
    clear_tender,
    nominal_package,
    offer_value,
    package_value,
    pwerm,
    sellable_share,
)
from talentmoat.errors import InputError
from talentmoat.loader import Lab
from talentmoat.policies import make_policies
from talentmoat.scenario import (
    BlueSkySpec,
    ConstantMultiple,
    Firm,
    OfferMultiple,
    Policies,
    Rival,
    Scenario,
    SyntheticEquitySpec,
    TendersSpec,
)

POLICY_NAMES = ("tenders", "synthetic_equity", "blue_sky")
"""Policies ``value`` and ``compute`` can switch on or off."""


@dataclass(frozen=True)
class PackageTerms:
    """What the policies in force change about packages, compute and autonomy.

    Each policy sets its own field (:meth:`talentmoat.policies.Policy.terms`).

    Attributes:
        tenders: Tender windows, or None.
        synthetic_equity: Performance units, or None.
        blue_sky: The blue-sky reserve, or None.
        publication: Publication policy in force, or None for ``firm.publication``.
    """

    tenders: TendersSpec | None = None
    synthetic_equity: SyntheticEquitySpec | None = None
    blue_sky: BlueSkySpec | None = None
    publication: str | None = None


def package_terms(lab: Lab, policies: tuple[str, ...]) -> PackageTerms:
    """The terms with the named policies in force, each applying its own change."""
    return reduce(lambda terms, policy: policy.terms(terms),
                  make_policies(policies, lab.scenario), PackageTerms())


def role_values(lab: Lab, table: dict[str, float], default: float) -> np.ndarray:
    """Per person, the table's value for their role (``default`` key, else ``default``)."""
    fallback = table.get("default", default)
    return np.array([table.get(r, fallback) for r in lab.roster.roles], dtype=float)

QUADRATURE_NODES = 40
"""Gauss–Hermite nodes for expectations over a lognormal offer multiple."""

_GAUSS_HERMITE = hermegauss(QUADRATURE_NODES)
"""Probabilists' Gauss–Hermite nodes and weights, computed once (they never change)."""

FULL_USAGE = 1.0
"""Team usages are shares of the whole cluster's usage, so ``R_H = 1``."""


@dataclass(frozen=True)
class LabCompute:
    """The cluster split (GPU-hours a quarter).

    Attributes:
        capacity: Cluster capacity ``G``.
        directed: Directed part.
        reserve: Blue-sky reserve.
        reserve_cost: The reserve's cost at ``price_per_gpu_hour`` (USD a quarter).
        unallocated: Hours nobody can use (every team's demand and every project's ask met).
        team_roles: Role of each team, length T.
        team_hours: Directed hours per team, shape (T,).
        team_fair_share: Fair-share factor per team (classic ``2^(−U/S)`` or Fair Tree
            ``rank / N``), shape (T,).
        tokens: Tokens per person, shape (people,).
        access: Hours per person.
    """

    capacity: float
    directed: float
    reserve: float
    reserve_cost: float
    unallocated: float
    team_roles: tuple[str, ...]
    team_hours: np.ndarray
    team_fair_share: np.ndarray
    tokens: np.ndarray
    access: Access


@dataclass(frozen=True)
class RivalOffers:
    """One rival's offers to every person (USD a year; arrays shaped (people,)).

    Attributes:
        rival: The rival.
        median_multiple: Median of the offer multiple.
        expected_multiple: Mean of the offer multiple.
        expected_offer: ``E[multiple] · (cash + G_pref)`` (headline).
        offer_value: Value to the person at the mean multiple.
        comp_ratio: ``offer_value / stay_value`` at the mean multiple.
        compute_ratio: ``A_j / A_i`` (1 when either side is unknown).
        autonomy_gap: ``a_j − a_i`` (0 when the rival's autonomy is unknown).
        p_accept: ``P(accept)`` averaged over the multiple's distribution.
        p_accept_median: ``P(accept)`` at the median multiple.
        gap: Compensatory gap: the rise in ``stay_value`` that brings ``P(accept)`` at the
            median multiple back to ``p_accept_at_parity`` (0 when already there or below).
    """

    rival: Rival
    median_multiple: float
    expected_multiple: float
    expected_offer: np.ndarray
    offer_value: np.ndarray
    comp_ratio: np.ndarray
    compute_ratio: np.ndarray
    autonomy_gap: np.ndarray
    p_accept: np.ndarray
    p_accept_median: np.ndarray
    gap: np.ndarray


@dataclass(frozen=True)
class Assessment:
    """Everything the ``value`` command reports.

    Attributes:
        pay: Resolved pay.
        package: Risk-adjusted packages.
        compute: The cluster split, or None without ``firm.compute``.
        autonomy: ``a_i`` per person, shape (people,).
        total_attrition: Observed total annual attrition per person (``firm.attrition``).
        to_parties: Share of it that goes to the modelled parties, per person.
        background_attrition: Annual background attrition per person (to parties outside the
            model, raised by dissatisfaction), shape (people,).
        synthetic_grant: Grant-date fair value of the units granted a year per person (USD/yr).
        coefficients: The move decision's coefficients (``alpha`` per person when calibrated).
        tender_fill: Expected pro-rata fill of a tender window (nan without tenders).
        offers: One entry per rival.
        policies: Policies in force.
    """

    pay: PayArrays
    package: PackageValue
    compute: LabCompute | None
    autonomy: np.ndarray
    total_attrition: np.ndarray
    to_parties: np.ndarray
    background_attrition: np.ndarray
    synthetic_grant: np.ndarray
    coefficients: Coefficients
    tender_fill: float
    offers: list[RivalOffers]
    policies: tuple[str, ...]


def active_policies(policies: Policies, on: set[str], off: set[str]) -> tuple[str, ...]:
    """Names of the policies in force: declared and enabled, adjusted by explicit switches.

    Args:
        policies: The scenario's policies.
        on: Policies to switch on (declared or not: absent ones take their defaults).
        off: Policies to switch off (wins over ``on``).

    Returns:
        Names in :data:`POLICY_NAMES` order.
    """
    active = []
    for name in POLICY_NAMES:
        policy = getattr(policies, name)
        declared = policy is not None and policy.enabled
        if (declared or name in on) and name not in off:
            active.append(name)
    return tuple(active)


def require_firm(lab: Lab) -> Firm:
    """The scenario's firm section, or an :class:`InputError` naming the missing field."""
    if lab.scenario.firm is None:
        raise InputError.single(
            lab.source, "firm", "missing; this command needs the firm section (valuation, ...)"
        )
    return lab.scenario.firm


def _check_roles(lab: Lab, field: str, roles: list[str]) -> None:
    known = set(lab.roster.roles)
    unknown = sorted(set(roles) - known)
    if unknown:
        raise InputError.single(
            lab.source, field,
            f"unknown role(s) {', '.join(unknown)}; roster roles: {', '.join(sorted(known))}",
        )


def lab_compute(lab: Lab, policies: tuple[str, ...]) -> LabCompute | None:
    """Split the cluster: directed hours by team, blue-sky hours by tokens (MODEL.md §D).

    Args:
        lab: The loaded scenario.
        policies: Policies in force (the reserve exists only under ``blue_sky``).

    Returns:
        The split, or None when the scenario has no ``firm.compute``.
    """
    return _lab_compute(lab, package_terms(lab, policies).blue_sky)


def _lab_compute(lab: Lab, reserve_spec: BlueSkySpec | None) -> LabCompute | None:
    firm = require_firm(lab)
    if firm.compute is None:
        return None
    roles = list(lab.roster.roles)
    teams = firm.compute.teams
    if teams:
        team_roles = [t.role for t in teams]
        _check_roles(lab, "firm.compute.teams", team_roles)
        missing = sorted(set(roles) - set(team_roles))
        if missing:
            raise InputError.single(
                lab.source, "firm.compute.teams", f"no team for role(s) {', '.join(missing)}"
            )
        shares = np.array([t.share for t in teams])
        priorities = np.array([t.priority for t in teams])
        usage = np.array([t.usage for t in teams])
        per_person = np.array([np.inf if t.demand_per_person is None else t.demand_per_person
                               for t in teams])
    else:
        team_roles = sorted(set(roles), key=roles.index)
        shares = np.array([roles.count(r) for r in team_roles], dtype=float)
        priorities = np.zeros(len(team_roles))
        usage = np.zeros(len(team_roles))
        per_person = np.full(len(team_roles), np.inf)
    team_of = np.array([team_roles.index(r) for r in roles])
    sizes = np.bincount(team_of, minlength=len(team_roles))
    reserve_share = 0.0
    tokens = np.zeros(len(roles))
    asks = np.full(len(roles), np.inf)
    if reserve_spec is not None:
        reserve_share = reserve_spec.reserve_share
        tokens = np.array([reserve_spec.tokens.get(r, 0.0) for r in roles])
        if reserve_spec.blue_sky_ask_per_person is not None:
            asks = np.full(len(roles), reserve_spec.blue_sky_ask_per_person)
    directed, reserve = split_capacity(firm.compute.gpu_hours_per_quarter, reserve_share)
    flat = np.full(len(team_roles), -1)
    if firm.compute.fair_share == "fair_tree":
        fair = fair_tree_ranks(flat, shares, usage)
    else:
        fair = classic_fair_share(flat, shares, usage, total_usage=FULL_USAGE)
    team_hours = directed_allocation(
        directed, priorities, shares / shares.sum(), fair, per_person * sizes
    )
    # each holder bids all tokens on their own project: project k is person k's
    _, blue_sky = token_allocation(reserve, tokens, np.arange(len(roles)), asks)
    team_hours = np.asarray(team_hours, dtype=float)
    return LabCompute(
        capacity=firm.compute.gpu_hours_per_quarter,
        directed=directed,
        reserve=reserve,
        reserve_cost=reserve * firm.compute.price_per_gpu_hour,
        unallocated=firm.compute.gpu_hours_per_quarter - float(team_hours.sum() + blue_sky.sum()),
        team_roles=tuple(team_roles),
        team_hours=team_hours,
        team_fair_share=fair,
        tokens=tokens,
        access=person_access(team_hours, team_of, blue_sky),
    )


def person_autonomy(scenario: Scenario, firm: Firm, compute: LabCompute | None,
                    publication: str | None = None) -> np.ndarray:
    """Autonomy ``a_i``: the firm's, shifted by publication policy and blue-sky share, in [0, 1].

    ``a_i = clip(autonomy + publication effect + w · blue_sky_i / A_i, 0, 1)``; the
    publication policy is ``publication`` when given (``open_science``), else the firm's.
    """
    b = scenario.behaviour
    shift = {"open": b.publication_open_effect, "closed": b.publication_closed_effect}.get(
        publication or firm.publication, 0.0
    )
    base = firm.autonomy + shift
    if compute is None:
        return np.full(1, np.clip(base, 0.0, 1.0))
    total = compute.access.total
    sky_share = np.where(total > 0, compute.access.blue_sky / np.where(total > 0, total, 1), 0)
    return np.clip(base + b.autonomy_per_blue_sky_share * sky_share, 0.0, 1.0)


def multiple_nodes(dist: OfferMultiple) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Quadrature nodes and weights of a multiple's distribution, its median and mean."""
    if isinstance(dist, ConstantMultiple):
        return np.array([dist.value]), np.array([1.0]), dist.value, dist.value
    z, w = _GAUSS_HERMITE
    nodes = dist.median * np.exp(dist.sigma * z)
    return nodes, w / w.sum(), dist.median, dist.median * np.exp(dist.sigma**2 / 2)


def assess(
    lab: Lab,
    policies: tuple[str, ...],
    multiple: float | None = None,
    alpha: np.ndarray | None = None,
) -> Assessment:
    """Value every person's package and every rival's offers (MODEL.md §C, §E).

    Args:
        lab: The loaded scenario (needs ``firm``).
        policies: Policies in force (see :func:`active_policies`); each sets its own terms.
        multiple: When given, every rival offers exactly this multiple.
        alpha: ``α`` per person (the calibrated intercepts,
            :func:`talentmoat.sim.setup.calibrate_alpha`); ``logit(p_accept_at_parity)`` when
            None.

    Returns:
        The assessment.
    """
    scenario = lab.scenario
    firm = require_firm(lab)
    n = lab.roster.size
    terms = package_terms(lab, policies)
    pay = resolve_pay(scenario, lab.roster)
    eq = firm.equity
    pwerm_per_dollar = None
    if eq.exits:
        pwerm_per_dollar = pwerm(
            [e.probability for e in eq.exits], [e.years for e in eq.exits],
            [e.payoff_per_preferred_dollar for e in eq.exits], eq.exit_discount_rate,
        )
    equity = EquityTerms(
        eq.common_to_preferred, eq.sigma, eq.time_to_liquidity_years, eq.dlom_model,
        eq.risk_free_rate, pwerm_per_dollar,
    )
    tender = None
    fill = float("nan")
    if terms.tenders is not None:
        tender, fill = _tender_terms(terms.tenders, firm, pay)
    synthetic = np.zeros(n)
    synthetic_years = 0.0
    if terms.synthetic_equity is not None:
        sp = terms.synthetic_equity
        _check_roles(lab, "policies.synthetic_equity.roles", sp.roles)
        eligible = np.array([not sp.roles or r in sp.roles for r in lab.roster.roles])
        grants = np.where(eligible, pay.equity_grant_per_year, 0.0)
        pool = sp.pool_share_per_year * firm.valuation * sp.metric_hit
        synthetic = pool * grants / grants.sum() if grants.sum() > 0 else synthetic
        synthetic_years = sp.vest_quarters / 4
    total = role_values(lab, firm.attrition.total, 0.0)
    to_parties = role_values(lab, firm.attrition.to_parties, 0.0)
    b = scenario.behaviour
    package = package_value(
        pay.cash, pay.equity_grant_per_year, pay.vest_years, pay.tenure_years,
        annual_attrition=total, equity=equity, cliff_years=eq.cliff_years,
        vests_per_year=eq.vests_per_year, comparison_years=b.comparison_years, tender=tender,
        synthetic_per_year=synthetic, synthetic_vest_years=synthetic_years,
    )
    compute = _lab_compute(lab, terms.blue_sky)
    autonomy = np.broadcast_to(person_autonomy(scenario, firm, compute, terms.publication), (n,))
    parity = Coefficients.from_parity(
        b.p_accept_at_parity, b.beta_comp, b.beta_compute, b.beta_autonomy, b.beta_friction
    )
    coefficients = parity if alpha is None else Coefficients(
        np.asarray(alpha, dtype=float), b.beta_comp, b.beta_compute, b.beta_autonomy,
        b.beta_friction)
    compute_short = np.zeros(n)
    if compute is not None and b.compute_wanted_gpu_hours is not None:
        access = np.maximum(compute.access.total, np.finfo(float).tiny)
        compute_short = np.maximum(0.0, np.log(b.compute_wanted_gpu_hours / access))
    autonomy_short = (np.zeros(n) if b.autonomy_wanted is None
                      else np.maximum(0.0, b.autonomy_wanted - autonomy))
    hazard = satisfaction_hazard(
        quarterly_background_hazard(background_attrition(total, to_parties)), compute_short,
        autonomy_short, b.compute_shortfall_elasticity, b.autonomy_shortfall_elasticity,
    )
    offers = [
        _rival_offers(rival, pay, package, compute, autonomy, coefficients, multiple)
        for rival in scenario.rivals
    ]
    return Assessment(
        pay=pay, package=package, compute=compute, autonomy=autonomy, total_attrition=total,
        to_parties=to_parties, background_attrition=annual_attrition(hazard),
        synthetic_grant=synthetic, coefficients=coefficients, tender_fill=fill,
        offers=offers, policies=policies,
    )


def _tender_terms(lp: TendersSpec, firm: Firm, pay: PayArrays) -> tuple[TenderTerms, float]:
    """Tender terms and the expected pro-rata fill of one window.

    Expected requests per window are ``participation`` times each eligible holder's sellable
    slice of a year's vest (at the tender price) divided by the windows a year; buyers take
    ``capacity_per_window_usd`` (and, for a company buyback, at most ``firm.cash``).
    """
    price = firm.equity.common_to_preferred * (1.0 - lp.discount)
    annual = pay.equity_grant_per_year * price
    share = sellable_share(lp.cap_share_of_vested, annual, lp.windows_per_year,
                           lp.cap_per_person_usd)
    per_window = share * annual / lp.windows_per_year
    capacity = np.inf if lp.capacity_per_window_usd is None else lp.capacity_per_window_usd
    if lp.buyer == "company":
        capacity = min(capacity, firm.cash)
    cleared = clear_tender(
        per_window, lp.participation * per_window, capacity,
        eligible=pay.tenure_years >= lp.holding_years,
    )
    fill = float(cleared.factor)
    terms = TenderTerms(
        windows_per_year=lp.windows_per_year, holding_years=lp.holding_years,
        cap_share_of_vested=lp.cap_share_of_vested,
        cap_per_person_per_window=lp.cap_per_person_usd, discount=lp.discount, fill=fill,
    )
    return terms, fill


def _rival_offers(
    rival: Rival,
    pay: PayArrays,
    package: PackageValue,
    compute: LabCompute | None,
    autonomy: np.ndarray,
    coefficients: Coefficients,
    multiple: float | None,
) -> RivalOffers:
    dist = rival.offer_multiple if multiple is None else ConstantMultiple(
        dist="constant", value=multiple
    )
    nodes, weights, median, mean = multiple_nodes(dist)
    nominal = nominal_package(pay.cash, pay.equity_grant_per_year)
    stay = package.stay_value
    n = len(stay)
    if compute is not None and rival.compute_per_researcher_gpu_hours is not None:
        own = np.maximum(compute.access.total, np.finfo(float).tiny)
        compute_ratio = rival.compute_per_researcher_gpu_hours / own
    else:
        compute_ratio = np.ones(n)
    gap_a = np.zeros(n) if rival.autonomy is None else rival.autonomy - autonomy

    def value_at(m: np.ndarray | float) -> np.ndarray:
        return offer_value(m, nominal, rival.liquid_share, rival.illiquid_discount,
                           rival.buyout_share, package.forfeit)

    grid = value_at(nodes[:, None]) / stay
    probs = p_accept(coefficients, grid, compute_ratio, gap_a, rival.friction)
    at_mean = value_at(mean)
    at_median = value_at(median)
    c = coefficients
    if c.beta_comp > 0:
        others = (c.beta_compute * np.log(compute_ratio) + c.beta_autonomy * gap_a
                  - c.beta_friction * rival.friction)
        needed = at_median * np.exp(others / c.beta_comp)
        gap = np.maximum(0.0, needed - stay)
    else:
        gap = np.full(n, np.nan)
    return RivalOffers(
        rival=rival, median_multiple=median, expected_multiple=mean,
        expected_offer=mean * nominal, offer_value=at_mean, comp_ratio=at_mean / stay,
        compute_ratio=compute_ratio, autonomy_gap=gap_a, p_accept=weights @ probs,
        p_accept_median=p_accept(coefficients, at_median / stay, compute_ratio, gap_a,
                                 rival.friction),
        gap=gap,
    )
