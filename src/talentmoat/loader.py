"""Read a scenario from disk (or the bundled set) into a validated :class:`Lab`.

The only module that touches scenario files. YAML is read strictly (:mod:`talentmoat.safeyaml`);
nothing in a scenario is ever executed. A scenario may extend another (:mod:`talentmoat.inherit`).
Every failure becomes an :class:`~talentmoat.errors.InputError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from talentmoat.errors import InputError
from talentmoat.inherit import MAX_EXTENDS_DEPTH, MergeError, merge
from talentmoat.inputfiles import MAX_INPUT_BYTES, read_input_text
from talentmoat.roster import Roster, fill_roles, generate_cohorts, read_roster_csv
from talentmoat.safeyaml import load_yaml
from talentmoat.scenario import Scenario

BUNDLED_PACKAGE = "talentmoat.scenarios"
MAX_SCENARIO_BYTES = 1024 * 1024
"""Largest scenario file read (bytes); the bundled ones are about 15 kB."""


@dataclass(frozen=True)
class Lab:
    """A validated scenario with its roster materialised.

    Attributes:
        scenario: The validated scenario.
        roster: Its people, K columns in blueprint order.
        source: Where it came from (a path, or ``bundled:<name>``).
        digest: SHA-256 of the scenario text and, if any, the roster CSV text.
    """

    scenario: Scenario
    roster: Roster
    source: str
    digest: str


def bundled_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    files = resources.files(BUNDLED_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def read_text_file(path: Path, source: str) -> str:
    """Read a UTF-8 input file (at most ``MAX_INPUT_BYTES``); every failure is an InputError.

    Args:
        path: The file.
        source: Its name as the user gave it, for messages.
    """
    return read_input_text(path, "a UTF-8 text file", MAX_INPUT_BYTES, source)


def _location(loc: tuple[object, ...]) -> str:
    """Render a pydantic error location as ``a.b[2].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"beta", "uniform", "constant", "lognormal", "str"} and out:
            continue  # discriminator or union tag: not a key the user wrote
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class _Text:
    """One scenario file of an ``extends`` chain: its text, name, folder and identity."""

    text: str
    source: str
    base: Path
    identity: str


def _scenario_text(ref: str, relative_to: Path | None) -> _Text:
    """Read a scenario by path (relative to ``relative_to`` when given) or bundled name."""
    path = Path(ref) if relative_to is None or Path(ref).is_absolute() else relative_to / ref
    if ref.strip() and (path.exists() or ref.endswith((".yaml", ".yml"))):
        source = str(ref) if relative_to is None else str(path)
        text = read_input_text(path, "a scenario (YAML)", MAX_SCENARIO_BYTES, source)
        return _Text(text, source, path.parent, str(path.resolve()))
    if ref in bundled_names():
        resource = resources.files(BUNDLED_PACKAGE) / f"{ref}.yaml"
        return _Text(resource.read_text(encoding="utf-8"), f"bundled:{ref}",
                     Path(str(resources.files(BUNDLED_PACKAGE))), f"bundled:{ref}")
    raise InputError.single(
        str(ref) or "(empty path)", "",
        f"no such file, and not a bundled scenario ({', '.join(bundled_names())})"
    )


def _mapping(text: str, source: str) -> dict[str, Any]:
    data = load_yaml(text, source)
    if not isinstance(data, dict):
        raise InputError.single(source, "", "expected a mapping of sections (name, seed, ...)")
    return data


def _resolve(first: _Text) -> tuple[dict[str, Any], list[_Text]]:
    """Data of a scenario with its ``extends`` chain merged in; the chain, child first."""
    chain = [first]
    data = _mapping(first.text, first.source)
    levels = [data]
    while "extends" in levels[-1]:
        parent_ref = levels[-1]["extends"]
        child = chain[-1]
        if not isinstance(parent_ref, str) or not parent_ref.strip():
            raise InputError.single(child.source, "extends", "expected a bundled scenario name "
                                    f"({', '.join(bundled_names())}) or a path to a YAML file")
        if len(chain) > MAX_EXTENDS_DEPTH:
            raise InputError.single(first.source, "extends", f"more than {MAX_EXTENDS_DEPTH} "
                                    "levels of extends")
        relative = None if child.source.startswith("bundled:") else child.base
        parent = _scenario_text(parent_ref, relative)
        if parent.identity in {t.identity for t in chain}:
            cycle = " → ".join([*(t.source for t in chain), parent.source])
            raise InputError.single(first.source, "extends", f"a cycle: {cycle}")
        parent_data = _mapping(parent.text, parent.source)
        roster = parent_data.get("roster")  # a roster file is relative to the file naming it
        if isinstance(roster, str):
            parent_data["roster"] = str(parent.base / roster)
        elif isinstance(roster, dict) and isinstance(roster.get("csv"), str):
            parent_data["roster"] = {**roster, "csv": str(parent.base / roster["csv"])}
        chain.append(parent)
        levels.append(parent_data)
    merged: dict[str, Any] = levels[-1]
    for child_data, text in zip(reversed(levels[:-1]), reversed(chain[:-1]), strict=True):
        try:
            merged = merge({k: v for k, v in merged.items() if k != "extends"}, child_data)
        except MergeError as exc:
            raise InputError.single(text.source, exc.path, exc.message) from None
    merged.pop("extends", None)
    return merged, chain


def _validate(data: dict[str, Any], source: str) -> Scenario:
    try:
        return Scenario.model_validate(data, strict=True)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            problems.append((_location(err["loc"]), msg))
        raise InputError(source, problems) from None


def parse_scenario(text: str, source: str) -> Scenario:
    """Validate scenario YAML text (an ``extends`` path is taken relative to the working folder).

    Args:
        text: YAML text.
        source: Name for error messages.

    Raises:
        InputError: On YAML syntax errors (with line and column) or schema violations (with
            the field path).
    """
    data, _ = _resolve(_Text(text, source, Path("."), source))
    return _validate(data, source)


def resolve_scenario(ref: str | Path) -> tuple[Scenario, list[str]]:
    """Load and validate a scenario with its ``extends`` chain, without reading the roster.

    Returns:
        The scenario and the chain of sources it was merged from, the scenario's own first.

    Raises:
        InputError: For any problem with the scenario or a parent.
    """
    data, chain = _resolve(_scenario_text(str(ref), None))
    return _validate(data, chain[0].source), [t.source for t in chain]


def _roster_csv(scenario: Scenario, first: _Text) -> tuple[str, str]:
    """Read the roster CSV a scenario names: its text and its name for messages."""
    assert scenario.roster.csv is not None
    csv_path = first.base / scenario.roster.csv
    csv_source = str(csv_path) if not first.source.startswith("bundled:") else scenario.roster.csv
    try:
        return read_input_text(csv_path, "a roster CSV", MAX_INPUT_BYTES, csv_source), csv_source
    except InputError as exc:
        if exc.source != csv_source:
            raise
        message = "; ".join(m for _, m in exc.problems)
        raise InputError.single(first.source, "roster.csv",
                                f"{csv_source}: {message}") from None


def check_roles(scenario: Scenario, roster: Roster, source: str) -> None:
    """Refuse role names in the scenario that no person of the roster has.

    Raises:
        InputError: Naming each field that names an unknown role.
    """
    known = set(roster.roles)
    listed = ", ".join(sorted(known - {""})) or "none (the roster has no role column)"
    problems = [(where, f"unknown role '{role}'; roles in the roster: {listed}")
                for where, role in scenario.role_references() if role not in known]
    if problems:
        raise InputError(source, problems)


def load_scenario(ref: str | Path) -> Lab:
    """Load a scenario by path or by bundled name (e.g. ``lean-lab``).

    A path that exists wins over a bundled name. A roster CSV path is resolved relative to the
    scenario file that names it; ``extends`` is resolved by :mod:`talentmoat.inherit`.

    Raises:
        InputError: For any problem with the scenario or its roster.
    """
    first = _scenario_text(str(ref), None)
    data, chain = _resolve(first)
    scenario = _validate(data, first.source)
    digest = hashlib.sha256()
    for text in chain:
        digest.update(text.text.encode())
    components = scenario.blueprint.ids
    if scenario.roster.csv is not None:
        csv_text, csv_source = _roster_csv(scenario, first)
        digest.update(csv_text.encode())
        roster = read_roster_csv(csv_text, csv_source, components)
        if scenario.roster.core_per_component is not None:
            roster = fill_roles(roster, scenario.roster.core_per_component)
    else:
        roster = generate_cohorts(scenario.roster.cohorts or [], components, scenario.seed)
    check_roles(scenario, roster, first.source)
    return Lab(scenario=scenario, roster=roster, source=first.source, digest=digest.hexdigest())


def validate_scenario(data: object, source: str) -> Scenario:
    """Validate a scenario given as plain data (e.g. a sweep point's), as a file is validated.

    Raises:
        InputError: On schema violations (with the field path).
    """
    if not isinstance(data, dict):
        raise InputError.single(source, "", "expected a mapping of sections (name, seed, ...)")
    return _validate(data, source)


def with_scenario(lab: Lab, scenario: Scenario, source: str, digest: str) -> Lab:
    """The lab under another validated scenario (e.g. a sweep point's), roster re-made if needed.

    The roster is kept when its section, the component ids and the seed are unchanged (a CSV
    roster depends only on the ids), and generated again from the new cohorts otherwise.
    """
    old = lab.scenario
    same = (scenario.blueprint.ids == old.blueprint.ids
            and (scenario.roster.csv is not None
                 or (scenario.roster == old.roster and scenario.seed == old.seed)))
    roster = lab.roster if same else generate_cohorts(scenario.roster.cohorts or [],
                                                      scenario.blueprint.ids, scenario.seed)
    return Lab(scenario=scenario, roster=roster, source=source, digest=digest)
