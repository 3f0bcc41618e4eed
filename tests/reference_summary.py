"""Oracle: the summaries as computed before streaming, from every replication's trajectories.

The in-memory ``talentmoat.sim.results`` of the commit before streaming statistics, kept as the
reference the streamed summaries must reproduce (tests/test_stream.py).

Pure functions of a :class:`~talentmoat.sim.runner.SimulationResult`: percentiles by quarter,
retention curves, the chance a rival has reached parity by each quarter, time to parity, costs,
and each strategy's paired difference from the baseline on common random numbers with a 95 %
confidence interval.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from talentmoat.lab_value import discounted_mean, discounted_total
from talentmoat.lab_value import lead as lab_lead
from talentmoat.sim.engine import Trajectories
from talentmoat.sim.runner import SimulationResult

PERCENTILES = (5, 25, 50, 75, 95)
CONFIDENCE = 0.95


def lead(tr: Trajectories) -> np.ndarray:
    """Blueprint lead over the strongest party, shape (R, T)."""
    return lab_lead(tr.b_lab, tr.b_rival)


def parity_quarter(tr: Trajectories) -> np.ndarray:
    """First quarter (1-based) in which some party's share reaches the lab's, else 0; (R,).

    0 means censored at T (no parity within the horizon). Parity is not absorbing (§G.5).
    """
    reached = lead(tr) <= 0
    first = reached.argmax(axis=1) + 1
    return np.where(reached.any(axis=1), first, 0)


def parity_by_quarter(tr: Trajectories) -> np.ndarray:
    """Whether some party has reached parity at least once by each quarter, bool (R, T)."""
    return np.maximum.accumulate(lead(tr) <= 0, axis=1)


def _band(x: np.ndarray) -> dict[str, list[float]]:
    """Mean and percentiles over replications (axis 0) of an (R, T) array."""
    p = np.percentile(x, PERCENTILES, axis=0)
    return {"mean": x.mean(axis=0).tolist(),
            **{f"p{q}": p[k].tolist() for k, q in enumerate(PERCENTILES)}}


def outcome_totals(result: SimulationResult, name: str) -> dict[str, Any]:
    """One strategy's time to parity and totals over the horizon (no bands by quarter)."""
    tr = result.trajectories[name]
    gap = lead(tr)
    par = parity_quarter(tr)
    departures = tr.departures.sum(axis=1).mean(axis=0)
    return {
        "time_to_parity": {
            "reached_share": float((par > 0).mean()),
            "median_quarter_if_reached": float(np.median(par[par > 0])) if (par > 0).any()
            else None,
            "censored_share": float((par == 0).mean()),
            "censored_at_quarter": int(gap.shape[1]),
        },
        "departures_to_parties_by_role": dict(zip(
            result.roles, tr.to_parties_by_role.sum(axis=1).mean(axis=0).tolist(), strict=True)),
        "first_year_to_parties_by_role": dict(zip(
            result.roles, tr.to_parties_by_role[:, :4].sum(axis=1).mean(axis=0).tolist(),
            strict=True)),
        "totals": {
            "departures_by_rival": dict(zip(result.rivals, departures[:-1].tolist(),
                                            strict=True)),
            "departures_background": float(departures[-1]),
            "policy_cost": float(tr.cost.sum(axis=1).mean()),
            "tender_cash": float(tr.tender_cash.sum(axis=1).mean()),
            "bypassed_rd_end": dict(zip(result.rivals, tr.bypassed_rd[:, -1].mean(axis=0)
                                        .tolist(), strict=True)),
            "value_end": float(tr.value[:, -1].mean()),
            "value_mean_over_horizon": float(tr.value.mean()),
            "value_discounted": float(discounted_mean(tr.value, result.discount_rate).mean()),
            "unit_payout": float(tr.unit_payout.sum(axis=1).mean()),
            "lead_end": float(gap[:, -1].mean()),
            "core_retention_2y": _core_retention(result, tr),
        },
    }


def _core_retention(result: SimulationResult, tr: Any) -> float | None:
    """Share of the starting core in post at the end of quarter 8, from the trajectories."""
    if "core" not in result.roles or tr.original_by_role.shape[1] < 8:
        return None
    k = result.roles.index("core")
    return float((tr.original_by_role[:, 7, k] / result.initial_headcount[k]).mean())


def summarize_strategy(result: SimulationResult, name: str) -> dict[str, Any]:
    """Summary of one strategy: bands by quarter, retention, parity, totals."""
    tr = result.trajectories[name]
    reps = tr.b_lab.shape[0]
    gap = lead(tr)
    at_parity = gap <= 0
    reached_by = parity_by_quarter(tr).mean(axis=0).tolist()
    per_rival = {
        rival: [(tr.b_rival[:, : t + 1, j] >= tr.b_lab[:, : t + 1]).any(axis=1).mean()
                for t in range(gap.shape[1])]
        for j, rival in enumerate(result.rivals)
    }
    headcount = tr.headcount.sum(axis=-1)
    by_role = tr.headcount.mean(axis=0) / np.maximum(result.initial_headcount, 1)
    return {
        "policies": result.provenance["strategies"][name],  # type: ignore[index]
        "by_quarter": {
            "b_lab": _band(tr.b_lab),
            "b_strongest_rival": _band(tr.b_rival.max(axis=-1)) if result.rivals else None,
            "lead": _band(gap),
            "value": _band(tr.value),
            "headcount": _band(headcount),
            "cumulative_departures": _band(tr.departures.sum(axis=-1).cumsum(axis=1)),
            "cumulative_cost": _band(tr.cost.cumsum(axis=1)),
        },
        "retention_curve": tr.retained.mean(axis=0).tolist(),
        "headcount_share_by_role": {role: by_role[:, k].tolist()
                                    for k, role in enumerate(result.roles)},
        "headcount_by_role": {role: _band(tr.headcount[..., k])
                              for k, role in enumerate(result.roles)},
        "p_parity_in_quarter": at_parity.mean(axis=0).tolist(),
        "p_parity_by_quarter": {"any": reached_by, **per_rival},
        **outcome_totals(result, name),
        "replications": reps,
    }


def paired(diff: np.ndarray) -> dict[str, float]:
    """Mean of paired differences (shape (R,)) with a Student-t confidence interval."""
    n = len(diff)
    mean = float(diff.mean())
    if n < 2:
        return {"mean": mean, "low": float("nan"), "high": float("nan")}
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * diff.std(ddof=1) / np.sqrt(n))
    return {"mean": mean, "low": mean - half, "high": mean + half}


def compare(result: SimulationResult) -> list[dict[str, Any]]:
    """Each strategy against the baseline, on the same replications, ranked by net benefit.

    Per replication, the difference (strategy − baseline) of the discounted lab value (the
    discount-weighted mean of ``V_t``, :func:`talentmoat.lab_value.discounted_mean`), the mean
    and final value, the mean lead, departures and the discounted policy cost; the **net
    benefit** is ``Δ discounted value − Δ discounted cost`` (MODEL.md §H). Value per dollar
    (``Δ discounted value / Δ cost``) is a column; a strategy at no cost shows "no cost".

    Returns:
        One row per non-baseline strategy, highest mean net benefit first.
    """
    base_name = result.strategies[0]
    base = result.trajectories[base_name]
    rate = result.discount_rate
    base_dv = discounted_mean(base.value, rate)
    base_cost = discounted_total(base.cost, rate)
    n_rivals = len(result.rivals)
    rows = []
    for name in result.strategies[1:]:
        tr = result.trajectories[name]
        d_dv = discounted_mean(tr.value, rate) - base_dv
        d_cost = discounted_total(tr.cost, rate) - base_cost
        row = {
            "strategy": name,
            "policies": result.provenance["strategies"][name],  # type: ignore[index]
            "net_benefit": paired(d_dv - d_cost),
            "delta_value_discounted": paired(d_dv),
            "delta_value_mean": paired(tr.value.mean(axis=1) - base.value.mean(axis=1)),
            "delta_value_end": paired(tr.value[:, -1] - base.value[:, -1]),
            "delta_lead_mean": paired(lead(tr).mean(axis=1) - lead(base).mean(axis=1)),
            "delta_departures": paired(tr.departures.sum(axis=(1, 2))
                                       - base.departures.sum(axis=(1, 2))),
            "delta_departures_to_rivals": paired(
                tr.departures[:, :, :n_rivals].sum(axis=(1, 2))
                - base.departures[:, :, :n_rivals].sum(axis=(1, 2))),
            "delta_p_parity": float((parity_quarter(tr) > 0).mean()
                                    - (parity_quarter(base) > 0).mean()),
            "policy_cost": paired(d_cost),
        }
        mean_cost = row["policy_cost"]["mean"]
        row["value_per_dollar"] = (row["delta_value_discounted"]["mean"] / mean_cost
                                   if mean_cost > 0 else None)
        rows.append(row)
    return sorted(rows, key=lambda row: -row["net_benefit"]["mean"])
