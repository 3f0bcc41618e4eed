"""What a sweep says: global sensitivity, scenario discovery and robustness, per metric.

Given the stored design (one column per uncertainty) and metrics (per point and strategy):

- **Sensitivity** (SALib): Sobol first-order and total indices with bootstrap confidence
  intervals for a Sobol design, Morris ``μ*`` and ``σ`` for a Morris design — of a strategy's
  level for the baseline, and of its paired difference from the baseline for any other ("what
  drives the value tenders add?").
- **Scenario discovery** (:mod:`talentmoat.experiments.prim`): where in the inputs a strategy
  does worse than the baseline on the metric.
- **Robustness** (:mod:`talentmoat.experiments.robustness`): of every strategy's benefit
  (the paired difference, signed so more is better; the baseline's is 0).

Pure functions of arrays and DataFrames; the store is read by the caller.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from talentmoat.experiments.design import problem
from talentmoat.experiments.metrics import METRICS
from talentmoat.experiments.prim import prim
from talentmoat.experiments.robustness import robustness
from talentmoat.experiments.spec import Design

BOOTSTRAP_RESAMPLES = 200
CONFIDENCE = 0.95


def column(metric: str, strategy: str, baseline: str) -> str:
    """The store column analysed for a strategy.

    The level for the baseline; the paired difference for any other strategy (its level when
    the metric has no difference).
    """
    m = METRICS[metric]
    if strategy != baseline and m.difference is not None:
        return f"d_{metric}"
    if m.level is None:
        raise ValueError(f"metric {metric} has no level; analyse it for a strategy other than "
                         f"the baseline {baseline}")
    return metric


def sobol_indices(names: list[str], y: np.ndarray, design: Design, seed: int,
                  ) -> dict[str, Any]:
    """Sobol S1 and ST with bootstrap CIs from outputs in Saltelli order.

    Blocks of the design (one base sample and its cross rows) with a missing output are left
    out; the indices use the complete blocks.

    Args:
        names: Uncertainty names (D).
        y: Output at every design point, shape (N (D + 2),) or (N (2D + 2),); NaN if missing.
        design: The Sobol design.
        seed: Seed of the bootstrap.
    """
    d = len(names)
    step = 2 * d + 2 if design.second_order else d + 2
    blocks = y.reshape(-1, step)
    keep = blocks[~np.isnan(blocks).any(axis=1)]
    if len(keep) < 2 or np.var(keep) == 0:
        return {"method": "sobol", "blocks": len(keep), "indices": {
            n: {"S1": None, "S1_conf": None, "ST": None, "ST_conf": None} for n in names}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sobol_analyze.analyze(problem(names), keep.ravel(),
                                    calc_second_order=design.second_order,
                                    num_resamples=BOOTSTRAP_RESAMPLES, conf_level=CONFIDENCE,
                                    seed=seed)
    return {"method": "sobol", "blocks": len(keep), "indices": {
        n: {key: float(res[key][k]) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        for k, n in enumerate(names)}}


def morris_indices(names: list[str], unit: np.ndarray, y: np.ndarray, design: Design,
                   seed: int) -> dict[str, Any]:
    """Morris ``μ*`` (with its CI), ``μ`` and ``σ`` of elementary effects per unit range.

    Trajectories with a missing output are left out.

    Args:
        names: Uncertainty names (D).
        unit: The design in the unit cube, shape (r (D + 1), D).
        y: Output at every point, shape (r (D + 1),); NaN if missing.
        design: The Morris design.
        seed: Seed of the bootstrap.
    """
    d = len(names)
    traj = y.reshape(-1, d + 1)
    ok = ~np.isnan(traj).any(axis=1)
    if ok.sum() < 1:
        return {"method": "morris", "trajectories": 0, "indices": {}}
    x = unit.reshape(-1, d + 1, d)[ok].reshape(-1, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = morris_analyze.analyze(problem(names), x, traj[ok].ravel(),
                                     num_resamples=BOOTSTRAP_RESAMPLES, conf_level=CONFIDENCE,
                                     num_levels=design.levels, seed=seed)
    return {"method": "morris", "trajectories": int(ok.sum()), "indices": {
        n: {key: float(res[key][k]) for key in ("mu_star", "mu_star_conf", "mu", "sigma")}
        for k, n in enumerate(names)}}


def outputs(metrics: pd.DataFrame, points: int, strategy: str, col: str) -> np.ndarray:
    """One strategy's column at every point, shape (points,), NaN where a point has none."""
    rows = metrics[metrics["strategy"] == strategy]
    y = np.full(points, np.nan)
    y[rows["point"].to_numpy()] = rows[col].to_numpy(dtype=float)
    return y


def analyze(
    design: pd.DataFrame,
    unit: np.ndarray,
    metrics: pd.DataFrame,
    *,
    names: list[str],
    strategies: list[str],
    spec_design: Design,
    metric: str,
    seed: int,
    target: float = 0.0,
    threshold: float = 0.8,
) -> dict[str, Any]:
    """Sensitivity, PRIM and robustness of one metric for the given strategies.

    Args:
        design: The ``design`` table (``point`` and one column per uncertainty).
        unit: The design in the unit cube, shape (P, D), in point order.
        metrics: The ``metrics`` table.
        names: Uncertainty names.
        strategies: Strategies analysed, the baseline first.
        spec_design: The spec's design (method and its settings).
        metric: Metric name.
        seed: Seed of the bootstraps.
        target: Satisficing target of the benefit (metric units).
        threshold: PRIM density threshold.
    """
    points = len(design)
    baseline = strategies[0]
    sign = 1.0 if METRICS[metric].higher_is_better else -1.0
    out: dict[str, Any] = {"metric": metric, "unit": METRICS[metric].unit,
                           "higher_is_better": METRICS[metric].higher_is_better,
                           "points": points, "sensitivity": {}, "prim": {}}
    X = design[names].to_numpy(dtype=float)
    for name in strategies:
        try:
            col = column(metric, name, baseline)
        except ValueError:
            continue
        y = outputs(metrics, points, name, col)
        entry: dict[str, Any] = {"column": col}
        if spec_design.method == "sobol":
            entry |= sobol_indices(names, y, spec_design, seed)
        elif spec_design.method == "morris":
            entry |= morris_indices(names, unit, y, spec_design, seed)
        out["sensitivity"][name] = entry
        if name != baseline and col.startswith("d_"):
            ok = ~np.isnan(y)
            worse = sign * y[ok] < 0
            question = f"{name} worse than {baseline} on {metric}"
            if worse.any():
                res = prim(X[ok], worse, threshold=threshold)
                box = res.chosen
                out["prim"][name] = {
                    "question": question, "share_true": float(worse.mean()),
                    "trajectory": [{"coverage": b.coverage, "density": b.density,
                                    "mass": b.mass} for b in res.trajectory],
                    "chosen_step": res.chosen_step,
                    "box": {names[k]: {"low": _finite(box.low[k]), "high": _finite(box.high[k]),
                                       "quasi_p": res.quasi_p[k]} for k in box.restricted},
                    "coverage": box.coverage, "density": box.density, "mass": box.mass}
            else:
                out["prim"][name] = {"question": question, "share_true": 0.0, "box": None}
    diffs = [baseline, *[n for n in strategies[1:] if METRICS[metric].difference is not None]]
    cols = {n: f"d_{metric}" for n in diffs}
    if METRICS[metric].difference is not None and len(diffs) > 1:
        benefit = np.column_stack([
            np.zeros(points) if n == baseline
            else sign * outputs(metrics, points, n, cols[n]) for n in diffs])
        complete = ~np.isnan(benefit).any(axis=1)
        if complete.any():  # no robustness without a complete point
            r = robustness(benefit[complete], diffs, target)
            out["robustness"] = {
                "benefit": f"{'' if sign > 0 else '−'}d_{metric} (more is better)",
                "target": target, "points": int(complete.sum()),
                "strategies": {n: {"mean": float(r.mean[k]), "p10": float(r.p10[k]),
                                   "p90": float(r.p90[k]), "regret": float(r.regret[k]),
                                   "satisficing": float(r.satisficing[k])}
                               for k, n in enumerate(r.strategies)},
                "rankings": {k: list(v) for k, v in r.rankings.items()}}
    return out


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None
