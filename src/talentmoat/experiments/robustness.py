"""How each strategy fares across a sweep's points: spread, regret, satisficing, rankings.

Input: a benefit per point and strategy, shape (P, S), where more is better (e.g. a strategy's
paired gain in value over the baseline; the baseline's own is 0). Per strategy:

- mean, 10th and 90th percentile of the benefit over the points;
- regret: the 90th percentile over the points of the shortfall to the best strategy at that
  point, ``max_s b[p, s] − b[p, strategy]`` (Savage's minimax regret, at the 90th percentile);
- satisficing: the share of points where the benefit meets a stated target.

Each criterion implies a ranking (best first). Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REGRET_PERCENTILE = 90.0
SPREAD_PERCENTILES = (10.0, 90.0)


@dataclass(frozen=True)
class Robustness:
    """Robustness of each strategy (arrays have shape (S,), in strategy order).

    Attributes:
        strategies: Strategy names.
        mean: Mean benefit over the points.
        p10: 10th percentile of the benefit.
        p90: 90th percentile of the benefit.
        regret: 90th percentile of the shortfall to the best strategy at each point.
        satisficing: Share of points meeting the target.
        target: The target.
        rankings: Per criterion (``mean``, ``p10``, ``regret``, ``satisficing``), the
            strategies best first.
    """

    strategies: tuple[str, ...]
    mean: np.ndarray
    p10: np.ndarray
    p90: np.ndarray
    regret: np.ndarray
    satisficing: np.ndarray
    target: float
    rankings: dict[str, tuple[str, ...]]


def robustness(benefit: np.ndarray, strategies: list[str] | tuple[str, ...],
               target: float = 0.0) -> Robustness:
    """Robustness of each strategy from its benefit at every point.

    Args:
        benefit: Benefit per point and strategy, shape (P, S); more is better.
        strategies: Names of the S columns.
        target: Benefit a strategy must reach at a point to satisfice there.

    Raises:
        ValueError: If the shapes disagree or there are no points.
    """
    b = np.asarray(benefit, dtype=float)
    if b.ndim != 2 or b.shape[1] != len(strategies) or b.shape[0] == 0:
        raise ValueError(f"benefit must be (points, {len(strategies)}); got {b.shape}")
    shortfall = b.max(axis=1, keepdims=True) - b
    p10, p90 = np.percentile(b, SPREAD_PERCENTILES, axis=0)
    result = {
        "mean": b.mean(axis=0), "p10": p10, "p90": p90,
        "regret": np.percentile(shortfall, REGRET_PERCENTILE, axis=0),
        "satisficing": (b >= target).mean(axis=0),
    }
    names = tuple(strategies)

    def order(values: np.ndarray, larger_first: bool) -> tuple[str, ...]:
        keys = -values if larger_first else values
        return tuple(names[k] for k in np.lexsort((np.arange(len(names)), keys)))

    rankings = {"mean": order(result["mean"], True), "p10": order(p10, True),
                "regret": order(result["regret"], False),
                "satisficing": order(result["satisficing"], True)}
    return Robustness(names, result["mean"], p10, p90, result["regret"],
                      result["satisficing"], float(target), rankings)
