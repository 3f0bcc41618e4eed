"""Robust mode of the optimizer: the shortlist across an uncertainty set, and where a plan breaks.

Input: the shortlisted candidates' rows at every point of a sweep's design (P points × C
candidates). Per candidate, the satisficing share (points where every constraint holds) and the
90 % regret of the benefit (:func:`talentmoat.experiments.robustness.robustness`); the robust
recommendation is the cheapest candidate meeting the constraints at ``min_share`` of the points
(``satisficing``), or among those the one of least regret (``regret``). PRIM
(:func:`talentmoat.experiments.prim.prim`) then finds the box of uncertain inputs where the
nominal recommendation (the out-of-sample one) fails, and where the robust one fails. Pure
NumPy on the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from talentmoat.experiments.optimize import Row, feasible
from talentmoat.experiments.optspec import Optimization
from talentmoat.experiments.prim import prim
from talentmoat.experiments.robustness import Robustness, robustness


@dataclass(frozen=True)
class RobustCheck:
    """The shortlist across the uncertainty set.

    Attributes:
        names: Uncertainty names (the columns of ``values``).
        values: The inputs' values at each point, shape (P, D).
        met: Whether each candidate meets the constraints at each point, shape (P, C).
        cost: Each candidate's cost at each point, shape (P, C).
        robustness: Spread, 90 % regret and satisficing of the benefit (target: the
            constraints met, as 1/0) per candidate.
        recommended: Column of the robust recommendation, or None.
        breaks: For ``nominal`` (the out-of-sample recommendation) and ``robust``, where it
            fails: the share of points it fails at, and the PRIM box's limits by uncertainty
            (``{"from", "to"}``, None where open), coverage, density and mass; None when it
            fails nowhere or there is no such recommendation.
    """

    names: list[str]
    values: np.ndarray
    met: np.ndarray
    cost: np.ndarray
    robustness: Robustness
    recommended: int | None
    breaks: dict[str, dict[str, Any] | None]


def where_it_breaks(names: list[str], values: np.ndarray, failed: np.ndarray,
                    ) -> dict[str, Any] | None:
    """The PRIM box of the points where a plan fails (None when it fails nowhere).

    Args:
        names: Uncertainty names, D.
        values: The inputs' values at each point, shape (P, D).
        failed: Whether the plan fails at each point, shape (P,).
    """
    if not failed.any():
        return None
    box = prim(values, failed).chosen

    def limit(x: float) -> float | None:
        return float(x) if np.isfinite(x) else None

    return {"failed_share": float(failed.mean()),
            "limits": {n: {"from": limit(box.low[d]), "to": limit(box.high[d])}
                       for d, n in enumerate(names) if d in box.restricted},
            "coverage": box.coverage, "density": box.density, "mass": box.mass}


def robust_check(opt: Optimization, names: list[str], values: np.ndarray,
                 rows: list[list[Row]], nominal: int | None) -> RobustCheck:
    """Robustness of the candidates from their rows at every point.

    Args:
        opt: The checked optimization (needs ``spec.robust``).
        names: Uncertainty names, D.
        values: The inputs' values at each point, shape (P, D).
        rows: Per point, the candidates' rows (the same candidates in the same order).
        nominal: Column of the out-of-sample recommendation, or None.
    """
    robust = opt.spec.robust
    assert robust is not None
    cost_col, benefit_col = opt.spec.objective.minimise, opt.spec.objective.maximise
    met = np.array([[feasible(opt, r) for r in point] for point in rows])
    cost = np.array([[r[cost_col] for r in point] for point in rows])
    benefit = np.array([[r[benefit_col] for r in point] for point in rows])
    labels = [f"c{k}" for k in range(met.shape[1])]
    rob = robustness(benefit, labels)
    share = met.mean(axis=0)
    ok = [k for k in range(met.shape[1]) if share[k] >= robust.min_share]
    mean_cost = cost.mean(axis=0)
    if robust.measure == "satisficing":
        ok.sort(key=lambda k: (mean_cost[k], -rob.mean[k]))
    else:
        ok.sort(key=lambda k: (rob.regret[k], mean_cost[k]))
    best = ok[0] if ok else None
    breaks = {label: None if k is None else where_it_breaks(names, values, ~met[:, k])
              for label, k in (("nominal", nominal), ("robust", best))}
    return RobustCheck(names, values, met, cost, rob, best, breaks)
