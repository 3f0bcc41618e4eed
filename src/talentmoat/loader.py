"""Read a scenario from disk (or the bundled set) into a validated :class:`Lab`.

The only module that touches scenario files. YAML is read with ``yaml.safe_load``; nothing in a
scenario is ever executed. Every failure becomes an :class:`~talentmoat.errors.InputError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from talentmoat.errors import InputError
from talentmoat.roster import Roster, generate_cohorts, read_roster_csv
from talentmoat.scenario import Scenario

BUNDLED_PACKAGE = "talentmoat.scenarios"
MAX_FILE_BYTES = 64 * 1024 * 1024


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


def _read_text(path: Path, source: str) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError.single(source, "", f"file is larger than {MAX_FILE_BYTES} bytes")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(source, "", "no such file") from None
    except IsADirectoryError:
        raise InputError.single(source, "", "is a directory, expected a file") from None
    except UnicodeDecodeError as exc:
        raise InputError.single(source, "", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise InputError.single(source, "", f"cannot read: {exc.strerror}") from None


def read_text_file(path: Path, source: str) -> str:
    """Read a UTF-8 input file (at most ``MAX_FILE_BYTES``); every failure is an InputError.

    Args:
        path: The file.
        source: Its name as the user gave it, for messages.
    """
    return _read_text(path, source)


def _location(loc: tuple[object, ...]) -> str:
    """Render a pydantic error location as ``a.b[2].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"beta", "uniform", "constant", "lognormal"} and out:
            continue  # discriminator tag: not a key the user wrote
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_scenario(text: str, source: str) -> Scenario:
    """Validate scenario YAML text.

    Args:
        text: YAML text.
        source: Name for error messages.

    Raises:
        InputError: On YAML syntax errors (with line and column) or schema violations (with
            the field path).
    """
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError.single(source, where, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, "", f"invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError.single(source, "", "expected a mapping of sections (name, seed, ...)")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            problems.append((_location(err["loc"]), msg))
        raise InputError(source, problems) from None


def load_scenario(ref: str | Path) -> Lab:
    """Load a scenario by path or by bundled name (e.g. ``lean-lab``).

    A path that exists wins over a bundled name. A roster CSV path is resolved relative to the
    scenario file.

    Raises:
        InputError: For any problem with the scenario or its roster.
    """
    path = Path(ref)
    if path.exists() or str(ref).endswith((".yaml", ".yml")):
        source = str(ref)
        text = _read_text(path, source)
        base = path.parent
    elif str(ref) in bundled_names():
        source = f"bundled:{ref}"
        resource = resources.files(BUNDLED_PACKAGE) / f"{ref}.yaml"
        text = resource.read_text(encoding="utf-8")
        base = Path(str(resources.files(BUNDLED_PACKAGE)))
    else:
        raise InputError.single(
            str(ref), "", f"no such file, and not a bundled scenario ({', '.join(bundled_names())})"
        )
    scenario = parse_scenario(text, source)
    digest = hashlib.sha256(text.encode())
    components = scenario.blueprint.ids
    if scenario.roster.csv is not None:
        csv_path = base / scenario.roster.csv
        csv_source = str(csv_path) if not source.startswith("bundled:") else scenario.roster.csv
        csv_text = _read_text(csv_path, csv_source)
        digest.update(csv_text.encode())
        roster = read_roster_csv(csv_text, csv_source, components)
    else:
        roster = generate_cohorts(scenario.roster.cohorts or [], components, scenario.seed)
    return Lab(scenario=scenario, roster=roster, source=source, digest=digest.hexdigest())
