"""PRIM scenario discovery (Friedman & Fisher 1999, "Bump hunting in high-dimensional data").

Given inputs ``X`` (n, d) and a yes/no outcome ``y`` (n,), PRIM looks for a box — a range on
some inputs — inside which ``y`` is mostly true. **Peeling** starts from the box holding every
point and repeatedly removes the slice (the lowest or highest ``alpha`` share of the points still
inside, along one input) that raises the share of true points the most, until the box would hold
fewer than ``min_mass`` of the points. Each step is a box on the **trajectory**:

- coverage: the share of all true points that lie in the box;
- density: the share of the box's points that are true;
- mass: the share of all points in the box.

**Pasting** (optional) then widens the chosen box again along any input where that raises its
density. The chosen box is the one of highest coverage among those whose density reaches the
threshold (the densest if none does). Each restricted input gets a quasi-p-value as in the EMA
Workbench: the one-sided binomial probability of seeing at least the box's true points if the
restriction on that input were lifted (the density of the box without it). Pure NumPy/SciPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Box:
    """One box of the trajectory.

    Attributes:
        low: Lower limits, shape (d,) (``-inf`` where unrestricted below).
        high: Upper limits, shape (d,) (``+inf`` where unrestricted above).
        coverage: Share of all true points inside.
        density: Share of the points inside that are true.
        mass: Share of all points inside.
        restricted: Indices of the inputs the box limits.
    """

    low: np.ndarray
    high: np.ndarray
    coverage: float
    density: float
    mass: float
    restricted: tuple[int, ...]


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory and the chosen box.

    Attributes:
        trajectory: Boxes from the whole space to the last peel.
        chosen: The chosen box (after pasting, if asked).
        chosen_step: Its index in the trajectory (before pasting).
        quasi_p: Per restricted input of the chosen box, its quasi-p-value.
    """

    trajectory: list[Box]
    chosen: Box
    chosen_step: int
    quasi_p: dict[int, float]


def _inside(X: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.all((X >= low) & (X <= high), axis=1)


def _box(X: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray) -> Box:
    inside = _inside(X, low, high)
    n_in = int(inside.sum())
    restricted = tuple(int(k) for k in np.flatnonzero(np.isfinite(low) | np.isfinite(high)))
    return Box(low.copy(), high.copy(), float(y[inside].sum() / max(y.sum(), 1)),
               float(y[inside].mean()) if n_in else 0.0, n_in / len(y), restricted)


def _peels(X: np.ndarray, inside: np.ndarray, low: np.ndarray, high: np.ndarray,
           alpha: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Candidate boxes one peel smaller: per input, cut the lowest or the highest slice."""
    out = []
    for k in range(X.shape[1]):
        x = X[inside, k]
        lo_q, hi_q = np.quantile(x, alpha), np.quantile(x, 1 - alpha)
        values = np.unique(x)
        if len(values) < 2:
            continue
        # cut at least one distinct value, so ties (discrete inputs) still peel
        new_low = lo_q if lo_q > values[0] else values[1]
        new_high = hi_q if hi_q < values[-1] else values[-2]
        cut_low, cut_high = low.copy(), high.copy()
        cut_low[k] = new_low
        cut_high[k] = new_high
        out += [(cut_low, high), (low, cut_high)]
    return out


def _paste(X: np.ndarray, y: np.ndarray, box: Box, alpha: float) -> Box:
    """Widen a limit of the box (by about ``alpha`` of its points) while that raises density."""
    low, high = box.low.copy(), box.high.copy()
    best = box.density
    while True:
        within = (X >= low) & (X <= high)
        step = max(1, round(alpha * np.all(within, axis=1).sum()))
        candidates = []
        for k in range(X.shape[1]):
            others = np.all(np.delete(within, k, axis=1), axis=1)
            if np.isfinite(low[k]):
                below = np.sort(X[others & (X[:, k] < low[k]), k])[::-1]
                lo = low.copy()
                lo[k] = below[step - 1] if len(below) > step else -np.inf
                candidates.append((lo, high))
            if np.isfinite(high[k]):
                above = np.sort(X[others & (X[:, k] > high[k]), k])
                hi = high.copy()
                hi[k] = above[step - 1] if len(above) > step else np.inf
                candidates.append((low, hi))
        scored = [(float(y[_inside(X, lo, hi)].mean()), lo, hi) for lo, hi in candidates]
        scored = [s for s in scored if s[0] > best + 1e-12]
        if not scored:
            return _box(X, y, low, high)
        best, low, high = max(scored, key=lambda s: s[0])


def quasi_p_values(X: np.ndarray, y: np.ndarray, box: Box) -> dict[int, float]:
    """Per restricted input, ``P(Binom(n_box, density without it) ≥ true points in box)``."""
    inside = _inside(X, box.low, box.high)
    n_box, k_box = int(inside.sum()), int(y[inside].sum())
    out = {}
    for k in box.restricted:
        low, high = box.low.copy(), box.high.copy()
        low[k], high[k] = -np.inf, np.inf
        wider = _inside(X, low, high)
        p = float(y[wider].mean()) if wider.any() else 0.0
        out[k] = float(stats.binom.sf(k_box - 1, n_box, p)) if n_box else 1.0
    return out


def prim(
    X: np.ndarray,
    y: np.ndarray,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    threshold: float = 0.8,
    paste: bool = True,
) -> PrimResult:
    """Peel (and paste) a box where ``y`` is mostly true.

    Args:
        X: Inputs, shape (n, d), finite.
        y: Outcome, boolean shape (n,).
        alpha: Share of the box's points a peel removes.
        min_mass: Smallest share of all points a box may hold.
        threshold: Density the chosen box should reach.
        paste: Whether to paste the chosen box.

    Raises:
        ValueError: If the shapes disagree, there are no points, or no point is true.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=bool)
    if X.ndim != 2 or len(X) != len(y) or len(y) == 0:
        raise ValueError(f"X must be (n, d) and y (n,); got {X.shape} and {y.shape}")
    if not y.any():
        raise ValueError("no point meets the condition; there is nothing to find")
    d = X.shape[1]
    low, high = np.full(d, -np.inf), np.full(d, np.inf)
    trajectory = [_box(X, y, low, high)]
    n = len(y)
    while True:
        inside = _inside(X, low, high)
        best = None
        for lo, hi in _peels(X, inside, low, high, alpha):
            keep = _inside(X, lo, hi)
            if keep.sum() < max(1, min_mass * n) or keep.sum() == inside.sum():
                continue
            score = float(y[keep].mean())
            if best is None or score > best[0]:
                best = (score, lo, hi)
        if best is None:
            break
        _, low, high = best
        trajectory.append(_box(X, y, low, high))
        if trajectory[-1].density >= 1.0:
            break
    good = [k for k, b in enumerate(trajectory) if b.density >= threshold]
    step = (max(good, key=lambda k: (trajectory[k].coverage, -k)) if good
            else max(range(len(trajectory)), key=lambda k: trajectory[k].density))
    chosen = _paste(X, y, trajectory[step], alpha) if paste else trajectory[step]
    return PrimResult(trajectory, chosen, step, quasi_p_values(X, y, chosen))
