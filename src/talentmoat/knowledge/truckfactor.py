"""Truck factor of a roster: the fewest departures that orphan more than half the blueprint.

A person *holds* component ``c`` when ``K[i, c] >= hold_threshold``; a component with no holder
left is orphaned. The exact minimum is an integer program (a weighted partial hitting-set),
solved with HiGHS through :func:`scipy.optimize.milp`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

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
    """

    size: int
    people: tuple[int, ...]
    orphaned: tuple[int, ...]
    per_component: np.ndarray


def holders(K: np.ndarray, hold_threshold: float) -> np.ndarray:
    """Boolean matrix of shape (N, C): who holds which component."""
    return hold_threshold <= K


def truck_factor(
    K: np.ndarray, w: np.ndarray, hold_threshold: float = 0.5, share: float = ORPHAN_SHARE
) -> TruckFactor:
    """Exact truck factor of a roster.

    Integer program: binary ``x_i`` (person i leaves) and ``y_c`` (component c orphaned),
    minimise ``Σ x`` subject to ``y_c ≤ x_i`` for every holder i of c and
    ``Σ_c w[c] · y_c > share``.

    Args:
        K: Knowledge, shape (N, C).
        w: Component weights summing to 1, shape (C,).
        hold_threshold: ``K`` at or above which a person holds a component.
        share: Orphaned share of the blueprint's value that must be exceeded.

    Returns:
        The truck factor, one minimal set, and the per-component holder counts.
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
    res = milp(
        objective,
        integrality=np.ones(n + c),
        bounds=Bounds(0, 1),
        constraints=constraints,
    )
    if not res.success:  # cannot happen while Σ w = 1 > share; guard against misuse
        raise ValueError(f"truck factor: solver failed ({res.message})")
    x = np.round(res.x).astype(bool)
    leavers = np.flatnonzero(x[:n])
    remaining = held[~x[:n]].any(axis=0)
    orphaned = np.flatnonzero(~remaining)
    return TruckFactor(
        size=len(leavers),
        people=tuple(int(i) for i in leavers),
        orphaned=tuple(int(j) for j in orphaned),
        per_component=per_component,
    )
