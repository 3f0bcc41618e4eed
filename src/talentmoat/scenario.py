"""The scenario schema: what a scenario file may say, validated with pydantic v2.

A scenario is one YAML file (read strictly by :mod:`talentmoat.safeyaml`) plus, optionally, a
roster CSV beside it. Each section maps to a part of the model in ``docs/model.md``; later
sections (firm, rivals, behaviour, investors, strategies) extend this schema rather than replace
it.

Loading and error reporting live in :mod:`talentmoat.loader`; this module only declares shapes
and the rules between fields.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from talentmoat.limits import MAX_QUARTERS, MAX_REPLICATIONS, MAX_SEED

WEIGHT_TOLERANCE = 1e-6
"""How far the component weights may sum from 1."""

ComponentId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]

MAX_VEST_YEARS = 10.0
"""Longest vesting period accepted (years)."""

MAX_TENURE_YEARS = 60.0
"""Longest tenure accepted (years)."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A share or probability in [0, 1]."""


def _at_most(cap: float, shown: str, reason: str) -> AfterValidator:
    """A cap whose message says why: ``at most <shown>: <reason>``."""

    def check(value: float) -> float:
        if value > cap:
            raise ValueError(f"at most {shown}: {reason}")
        return value

    return AfterValidator(check)


MAX_BUDGET_S = 600.0
"""Cap on every wall-clock budget (seconds)."""

_BUDGET_REASON = ("it bounds a whole command's exact searches (every k together), which rarely "
                  "prove more after a few minutes; without a proof the best answer and its "
                  "proven bound are reported")

MAX_CASCADE_SAMPLES = 1_000_000
"""Cap on the Monte Carlo live-edge graphs of one cascade."""


class _Strict(BaseModel):
    """Base for every section: unknown keys are errors, so a typo never passes silently.

    Every number must be finite (``inf``, ``1e309`` and ``nan`` are errors). The loader validates
    files in strict mode, so ``true`` is not a number and ``4.0`` not a count.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Component(_Strict):
    """One part of the blueprint (MODEL.md §A).

    Attributes:
        id: Identifier, lower-case letters, digits and underscores (e.g. ``data_curation``).
        weight: Share of the blueprint's value, in [0, 1]; all weights sum to 1.
        replication_cost: R&D dollars a rival spends to rebuild it without insiders (USD).
        tacit: Share of the component that lives only in people's heads, in [0, 1].
    """

    id: ComponentId
    weight: float = Field(ge=0.0, le=1.0)
    replication_cost: float = Field(ge=0.0)
    tacit: float = Field(ge=0.0, le=1.0)


class Blueprint(_Strict):
    """The lab's blueprint as weighted components."""

    components: list[Component] = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _weights_and_ids(self) -> Blueprint:
        ids = [c.id for c in self.components]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"component ids must be unique; repeated: {', '.join(dupes)}")
        total = sum(c.weight for c in self.components)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise ValueError(
                f"component weights sum to {total:.6g}; they must sum to 1 (±{WEIGHT_TOLERANCE:g})"
            )
        return self

    @property
    def ids(self) -> list[str]:
        """Component ids in file order (the column order of every knowledge matrix)."""
        return [c.id for c in self.components]

    @property
    def weights(self) -> np.ndarray:
        """Weights ``w``, shape (C,)."""
        return np.array([c.weight for c in self.components])

    @property
    def replication_costs(self) -> np.ndarray:
        """Replication costs in USD, shape (C,)."""
        return np.array([c.replication_cost for c in self.components])

    @property
    def tacit(self) -> np.ndarray:
        """Tacit shares, shape (C,)."""
        return np.array([c.tacit for c in self.components])


class Beta(_Strict):
    """Knowledge drawn from Beta(a, b); mean a / (a + b)."""

    dist: Literal["beta"]
    a: float = Field(gt=0.0)
    b: float = Field(gt=0.0)


class Uniform(_Strict):
    """Knowledge drawn uniformly from [low, high] ⊆ [0, 1]."""

    dist: Literal["uniform"]
    low: float = Field(ge=0.0, le=1.0)
    high: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class Constant(_Strict):
    """The same knowledge level for everyone in the cohort."""

    dist: Literal["constant"]
    value: float = Field(ge=0.0, le=1.0)


Distribution = Annotated[Beta | Uniform | Constant, Field(discriminator="dist")]


class Specialties(_Strict):
    """Deep knowledge of a few components per person, chosen at random.

    Each person in the cohort gets ``count`` distinct components drawn uniformly from ``among``
    (all components if empty); on those, knowledge is drawn from ``knowledge`` instead of the
    cohort's per-component distribution.
    """

    count: int = Field(ge=1, le=64)
    among: list[ComponentId] = Field(default_factory=list)
    knowledge: Distribution


class Cohort(_Strict):
    """A group of people generated deterministically from the scenario seed.

    Attributes:
        role: Role label shared by the cohort (e.g. ``core``).
        count: Number of people.
        knowledge: Distribution of ``K[i, c]`` per component id; the key ``default`` covers the
            components not named.
        specialties: Optional deep specialisms per person (overrides ``knowledge`` on them).
        cash: Salary and bonus per person (USD a year); the role default when absent.
        equity_grant_per_year: Equity granted per year at the preferred price (USD a year).
        vest_years: Vesting period of a grant (years).
        tenure_years: Tenure of everyone in the cohort (years).
    """

    role: str = Field(min_length=1, max_length=64)
    count: int = Field(ge=1, le=1_000_000)
    knowledge: dict[str, Distribution]
    specialties: Specialties | None = None
    cash: float | None = Field(default=None, ge=0.0)
    equity_grant_per_year: float | None = Field(default=None, ge=0.0)
    vest_years: float | None = Field(default=None, gt=0.0, le=MAX_VEST_YEARS)
    tenure_years: float | None = Field(default=None, ge=0.0, le=MAX_TENURE_YEARS)


class Roster(_Strict):
    """Who works at the lab: a CSV file (path relative to the scenario) or generated cohorts.

    ``roster: roster.csv`` is short for ``roster: {csv: roster.csv}``.

    Attributes:
        csv: The roster CSV.
        cohorts: Generated cohorts instead.
        core_per_component: With ``csv``: people whose ``role`` is empty (or who have no role
            column) get one by rule: the ``core_per_component`` largest holders of each component
            (``K > 0``, ties in file order) are ``core``, everyone else ``contributor``. Absent:
            roles stay as the file gives them.
    """

    csv: str | None = Field(default=None, min_length=1)
    cohorts: list[Cohort] | None = Field(default=None, min_length=1)
    core_per_component: int | None = Field(default=None, ge=1, le=10_000)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        return {"csv": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _exactly_one(self) -> Roster:
        if (self.csv is None) == (self.cohorts is None):
            raise ValueError("give exactly one of 'csv' (a roster file) or 'cohorts'")
        if self.core_per_component is not None and self.csv is None:
            raise ValueError("core_per_component assigns roles to a roster csv; cohorts have "
                             "their roles")
        return self


class Plan(_Strict):
    """Defaults of the compartmentalization planner (MODEL.md §A, firewall 1).

    Attributes:
        max_components: Cap ``m`` on the components one person may hold deeply.
        redundancy: Floor ``r`` on the deep holders each component keeps.
        time_budget_s: Wall-clock limit of the planner's integer program, in seconds (the
            ``plan`` command's exposure searches have ``knowledge.exact_time_budget_s``).
        residual: Knowledge left to a person who loses deep access to a component (below the
            hold threshold): ``K' = min(K, residual)``.
        org_holds: Components the organisation holds in documents and systems; under the plan
            nobody keeps deep access to them (capped at ``residual``) and no floor applies.
    """

    max_components: int = Field(default=2, ge=1, le=64)
    redundancy: int = Field(default=3, ge=1, le=1000)
    residual: float = Field(default=0.1, ge=0.0, le=1.0)
    org_holds: list[ComponentId] = Field(default_factory=list)
    time_budget_s: Annotated[float, Field(ge=0.0),
                             _at_most(MAX_BUDGET_S, "600 s", _BUDGET_REASON)] = 30.0


class KnowledgeSettings(_Strict):
    """Parameters of the knowledge measures.

    Attributes:
        hold_threshold: A person holds a component when ``K >= hold_threshold``.
        exact_time_budget_s: Wall-clock budget of one command's exact searches (the truck factor
            and the poach-k optima of every k together), in seconds.
        plan: Planner defaults.
    """

    hold_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    exact_time_budget_s: Annotated[float, Field(ge=0.0),
                                   _at_most(MAX_BUDGET_S, "600 s", _BUDGET_REASON)] = 5.0
    plan: Plan = Plan()


# --- Economics, compute and behaviour (MODEL.md §C–E; defaults: refs/economics.md §8) ---------


class Pay(_Strict):
    """Default pay of a role (MODEL.md §C); the defaults are the §8 lean-lab core package.

    Attributes:
        cash: Salary and bonus (USD a year). Default 0.4 M$ (§8, assumption).
        equity_grant_per_year: Equity granted per year at the preferred price (USD a year).
            Default 2 M$ (§8, assumption).
        vest_years: Vesting period (years). Default 4 (§8).
        tenure_years: Tenure (years). Default 2 (assumption: the tender holding period is served).
    """

    cash: float = Field(default=4.0e5, ge=0.0)
    equity_grant_per_year: float = Field(default=2.0e6, ge=0.0)
    vest_years: float = Field(default=4.0, gt=0.0, le=MAX_VEST_YEARS)
    tenure_years: float = Field(default=2.0, ge=0.0, le=MAX_TENURE_YEARS)


PROBABILITY_TOLERANCE = 1e-6
"""How far exit-scenario probabilities may sum from 1."""


class ExitScenario(_Strict):
    """One exit scenario for PWERM (refs §1.4, §1.6).

    Attributes:
        name: Label (e.g. ``ipo``, ``acquired``, ``failed``, ``private``).
        probability: Chance of this exit, in [0, 1]; all sum to 1.
        years: Years until it happens.
        payoff_per_preferred_dollar: What a common share is worth at that exit per dollar of
            today's preferred price (USD per USD; 0 for a failure).
    """

    name: str = Field(min_length=1, max_length=64)
    probability: Share
    years: float = Field(gt=0.0, le=50.0)
    payoff_per_preferred_dollar: float = Field(ge=0.0, le=1.0e4)


class EquityValuation(_Strict):
    """How the lab's private equity is valued for an employee (MODEL.md §C).

    Attributes:
        common_to_preferred: Per-share common/preferred value ratio from the OPM breakpoints.
            Default 0.72 (refs §1.3, Oracle 3).
        sigma: Equity volatility per √year. Default 0.6 (§8; range 0.5–0.8).
        time_to_liquidity_years: Expected wait for an IPO or sale without tenders (years).
            Default 6 (§1.6, §8; range 4–14).
        dlom_model: DLOM model: ``finnerty`` (default, §8), ``chaffe``, ``ghaidarov`` or
            ``longstaff``.
        risk_free_rate: Risk-free rate per year (Chaffe DLOM). Default 0.04 (refs §1.5 table).
        cliff_years: Vesting cliff (years). Default 1 (assumption: market practice).
        vests_per_year: Vesting tranches a year after the cliff. Default 4 (assumption).
        exits: Exit scenarios; when given, PWERM values the illiquid equity instead of
            ``common_to_preferred · (1 − DLOM)`` (MODEL.md §C). Base rates: refs §1.6.
        exit_discount_rate: Annual discount rate ``k`` of the PWERM. Default 0.25 (refs §1.4
            example; assumption: a venture hurdle rate).
    """

    common_to_preferred: float = Field(default=0.72, gt=0.0, le=1.0)
    sigma: float = Field(default=0.6, gt=0.0, le=3.0)
    time_to_liquidity_years: float = Field(default=6.0, gt=0.0, le=30.0)
    dlom_model: Literal["finnerty", "chaffe", "ghaidarov", "longstaff"] = "finnerty"
    risk_free_rate: float = Field(default=0.04, ge=-0.05, le=0.5)
    cliff_years: float = Field(default=1.0, ge=0.0, le=MAX_VEST_YEARS)
    vests_per_year: int = Field(default=4, ge=1, le=12)
    exits: list[ExitScenario] = Field(default_factory=list, max_length=100)
    exit_discount_rate: float = Field(default=0.25, gt=-1.0, le=5.0)

    @model_validator(mode="after")
    def _exits_sum_to_one(self) -> EquityValuation:
        if self.exits:
            total = sum(e.probability for e in self.exits)
            if abs(total - 1.0) > PROBABILITY_TOLERANCE:
                raise ValueError(f"exits: probabilities sum to {total:.6g}; they must sum to 1")
        return self


class Team(_Strict):
    """A team of the directed compute allocation (MODEL.md §D): everyone with one role.

    Attributes:
        role: The role whose members form the team.
        share: Raw fair-share shares (normalised over all teams).
        priority: Higher priorities are served first.
        usage: The team's recent (decayed) share of cluster usage, in [0, 1]; enters the
            fair-share factor ``2^(−U/S)`` when the team's tier is oversubscribed.
        demand_per_person: GPU-hours a quarter each member can use; unlimited when absent.
    """

    role: str = Field(min_length=1, max_length=64)
    share: float = Field(gt=0.0)
    priority: int = Field(default=0, ge=-1000, le=1000)
    usage: Share = 0.0
    demand_per_person: float | None = Field(default=None, ge=0.0)


class FirmCompute(_Strict):
    """The lab's cluster.

    Attributes:
        gpu_hours_per_quarter: Capacity ``G`` (GPU-hours a quarter).
        price_per_gpu_hour: Price used to cost compute (USD per GPU-hour). Default 2.0
            (assumption).
        teams: Directed-allocation teams; when empty every role is a team with shares in
            proportion to headcount, equal priority, no usage and unlimited demand.
        fair_share: How the fair-share factor ``F`` of an oversubscribed tier is computed:
            ``classic`` (default, ``2^(−U/S)`` as in MODEL.md §D) or ``fair_tree`` (Slurm's
            default since 19.05, refs §4.1/§8: ``rank / N`` by level fairshare ``S/U``).
    """

    gpu_hours_per_quarter: float = Field(gt=0.0)
    price_per_gpu_hour: float = Field(default=2.0, ge=0.0)
    teams: list[Team] = Field(default_factory=list)
    fair_share: Literal["classic", "fair_tree"] = "classic"

    @model_validator(mode="after")
    def _roles_once(self) -> FirmCompute:
        roles = [t.role for t in self.teams]
        repeated = sorted({r for r in roles if roles.count(r) > 1})
        if repeated:
            raise ValueError(f"teams: each role once; repeated: {', '.join(repeated)}")
        return self


class Moat(_Strict):
    """The split of the lab's value (MODEL.md §G): ``V_t = V_0 (φ_fin + φ_int · lead_t / lead_0)``.

    Attributes:
        financial: ``φ_fin``, the share of value held by capital and compute; the rest,
            ``φ_int = 1 − φ_fin``, rides on the blueprint lead. Default 0.25: a lean lab whose
            moat is intellectual (design brief; assumption).
    """

    financial: Share = 0.25

    @property
    def intellectual(self) -> float:
        """``φ_int = 1 − φ_fin``."""
        return 1.0 - self.financial


RoleTable = dict[str, Annotated[float, Field(ge=0.0, lt=1.0)]]
"""Values by role; the key ``default`` covers the roles not listed."""


class Attrition(_Strict):
    """Observed annual attrition by role, the target of the calibration (MODEL.md §E).

    Attributes:
        total: Observed total annual attrition per role (key ``default`` for roles not listed),
            in [0, 1). Default 0.11 (refs §3.3: SignalFire-implied 10.6–11.7 % a year).
        to_parties: Share of that attrition that goes to the modelled hiring parties (rivals
            and portfolio companies), in [0, 1). Default 0.3 (assumption).
    """

    total: RoleTable = Field(default_factory=lambda: {"default": 0.11})
    to_parties: RoleTable = Field(default_factory=lambda: {"default": 0.3})


class Diffusion(_Strict):
    """What rivals learn a quarter from what the lab publishes, by publication policy (§G.3).

    Attributes:
        open: ``d_pub`` under ``open``. Default 0.06 (assumption).
        review: Under ``review``. Default 0.03 (assumption).
        closed: Under ``closed``. Default 0.01 (assumption).
    """

    open: Share = 0.06
    review: Share = 0.03
    closed: Share = 0.01


class Frontier(_Strict):
    """The lab's moving frontier (MODEL.md §G.1–4).

    ``a_t = a0 · (T_t / T_0)^γ · (D_t / D_0)^κ · (1 + exploration_gain · b) · (1 − drag)``.

    Attributes:
        a0: Share of the blueprint that is new each quarter with the full roster. Default 0.08
            (Ho et al. 2024, arXiv 2403.05812: compute for fixed performance halves in ~8
            months; assumption for the mapping).
        gamma: ``γ``, elasticity on the tacit know-how in post. Default 1 (assumption).
        kappa: ``κ``, elasticity on directed compute per researcher. Default 0.3 (assumption).
        exploration_gain: Gain per unit of blue-sky share ``b``. Default 0.5 (assumption).
        absorption_quarters: Quarters before a hire's know-how counts for the party. Default 1.
        diffusion: ``d_pub`` by publication policy.
    """

    a0: float = Field(default=0.08, ge=0.0, lt=1.0)
    gamma: float = Field(default=1.0, ge=0.0, le=10.0)
    kappa: float = Field(default=0.3, ge=0.0, le=10.0)
    exploration_gain: float = Field(default=0.5, ge=0.0, le=10.0)
    absorption_quarters: int = Field(default=1, ge=0, le=40)
    diffusion: Diffusion = Diffusion()


class Firm(_Strict):
    """The lab as an employer (MODEL.md §C–E).

    Attributes:
        valuation: Post-money equity value at the latest preferred round (USD).
        cash: Cash on the balance sheet (USD); reported, and the bound on company-funded tender
            buybacks when ``policies.tenders.buyer`` is ``company``.
        attrition: Observed annual attrition by role and the share of it to modelled parties;
            the background hazard and the acceptance intercepts are calibrated to it (§E).
        discount_rate: Annual rate at which lab value over the horizon is discounted. Default
            0.15 (assumption: a venture cost of capital for a private lab).
        frontier: The lab's moving frontier (§G).
        equity: Valuation of the equity.
        compute: The cluster; compute terms drop out of the move decision when absent.
        autonomy: Research freedom on a 0–1 scale before blue-sky time and publication policy.
            Default 0.5 (assumption).
        publication: Publication policy: ``open``, ``review`` (default) or ``closed``; shifts
            autonomy by ``behaviour.publication_open_effect`` / ``publication_closed_effect``.
        moat: How the lab's value splits into a financial and an intellectual moat (MODEL.md §G).
        backfill_quarters: Quarters until a leaver's seat is refilled. Default 3 (assumption).
        learning_rate: ``η``, the share of the gap to the role's level a newcomer closes each
            quarter. Default 0.15 (assumption).
        newcomer_knowledge: ``K_new``, a newcomer's knowledge of every component on arrival
            (capped at the seat's level). Default 0.05 (assumption).
        visibility: Visibility to rivals by role (key ``default`` for roles not listed); the
            chance a rival targets a person is ``∝ visibility · B({i})^θ``. Default 1.
    """

    valuation: float = Field(gt=0.0)
    cash: float = Field(default=0.0, ge=0.0)
    attrition: Attrition = Attrition()
    discount_rate: float = Field(default=0.15, ge=0.0, le=5.0)
    frontier: Frontier = Frontier()
    equity: EquityValuation = EquityValuation()
    compute: FirmCompute | None = None
    autonomy: Share = 0.5
    publication: Literal["open", "review", "closed"] = "review"
    moat: Moat = Moat()
    backfill_quarters: int = Field(default=3, ge=0, le=400)
    learning_rate: Share = 0.15
    newcomer_knowledge: Share = 0.05
    visibility: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _positive_visibility(self) -> Firm:
        bad = sorted(role for role, v in self.visibility.items() if not v > 0)
        if bad:
            raise ValueError(f"firm.visibility must be > 0; not so for {', '.join(bad)}")
        for name in ("total", "to_parties"):
            if "default" not in getattr(self.attrition, name):
                raise ValueError(f"firm.attrition.{name}: needs a 'default' entry (the value "
                                 "for roles not listed)")
        return self


class LognormalMultiple(_Strict):
    """Offer multiple drawn from a lognormal: ``median · exp(sigma · Z)``."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0.0, le=1000.0)
    sigma: float = Field(ge=0.0, le=3.0)


class ConstantMultiple(_Strict):
    """The same offer multiple for everyone."""

    dist: Literal["constant"]
    value: float = Field(gt=0.0, le=1000.0)


OfferMultiple = Annotated[LognormalMultiple | ConstantMultiple, Field(discriminator="dist")]


class Raid(_Strict):
    """A rival's time-limited surge of offers (MODEL.md §I), e.g. the 2025 raids.

    Attributes:
        start_quarter: First quarter of the raid (0-based), inside the horizon.
        quarters: How many quarters it lasts (it must end within ``simulation.quarters``).
        hires_per_quarter: Offers the rival makes a quarter during the raid, instead of its
            usual ``hires_per_quarter``.
        offer_multiple_scale: Factor on its offer multiple during the raid (refs/economics.md
            §3.3: 2–5× the usual in 2025).
    """

    start_quarter: int = Field(ge=0, le=400)
    quarters: int = Field(ge=1, le=400)
    hires_per_quarter: float = Field(gt=0.0, le=10_000.0)
    offer_multiple_scale: float = Field(gt=0.0, le=100.0)


class Rival(_Strict):
    """A rival that makes offers (MODEL.md §C–E).

    Attributes:
        name: Unique name.
        hires_per_quarter: Offers it makes a quarter. Default 1 (assumption).
        offer_multiple: Multiple of the person's nominal package ``cash + G_pref``. Default
            lognormal with median 2.5, sigma 0.35 (§8: 2–3× for hyperscalers; assumption for the
            spread).
        liquid_share: Share of the offer in cash or public stock, at face. Default 0.9
            (assumption: a hyperscaler pays salary and liquid RSUs).
        illiquid_discount: The rival's own discount on the rest. Default 0.24 (Finnerty at
            σ = 0.6, T = 4; refs §1.5).
        buyout_share: Share of the person's forfeit the rival buys out. Default 0 (assumption:
            none unless stated).
        compute_per_researcher_gpu_hours: ``A_j``, GPU-hours a quarter per researcher; the
            compute term drops out when absent.
        autonomy: ``a_j`` on the 0–1 scale; the autonomy term drops out when absent.
        friction: Relocation, visas, national restrictions, 0–1. Default 0.
        targeting_exponent: ``θ``: how sharply it aims at the people holding most (a person is
            targeted ``∝ visibility · B({i})^θ``). Default 1.5 (assumption).
        rebuild_rate_per_quarter: R&D dollars a quarter it spends rebuilding the blueprint
            itself. Default 0.
        rebuild_focus: How it splits that spend over components (shares by component id,
            normalised); default: in proportion to the components' weights.
        initial_coverage: Its own coverage ``own[j, c]`` of each component at the start, in
            [0, 1]: one number for all, or a map by component id (missing ones 0). Default 0.
        raids: Time-limited surges of offers, none overlapping another (default none).
    """

    name: str = Field(min_length=1, max_length=100)
    hires_per_quarter: float = Field(default=1.0, ge=0.0, le=10_000.0)
    offer_multiple: OfferMultiple = LognormalMultiple(dist="lognormal", median=2.5, sigma=0.35)
    liquid_share: Share = 0.9
    illiquid_discount: Share = 0.24
    buyout_share: Share = 0.0
    compute_per_researcher_gpu_hours: float | None = Field(default=None, gt=0.0)
    autonomy: Share | None = None
    friction: Share = 0.0
    targeting_exponent: float = Field(default=1.5, ge=0.0, le=20.0)
    rebuild_rate_per_quarter: float = Field(default=0.0, ge=0.0)
    rebuild_focus: dict[str, float] = Field(default_factory=dict)
    initial_coverage: Share | dict[str, Share] = 0.0
    raids: list[Raid] = Field(default_factory=list, max_length=100)


# --- Investors, the proxy problem and the antitrust line (MODEL.md §F; refs §6–8) -----------


class Tie(_Strict):
    """A tie through which a talent map may leak (one chance, independent cascade).

    Attributes:
        to: The node reached: an investor, a portfolio company, a rival, or a party declared
            in ``investors.parties``.
        leak_probability: Chance the map passes along this tie, in [0, 1]. refs §8: 0.3 to a
            portfolio company (assumption).
    """

    to: str = Field(min_length=1, max_length=100)
    leak_probability: Share


class PortfolioCompany(_Strict):
    """A company an investor holds that wants the same people (a hiring party in the simulation).

    Attributes:
        name: Unique node name; the simulation calls the hiring party ``portfolio:<name>``.
        stake: ``s_vp``, the investor's stake in it, in [0, 1].
        ai_hires_per_year: AI hires it wants a year; one offer per wanted hire (like a rival's
            ``hires_per_quarter``), aimed at the lab only through its investor or a leaked map.
        uplift_per_hire: Value one hire adds to the company (USD per hire).
        offer_multiple: Multiple of the person's nominal package. Default lognormal with median
            2.0, sigma 0.35 (assumption: below a hyperscaler's 2–3×, refs §8).
        liquid_share: Share of the offer in cash, at face. Default 0.5 (assumption: a
            venture-backed company pays partly in its own illiquid equity).
        illiquid_discount: The person's discount on the rest. Default 0.24 (Finnerty at
            σ = 0.6, T = 4; refs §1.5).
        friction: Relocation and similar frictions, 0–1. Default 0.
        targeting_exponent: ``θ`` of its targeting. Default 1.5 (as rivals; assumption).
    """

    name: str = Field(min_length=1, max_length=100)
    stake: Share
    ai_hires_per_year: float = Field(ge=0.0, le=10_000.0)
    uplift_per_hire: float = Field(ge=0.0)
    offer_multiple: OfferMultiple = LognormalMultiple(dist="lognormal", median=2.0, sigma=0.35)
    liquid_share: Share = 0.5
    illiquid_discount: Share = 0.24
    friction: Share = 0.0
    targeting_exponent: float = Field(default=1.5, ge=0.0, le=20.0)


class Investor(_Strict):
    """One investor in the lab (MODEL.md §F).

    Attributes:
        name: Unique node name.
        stake: ``s_v``, its stake in the lab, in [0, 1].
        portfolio: Companies it holds that want AI hires.
        agreed_to_request: Whether it was asked and agreed not to poach (``honours_v = 1`` under
            the ``nonpoach_request`` strategy). Default true.
        reputation_cost: ``reputation_cost_v``: what breaking its word costs it (USD). Default 0.
        discount_factor: ``δ`` per year of the repeated game. Default 0.9 (assumption).
        deal_flow_loss_per_year: ``L``, deal flow lost a year once other founders and funds
            punish a defector (USD). Default 0 (assumption: none unless stated).
        ties: Ties through which its talent map leaks (to its portfolio founders, other funds,
            recruiters).
    """

    name: str = Field(min_length=1, max_length=100)
    stake: Share
    portfolio: list[PortfolioCompany] = Field(default_factory=list, max_length=100)
    agreed_to_request: bool = True
    reputation_cost: float = Field(default=0.0, ge=0.0)
    discount_factor: float = Field(default=0.9, ge=0.0, lt=1.0)
    deal_flow_loss_per_year: float = Field(default=0.0, ge=0.0)
    ties: list[Tie] = Field(default_factory=list, max_length=1000)


class Party(_Strict):
    """A node of the investors' network bound by nothing (a founder, fund or recruiter).

    Attributes:
        name: Unique node name.
        kind: ``founder``, ``fund``, ``recruiter`` or ``other`` (informational).
        ties: Its own ties, used when ``investors.leak_depth`` > 1.
    """

    name: str = Field(min_length=1, max_length=100)
    kind: Literal["founder", "fund", "recruiter", "other"] = "other"
    ties: list[Tie] = Field(default_factory=list, max_length=1000)


class Investors(_Strict):
    """The syndicate, its network and the non-poach request (MODEL.md §F).

    Attributes:
        syndicate: The investors.
        parties: Further nodes of the network (ties may name them).
        formal_agreement: Whether a *formal* no-poach agreement is declared. Loading works; the
            commands warn (per se illegal in the US, a cartel in the EU) and the model treats it
            as unenforceable: exactly the informal request. Default false.
        leak_depth: Hops a talent map travels from its investor; 0 switches the proxy leakage
            off. Default 1 (MODEL.md §F: one degree).
        map_size: The talent map lists the lab's top ``map_size`` people by ``B({i})``.
            Default 20 (refs §8: the core of 20; assumption).
        map_visibility_boost: A party holding the map sees a mapped person's visibility
            multiplied by ``1 + boost`` (in expectation: ``1 + boost · P(reached)``). Default 1
            (assumption: a map doubles how visible the key people are).
        enforcement: What holds an investor who agreed to the request: ``reputation`` (its
            ``reputation_cost``; default) or ``repeated_game`` (the grim-trigger deterrent
            ``δ / (1 − δ) · L``).
        exact_max_edges: Cascade reach is exact (live-edge enumeration) up to this many edges,
            Monte Carlo above. Default 16.
        cascade_samples: Monte Carlo live-edge graphs (at most 1,000,000). Default 20000.
        valuation_replications: Replications of the one-person shocks that price each key
            person's departure to each portfolio company, ``ΔV_lab(i → p)`` (MODEL.md §F, §I).
            Default 64 (as ``talentmoat people``; assumption: ±$0.5B on a $50B lab's key people
            at 95 %, enough to place them against the investors' thresholds).
    """

    syndicate: list[Investor] = Field(default_factory=list, max_length=100)
    parties: list[Party] = Field(default_factory=list, max_length=1000)
    formal_agreement: bool = False
    leak_depth: int = Field(default=1, ge=0, le=20)
    map_size: int = Field(default=20, ge=0, le=1_000_000)
    map_visibility_boost: float = Field(default=1.0, ge=0.0, le=100.0)
    enforcement: Literal["reputation", "repeated_game"] = "reputation"
    exact_max_edges: int = Field(default=16, ge=0, le=18)
    cascade_samples: Annotated[int, Field(ge=100), _at_most(
        MAX_CASCADE_SAMPLES, "1,000,000", "a million live-edge graphs give every reach "
        "probability a standard error below 0.0005; more costs time and memory, not "
        "precision")] = 20_000
    valuation_replications: int = Field(default=64, ge=2, le=100_000)

    def check_nodes(self, rivals: list[str]) -> None:
        """Raise ValueError unless names are unique and every tie names a known node."""
        names = ([v.name for v in self.syndicate] + [p.name for v in self.syndicate
                 for p in v.portfolio] + [p.name for p in self.parties] + rivals)
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError("investors: investor, portfolio company, party and rival names "
                             f"must be unique; repeated: {', '.join(repeated)}")
        known = set(names)
        sources = [(f"syndicate[{n}]", v.ties) for n, v in enumerate(self.syndicate)]
        sources += [(f"parties[{n}]", p.ties) for n, p in enumerate(self.parties)]
        for where, ties in sources:
            for k, tie in enumerate(ties):
                if tie.to not in known:
                    raise ValueError(
                        f"investors.{where}.ties[{k}].to: unknown node '{tie.to}'; name an "
                        "investor, a portfolio company or a rival, or declare it in "
                        "investors.parties"
                    )


class Behaviour(_Strict):
    """Coefficients of the move decision (MODEL.md §E; refs §3.1).

    Attributes:
        beta_comp: Weight on ``ln(offer_value / stay_value)``. Default 2.5 (quit elasticities
            2–3, EPI).
        alpha: How the intercepts ``α_r`` are set: ``calibrated`` (default: one root per role
            so that the baseline's expected first-year departures to the modelled parties match
            ``firm.attrition``) or ``parity`` (``α = logit(p_accept_at_parity)`` for every role,
            version 1's rule; ``validate`` then warns when the baseline's first-year attrition
            is outside 0.5–2× the stated total).
        p_accept_at_parity: P(accept) of an offer at parity on every term; sets ``α`` under
            ``alpha: parity``. Default 0.10 (§8).
        beta_compute: Weight on ``ln(A_j / A_i)``. Default 0.8 (assumption).
        beta_autonomy: Weight on ``a_j − a_i``. Default 1.5 (assumption).
        beta_friction: Weight on the rival's friction. Default 1.0 (assumption).
        comparison_years: Years over which a forfeit (a stock) is spread to compare with yearly
            pay. Default 4 (assumption: the length of a typical offer package).
        autonomy_per_blue_sky_share: Autonomy gained per unit of blue-sky share of a person's
            compute. Default 0.5 (assumption).
        publication_open_effect: Autonomy shift of an open publication policy. Default +0.1
            (assumption).
        publication_closed_effect: Autonomy shift of a closed policy. Default −0.1 (assumption).
        compute_wanted_gpu_hours: GPU-hours a quarter a researcher wants; a shortfall raises the
            background hazard. No effect when absent.
        compute_shortfall_elasticity: Elasticity of the background hazard's survival exponent on
            ``ln(wanted / A_i)``. Default 0.5 (assumption).
        autonomy_wanted: Autonomy a researcher wants; no effect when absent.
        autonomy_shortfall_elasticity: Elasticity on ``wanted − a_i``. Default 1.0 (assumption).
    """

    beta_comp: float = Field(default=2.5, ge=0.0, le=100.0)
    alpha: Literal["calibrated", "parity"] = "calibrated"
    p_accept_at_parity: float = Field(default=0.10, gt=0.0, lt=1.0)
    beta_compute: float = Field(default=0.8, ge=0.0, le=100.0)
    beta_autonomy: float = Field(default=1.5, ge=0.0, le=100.0)
    beta_friction: float = Field(default=1.0, ge=0.0, le=100.0)
    comparison_years: float = Field(default=4.0, gt=0.0, le=30.0)
    autonomy_per_blue_sky_share: float = Field(default=0.5, ge=0.0, le=10.0)
    publication_open_effect: float = Field(default=0.1, ge=-1.0, le=1.0)
    publication_closed_effect: float = Field(default=-0.1, ge=-1.0, le=1.0)
    compute_wanted_gpu_hours: float | None = Field(default=None, gt=0.0)
    compute_shortfall_elasticity: float = Field(default=0.5, ge=0.0, le=100.0)
    autonomy_wanted: Share | None = None
    autonomy_shortfall_elasticity: float = Field(default=1.0, ge=0.0, le=100.0)


class TendersSpec(_Strict):
    """Tender windows, the ``tenders`` firewall (MODEL.md §C; refs §2).

    Attributes:
        enabled: Whether ``value`` and ``compute`` value packages with it by default.
        windows_per_year: Tender windows a year. Default 2 (SpaceX ~6-monthly; §8).
        cap_share_of_vested: Share of a vested holding a holder may sell per window (slices,
            §C). Default 0.2 (§8, assumption: 20–25 %).
        cap_per_person_usd: Absolute cap per person and window (USD); none when absent (OpenAI
            used $10M a person, §2).
        holding_years: Tenure before a holder may sell. Default 2 (OpenAI 2024–25, §2).
        discount: Tender price discount to the internal (common) price. Default 0 (§8: price =
            last internal value).
        participation: Share of eligible holders who sell. Default 0.37 (Carta 2021, §2).
        capacity_per_window_usd: What buyers take per window (USD); when absent buyers take all
            (no pro-rata).
        buyer: ``investors`` (default: outside backers buy) or ``company`` (a buyback, bounded by
            ``firm.cash`` per window as well).
    """

    enabled: bool = True
    windows_per_year: int = Field(default=2, ge=1, le=12)
    cap_share_of_vested: float = Field(default=0.2, gt=0.0, le=1.0)
    cap_per_person_usd: float | None = Field(default=None, gt=0.0)
    holding_years: float = Field(default=2.0, ge=0.0, le=MAX_TENURE_YEARS)
    discount: Share = 0.0
    participation: Share = 0.37
    capacity_per_window_usd: float | None = Field(default=None, ge=0.0)
    buyer: Literal["investors", "company"] = "investors"


class SyntheticEquitySpec(_Strict):
    """Synthetic equity / performance units, the ``synthetic_equity`` firewall (MODEL.md §C).

    Units pay ``pool · V_0 · metric_hit`` a year, split among eligible people in proportion to
    their equity grants; unvested units are forfeited on leaving. The lab's cost is that
    grant-date fair value; the realised payout (scaled by the lead held) is reported beside it.

    Attributes:
        enabled: Whether ``value`` values packages with it by default.
        pool_share_per_year: Pool granted a year as a share of ``firm.valuation``. Default 0.001
            (assumption).
        metric_hit: Expected share of the metric target hit, 0–1. Default 0.5 (assumption).
        vest_quarters: Quarters until units vest (cliff). Default 8 (assumption).
        roles: Eligible roles; everyone when empty.
    """

    enabled: bool = True
    pool_share_per_year: float = Field(default=0.001, ge=0.0, le=0.5)
    metric_hit: Share = 0.5
    vest_quarters: int = Field(default=8, ge=1, le=40)
    roles: list[str] = Field(default_factory=list)


DEFAULT_TOKENS = {"lead": 2.0, "core": 2.0, "research_engineer": 1.0}
"""MODEL.md §D: leads and core weighted 2, research engineers 1, other roles 0."""


class BlueSkySpec(_Strict):
    """A blue-sky compute reserve allocated by tokens, the ``blue_sky`` firewall (MODEL.md §D).

    Attributes:
        enabled: Whether ``value`` and ``compute`` value packages with it by default.
        reserve_share: Blue-sky share ``b`` of the cluster. Default 0.18 (§8: 15–20 %).
        tokens: Tokens per person by role (seniority weights); roles not listed get 0.
            Default ``{lead: 2, core: 2, research_engineer: 1}`` (MODEL.md §D).
        blue_sky_ask_per_person: What one person's project asks at most (GPU-hours a quarter);
            unlimited when absent. Each holder bids all tokens on their own project.
        buy_capacity: Whether the lab buys extra capacity for the reserve (then the reserve is
            a cash cost at ``price_per_gpu_hour`` and directed compute does not fall); by default
            the reserve is carved out of owned capacity, an opportunity cost only. Default false.
    """

    enabled: bool = True
    reserve_share: float = Field(default=0.18, ge=0.0, lt=1.0)
    tokens: dict[str, Annotated[float, Field(ge=0.0, le=1.0e6)]] = Field(
        default_factory=lambda: dict(DEFAULT_TOKENS))
    blue_sky_ask_per_person: float | None = Field(default=None, ge=0.0)
    buy_capacity: bool = False


class CompartmentalizeSpec(_Strict):
    """The ``compartmentalize`` firewall: the plan of ``knowledge.plan`` in force (§A, §G).

    Attributes:
        overhead_share: Coordination overhead in cash, as a share of the cash pay of every seat
            that loses deep access, a year. Default 0.05 (assumption).
        documented_tacit: The tacit share of the components the organisation holds becomes
            ``documented_tacit · tacit``. Default 0.3 (MODEL.md §G, assumption).
        documentation_quarters: One-off documentation cost, in quarters of the cash pay of each
            org-held component's current deep holders. Default 1 (MODEL.md §G, assumption).
        coordination_drag: Share of the lab's advance ``a_t`` lost to the compartments.
            Default 0.05 (MODEL.md §G, assumption).
    """

    overhead_share: Share = 0.05
    documented_tacit: Share = 0.3
    documentation_quarters: float = Field(default=1.0, ge=0.0, le=40.0)
    coordination_drag: float = Field(default=0.05, ge=0.0, lt=1.0)


class RetentionGrantSpec(_Strict):
    """The ``retention_grant`` policy: counter-offers that close part of an offer's gap.

    Attributes:
        match_share: Share of the gap ``offer_value − stay_value`` the lab adds. Default 0.5.
        max_per_person_usd: Cap on one counter-offer (USD a year). Default none.
        roles: Roles eligible (empty: everyone).
        grant_years: Years of the raised package the lab commits to (its cost when the person
            stays). Default 1.
    """

    match_share: Share = 0.5
    max_per_person_usd: float | None = Field(default=None, gt=0.0)
    roles: list[str] = Field(default_factory=list)
    grant_years: float = Field(default=1.0, gt=0.0, le=10.0)


class Policies(_Strict):
    """Parameters of the firewalls, under the name each has everywhere (strategy, policy).

    ``tenders``, ``synthetic_equity`` and ``blue_sky`` are off in ``value`` / ``compute``
    unless declared with ``enabled: true`` or switched on with ``--with``; every policy takes
    its defaults when a strategy names it and this section does not.
    """

    tenders: TendersSpec | None = None
    synthetic_equity: SyntheticEquitySpec | None = None
    blue_sky: BlueSkySpec | None = None
    compartmentalize: CompartmentalizeSpec | None = None
    retention_grant: RetentionGrantSpec | None = None


STRATEGY_POLICIES = ("tenders", "synthetic_equity", "blue_sky", "compartmentalize",
                     "retention_grant", "nonpoach_request", "open_science")
"""Policies a strategy may name (one name per firewall: strategy, policy and schema key)."""


class Simulation(_Strict):
    """Defaults of ``talentmoat simulate`` and ``compare`` (MODEL.md §G–H).

    Attributes:
        quarters: Horizon ``T`` in quarters. Default 16.
        replications: Monte Carlo replications ``R``. Default 200.
        baseline: Name of the strategy the others are compared with. Default ``baseline``.
        chunk: Largest number of replications per chunk. The runner shrinks chunks so that
            one chunk's random numbers and engine state fit in 256 MiB; results do not depend
            on it. Default 1000 (larger chunks amortise the per-quarter cost at small N).
    """

    quarters: int = Field(default=16, ge=1, le=MAX_QUARTERS)
    replications: int = Field(default=200, ge=1, le=MAX_REPLICATIONS)
    baseline: str = "baseline"
    chunk: int = Field(default=1000, ge=1, le=100_000)


class Scenario(_Strict):
    """A whole scenario file.

    Attributes:
        name: Short name shown in reports.
        description: Free text, including where the numbers come from.
        seed: Root of every random draw (cohort generation, later the simulation).
        currency: Currency of every money amount (informational).
        blueprint: The weighted components.
        roster: The people.
        knowledge: Parameters of the knowledge measures.
        pay: Pay defaults by role (key ``default`` for any role not listed); a roster CSV cell
            or a cohort field wins over them.
        firm: The lab as an employer (needed by ``value`` and ``compute``).
        rivals: Rivals that make offers.
        behaviour: Coefficients of the move decision.
        policies: Parameters of the firewalls (see :class:`Policies`).
        investors: The syndicate, its network and the non-poach request (MODEL.md §F); the
            strategy policy ``nonpoach_request`` makes the request.
    """

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    seed: int = Field(ge=0, le=MAX_SEED)
    currency: str = "USD"
    blueprint: Blueprint
    roster: Roster
    knowledge: KnowledgeSettings = KnowledgeSettings()
    pay: dict[str, Pay] = Field(default_factory=dict)
    firm: Firm | None = None
    rivals: list[Rival] = Field(default_factory=list, max_length=100)
    behaviour: Behaviour = Behaviour()
    policies: Policies = Policies()
    investors: Investors = Investors()
    strategies: dict[str, list[str]] = Field(default_factory=lambda: {"baseline": []})
    simulation: Simulation = Simulation()

    def role_references(self) -> list[tuple[str, str]]:
        """Every role the scenario names outside the roster, as ``(field, role)`` pairs.

        The loader checks them against the roster's roles (a name no person has does nothing,
        so it is refused rather than ignored).
        """
        refs = [(f"pay.{role}", role) for role in self.pay if role != "default"]
        if self.firm is not None:
            refs += [(f"firm.visibility.{role}", role) for role in self.firm.visibility
                     if role != "default"]
            if self.firm.compute is not None:
                refs += [(f"firm.compute.teams[{n}].role", t.role)
                         for n, t in enumerate(self.firm.compute.teams)]
        for name in ("synthetic_equity", "retention_grant"):
            policy = getattr(self.policies, name)
            if policy is not None:
                refs += [(f"policies.{name}.roles[{n}]", r) for n, r in enumerate(policy.roles)]
        sky = self.policies.blue_sky
        if sky is not None and "tokens" in sky.model_fields_set:  # the default names no role
            refs += [(f"policies.blue_sky.tokens.{role}", role) for role in sky.tokens]
        if self.firm is not None:
            for name in ("total", "to_parties"):
                refs += [(f"firm.attrition.{name}.{role}", role)
                         for role in getattr(self.firm.attrition, name) if role != "default"]
        return refs

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        known = set(self.blueprint.ids)
        roles = [c.role for c in self.roster.cohorts or []]
        repeated = sorted({r for r in roles if roles.count(r) > 1})
        if repeated:
            raise ValueError(f"roster.cohorts: each role once; repeated: {', '.join(repeated)}")
        for n, cohort in enumerate(self.roster.cohorts or []):
            for key in cohort.knowledge:
                if key != "default" and key not in known:
                    raise ValueError(
                        f"roster.cohorts[{n}].knowledge: unknown component '{key}' "
                        f"(known: {', '.join(sorted(known))}, or 'default')"
                    )
            missing = [c for c in self.blueprint.ids if c not in cohort.knowledge]
            if missing and "default" not in cohort.knowledge:
                raise ValueError(
                    f"roster.cohorts[{n}].knowledge: no distribution for {', '.join(missing)} "
                    "and no 'default'"
                )
            spec = cohort.specialties
            if spec is not None:
                pool = spec.among or self.blueprint.ids
                unknown = [c for c in pool if c not in known]
                if unknown:
                    raise ValueError(
                        f"roster.cohorts[{n}].specialties.among: unknown component(s) "
                        f"{', '.join(unknown)}"
                    )
                if spec.count > len(set(pool)):
                    raise ValueError(
                        f"roster.cohorts[{n}].specialties.count is {spec.count} but only "
                        f"{len(set(pool))} components are eligible"
                    )
        plan = self.knowledge.plan
        unknown = [c for c in plan.org_holds if c not in known]
        if unknown:
            raise ValueError(f"knowledge.plan.org_holds: unknown component(s) {', '.join(unknown)}")
        if plan.residual >= self.knowledge.hold_threshold:
            raise ValueError(
                f"knowledge.plan.residual ({plan.residual}) must be below "
                f"knowledge.hold_threshold ({self.knowledge.hold_threshold})"
            )
        names = [r.name for r in self.rivals]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"rivals: each name once; repeated: {', '.join(repeated)}")
        for n, rival in enumerate(self.rivals):
            named = set(rival.rebuild_focus)
            if isinstance(rival.initial_coverage, dict):
                named |= set(rival.initial_coverage)
            unknown = sorted(named - known)
            if unknown:
                raise ValueError(f"rivals[{n}]: unknown component(s) {', '.join(unknown)}")
            if any(v < 0 for v in rival.rebuild_focus.values()):
                raise ValueError(f"rivals[{n}].rebuild_focus: shares must be ≥ 0")
            if rival.rebuild_focus and not any(v > 0 for v in rival.rebuild_focus.values()):
                raise ValueError(f"rivals[{n}].rebuild_focus: all shares are 0; give at least one "
                                 "positive share, or leave it out to follow the weights")
            horizon = self.simulation.quarters
            ordered = sorted(enumerate(rival.raids), key=lambda kr: kr[1].start_quarter)
            for k, raid in ordered:
                if raid.start_quarter + raid.quarters > horizon:
                    raise ValueError(
                        f"rivals[{n}].raids[{k}]: quarters {raid.start_quarter}–"
                        f"{raid.start_quarter + raid.quarters - 1} run past the horizon of "
                        f"{horizon} quarters (simulation.quarters)")
            for (k0, a), (k1, b) in itertools.pairwise(ordered):
                if b.start_quarter < a.start_quarter + a.quarters:
                    raise ValueError(f"rivals[{n}].raids[{k1}]: overlaps rivals[{n}].raids[{k0}]")
        self.investors.check_nodes(names)
        for name, policies in self.strategies.items():
            unknown = sorted(set(policies) - set(STRATEGY_POLICIES))
            if unknown:
                raise ValueError(
                    f"strategies.{name}: unknown policy {', '.join(unknown)}; "
                    f"known: {', '.join(STRATEGY_POLICIES)}"
                )
        if self.simulation.baseline not in self.strategies:
            raise ValueError(
                f"simulation.baseline: '{self.simulation.baseline}' is not one of the strategies "
                f"({', '.join(self.strategies)})"
            )
        return self
