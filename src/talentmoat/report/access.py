"""Read the results payload (``summary.json``) through a few small accessors.

Every figure and sentence of the report reads the simulation payload only through these
functions, so a renamed key is a one-line fix here. Strategy, rival and role names always come
from the payload itself, never from code.
"""

from __future__ import annotations

from typing import Any

Payload = dict[str, Any]

BENEFIT_KEYS = ("net_benefit", "delta_value_mean")
"""The headline paired difference, first found wins: net benefit once the model reports it,
else the change in lab value averaged over the horizon."""

RANKING = "value retained per dollar of policy cost"
"""What orders the comparison rows (the simulation's ranking, best first)."""

PAIRED_METRICS = (
    ("net_benefit", "Net benefit", "USD"),
    ("delta_value_mean", "Δ mean lab value", "USD"),
    ("delta_departures", "Δ departures", "people"),
    ("delta_departures_to_rivals", "Δ departures to rivals", "people"),
    ("delta_lead_mean", "Δ mean lead", "blueprint share"),
    ("delta_p_parity", "Δ P(parity)", "probability"),
)
"""Paired differences a forest plot may show: (key, label, unit)."""

PARITY_CURVES = (
    ("any", "at least once by t"),
    ("in_quarter", "in quarter t"),
)
"""Parity curves by quarter: (key under ``p_parity_by_quarter``, label)."""

BANDS = ("p5", "p25", "p50", "p75", "p95")
"""Percentile keys of a band: 90 % band p5–p95, 50 % band p25–p75, median p50."""


def provenance(payload: Payload) -> dict[str, Any]:
    """Scenario, hash, seed, version, replications, quarters and wall time of the run."""
    return payload["provenance"]


def strategies(payload: Payload) -> list[str]:
    """Strategy names in run order, the baseline first."""
    return list(payload["strategies"])


def baseline(payload: Payload) -> str:
    """The baseline strategy's name."""
    return strategies(payload)[0]


def policies(payload: Payload, strategy: str) -> list[str]:
    """The policies a strategy switches on."""
    return list(payload["strategies"][strategy]["policies"])


def band(payload: Payload, strategy: str, metric: str) -> dict[str, list[float]] | None:
    """Percentiles by quarter of one outcome (``lead``, ``value``, ``headcount``), or None."""
    return payload["strategies"][strategy]["by_quarter"].get(metric)


def role_bands(payload: Payload, strategy: str) -> dict[str, dict[str, list[float]]]:
    """Headcount percentiles by quarter for each role (empty when not reported)."""
    return payload["strategies"][strategy].get("headcount_by_role", {})


def parity_curves(payload: Payload, strategy: str) -> dict[str, list[float]]:
    """P(a rival at parity) by quarter: label → probabilities, for the curves reported."""
    curves = payload["strategies"][strategy]["p_parity_by_quarter"]
    return {label: curves[key] for key, label in PARITY_CURVES if key in curves}


def comparison(payload: Payload) -> list[dict[str, Any]]:
    """Paired comparison rows, one per non-baseline strategy."""
    return list(payload.get("comparison") or [])


def interval(row: dict[str, Any], key: str) -> dict[str, float | None] | None:
    """A paired difference as ``{mean, low, high}`` (a bare number gets no interval)."""
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    return {"mean": value, "low": None, "high": None}


def paired_metrics(payload: Payload) -> list[tuple[str, str, str]]:
    """The paired metrics the payload reports, in :data:`PAIRED_METRICS` order."""
    rows = comparison(payload)
    return [m for m in PAIRED_METRICS if rows and m[0] in rows[0]]


def benefit_key(payload: Payload) -> str | None:
    """Key of the headline paired difference (see :data:`BENEFIT_KEYS`)."""
    rows = comparison(payload)
    return next((k for k in BENEFIT_KEYS if rows and k in rows[0]), None)


def cost(row: dict[str, Any]) -> dict[str, float | None]:
    """Policy cost over the horizon against the baseline (USD), ``{mean, low, high}``."""
    return interval(row, "policy_cost") or {"mean": 0.0, "low": None, "high": None}


def quarters(payload: Payload) -> int:
    """Horizon in quarters."""
    return int(provenance(payload)["quarters"])
