"""The outcomes a sweep keeps per point and strategy, read from the simulation's own summaries.

Each metric names where its value sits in :func:`talentmoat.sim.results.outcome_totals` (a
strategy's totals: its level) and in a :func:`talentmoat.sim.results.compare` row (its paired
mean difference from the baseline on common random numbers); a sweep never recomputes a formula,
so a renamed result key is a one-line change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Metric:
    """One kept outcome.

    Attributes:
        name: Column name in the store (the difference is ``d_<name>``).
        level: Key path into a strategy's totals, or None if they have no level.
        difference: Key path into a comparison row, or None if there is no paired difference.
        higher_is_better: Whether more is better (robustness and PRIM questions use it).
        unit: Unit of the value.
    """

    name: str
    level: tuple[str, ...] | None
    difference: tuple[str, ...] | None
    higher_is_better: bool
    unit: str


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("value_mean", ("totals", "value_mean_over_horizon"), ("delta_value_mean", "mean"),
           True, "USD"),
    Metric("value_end", ("totals", "value_end"), ("delta_value_end", "mean"), True, "USD"),
    Metric("lead_end", ("totals", "lead_end"), None, True, "share"),
    Metric("lead_mean", None, ("delta_lead_mean", "mean"), True, "share"),
    Metric("p_parity", ("time_to_parity", "reached_share"), ("delta_p_parity",), False,
           "probability"),
    Metric("departures", None, ("delta_departures", "mean"), False, "people"),
    Metric("departures_to_rivals", None, ("delta_departures_to_rivals", "mean"), False,
           "people"),
    Metric("departures_background", ("totals", "departures_background"), None, False,
           "people"),
    Metric("net_benefit", None, ("net_benefit", "mean"), True, "USD"),
    Metric("policy_cost", ("totals", "policy_cost"), ("policy_cost", "mean"), False, "USD"),
    Metric("tender_cash", ("totals", "tender_cash"), None, False, "USD"),
    Metric("core_retention_2y", ("totals", "core_retention_2y"), None, True, "share"),
)}
"""Every metric a sweep can keep, by name."""

ROBUSTNESS_METRIC = "net_benefit"
"""The default benefit whose paired difference robustness and PRIM look at: the ranking's own
(MODEL.md §H: Δ discounted value − Δ discounted cost)."""


def _at(tree: dict[str, Any], keys: tuple[str, ...]) -> float:
    """The number at a key path (NaN where the summary has none, e.g. no core role)."""
    value: Any = tree
    for key in keys:
        value = value[key]
    return float("nan") if value is None else float(value)


def columns(names: list[str]) -> list[str]:
    """Store columns of the given metrics: each level, then each difference, in list order."""
    out = [n for n in names if METRICS[n].level is not None]
    return out + [f"d_{n}" for n in names if METRICS[n].difference is not None]


def row(names: list[str], summary: dict[str, Any], comparison: dict[str, Any] | None,
        ) -> dict[str, float]:
    """One strategy's values for the store's metric columns.

    Args:
        names: Metric names.
        summary: The strategy's :func:`~talentmoat.sim.results.outcome_totals`.
        comparison: Its :func:`~talentmoat.sim.results.compare` row; None for the baseline,
            whose differences are 0.
    """
    out = {}
    for name in names:
        m = METRICS[name]
        if m.level is not None:
            out[name] = _at(summary, m.level)
    for name in names:
        m = METRICS[name]
        if m.difference is not None:
            out[f"d_{name}"] = 0.0 if comparison is None else _at(comparison, m.difference)
    return out


def rows(names: list[str], summaries: dict[str, dict[str, Any]],
         comparison: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every strategy's row for the store: ``strategy`` and its metric columns.

    Args:
        names: Metric names.
        summaries: Each strategy's :func:`~talentmoat.sim.results.outcome_totals` (or its
            :func:`~talentmoat.sim.results.summarize_strategy`, which holds them), baseline
            first.
        comparison: The :func:`~talentmoat.sim.results.compare` rows.
    """
    paired = {r["strategy"]: r for r in comparison}
    return [{"strategy": name, **row(names, summary, paired.get(name))}
            for name, summary in summaries.items()]


def interval(column: str, comparison: dict[str, Any] | None) -> tuple[float, float] | None:
    """The 95 % confidence interval of a difference column (``d_<name>``), if it has one.

    A difference kept as a paired mean (``(..., "mean")``) has its interval beside the mean
    in the comparison row; None for a level, a plain difference, or the baseline.
    """
    if comparison is None or not column.startswith("d_"):
        return None
    keys = METRICS[column.removeprefix("d_")].difference
    if keys is None or keys[-1] != "mean":
        return None
    return _at(comparison, (*keys[:-1], "low")), _at(comparison, (*keys[:-1], "high"))
