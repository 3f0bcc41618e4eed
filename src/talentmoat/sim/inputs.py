"""The engine's inputs as plain arrays: what strategies share, each hiring party, each strategy.

No schema here: :mod:`talentmoat.sim.setup` builds these from a validated scenario, and the
engine (:mod:`talentmoat.sim.engine`) reads only them, so importing the engine pulls neither
pydantic, YAML nor NetworkX.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class World:
    """What every strategy shares (arrays over components have shape (C,)).

    Attributes:
        weights: Component weights ``w``.
        replication_cost: Replication cost per component (USD).
        valuation: ``V_0`` (USD).
        financial_moat: ``φ_fin``.
        lead0: The lab's starting lead ``lead_0 > 0`` (baseline, everyone in post).
        backfill_quarters: Quarters a seat stays vacant.
        learning_rate: ``η``.
        newcomer_knowledge: ``K_new``.
        role_of: Role index per seat, shape (N,).
        n_roles: Number of roles.
        a0: The lab's advance a quarter with the full roster (§G.1).
        gamma: ``γ``, elasticity of the advance on the tacit know-how in post.
        kappa: ``κ``, elasticity on directed compute per researcher.
        exploration_gain: Advance gained per unit of blue-sky share.
        absorption_quarters: Quarters before a hire's know-how counts for the party.
        discount_rate: Annual discount rate of lab value and costs.
    """

    weights: np.ndarray
    replication_cost: np.ndarray
    valuation: float
    financial_moat: float
    lead0: float
    backfill_quarters: int
    learning_rate: float
    newcomer_knowledge: float
    role_of: np.ndarray
    n_roles: int
    a0: float
    gamma: float
    kappa: float
    exploration_gain: float
    absorption_quarters: int
    discount_rate: float


@dataclass(frozen=True)
class RaidTerms:
    """A party's surge: quarters ``start .. start + quarters − 1`` (MODEL.md §I).

    Attributes:
        start: First quarter (0-based).
        quarters: Length in quarters.
        offers_per_quarter: Offers a quarter during the raid (instead of the usual).
        multiple_scale: Factor on the offer multiple during the raid.
    """

    start: int
    quarters: int
    offers_per_quarter: float
    multiple_scale: float


@dataclass(frozen=True)
class HiringParty:
    """One party that makes offers and rebuilds (arrays over seats have shape (N,)).

    Attributes:
        name: The party's name (a rival, or ``portfolio:<company>``).
        offers_per_quarter: Expected offers a quarter (the fractional part is a Bernoulli draw).
        multiple_median: Median offer multiple.
        multiple_sigma: Lognormal sigma of the multiple (0: constant).
        offer_face: Value to the person per unit of multiple (USD/yr), shape (N,).
        buyout: Value of the party's buy-out of the forfeit (USD/yr), shape (N,).
        utility_rest: ``α_r`` plus the compute, autonomy and friction terms of ``ΔU``, shape (N,).
        theta: Targeting exponent ``θ``.
        reach: Multiplier of its targeting weight per seat, shape (N,) (leaked maps, a portfolio
            company's access through its investor).
        rebuild_per_quarter: Growth of its own coverage a quarter, shape (C,).
        initial_own: Its own coverage at the start, shape (C,).
        raids: Its raids, none overlapping (:func:`offer_terms`).
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
    raids: tuple[RaidTerms, ...] = ()


def offer_terms(party: HiringParty, t: int) -> tuple[float, float]:
    """Offers a quarter and the factor on the multiple that a party uses in quarter t."""
    for raid in party.raids:
        if raid.start <= t < raid.start + raid.quarters:
            return raid.offers_per_quarter, raid.multiple_scale
    return party.offers_per_quarter, 1.0


@dataclass(frozen=True)
class Setup:
    """A strategy's static inputs; arrays over seats have shape (N,), knowledge (N, C).

    Attributes:
        name: Strategy name.
        policies: Policies in force.
        K: Knowledge of each seat's first occupant, shape (N, C).
        tacit: Tacit share of each component, shape (C,) (compartmentalization documents part
            of what the organisation holds).
        target: Level a newcomer in the seat learns toward, shape (N, C).
        visibility: Visibility to parties, shape (N,).
        stay_value: Risk-adjusted package (USD/yr), shape (N,).
        beta_comp: Weight of ``ln(offer/stay)`` in ``ΔU``.
        hazard: Quarterly background hazard, shape (N,).
        parties: The hiring parties: the rivals, then the portfolio companies.
        counter_share: Share of an offer's gap the lab matches (0: no counter), shape (N,).
        counter_cap: Cap on a counter-offer (USD/yr), shape (N,).
        counter_years: Years of a counter-offer the lab pays when the person stays.
        cost_per_seat: Lab cost a quarter of each seat in post (USD), shape (N,).
        units_per_seat: Grant-date fair value of the synthetic units granted a quarter to each
            seat in post (USD), the lab's cost, shape (N,).
        unit_payout_per_seat: Units' payout a quarter at a full metric hit (USD), shape (N,);
            the realised payout scales it by the share of the starting lead held.
        tender_cash_per_seat: Tender proceeds paid to each seat in post a quarter (USD), (N,).
        tender_is_lab_cost: Whether the lab itself buys in the tenders.
        fixed_cost: Lab cost a quarter independent of headcount (USD).
        one_off_cost: Lab cost in the first quarter (USD), e.g. documentation.
        nonpoach_request: Whether the lab has asked its investors not to poach.
        blue_sky_share: ``b``, the blue-sky share of the cluster (0 without the reserve).
        directed_ratio: ``D / D_0``, directed compute per researcher against the baseline.
        drag: Coordination drag on the advance (share of ``a_t``).
        diffusion: ``d_pub``, what rivals learn a quarter of the lab's lead over them.
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
    parties: list[HiringParty]
    counter_share: np.ndarray
    counter_cap: np.ndarray
    counter_years: float
    cost_per_seat: np.ndarray
    units_per_seat: np.ndarray
    unit_payout_per_seat: np.ndarray
    tender_cash_per_seat: np.ndarray
    tender_is_lab_cost: bool
    fixed_cost: float
    one_off_cost: float
    nonpoach_request: bool
    blue_sky_share: float
    directed_ratio: float
    drag: float
    diffusion: float


@dataclass(frozen=True)
class Shock:
    """A poach shock: at the start of quarter 0 a party hires given seats (MODEL.md §I).

    Pairs ``(rows[m], seats[m])`` name a seat of a replication of the block, so one block can
    shock a different person in each group of rows (every person's value in one run).

    Attributes:
        party: Index of the hiring party in ``Setup.parties``.
        rows: Replication rows of the block, sorted, int shape (M,).
        seats: Seat hired in each row, distinct within a row, int shape (M,).
    """

    party: int
    rows: np.ndarray
    seats: np.ndarray
