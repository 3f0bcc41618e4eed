"""Truck factor of a roster: the fewest departures that orphan more than half the blueprint.

A person *holds* component ``c`` when ``K[i, c] >= hold_threshold``; a component with no holder
left is orphaned. The exact minimum is an integer program (a weighted partial hitting-set),
solved with HiGHS within a wall-clock limit (:func:`talentmoat.knowledge.milp.solve`); when the
limit stops the solver, the best set found (or, if none, the greedy set of
:func:`greedy_leavers`) is returned with the solver's proven lower bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import coo_array

from talentmoat.knowledge.milp import solve

ORPHAN_SHARE = 0.5
"""The blueprint is in trouble when *more than* this share of its value has no holder."""

_STRICT = 1e-6
"""Margin that turns "more than" into a ``>=`` constraint for the solver; well above the
solver's feasibility tolerance (1e-7), and equal to the tolerance on the weights' sum."""


@dataclass(frozen=True)
class TruckFactor:
    """Result of the truck-factor search.

    Attributes:
        size: The truck factor: the least number of departures that leaves more than
            ``ORPHAN_SHARE`` of the blueprint's value without a holder.
        people: Indices of one minimal set of such people.
        orphaned: Indices of the components orphaned when they leave.
        per_component: Holders per component, shape (C,): the truck factor of each component.
        lower_bound: Proven: no fewer departures do it (equals ``size`` when optimal).
    """

    size: int
    people: tuple[int, ...]
    orphaned: tuple[int, ...]
    per_component: np.ndarray
    lower_bound: int

    @property
    def optimal(self) -> bool:
        """Whether ``size`` is proven minimal (False: the time limit stopped the solver)."""
        return self.lower_bound >= self.size


def holders(K: np.ndarray, hold_threshold: float) -> np.ndarray:
    """Boolean matrix of shape (N, C): who holds which component."""
    return hold_threshold <= K


def greedy_leavers(held: np.ndarray, w: np.ndarray, share: float = ORPHAN_SHARE) -> np.ndarray:
    """A feasible set of leavers: orphan the components cheapest per unit weight first.

    Args:
        held: Who holds which component, boolean shape (N, C).
        w: Component weights, shape (C,).
        share: Orphaned share that must be exceeded.

    Returns:
        Boolean shape (N,): the leavers.
    """
    count = held.sum(axis=0)
    leave = np.zeros(held.shape[0], dtype=bool)
    orphaned = count == 0
    for c in np.argsort(count / np.maximum(w, 1e-300), kind="stable"):
        if w[orphaned].sum() > share + _STRICT / 2:
            break
        leave |= held[:, c]
        orphaned = ~held[~leave].any(axis=0)
    return leave


def truck_factor(
    K: np.ndarray, w: np.ndarray, hold_threshold: float = 0.5, share: float = ORPHAN_SHARE,
    time_limit_s: float = 60.0,
) -> TruckFactor:
    """Truck factor of a roster: exact when the solver finishes within ``time_limit_s``.

    Integer program: binary ``x_i`` (person i leaves) and ``y_c`` (component c orphaned),
    minimise ``Σ x`` subject to ``y_c ≤ x_i`` for every holder i of c and
    ``Σ_c w[c] · y_c > share``.

    Args:
        K: Knowledge, shape (N, C).
        w: Component weights summing to 1, shape (C,).
        hold_threshold: ``K`` at or above which a person holds a component.
        share: Orphaned share of the blueprint's value that must be exceeded.
        time_limit_s: The solver's wall-clock limit in seconds.

    Returns:
        The truck factor (best found and proven lower bound), one such set, and the
        per-component holder counts.
    """
    held = holders(K, hold_threshold)
    n, c = held.shape
    per_component = held.sum(axis=0)
    people_idx, comp_idx = np.nonzero(held)
    m = len(people_idx)
    # y_c − x_i ≤ 0 for each holding pair; variables ordered [x (n), y (c)].
    rows = np.repeat(np.arange(m), 2)
    cols = np.column_stack([n + comp_idx, people_idx]).ravel()
    vals = np.tile([1.0, -1.0], m)
    link = coo_array((vals, (rows, cols)), shape=(m, n + c)).tocsr()
    cover = np.concatenate([np.zeros(n), w])[None, :]
    constraints = [LinearConstraint(cover, lb=share + _STRICT, ub=np.inf)]
    if m:
        constraints.append(LinearConstraint(link, lb=-np.inf, ub=0.0))
    objective = np.concatenate([np.ones(n), np.zeros(c)])
    res = solve(objective, time_limit_s=time_limit_s, integrality=np.ones(n + c),
                bounds=Bounds(0, 1), constraints=constraints)
    if res is not None and res.status not in (0, 1):  # infeasible cannot happen: Σ w = 1
        raise ValueError(f"truck factor: solver failed ({res.message})")
    found = res is not None and res.x is not None
    leave = np.round(res.x[:n]) > 0.5 if found else greedy_leavers(held, w, share)
    dual = getattr(res, "mip_dual_bound", None) if res is not None else None
    if res is not None and res.status == 0:
        bound = int(leave.sum())
    elif dual is not None and math.isfinite(dual):
        bound = max(1, math.ceil(dual - 1e-6))
    else:
        bound = 1  # somebody must leave unless nothing does it (then size is 0)
    leavers = np.flatnonzero(leave)
    remaining = held[~leave].any(axis=0)
    orphaned = np.flatnonzero(~remaining)
    return TruckFactor(
        size=len(leavers),
        people=tuple(int(i) for i in leavers),
        orphaned=tuple(int(j) for j in orphaned),
        per_component=per_component,
        lower_bound=min(bound, len(leavers)),
    )
