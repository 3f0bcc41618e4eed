"""Fit the move-decision coefficients by maximum likelihood from an offer/decision log.

MODEL.md §E. ``talentmoat calibrate EVENTS.csv`` reads one row per offer a person received and
whether they accepted it, and fits the binary logit

``P(accept) = 1 / (1 + exp(−(α + β_comp·ln(offer/stay) + β_compute·ln(A_j/A_i)
+ β_autonomy·(a_j − a_i) − β_friction·friction)))``

with statsmodels. The CSV format is documented in :data:`COLUMNS` and ``docs/model.md``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy.special import expit

from talentmoat.errors import InputError
from talentmoat.inputfiles import CsvRows

COLUMNS = {
    "accepted": "1 if the offer was accepted, 0 if declined (required)",
    "offer_value": "value of the offer to the person, USD a year, > 0 (required)",
    "stay_value": "the person's risk-adjusted package at the lab, USD a year, > 0 (required)",
    "rival_compute": "GPU-hours a quarter per researcher at the rival, > 0 (with own_compute)",
    "own_compute": "the person's GPU-hours a quarter at the lab, > 0 (with rival_compute)",
    "rival_autonomy": "autonomy at the rival, 0–1 (with own_autonomy)",
    "own_autonomy": "the person's autonomy at the lab, 0–1 (with rival_autonomy)",
    "friction": "friction of moving to the rival, 0–1 (optional)",
}
"""Columns ``calibrate`` reads, with their meaning."""

IGNORED_COLUMNS = ("id", "person_id", "rival", "date", "quarter", "note")
"""Informational columns that may be present and are not used."""

PAIRS = (("rival_compute", "own_compute"), ("rival_autonomy", "own_autonomy"))
MAX_ERRORS = 20
"""At most this many problems are listed for one events file."""

MIN_EACH_OUTCOME = 5
"""Fewest accepted and fewest declined offers a fit needs."""

MAX_ITERATIONS = 200
"""Newton iterations allowed to the maximum-likelihood fit."""


@dataclass(frozen=True)
class Events:
    """A decision log as arrays, each shaped (rows,); optional columns are None when absent."""

    accepted: np.ndarray
    offer_value: np.ndarray
    stay_value: np.ndarray
    rival_compute: np.ndarray | None
    own_compute: np.ndarray | None
    rival_autonomy: np.ndarray | None
    own_autonomy: np.ndarray | None
    friction: np.ndarray | None


@dataclass(frozen=True)
class Fit:
    """A fitted move decision.

    Attributes:
        names: Coefficient names: ``alpha``, ``beta_comp`` and those the log allows.
        estimates: Estimates in MODEL.md's signs (``beta_friction`` enters with a minus).
        std_errors: Standard errors, same order.
        n: Decisions.
        accepted: Accepted offers.
        log_likelihood: Maximised log-likelihood.
        null_log_likelihood: Log-likelihood of the intercept-only model.
        pseudo_r2: McFadden's ``1 − LL / LL0``.
        llr_p_value: p-value of the likelihood-ratio test against the intercept-only model.
        p_accept_at_parity: ``expit(alpha)``.
    """

    names: tuple[str, ...]
    estimates: np.ndarray
    std_errors: np.ndarray
    n: int
    accepted: int
    log_likelihood: float
    null_log_likelihood: float
    pseudo_r2: float
    llr_p_value: float
    p_accept_at_parity: float

    def snippet(self) -> str:
        """A ``behaviour:`` block to paste into a scenario (4 significant digits)."""
        lines = ["behaviour:"]
        lines.append(f"  p_accept_at_parity: {self.p_accept_at_parity:.4g}")
        for name, value in zip(self.names, self.estimates, strict=True):
            if name == "alpha":
                continue
            note = "  # negative: outside the schema's range (>= 0)" if value < 0 else ""
            lines.append(f"  {name}: {value:.4g}{note}")
        return "\n".join(lines) + "\n"


def _cell(
    text: str, col: str, where: str, low: float, high: float, open_low: bool,
    problems: list[tuple[str, str]],
) -> float:
    value_text = text.strip()
    try:
        value = float(value_text)
    except ValueError:
        problems.append((f"{where}, column {col}", f"'{value_text}' is not a number"))
        return math.nan
    bad_low = value <= low if open_low else value < low
    if not math.isfinite(value) or bad_low or value > high:
        lo = f"> {low:g}" if open_low else f">= {low:g}"
        hi = "" if math.isinf(high) else f" and <= {high:g}"
        problems.append(
            (f"{where}, column {col}", f"{value_text} is out of range; expected {lo}{hi}")
        )
    return value


def read_events_csv(text: str, source: str) -> Events:
    """Parse a decision log.

    Args:
        text: The CSV text (header line, then one row per offer).
        source: File name for messages.

    Returns:
        The events.

    Raises:
        InputError: Naming row (data row number and file line) and column of every problem.
    """
    if not text.strip():
        raise InputError.single(source, "", "the file is empty; expected a header line with "
                                "accepted, offer_value, stay_value")
    reader = CsvRows(text, source)
    header = [h.strip() for h in next(reader)]
    problems: list[tuple[str, str]] = []
    for col in header:
        if col not in COLUMNS and col not in IGNORED_COLUMNS:
            problems.append((f"line 1, column {col or '(empty)'}",
                             f"unknown column; expected {', '.join(COLUMNS)}"))
    for col in sorted({h for h in header if header.count(h) > 1}):
        problems.append((f"line 1, column {col}", "column appears more than once"))
    for col in ("accepted", "offer_value", "stay_value"):
        if col not in header:
            problems.append(("line 1", f"missing required column '{col}'"))
    for a, b in PAIRS:
        if (a in header) != (b in header):
            have, lack = (a, b) if a in header else (b, a)
            problems.append(("line 1", f"column '{have}' needs '{lack}' as well"))
    if problems:
        raise InputError(source, problems)
    used = [c for c in COLUMNS if c in header]
    col_of = {h: j for j, h in enumerate(header)}
    bounds = {
        "accepted": (0.0, 1.0, False),
        "offer_value": (0.0, math.inf, True),
        "stay_value": (0.0, math.inf, True),
        "rival_compute": (0.0, math.inf, True),
        "own_compute": (0.0, math.inf, True),
        "rival_autonomy": (0.0, 1.0, False),
        "own_autonomy": (0.0, 1.0, False),
        "friction": (0.0, 1.0, False),
    }
    rows: list[list[float]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"row {len(rows) + 1} (line {reader.line_num})"
        if len(row) != len(header):
            problems.append((where, f"has {len(row)} fields; the header has {len(header)}"))
            rows.append([math.nan] * len(used))
        else:
            values = []
            for col in used:
                low, high, open_low = bounds[col]
                values.append(_cell(row[col_of[col]], col, where, low, high, open_low, problems))
            if values[0] not in (0.0, 1.0) and math.isfinite(values[0]) and 0 <= values[0] <= 1:
                problems.append((f"{where}, column accepted",
                                 f"{row[col_of['accepted']].strip()} is not 0 or 1"))
            rows.append(values)
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise InputError(source, problems[:MAX_ERRORS])
    if not rows:
        raise InputError.single(source, "", "the file has a header but no decisions")
    data = np.asarray(rows, dtype=float)
    column = {col: data[:, j] for j, col in enumerate(used)}
    return Events(**{name: column.get(name) for name in COLUMNS})


def fit_events(events: Events, source: str) -> Fit:
    """Fit ``α`` and the β's by maximum likelihood (statsmodels ``Logit``).

    Args:
        events: The decision log.
        source: File name for messages.

    Returns:
        The fit.

    Raises:
        InputError: When the log cannot identify the coefficients (too few of either outcome,
            perfect separation, or no convergence).
    """
    y = events.accepted
    n, k = len(y), int(y.sum())
    if min(k, n - k) < MIN_EACH_OUTCOME:
        raise InputError.single(
            source, "column accepted",
            f"{k} accepted and {n - k} declined offers; a fit needs at least "
            f"{MIN_EACH_OUTCOME} of each",
        )
    names = ["alpha", "beta_comp"]
    columns = [np.ones(n), np.log(events.offer_value / events.stay_value)]
    signs = [1.0, 1.0]
    if events.rival_compute is not None and events.own_compute is not None:
        names.append("beta_compute")
        columns.append(np.log(events.rival_compute / events.own_compute))
        signs.append(1.0)
    if events.rival_autonomy is not None and events.own_autonomy is not None:
        names.append("beta_autonomy")
        columns.append(events.rival_autonomy - events.own_autonomy)
        signs.append(1.0)
    if events.friction is not None:
        names.append("beta_friction")
        columns.append(events.friction)
        signs.append(-1.0)
    X = np.column_stack(columns)
    for name, col in zip(names[1:], columns[1:], strict=True):
        if np.ptp(col) == 0:
            raise InputError.single(source, "", f"{name} cannot be fitted: its regressor is "
                                    "constant in the log")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.Logit(y, X).fit(disp=0, maxiter=MAX_ITERATIONS)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise InputError.single(source, "", f"the fit failed: {exc}") from None
    se = np.asarray(result.bse, dtype=float)
    if not result.mle_retvals.get("converged", False) or not np.all(np.isfinite(se)):
        raise InputError.single(source, "", "the fit did not converge (perfect separation or "
                                "collinear columns?)")
    sign = np.array(signs)
    params = np.asarray(result.params, dtype=float) * sign
    return Fit(
        names=tuple(names), estimates=params, std_errors=se, n=n, accepted=k,
        log_likelihood=float(result.llf), null_log_likelihood=float(result.llnull),
        pseudo_r2=float(result.prsquared), llr_p_value=float(result.llr_pvalue),
        p_accept_at_parity=float(expit(params[0])),
    )
