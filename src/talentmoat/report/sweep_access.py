"""Read a sweep's analysis (what ``talentmoat analyze`` computes) through small accessors.

Every sweep figure and sentence of the report reads the analysis of
:func:`talentmoat.experiments.analyze.analyze` (plus the store's facts that
:func:`talentmoat.cli.experiments.store_analysis` adds) only through these functions, so a renamed
key is a one-line fix here. Strategy, uncertainty and metric names always come from the data.
"""

from __future__ import annotations

from typing import Any

Analysis = dict[str, Any]

SOBOL_KEYS = ("S1", "ST")
"""Sobol indices shown, each with its ``<key>_conf`` half-width (95 % bootstrap)."""

MORRIS_KEYS = ("mu_star", "sigma")
"""Morris statistics shown; ``mu_star`` has its ``mu_star_conf`` half-width."""

ROBUSTNESS_COLUMNS = (
    ("mean", "mean benefit"),
    ("p10", "10 % benefit"),
    ("p90", "90 % benefit"),
    ("regret", "regret (p90)"),
    ("satisficing", "satisficing"),
)
"""Per-strategy robustness entries: (key, label); all but ``satisficing`` in metric units."""

RANKING_CRITERIA = ("mean", "p10", "regret", "satisficing")
"""Criteria whose rankings the robustness table shows."""


def metric(res: Analysis) -> str:
    """The analysed metric's name."""
    return res["metric"]


def unit(res: Analysis) -> str:
    """The metric's unit (``USD``, ``people``, ``probability`` …)."""
    return res["unit"]


def uncertainties(res: Analysis) -> list[str]:
    """Uncertainty names in design order."""
    return list(res["uncertainties"])


def points(res: Analysis) -> int:
    """Points of the design (P)."""
    return int(res["points"])


def baseline(res: Analysis) -> str:
    """The baseline strategy's name (the first the sweep ran)."""
    return res["provenance"]["strategies"][0]


def sensitivity_strategies(res: Analysis) -> list[str]:
    """Strategies with sensitivity indices (none for a Latin hypercube or factorial design).

    A strategy whose output did not vary, or had no complete block or trajectory, is left out.
    """
    return [s for s, e in res["sensitivity"].items() if "method" in e and any(
        v is not None for i in e["indices"].values() for v in i.values())]


def sensitivity(res: Analysis, strategy: str) -> dict[str, Any]:
    """One strategy's indices: ``method`` (``sobol``/``morris``), ``column`` and ``indices``.

    ``indices`` maps each uncertainty to its statistics; Sobol values are shares of the output's
    variance (may be None when the output does not vary), Morris values are in metric units per
    input range.
    """
    return res["sensitivity"][strategy]


def prim_strategies(res: Analysis) -> list[str]:
    """Strategies asked "where is it worse than the baseline?"."""
    return list(res["prim"])


def prim(res: Analysis, strategy: str) -> dict[str, Any]:
    """One strategy's scenario discovery.

    Keys: ``question``, ``share_true`` (share of points where it is worse), ``box`` (None when it
    is worse nowhere; else per restricted uncertainty ``low``/``high`` (None: unbounded) and
    ``quasi_p``), ``trajectory`` (boxes with ``coverage``, ``density``, ``mass``),
    ``chosen_step`` and the chosen box's ``coverage``, ``density`` and ``mass``.
    """
    return res["prim"][strategy]


def robustness(res: Analysis) -> dict[str, Any] | None:
    """Robustness of every strategy's benefit, or None when the metric has no paired difference.

    Keys: ``benefit`` (what is compared), ``target``, ``points``, ``strategies`` (per strategy
    the entries of :data:`ROBUSTNESS_COLUMNS`) and ``rankings`` (per criterion, best first).
    """
    return res.get("robustness")


def provenance(res: Analysis) -> dict[str, Any]:
    """The store's provenance facts (scenario, digests, seed, design, points, versions …)."""
    return res["provenance"]


def sweep_row(res: Analysis) -> dict[str, Any]:
    """The store's ``sweep`` row: ``name``, ``source``, ``digest``, ``version``, ``created``."""
    return res["info"]


def completed(res: Analysis) -> tuple[int, int]:
    """(points with results, failed points)."""
    return int(res["completed_points"]), int(res["failed_points"])
