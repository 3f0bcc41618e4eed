"""The sweep spec: a base scenario, the strategies, the design and the uncertainties.

A sweep spec is one YAML file (read with ``yaml.safe_load``), validated with pydantic like a
scenario and then checked against its base scenario before anything runs: every uncertainty's
path must resolve (:mod:`talentmoat.experiments.paths`) to a number, and the values its
distribution can take must keep the field inside its own range. Every problem is an
:class:`~talentmoat.errors.InputError` naming the spec file and the uncertainty.

A point's scenario is the base scenario's data with the point's values written in (a ``path``
sets the value; a ``factor`` multiplies the base value of each of its paths), validated again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from talentmoat import __version__
from talentmoat.errors import InputError
from talentmoat.experiments.metrics import METRICS
from talentmoat.experiments.paths import Location, PathError, get, render, resolve
from talentmoat.loader import Lab, load_scenario, read_text_file, validate_scenario
from talentmoat.scenario import Scenario

BUNDLED_PACKAGE = "talentmoat.experiments.sweeps"
MAX_POINTS = 1_000_000
"""Largest design a spec may ask for."""

Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Uncertainty(_Strict):
    """One uncertain input and its distribution.

    Attributes:
        name: Column name in the design (letters, digits, underscores).
        path: The scenario field the value is written to (every item with ``[*]``).
        factor: Paths whose base values are each multiplied by the value (instead of ``path``).
        dist: ``uniform``, ``log_uniform``, ``triangular`` or ``discrete``.
        low: Lower end (uniform, log-uniform, triangular).
        high: Upper end (uniform, log-uniform, triangular).
        mode: Peak of a triangular distribution.
        values: The set of a discrete distribution (equally likely).
    """

    name: Name
    path: str | None = None
    factor: list[str] | None = Field(default=None, min_length=1, max_length=256)
    dist: Literal["uniform", "log_uniform", "triangular", "discrete"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    values: list[float] | None = Field(default=None, min_length=1, max_length=10_000)

    @model_validator(mode="after")
    def _shape(self) -> Uncertainty:
        if (self.path is None) == (self.factor is None):
            raise ValueError("give exactly one of 'path' (set a field) or 'factor' (scale fields)")
        if self.dist == "discrete":
            if self.values is None or any(v is not None for v in (self.low, self.high,
                                                                  self.mode)):
                raise ValueError("a discrete distribution takes 'values' only")
            return self
        if self.values is not None or self.low is None or self.high is None:
            raise ValueError(f"a {self.dist} distribution takes 'low' and 'high'")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.dist == "log_uniform" and self.low <= 0:
            raise ValueError(f"a log_uniform distribution needs low > 0 (got {self.low})")
        if self.dist == "triangular":
            if self.mode is None or not self.low <= self.mode <= self.high:
                raise ValueError("a triangular distribution needs low ≤ mode ≤ high")
        elif self.mode is not None:
            raise ValueError(f"'mode' applies to triangular only, not {self.dist}")
        return self

    @property
    def support(self) -> list[float]:
        """The extreme values (or, for a discrete set, every value) the input can take."""
        return list(self.values) if self.values is not None else [self.low, self.high]


class Design(_Strict):
    """How the points are chosen.

    Attributes:
        method: ``sobol`` (Saltelli sampling, SALib), ``morris`` (SALib), ``lhs`` (Latin
            hypercube, scipy.qmc) or ``factorial`` (every combination).
        samples: Sobol base samples ``N`` (a power of 2; ``N (D + 2)`` points, ``N (2D + 2)``
            with second order), Morris trajectories (``samples (D + 1)`` points) or LHS points;
            not used by ``factorial``.
        levels: Morris grid levels, or the levels of a continuous input in a factorial design
            (evenly spaced in probability, ends included).
        second_order: Sobol second-order indices too.
    """

    method: Literal["sobol", "morris", "lhs", "factorial"]
    samples: int = Field(default=64, ge=1, le=MAX_POINTS)
    levels: int = Field(default=4, ge=2, le=1000)
    second_order: bool = False

    @model_validator(mode="after")
    def _power_of_two(self) -> Design:
        n = self.samples
        if self.method == "sobol" and n & (n - 1):
            raise ValueError(f"samples must be a power of 2 for a Sobol design (got {n})")
        if self.method == "morris" and self.levels % 2:
            raise ValueError(f"levels must be even for a Morris design (got {self.levels})")
        return self


class SweepSpec(_Strict):
    """A whole sweep spec file.

    Attributes:
        name: Short name (also the default store name).
        description: Free text.
        scenario: The base scenario: a path (relative to the spec file) or a bundled name.
        strategies: Strategies run at every point (default: all); the baseline always runs,
            and each is paired with it on common random numbers.
        replications: Replications per point (default: the scenario's).
        quarters: Horizon in quarters (default: the scenario's).
        seed: Root seed (default: the scenario's).
        metrics: Metrics kept (default: all of :data:`~talentmoat.experiments.metrics.METRICS`).
        design: How points are chosen.
        uncertainties: The uncertain inputs (names unique).
    """

    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    scenario: str = Field(min_length=1, max_length=4096)
    strategies: list[str] | None = Field(default=None, min_length=1)
    replications: int | None = Field(default=None, ge=1, le=1_000_000)
    quarters: int | None = Field(default=None, ge=1, le=400)
    seed: int | None = Field(default=None, ge=0, lt=2**63)
    metrics: list[str] | None = Field(default=None, min_length=1)
    design: Design
    uncertainties: list[Uncertainty] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _names(self) -> SweepSpec:
        names = [u.name for u in self.uncertainties]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"uncertainties: each name once; repeated: {', '.join(repeated)}")
        unknown = [m for m in self.metrics or [] if m not in METRICS]
        if unknown:
            raise ValueError(f"metrics: unknown {', '.join(unknown)}; known: "
                             f"{', '.join(METRICS)}")
        return self


@dataclass(frozen=True)
class Target:
    """Where one uncertainty's value goes in the scenario data.

    Attributes:
        locations: The resolved fields.
        scale: True for a factor (the value multiplies each base value), False to set it.
        base: The base scenario's value at each location.
        integer: Whether each field holds a whole number (values are rounded to it).
    """

    locations: tuple[Location, ...]
    scale: bool
    base: tuple[float, ...]
    integer: tuple[bool, ...]


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: the spec, its base scenario and everything a point needs.

    Attributes:
        spec: The validated spec.
        source: The spec file as the user named it (``bundled:<name>`` for a shipped one).
        text: The spec file's text (stored with the results).
        base: The base scenario, loaded.
        data: The base scenario as plain data (``Scenario.model_dump()``).
        strategies: Strategies run at every point, the baseline first.
        replications: Replications per point.
        quarters: Horizon in quarters.
        seed: Root seed.
        metrics: Metrics kept.
        targets: Per uncertainty, where its value goes.
        digest: SHA-256 of the spec, the base scenario's digest and the talentmoat version:
            two sweeps with the same digest give the same numbers.
    """

    spec: SweepSpec
    source: str
    text: str
    base: Lab
    data: dict[str, Any]
    strategies: tuple[str, ...]
    replications: int
    quarters: int
    seed: int
    metrics: tuple[str, ...]
    targets: tuple[Target, ...]
    digest: str

    @property
    def names(self) -> list[str]:
        """Uncertainty names, in spec order (the design's columns)."""
        return [u.name for u in self.spec.uncertainties]


def bundled_names() -> list[str]:
    """Names of the sweep specs shipped inside the package."""
    files = resources.files(BUNDLED_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def parse_yaml_mapping(text: str, source: str, expected: str) -> dict[str, Any]:
    """YAML text read safely as a mapping.

    Args:
        text: The file's text.
        source: The file as named (for errors).
        expected: The fields a mapping should have (for the error when it is not one).

    Raises:
        InputError: On YAML syntax errors (with line and column) or a non-mapping.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.single(source, where, f"invalid YAML: "
                                f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise InputError.single(source, "", f"expected a mapping ({expected})")
    return data


def parse_spec(text: str, source: str) -> SweepSpec:
    """Validate sweep-spec YAML text.

    Raises:
        InputError: On YAML syntax errors or schema violations (with the field path).
    """
    data = parse_yaml_mapping(text, source, "name, scenario, design, uncertainties, ...")
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, [(error_location(data, err["loc"]),
                                   "unknown field" if err["type"] == "extra_forbidden"
                                   else err["msg"].removeprefix("Value error, "))
                                  for err in exc.errors()]) from None


def error_location(data: dict[str, Any], loc: tuple[Any, ...],
                   items: str = "uncertainties") -> str:
    """A pydantic location, with an item of the list ``items`` named by its ``name``."""
    if len(loc) >= 2 and loc[0] == items and isinstance(loc[1], int):
        listed = data.get(items)
        item = listed[loc[1]] if isinstance(listed, list) and loc[1] < len(listed) else None
        label = item.get("name") if isinstance(item, dict) else None
        head = f"{items}[{label if isinstance(label, str) else loc[1]}]"
        return ".".join([head, *map(str, loc[2:])])
    return ".".join(map(str, loc))


def _targets(spec: SweepSpec, data: dict[str, Any], source: str) -> tuple[Target, ...]:
    targets = []
    seen: dict[Location, str] = {}
    for u in spec.uncertainties:
        where = f"uncertainties[{u.name}]"
        locations: list[Location] = []
        for path in [u.path] if u.path is not None else u.factor or []:
            try:
                locations += resolve(data, path)
            except PathError as exc:
                raise InputError.single(source, f"{where}: path '{path}'", str(exc)) from None
        base, integer = [], []
        for loc in locations:
            value = get(data, loc)
            if isinstance(value, bool) or not isinstance(value, int | float):
                shown = "not set (null)" if value is None else f"a {type(value).__name__}"
                raise InputError.single(source, where, f"'{render(loc)}' is {shown} in the "
                                        "base scenario; an uncertainty varies a number")
            if loc in seen:
                raise InputError.single(source, where, f"'{render(loc)}' is also varied by "
                                        f"uncertainties[{seen[loc]}]")
            seen[loc] = u.name
            base.append(float(value))
            integer.append(type(value) is int)
        targets.append(Target(tuple(locations), u.factor is not None, tuple(base),
                              tuple(integer)))
    return tuple(targets)


def write_values(data: dict[str, Any], targets: tuple[Target, ...],
                 values: list[float] | tuple[float, ...]) -> dict[str, Any]:
    """The scenario data with one value per target written in; ``data`` is left as it was.

    Only the containers on the way to a written field are copied (the rest is shared), so a
    point costs a few small copies, not a copy of the whole scenario.
    """
    out = dict(data)
    copied = {id(out)}
    for target, value in zip(targets, values, strict=True):
        for loc, base, whole in zip(target.locations, target.base, target.integer,
                                    strict=True):
            node: Any = out
            for key in loc[:-1]:
                child = node[key]
                if id(child) not in copied:
                    child = dict(child) if isinstance(child, dict) else list(child)
                    copied.add(id(child))
                    node[key] = child
                node = child
            x = base * value if target.scale else value
            node[loc[-1]] = round(x) if whole else float(x)
    return out


def inside(loc: Location, err_loc: tuple[Any, ...]) -> bool:
    """Whether a pydantic error location points at ``loc`` (tags of unions in between)."""
    it = iter(err_loc)
    return all(any(part == key for part in it) for key in loc)


def _check_bounds(spec: SweepSpec, base: dict[str, Any], targets: tuple[Target, ...],
                  source: str) -> None:
    """Each uncertainty's extreme values must keep its fields inside their own ranges."""
    for u, target in zip(spec.uncertainties, targets, strict=True):
        for value in u.support:
            data = write_values(base, (target,), [value])
            try:
                Scenario.model_validate(data)
            except ValidationError as exc:
                for err in exc.errors():
                    hit = next((loc for loc in target.locations if inside(loc, err["loc"])),
                               None)
                    if hit is not None:
                        raise InputError.single(
                            source, f"uncertainties[{u.name}]",
                            f"value {value:g} puts '{render(hit)}' at {get(data, hit):g}, "
                            f"outside the field's range: "
                            f"{err['msg'].removeprefix('Value error, ')}") from None


def _scenario_ref(ref: str, spec_dir: Path | None) -> str | Path:
    if spec_dir is not None and (spec_dir / ref).exists():
        return spec_dir / ref
    return ref


def load_spec(ref: str | Path) -> Sweep:
    """Load and check a sweep spec by path or bundled name (e.g. ``lean-lab-sweep``).

    Raises:
        InputError: For any problem with the spec, its base scenario, a path or a bound.
    """
    path = Path(ref)
    if path.exists() or str(ref).endswith((".yaml", ".yml")):
        source, text, spec_dir = str(ref), read_text_file(path, str(ref)), path.parent
    elif str(ref) in bundled_names():
        source = f"bundled:{ref}"
        text = (resources.files(BUNDLED_PACKAGE) / f"{ref}.yaml").read_text(encoding="utf-8")
        spec_dir = None
    else:
        raise InputError.single(str(ref), "", "no such file, and not a bundled sweep "
                                f"({', '.join(bundled_names())})")
    spec = parse_spec(text, source)
    base = load_scenario(_scenario_ref(spec.scenario, spec_dir))
    s = base.scenario
    chosen = list(dict.fromkeys(spec.strategies or list(s.strategies)))
    unknown = [n for n in chosen if n not in s.strategies]
    if unknown:
        raise InputError.single(source, "strategies", f"unknown strategy {', '.join(unknown)}; "
                                f"the scenario has {', '.join(s.strategies)}")
    baseline = s.simulation.baseline
    strategies = (baseline, *[n for n in chosen if n != baseline])
    data = s.model_dump()
    targets = _targets(spec, data, source)
    _check_bounds(spec, data, targets, source)
    canonical = json.dumps({"spec": spec.model_dump(), "scenario": base.digest,
                            "version": __version__}, sort_keys=True)
    return Sweep(
        spec=spec, source=source, text=text, base=base, data=data, strategies=strategies,
        replications=spec.replications or s.simulation.replications,
        quarters=spec.quarters or s.simulation.quarters,
        seed=s.seed if spec.seed is None else spec.seed,
        metrics=tuple(spec.metrics or METRICS), targets=targets,
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def scenario_at(sweep: Sweep, point: int, values: list[float] | tuple[float, ...]) -> Scenario:
    """The validated scenario of one point.

    Raises:
        InputError: If the point's values make the scenario invalid (source ``point N``).
    """
    return validate_scenario(write_values(sweep.data, sweep.targets, values), f"point {point}")
