"""Poach-k exposure: the most blueprint a rival can get by hiring k people (MODEL.md §A).

``max_{|S|=k} B(S)`` with ``B(S) = Σ_c w[c] (1 − Π_{i∈S} (1 − K[i, c]))`` is weighted maximum
coverage with probabilistic (noisy-OR) coverage: monotone and submodular, so greedy achieves at
least ``1 − 1/e`` of the optimum (Nemhauser, Wolsey & Fisher 1978). This module provides

- :func:`greedy`: the greedy algorithm, every round's marginal gains in one matrix–vector
  product, for any N;
- with it, a data-dependent bound on the optimum: the smaller of the online bound
  ``f(S_j) + Σ top-k gains`` (Minoux 1978; Leskovec et al. 2007) over the greedy prefixes and
  :func:`component_bound`, which lets every component pick its own best k people;
- :func:`exact_max_coverage`: a proven optimum by depth-first branch-and-bound with those two
  bounds, within a wall-clock budget.

All functions take ``K`` of shape (N, C) and weights ``w`` of shape (C,) and do no I/O.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

_EPS = 1e-12
"""Improvements smaller than this are treated as ties (floating-point noise)."""


@dataclass(frozen=True)
class Selection:
    """A set of people and the blueprint share they hold.

    Attributes:
        value: ``B(S)``, blueprint share in [0, 1].
        people: Person indices, in the order chosen.
    """

    value: float
    people: tuple[int, ...]


@dataclass(frozen=True)
class GreedyRun:
    """The nested greedy selections for k = 1..k_max.

    Attributes:
        order: People in the order greedy picked them, length k_max.
        values: ``B`` of each prefix, shape (k_max,): ``values[k-1]`` is greedy's value for k.
        bounds: Upper bound on the optimum for each k, shape (k_max,).
    """

    order: tuple[int, ...]
    values: np.ndarray
    bounds: np.ndarray

    def selection(self, k: int) -> Selection:
        """Greedy's selection of size k."""
        return Selection(float(self.values[k - 1]), self.order[:k])


def _share(miss: np.ndarray, w: np.ndarray) -> float:
    """``B`` from the per-component miss probability ``Π (1 − K)`` (shape (C,))."""
    return float(w @ (1.0 - miss))


def component_bound(K: np.ndarray, w: np.ndarray, k: int, miss: np.ndarray | None = None) -> float:
    """Bound where each component independently takes its k best candidates.

    ``Σ_c w[c] (1 − miss[c] · Π_{top-k i in column c} (1 − K[i, c]))`` ≥ any k-set's value,
    since no single set does better on any component than that component's own best k.

    Args:
        K: Candidates' knowledge, shape (n, C).
        w: Weights, shape (C,).
        k: Number of people still to choose.
        miss: Miss probability of the people already chosen, shape (C,) (ones if none).
    """
    n, c = K.shape
    base = np.ones(c) if miss is None else miss
    if k <= 0 or n == 0:
        return _share(base, w)
    top = K if k >= n else np.partition(K, n - k, axis=0)[n - k :]
    return _share(base * np.prod(1.0 - top, axis=0), w)


def greedy(K: np.ndarray, w: np.ndarray, k_max: int) -> GreedyRun:
    """Greedy for k = 1..k_max, with an upper bound on the optimum for each k.

    Each round evaluates every candidate's marginal gain ``Σ_c w[c] · miss[c] · K[i, c]`` in
    one matrix–vector product and takes the largest (ties: lowest index). The fresh gains also
    give the online bound ``f(S_j) + Σ (k largest gains w.r.t. S_j)`` for every prefix S_j.

    Lazy evaluation (CELF, Leskovec et al. 2007) saves gain evaluations when each costs a
    function call; here a full round is one BLAS product, which is faster than CELF's
    one-at-a-time re-evaluations (``bench/knowledge_bench.py`` measures both).

    Args:
        K: Knowledge, shape (N, C).
        w: Weights, shape (C,).
        k_max: Largest set size (clamped to N).

    Returns:
        Greedy's order, prefix values and the bound for each k.
    """
    n, c = K.shape
    k_max = min(k_max, n)
    miss = np.ones(c)
    chosen = np.zeros(n, dtype=bool)
    order: list[int] = []
    values = np.empty(k_max)
    online = np.full(k_max, np.inf)
    current = 0.0
    for step in range(k_max + 1):
        gains = K @ (w * miss)
        gains[chosen] = -np.inf
        top = np.sort(np.partition(gains, n - k_max)[n - k_max :])[::-1]
        online = np.minimum(online, current + np.cumsum(np.where(np.isfinite(top), top, 0.0)))
        if step == k_max:
            break
        pick = int(np.argmax(gains))
        chosen[pick] = True
        order.append(pick)
        miss = miss * (1.0 - K[pick])
        current = _share(miss, w)
        values[step] = current
    comp = np.array([component_bound(K, w, k) for k in range(1, k_max + 1)])
    bounds = np.maximum(np.minimum(online, comp), values)
    return GreedyRun(tuple(order), values, bounds)


class _OutOfTime(Exception):
    """Raised inside the branch-and-bound when the budget runs out."""


def exact_max_coverage(
    K: np.ndarray,
    w: np.ndarray,
    k: int,
    incumbent: Selection | None = None,
    time_budget_s: float = 5.0,
) -> Selection | None:
    """Proven optimum of ``max_{|S|=k} B(S)`` by branch-and-bound, or None if out of time.

    Depth-first over sets in a candidate order that is re-sorted by marginal gain at every
    node; a child takes only the candidates after its pick, so every k-set is reached at most
    once. A node is pruned when the smaller of two valid bounds (the sum of the r largest
    marginal gains, and :func:`component_bound`) cannot beat the incumbent; the last person is
    chosen by a vectorised maximum.

    Args:
        K: Knowledge, shape (N, C).
        w: Weights, shape (C,).
        k: Set size (clamped to N).
        incumbent: A known feasible selection (e.g. greedy's) to start pruning from.
        time_budget_s: Wall-clock budget in seconds.

    Returns:
        The optimal selection (people sorted), or None if the budget ran out first.
    """
    n, c = K.shape
    k = min(k, n)
    if k == 0:
        return Selection(0.0, ())
    best_value = incumbent.value if incumbent is not None else -1.0
    best_people: tuple[int, ...] = incumbent.people if incumbent is not None else ()
    deadline = time.perf_counter() + time_budget_s
    one_minus = 1.0 - K

    def search(miss: np.ndarray, value: float, cand: np.ndarray, r: int, picked: tuple[int, ...]):
        nonlocal best_value, best_people
        if time.perf_counter() > deadline:
            raise _OutOfTime
        gains = K[cand] @ (w * miss)
        order = np.argsort(-gains, kind="stable")
        cand, gains = cand[order], gains[order]
        if r == 1:
            if value + gains[0] > best_value + _EPS:
                best_value = value + float(gains[0])
                best_people = (*picked, int(cand[0]))
            return
        head = np.cumsum(gains)
        if value + head[r - 1] <= best_value + _EPS:
            return
        if component_bound(K[cand], w, r, miss) <= best_value + _EPS:
            return
        windows = head[r - 1 :] - np.concatenate([[0.0], head[: len(cand) - r]])
        for t in range(len(cand) - r + 1):
            if value + windows[t] <= best_value + _EPS:
                break  # windows only shrink: no later branch can win either
            i = int(cand[t])
            new_miss = miss * one_minus[i]
            search(new_miss, _share(new_miss, w), cand[t + 1 :], r - 1, (*picked, i))

    try:
        search(np.ones(c), 0.0, np.arange(n), k, ())
    except _OutOfTime:
        return None
    if not best_people:  # no incumbent and nothing better than -1: impossible for k ≥ 1
        raise AssertionError("branch-and-bound found no set")
    return Selection(best_value, tuple(sorted(best_people)))
