"""The optimization spec: levers, objectives, chance constraints and the out-of-sample check.

An optimization spec is one YAML file (read with ``yaml.safe_load``), validated with pydantic and
then checked against the base scenario before anything runs, like a sweep spec
(:mod:`talentmoat.experiments.spec`). A **lever** is a scenario path
(:mod:`talentmoat.experiments.paths`) to a number, with a range (``low``, ``high``, ``levels``
evenly spaced, ends included; without ``levels`` the range is continuous, for the stochastic
search only) or a discrete set of values; the set may include ``off``, meaning the lever's
policy is not in the strategy. The ``search`` section says how candidates are found: ``grid``
enumerates every candidate (small spaces), ``nsga2`` samples them with Optuna's constrained
NSGA-II (:mod:`talentmoat.experiments.optsearch`; spaces too big to enumerate). Objectives and
constraints name the store columns of :mod:`talentmoat.experiments.metrics` (a level such as
``policy_cost`` or a paired difference from the baseline such as ``d_value_mean``), so a renamed
result is a change there only.

A candidate is one value per lever; its scenario is the base scenario's data with the values
written in (validated again) and its strategy is the spec's policies minus those switched off.
Levers may only reach the sections that set policies (:data:`LEVER_SECTIONS`): every candidate
then shares the base scenario's firm, roster and rivals, so all of them run on the same random
numbers (common random numbers).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from talentmoat import __version__
from talentmoat.errors import InputError
from talentmoat.experiments import metrics
from talentmoat.experiments.paths import PathError, get, render, resolve
from talentmoat.experiments.spec import (
    Target,
    error_location,
    inside,
    parse_yaml_mapping,
    write_values,
)
from talentmoat.loader import Lab, read_text_file
from talentmoat.roster import CORE_ROLE
from talentmoat.scenario import STRATEGY_POLICIES, Scenario
from talentmoat.sim.results import CORE_RETENTION_QUARTERS

BUNDLED_PACKAGE = "talentmoat.experiments.optimizations"
LEVER_SECTIONS = ("policies", "knowledge")
"""Top-level scenario sections a lever may set (none of them changes the draws)."""
MAX_CANDIDATES = 100_000
"""Largest grid a spec may enumerate."""
OFF = "off"

Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lever(_Strict):
    """One policy parameter the optimizer sets.

    Attributes:
        name: Column name (letters, digits, underscores).
        path: The scenario field set (a number).
        policy: The strategy policy that ``off`` removes (default: ``NAME`` of a path
            ``policies.NAME.…``).
        values: Discrete values, numbers or ``off``.
        low: Lower end of a range.
        high: Upper end of a range.
        levels: Grid points of a range (evenly spaced, ends included); absent: the range is
            continuous (``search.method: nsga2`` only).
    """

    name: Name
    path: str = Field(min_length=1, max_length=1000)
    policy: str | None = None
    values: list[float | Literal["off"]] | None = Field(default=None, min_length=1,
                                                         max_length=1000)
    low: float | None = None
    high: float | None = None
    levels: int | None = Field(default=None, ge=2, le=1000)

    @field_validator("values", mode="before")
    @classmethod
    def _off(cls, values: Any) -> Any:
        """YAML 1.1 reads a bare ``off`` as false: it means off here; a bare ``on`` is refused."""
        if not isinstance(values, list):
            return values
        if any(v is True for v in values):
            raise ValueError("'on' is not a value (write the number, or off)")
        return [OFF if v is False else v for v in values]

    @model_validator(mode="after")
    def _shape(self) -> Lever:
        ranged = (self.low, self.high, self.levels)
        if self.values is not None:
            if any(v is not None for v in ranged):
                raise ValueError("give 'values' or 'low', 'high' and 'levels', not both")
            if len(set(self.values)) != len(self.values):
                raise ValueError("values: each value once")
        elif self.low is None or self.high is None:
            raise ValueError("give 'values' (a set, may include off) or 'low' and 'high' "
                             "(a range; with 'levels' a grid)")
        elif not self.low < self.high:  # type: ignore[operator]
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    @property
    def continuous(self) -> bool:
        """Whether the lever is a continuous range (no grid)."""
        return self.values is None and self.levels is None

    @property
    def grid(self) -> list[float | None]:
        """The lever's values in the search (``None`` for off); a continuous range's ends."""
        if self.continuous:
            return [float(self.low), float(self.high)]  # type: ignore[arg-type]
        if self.values is not None:
            return [None if v == OFF else float(v) for v in self.values]
        return [float(x) for x in np.linspace(self.low, self.high, self.levels)]

    @property
    def owner(self) -> str | None:
        """The policy that ``off`` removes."""
        if self.policy is not None:
            return self.policy
        parts = self.path.split(".")
        return parts[1] if len(parts) > 2 and parts[0] == "policies" else None


class Bound(_Strict):
    """A chance (or mean) constraint on a store column.

    Attributes:
        metric: Store column (e.g. ``p_parity``, ``d_departures``).
        max: The column must be at most this.
        min: The column must be at least this.
    """

    metric: str
    max: float | None = None
    min: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Bound:
        if (self.max is None) == (self.min is None):
            raise ValueError("give exactly one of 'max' or 'min'")
        return self

    def met(self, value: float) -> bool:
        """Whether a value satisfies the bound."""
        return self.violation(value) <= 0.0

    def violation(self, value: float) -> float:
        """How far a value is on the wrong side of the bound (≤ 0 when it is met)."""
        return value - self.max if self.max is not None else self.min - value  # type: ignore


class Objective(_Strict):
    """What the search trades off.

    Attributes:
        minimise: The cost column (the recommendation is the cheapest feasible candidate);
            default the discounted policy cost over the baseline's.
        maximise: The benefit column (the other axis of the Pareto front; breaks ties);
            default the net benefit, Δ discounted value − Δ discounted cost (MODEL.md §H).
    """

    minimise: str = "d_policy_cost"
    maximise: str = "d_net_benefit"


class Validation(_Strict):
    """The out-of-sample re-check of the best candidates.

    Attributes:
        replications: Replications of the re-check (many more than the search's).
        seed: Its root seed (must differ from the search's).
        candidates: How many of the cheapest in-sample feasible candidates are re-checked.
    """

    replications: int = Field(default=1000, ge=2, le=1_000_000)
    seed: int = Field(ge=0, lt=2**63)
    candidates: int = Field(default=5, ge=1, le=1000)


class Search(_Strict):
    """How the candidates are found.

    Attributes:
        method: ``grid`` evaluates every candidate of the levers' grid (at most
            :data:`MAX_CANDIDATES`; exact, for small spaces); ``nsga2`` lets Optuna's NSGA-II
            propose ``trials`` candidates, ``population`` a generation, feasibility first
            (for spaces too big to enumerate, and continuous levers).
        trials: Candidates NSGA-II proposes in all (``nsga2`` only; repeats are not re-run).
        population: Candidates a generation (``nsga2`` only).
    """

    method: Literal["grid", "nsga2"] = "grid"
    trials: int | None = Field(default=None, ge=2, le=MAX_CANDIDATES)
    population: int = Field(default=16, ge=2, le=1000)

    @model_validator(mode="after")
    def _trials(self) -> Search:
        if (self.method == "nsga2") != (self.trials is not None):
            raise ValueError("'trials' goes with method nsga2 (and only with it)")
        return self


class Robust(_Strict):
    """Robust mode: re-check the shortlisted candidates across a sweep's uncertainty set.

    Attributes:
        sweep: A sweep spec (path relative to this file, or bundled name) on the same scenario;
            its design's points are the uncertainty set.
        measure: ``satisficing`` (the cheapest candidate that meets the constraints at
            ``min_share`` of the points at least) or ``regret`` (among those, the least 90 %
            regret of the benefit).
        min_share: Share of points where the constraints must hold.
        replications: Replications at each point (default: the search's).
    """

    sweep: str = Field(min_length=1, max_length=4096)
    measure: Literal["satisficing", "regret"] = "satisficing"
    min_share: float = Field(default=0.8, ge=0.0, le=1.0)
    replications: int | None = Field(default=None, ge=2, le=1_000_000)


class OptimizationSpec(_Strict):
    """A whole optimization spec file.

    Attributes:
        name: Short name (the store's default name).
        description: Free text.
        policies: The policies of the mix (default: every lever's policy); a lever set to
            ``off`` removes its policy.
        replications: Replications of the search (every candidate the same ones).
        quarters: Horizon in quarters (default: the scenario's).
        seed: Root seed of the search (default: the scenario's).
        levers: The levers (names unique, paths distinct).
        objective: Cost and benefit columns.
        constraints: Bounds every recommended candidate must meet.
        validation: The out-of-sample re-check.
        search: How candidates are found (default: the whole grid).
        batch: Candidates simulated together (one call, one baseline; results do not depend
            on it).
        robust: Robust mode (none: the nominal scenario only).
    """

    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    policies: list[str] | None = Field(default=None, min_length=1)
    replications: int = Field(default=100, ge=2, le=1_000_000)
    quarters: int | None = Field(default=None, ge=1, le=400)
    seed: int | None = Field(default=None, ge=0, lt=2**63)
    levers: list[Lever] = Field(min_length=1, max_length=64)
    objective: Objective = Objective()
    constraints: list[Bound] = Field(default_factory=list, max_length=64)
    validation: Validation
    search: Search = Search()
    batch: int = Field(default=32, ge=1, le=10_000)
    robust: Robust | None = None

    @model_validator(mode="after")
    def _check(self) -> OptimizationSpec:
        names = [lv.name for lv in self.levers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"levers: each name once; repeated: {', '.join(repeated)}")
        known = metrics.columns(list(metrics.METRICS))
        used = [self.objective.minimise, self.objective.maximise,
                *[b.metric for b in self.constraints]]
        unknown = sorted({c for c in used if c not in known})
        if unknown:
            raise ValueError(f"unknown metric {', '.join(unknown)}; known: {', '.join(known)}")
        for lv in self.levers:
            if OFF in (lv.values or []) and lv.owner is None:
                raise ValueError(f"levers[{lv.name}]: 'off' needs 'policy' (the strategy "
                                 "policy it removes)")
        if self.search.method == "grid":
            continuous = [lv.name for lv in self.levers if lv.continuous]
            if continuous:
                raise ValueError(f"levers {', '.join(continuous)}: a continuous range (no "
                                 "'levels') needs search: {method: nsga2, trials: N}")
            size = int(np.prod([len(lv.grid) for lv in self.levers], dtype=float))
            if size > MAX_CANDIDATES:
                raise ValueError(f"levers: the grid has {size} candidates; at most "
                                 f"{MAX_CANDIDATES} (or search: {{method: nsga2, trials: N}})")
        if self.seed is not None and self.seed == self.validation.seed:
            raise ValueError("validation.seed must differ from seed (fresh random numbers)")
        return self


Candidate = tuple[float | None, ...]
"""One value per lever, ``None`` for off."""


@dataclass(frozen=True)
class Optimization:
    """A checked optimization: spec, base scenario and where each lever goes.

    Attributes:
        spec: The validated spec.
        source: The spec file as named (``bundled:<name>`` for a shipped one).
        base: The base scenario, loaded.
        data: The base scenario as plain data.
        policies: The mix's policies when no lever is off.
        targets: Per lever, where its value goes.
        quarters: Horizon in quarters.
        seed: Root seed of the search.
        digest: SHA-256 of the spec, the scenario's digest and the version (a store holds one).
        spec_dir: Folder of the spec file (None for a bundled spec).
    """

    spec: OptimizationSpec
    source: str
    base: Lab
    data: dict[str, Any]
    policies: tuple[str, ...]
    targets: tuple[Target, ...]
    quarters: int
    seed: int
    digest: str
    spec_dir: Path | None = None

    @property
    def names(self) -> list[str]:
        """Lever names, in spec order."""
        return [lv.name for lv in self.spec.levers]

    def candidates(self) -> list[Candidate]:
        """Every distinct candidate of the grid, in grid order.

        A lever whose policy is off does nothing, so its value is set to off too and the
        duplicates this makes are dropped.
        """
        seen: dict[Candidate, None] = {}
        for combo in itertools.product(*[lv.grid for lv in self.spec.levers]):
            seen.setdefault(self.normalise(combo), None)
        return list(seen)

    def normalise(self, combo: Candidate) -> Candidate:
        """A candidate with the levers of a policy that is off set to off too (they are moot)."""
        levers = self.spec.levers
        off = {lv.owner for lv, v in zip(levers, combo, strict=True) if v is None}
        return tuple(None if lv.owner in off else v for lv, v in zip(levers, combo, strict=True))

    def strategy(self, candidate: Candidate) -> list[str]:
        """The policies in force for a candidate."""
        off = {lv.owner for lv, v in zip(self.spec.levers, candidate, strict=True) if v is None}
        return [p for p in self.policies if p not in off]

    def scenario_data(self, candidate: Candidate) -> dict[str, Any]:
        """The candidate's scenario data (levers that are off leave the base value)."""
        pairs = [(t, v) for t, v in zip(self.targets, candidate, strict=True) if v is not None]
        return write_values(self.data, tuple(t for t, _ in pairs), [v for _, v in pairs])

    def at(self, lab: Lab, data: dict[str, Any]) -> Optimization:
        """The same optimization on another scenario with the same policy fields (a point)."""
        return replace(self, base=lab, data=data)

    def overrides(self, candidate: Candidate) -> dict[str, Any]:
        """The candidate's lever values as a nested mapping (an ``extends`` child's fields)."""
        out: dict[str, Any] = {}
        data = self.scenario_data(candidate)
        for target, value in zip(self.targets, candidate, strict=True):
            if value is None:
                continue
            for loc in target.locations:
                node = out
                for key in loc[:-1]:
                    node = node.setdefault(key, {})
                node[loc[-1]] = get(data, loc)
        return out

    def strategy_document(self, candidate: Candidate, name: str) -> dict[str, Any]:
        """A scenario that extends the base and holds the candidate as strategy ``name``.

        ``talentmoat compare FILE -s NAME`` re-runs it against the baseline over the search's
        horizon. The base is named as loaded: a bundled name, or the file's absolute path.
        """
        source = self.base.source
        parent = (source.removeprefix("bundled:") if source.startswith("bundled:")
                  else str(Path(source).resolve()))
        return {"extends": parent, **self.overrides(candidate),
                "strategies": {name: self.strategy(candidate)},
                "simulation": {"quarters": self.quarters}}


def bundled_names() -> list[str]:
    """Names of the optimization specs shipped inside the package."""
    files = resources.files(BUNDLED_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def parse_spec(text: str, source: str) -> OptimizationSpec:
    """Validate optimization-spec YAML text.

    Raises:
        InputError: On YAML syntax errors or schema violations (with the field path).
    """
    data = parse_yaml_mapping(text, source, "name, levers, constraints, validation, ...")
    try:
        return OptimizationSpec.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, [(error_location(data, err["loc"], "levers"),
                                   "unknown field" if err["type"] == "extra_forbidden"
                                   else err["msg"].removeprefix("Value error, "))
                                  for err in exc.errors()]) from None


def _targets(spec: OptimizationSpec, data: dict[str, Any], source: str) -> tuple[Target, ...]:
    targets = []
    seen: dict[Any, str] = {}
    for lv in spec.levers:
        where = f"levers[{lv.name}]"
        if lv.path.split(".")[0].split("[")[0] not in LEVER_SECTIONS:
            raise InputError.single(source, where, f"'{lv.path}': a lever sets a policy "
                                    f"(a path under {', '.join(LEVER_SECTIONS)})")
        try:
            locations = resolve(data, lv.path)
        except PathError as exc:
            raise InputError.single(source, f"{where}: path '{lv.path}'", str(exc)) from None
        base, integer = [], []
        for loc in locations:
            value = get(data, loc)
            if isinstance(value, bool) or not isinstance(value, int | float):
                shown = "not set (null)" if value is None else f"a {type(value).__name__}"
                raise InputError.single(source, where, f"'{render(loc)}' is {shown} in the "
                                        "base scenario; a lever sets a number")
            if loc in seen:
                raise InputError.single(source, where, f"'{render(loc)}' is also set by "
                                        f"levers[{seen[loc]}]")
            seen[loc] = lv.name
            base.append(float(value))
            integer.append(type(value) is int)
        targets.append(Target(tuple(locations), False, tuple(base), tuple(integer)))
    return tuple(targets)


def _check_values(spec: OptimizationSpec, data: dict[str, Any], targets: tuple[Target, ...],
                  source: str) -> None:
    """Every lever value must keep its field inside the field's own range."""
    for lv, target in zip(spec.levers, targets, strict=True):
        for value in [v for v in lv.grid if v is not None]:
            written = write_values(data, (target,), [value])
            try:
                Scenario.model_validate(written)
            except ValidationError as exc:
                for err in exc.errors():
                    hit = next((loc for loc in target.locations if inside(loc, err["loc"])),
                               None)
                    if hit is not None:
                        raise InputError.single(
                            source, f"levers[{lv.name}]",
                            f"value {value:g} puts '{render(hit)}' outside the field's range: "
                            f"{err['msg'].removeprefix('Value error, ')}") from None


def _check_core_retention(spec: OptimizationSpec, base: Lab, quarters: int, source: str) -> None:
    """Core 2-year retention needs a core role and a horizon of at least 8 quarters."""
    used = [spec.objective.minimise, spec.objective.maximise,
            *[b.metric for b in spec.constraints]]
    if "core_retention_2y" not in used:
        return
    if CORE_ROLE not in base.roster.roles:
        raise InputError.single(source, "constraints", "core_retention_2y: the scenario's "
                                f"roster has no '{CORE_ROLE}' role")
    if quarters < CORE_RETENTION_QUARTERS:
        raise InputError.single(source, "quarters", f"core_retention_2y is measured after "
                                f"{CORE_RETENTION_QUARTERS} quarters; the horizon is "
                                f"{quarters}")


def load_optimization(ref: str | Path, base: Lab) -> Optimization:
    """Load and check an optimization spec (a path or bundled name) against a scenario.

    Raises:
        InputError: For any problem with the spec, a lever's path or value, or a policy.
    """
    path = Path(ref)
    if path.exists() or str(ref).endswith((".yaml", ".yml")):
        source, text, spec_dir = str(ref), read_text_file(path, str(ref)), path.parent
    elif str(ref) in bundled_names():
        source = f"bundled:{ref}"
        text = (resources.files(BUNDLED_PACKAGE) / f"{ref}.yaml").read_text(encoding="utf-8")
        spec_dir = None
    else:
        raise InputError.single(str(ref), "", "no such file, and not a bundled optimization "
                                f"spec ({', '.join(bundled_names())})")
    spec = parse_spec(text, source)
    s = base.scenario
    owners = [lv.owner for lv in spec.levers if lv.owner is not None]
    policies = tuple(dict.fromkeys(spec.policies or owners))
    unknown = [p for p in (*policies, *owners) if p not in STRATEGY_POLICIES]
    if unknown:
        raise InputError.single(source, "policies", f"unknown policy {', '.join(unknown)}; "
                                f"known: {', '.join(STRATEGY_POLICIES)}")
    missing = [p for p in owners if p not in policies]
    if missing:
        raise InputError.single(source, "policies", f"a lever can switch off "
                                f"{', '.join(missing)}, which is not in the mix")
    if not policies:
        raise InputError.single(source, "policies", "the mix has no policy (name them, or "
                                "give levers under policies.NAME)")
    data = s.model_dump()
    targets = _targets(spec, data, source)
    _check_values(spec, data, targets, source)
    _check_core_retention(spec, base, spec.quarters or s.simulation.quarters, source)
    seed = s.seed if spec.seed is None else spec.seed
    if seed == spec.validation.seed:
        raise InputError.single(source, "validation.seed", f"must differ from the search seed "
                                f"({seed}, the scenario's) for fresh random numbers")
    canonical = json.dumps({"spec": spec.model_dump(), "scenario": base.digest,
                            "version": __version__}, sort_keys=True)
    return Optimization(
        spec=spec, source=source, base=base, data=data, policies=policies, targets=targets,
        quarters=spec.quarters or s.simulation.quarters, seed=seed,
        digest=hashlib.sha256(canonical.encode()).hexdigest(), spec_dir=spec_dir,
    )
