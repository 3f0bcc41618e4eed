"""Summaries of a simulation and the paired comparison of strategies (MODEL.md §H).

Pure functions of a :class:`~talentmoat.sim.runner.SimulationResult`'s streaming statistics
and percentile bands (:mod:`talentmoat.sim.accumulate`; never its trajectories): percentiles by
quarter, retention curves, the chance a rival has reached parity by each quarter, time to
parity, costs, and each strategy's paired difference from the baseline on common random
numbers with a 95 % confidence interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import stdtrit

from talentmoat.roster import CORE_ROLE
from talentmoat.sim.accumulate import (
    BANDS,
    PERCENTILES,
    lead,
    mean,
    parity_by_quarter,
    parity_quarter,
    role_band,
)
from talentmoat.sim.runner import SimulationResult

__all__ = ["CONFIDENCE", "CORE_RETENTION_QUARTERS", "PERCENTILES", "compare",
           "core_retention", "lead", "outcome_totals", "paired", "parity_by_quarter",
           "parity_quarter", "summarize_strategy"]

CONFIDENCE = 0.95
CORE_RETENTION_QUARTERS = 8
"""Core retention is measured after this many quarters (two years)."""


def core_retention(result: SimulationResult, name: str,
                   quarters: int = CORE_RETENTION_QUARTERS) -> float | None:
    """Core 2-year retention: the share of the starting core still at the lab after 8 quarters.

    The people whose role is ``core`` at quarter 0 who are still in post at the end of quarter
    ``quarters``, over the starting core, averaged over replications; newcomers who refill a
    core seat do not count (they are not the starting core).

    Returns:
        A share in [0, 1], or None when the roster has no core or the horizon is shorter.
    """
    st = result.stats[name]
    if CORE_ROLE not in result.roles or st.original_by_role.shape[1] < quarters:
        return None
    k = result.roles.index(CORE_ROLE)
    start = result.initial_headcount[k]
    return float(st.original_by_role[:, quarters - 1, k].sum() / (st.replications * start))


def _band(result: SimulationResult, name: str, band: str) -> dict[str, list[float]] | None:
    """Mean and percentiles by quarter of one band outcome (None if the run has none)."""
    bands = result.bands[name]
    if band not in bands:
        return None
    st = result.stats[name]
    return {"mean": mean(st.band_sums[band], st.replications).tolist(),
            **{f"p{q}": bands[band][k].tolist() for k, q in enumerate(PERCENTILES)}}


def outcome_totals(result: SimulationResult, name: str) -> dict[str, Any]:
    """One strategy's time to parity and totals over the horizon (no bands by quarter).

    Computed from the run's streaming statistics (every step O(R·T)).
    """
    st = result.stats[name]
    reps = st.replications
    par = st.parity_quarter
    departures = mean(st.departures, reps)
    return {
        "time_to_parity": {
            "reached_share": float((par > 0).mean()),
            "median_quarter_if_reached": float(np.median(par[par > 0])) if (par > 0).any()
            else None,
            "censored_share": float((par == 0).mean()),
            "censored_at_quarter": len(st.at_parity),
        },
        "departures_to_parties_by_role": dict(zip(
            result.roles, mean(st.to_parties_by_role, reps).tolist(), strict=True)),
        "first_year_to_parties_by_role": dict(zip(
            result.roles, mean(st.first_year_by_role, reps).tolist(), strict=True)),
        "totals": {
            "departures_by_rival": dict(zip(result.rivals, departures[:-1].tolist(),
                                            strict=True)),
            "departures_background": float(departures[-1]),
            "policy_cost": float(st.policy_cost.mean()),
            "tender_cash": float(st.tender_cash.mean()),
            "bypassed_rd_end": dict(zip(result.rivals, mean(st.bypassed_end, reps).tolist(),
                                        strict=True)),
            "value_end": float(st.value_end.mean()),
            "value_mean_over_horizon": float(st.value_mean.mean()),
            "value_discounted": float(st.value_discounted.mean()),
            "unit_payout": float(st.unit_payout.mean()),
            "lead_end": float(st.lead_end.mean()),
            "core_retention_2y": core_retention(result, name),
        },
    }


def summarize_strategy(result: SimulationResult, name: str) -> dict[str, Any]:
    """Summary of one strategy: bands by quarter, retention, parity, totals.

    Computed from the run's streaming statistics and percentile bands (every step O(R·T)).
    """
    st = result.stats[name]
    reps = st.replications
    headcount = mean(st.headcount, reps)
    by_role = headcount / np.maximum(result.initial_headcount, 1)
    bands = result.bands[name]
    return {
        "policies": result.provenance["strategies"][name],  # type: ignore[index]
        "by_quarter": {band: _band(result, name, band) for band in BANDS},
        "retention_curve": mean(st.retained, reps).tolist(),
        "headcount_share_by_role": {role: by_role[:, k].tolist()
                                    for k, role in enumerate(result.roles)},
        "headcount_by_role": {
            role: {"mean": headcount[:, k].tolist(),
                   **{f"p{q}": bands[role_band(role)][i].tolist()
                      for i, q in enumerate(PERCENTILES)}}
            for k, role in enumerate(result.roles)},
        "p_parity_in_quarter": (st.at_parity / reps).tolist(),
        "p_parity_by_quarter": {
            "any": (st.reached_any / reps).tolist(),
            **{rival: (st.reached_party[:, j] / reps).tolist()
               for j, rival in enumerate(result.rivals)},
        },
        **outcome_totals(result, name),
        "replications": reps,
    }


def paired(diff: np.ndarray) -> dict[str, float]:
    """Mean of paired differences (shape (R,)) with a Student-t confidence interval."""
    n = len(diff)
    mean = float(diff.mean())
    if n < 2:
        return {"mean": mean, "low": float("nan"), "high": float("nan")}
    half = float(stdtrit(n - 1, 0.5 + CONFIDENCE / 2) * diff.std(ddof=1) / np.sqrt(n))
    return {"mean": mean, "low": mean - half, "high": mean + half}


def compare(result: SimulationResult) -> list[dict[str, Any]]:
    """Each strategy against the baseline, on the same replications, ranked by net benefit.

    Per replication, the difference (strategy − baseline) of the discounted lab value (the
    discount-weighted mean of ``V_t``, :func:`talentmoat.lab_value.discounted_mean`), the mean
    and final value, the mean lead, departures and the discounted policy cost; the **net
    benefit** is ``Δ discounted value − Δ discounted cost`` (MODEL.md §H). Value per dollar
    (``Δ discounted value / Δ cost``) is a column; a strategy at no cost shows "no cost".
    The per-replication numbers come from the run's statistics (``R`` values per strategy).

    Returns:
        One row per non-baseline strategy, highest mean net benefit first.
    """
    base = result.stats[result.strategies[0]]
    rows = []
    for name in result.strategies[1:]:
        st = result.stats[name]
        d_dv = st.value_discounted - base.value_discounted
        d_cost = st.cost_discounted - base.cost_discounted
        row = {
            "strategy": name,
            "policies": result.provenance["strategies"][name],  # type: ignore[index]
            "net_benefit": paired(d_dv - d_cost),
            "delta_value_discounted": paired(d_dv),
            "delta_value_mean": paired(st.value_mean - base.value_mean),
            "delta_value_end": paired(st.value_end - base.value_end),
            "delta_lead_mean": paired(st.lead_mean - base.lead_mean),
            "delta_departures": paired(st.departures_total - base.departures_total),
            "delta_departures_to_rivals": paired(st.departures_to_parties
                                                 - base.departures_to_parties),
            "delta_p_parity": float((st.parity_quarter > 0).mean()
                                    - (base.parity_quarter > 0).mean()),
            "policy_cost": paired(d_cost),
        }
        mean_cost = row["policy_cost"]["mean"]
        row["value_per_dollar"] = (row["delta_value_discounted"]["mean"] / mean_cost
                                   if mean_cost > 0 else None)
        rows.append(row)
    return sorted(rows, key=lambda row: -row["net_benefit"]["mean"])
