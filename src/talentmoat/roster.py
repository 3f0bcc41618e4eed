"""The people of a lab as arrays: ids, names, roles and the knowledge matrix ``K``.

Two sources: a roster CSV (parsed strictly, every error naming line and column) or cohorts
generated deterministically from the scenario seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from talentmoat.errors import InputError
from talentmoat.inputfiles import CsvRows
from talentmoat.scenario import Beta, Cohort, Constant, Distribution, Uniform

KNOWLEDGE_PREFIX = "k."
PAY_COLUMNS = ("cash", "equity_grant_per_year", "vest_years", "tenure_years")
"""Optional per-person economics columns (USD a year, USD a year, years, years); an empty cell
means the role default (:mod:`talentmoat.compensation`)."""
MAX_ERRORS = 20
"""At most this many problems are listed for one roster file."""


@dataclass(frozen=True)
class Roster:
    """The people of a lab.

    Attributes:
        ids: Unique person ids, length N.
        names: Display names, length N (the id when the source gives none).
        roles: Role labels, length N.
        K: Knowledge matrix, shape (N, C), values in [0, 1]; columns follow the blueprint's
            component order.
        pay: Per-person economics by column name in :data:`PAY_COLUMNS`, each shape (N,),
            ``nan`` where the source gives nothing (the role default applies).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    roles: tuple[str, ...]
    K: np.ndarray
    pay: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.K.setflags(write=False)
        for col in PAY_COLUMNS:
            if col not in self.pay:
                self.pay[col] = np.full(len(self.ids), np.nan)
            self.pay[col].setflags(write=False)

    @property
    def size(self) -> int:
        """Number of people N."""
        return len(self.ids)


def read_roster_csv(text: str, source: str, components: list[str]) -> Roster:
    """Parse a roster CSV.

    Columns: ``id`` (required, unique), optional ``name`` and ``role``, ``k.<component>`` for
    every blueprint component (values in [0, 1]), and the optional economics columns
    :data:`PAY_COLUMNS` (non-negative numbers; ``vest_years`` > 0; empty = role default).

    Args:
        text: The file's content.
        source: The file name used in error messages.
        components: Blueprint component ids, in order.

    Returns:
        The roster, K columns in ``components`` order.

    Raises:
        InputError: Naming line and column of every problem found (up to ``MAX_ERRORS``).
    """
    if not text.strip():
        raise InputError.single(source, "", "the roster file is empty; expected a header line")
    reader = CsvRows(text, source)
    header = [h.strip() for h in next(reader)]
    problems: list[tuple[str, str]] = []

    allowed = {"id", "name", "role", *PAY_COLUMNS} | {KNOWLEDGE_PREFIX + c for c in components}
    for col in header:
        if col.startswith(KNOWLEDGE_PREFIX) and col not in allowed:
            problems.append(
                (f"line 1, column {col}",
                 f"unknown component '{col[len(KNOWLEDGE_PREFIX):]}'; "
                 f"known: {', '.join(components)}")
            )
        elif col not in allowed:
            problems.append((f"line 1, column {col or '(empty)'}",
                             "unknown column; expected id, name, role, k.<component> or "
                             + ", ".join(PAY_COLUMNS)))
    seen_cols = [h for h in header if h]
    for col in sorted({h for h in seen_cols if seen_cols.count(h) > 1}):
        problems.append((f"line 1, column {col}", "column appears more than once"))
    if "id" not in header:
        problems.append(("line 1", "missing required column 'id'"))
    for c in components:
        if KNOWLEDGE_PREFIX + c not in header:
            problems.append(("line 1", f"missing column '{KNOWLEDGE_PREFIX}{c}'"))
    if problems:
        raise InputError(source, problems)

    col_of = {h: j for j, h in enumerate(header)}
    ids: list[str] = []
    names: list[str] = []
    roles: list[str] = []
    rows: list[list[float]] = []
    pay_rows: list[list[float]] = []
    pay_cols = [c for c in PAY_COLUMNS if c in col_of]
    first_line_of: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                (f"line {line}", f"has {len(row)} fields; the header has {len(header)}")
            )
            continue
        pid = row[col_of["id"]].strip()
        if not pid:
            problems.append((f"line {line}, column id", "missing id"))
        elif pid in first_line_of:
            problems.append((f"line {line}, column id",
                             f"duplicate id '{pid}' (first on line {first_line_of[pid]})"))
        else:
            first_line_of[pid] = line
        values = []
        for c in components:
            col = KNOWLEDGE_PREFIX + c
            cell = row[col_of[col]].strip()
            try:
                value = float(cell)
            except ValueError:
                problems.append((f"line {line}, column {col}",
                                 f"'{cell}' is not a number; expected a value in [0, 1]"))
                continue
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                problems.append((f"line {line}, column {col}",
                                 f"{cell} is outside [0, 1]"))
            values.append(value)
        pay_rows.append([_pay_cell(row[col_of[col]], col, line, problems) for col in pay_cols])
        if len(problems) >= MAX_ERRORS:
            break
        ids.append(pid)
        names.append(row[col_of["name"]].strip() if "name" in col_of else "")
        roles.append(row[col_of["role"]].strip() if "role" in col_of else "")
        rows.append(values)
    if problems:
        raise InputError(source, problems[:MAX_ERRORS])
    if not ids:
        raise InputError.single(source, "", "the roster has a header but no people")
    K = np.asarray(rows, dtype=float).reshape(len(ids), len(components))
    names = [n or i for n, i in zip(names, ids, strict=True)]
    pay_matrix = np.asarray(pay_rows, dtype=float).reshape(len(ids), len(pay_cols))
    pay = {col: pay_matrix[:, j].copy() for j, col in enumerate(pay_cols)}
    return Roster(tuple(ids), tuple(names), tuple(roles), K, pay)


CORE_ROLE = "core"
CONTRIBUTOR_ROLE = "contributor"


def core_by_holding(K: np.ndarray, per_component: int) -> np.ndarray:
    """The role rule's core: the largest holders of each component.

    Args:
        K: Knowledge matrix, shape (N, C), values in [0, 1].
        per_component: How many of each component's largest holders (``K > 0``; ties in row
            order) are core.

    Returns:
        Boolean array (N,): True for core.
    """
    core = np.zeros(K.shape[0], dtype=bool)
    for c in range(K.shape[1]):
        order = np.argsort(-K[:, c], kind="stable")[:per_component]
        core[order[K[order, c] > 0]] = True
    return core


def fill_roles(roster: Roster, per_component: int) -> Roster:
    """Give everyone without a role ``core`` (:func:`core_by_holding`) or ``contributor``.

    Roles the roster gives are kept.

    Args:
        roster: The roster.
        per_component: See :func:`core_by_holding`.

    Returns:
        A roster with every role set.
    """
    core = core_by_holding(np.asarray(roster.K), per_component)
    roles = tuple(r or (CORE_ROLE if core[i] else CONTRIBUTOR_ROLE)
                  for i, r in enumerate(roster.roles))
    return Roster(roster.ids, roster.names, roles, roster.K, dict(roster.pay))


def csv_components(text: str, source: str) -> list[str]:
    """The component ids a roster CSV's header names (its ``k.<id>`` columns, in order).

    Raises:
        InputError: The file is empty, or names no component.
    """
    header = next(CsvRows(text, source), None)
    components = [h.strip()[len(KNOWLEDGE_PREFIX):] for h in header or []
                  if h.strip().startswith(KNOWLEDGE_PREFIX)]
    if not components:
        raise InputError.single(source, "line 1", "no k.<component> column; expected a roster "
                                "such as talentmoat scan --roster-out writes")
    return components


def _pay_cell(cell: str, col: str, line: int, problems: list[tuple[str, str]]) -> float:
    """Parse one economics cell: empty is ``nan`` (role default); problems are appended."""
    text = cell.strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        problems.append((f"line {line}, column {col}", f"'{text}' is not a number"))
        return math.nan
    positive = col == "vest_years"
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        problems.append((f"line {line}, column {col}", f"{text} is out of range; expected {bound}"))
    return value


def _draw(dist: Distribution, rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw ``size`` knowledge levels from one distribution; shape (size,)."""
    if isinstance(dist, Beta):
        return rng.beta(dist.a, dist.b, size)
    if isinstance(dist, Uniform):
        return rng.uniform(dist.low, dist.high, size)
    if isinstance(dist, Constant):
        return np.full(size, dist.value)
    raise TypeError(f"unknown distribution {dist!r}")  # unreachable: the schema is closed


def generate_cohorts(cohorts: list[Cohort], components: list[str], seed: int) -> Roster:
    """Generate people from cohorts, deterministically from ``seed``.

    Each cohort draws from its own stream (``SeedSequence([seed, index])``), so editing one
    cohort leaves the others' people unchanged. Ids are ``<role>-<nnn>``.

    Args:
        cohorts: The scenario's cohorts.
        components: Blueprint component ids, in order.
        seed: The scenario seed.

    Returns:
        The roster, people in cohort order.
    """
    ids: list[str] = []
    roles: list[str] = []
    blocks: list[np.ndarray] = []
    column = {c: j for j, c in enumerate(components)}
    for index, cohort in enumerate(cohorts):
        rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
        n = cohort.count
        block = np.empty((n, len(components)))
        for j, c in enumerate(components):
            block[:, j] = _draw(cohort.knowledge.get(c) or cohort.knowledge["default"], rng, n)
        spec = cohort.specialties
        if spec is not None:
            pool = np.array([column[c] for c in (spec.among or components)])
            keys = rng.random((n, len(pool)))
            chosen = pool[np.argsort(keys, axis=1)[:, : spec.count]]
            deep = _draw(spec.knowledge, rng, n * spec.count).reshape(n, spec.count)
            np.put_along_axis(block, chosen, deep, axis=1)
        blocks.append(np.clip(block, 0.0, 1.0))
        width = max(3, len(str(n)))
        ids.extend(f"{cohort.role}-{k + 1:0{width}d}" for k in range(n))
        roles.extend([cohort.role] * n)
    K = np.vstack(blocks)
    pay = {
        col: np.concatenate(
            [np.full(c.count, np.nan if getattr(c, col) is None else getattr(c, col))
             for c in cohorts]
        )
        for col in PAY_COLUMNS
    }
    return Roster(tuple(ids), tuple(ids), tuple(roles), K, pay)
