"""Compartmentalization planner: who keeps deep access to which component (firewall 1).

Given each person's knowledge ``K`` (shape (N, C)), a cap ``m`` on the components any one person
may hold deeply and a redundancy floor ``r`` (each component keeps at least ``r`` deep holders),
choose which of today's deep holdings (``K ≥ hold_threshold``) to keep. A revoked holding falls
to ``min(K, residual)``; components the organisation holds (``org_holds``, e.g. the integration
logic) are revoked for everyone and carry no floor.

Poach-k exposure is a maximum over sets, so minimising it for every k at once is a min–max
problem. The planner minimises a linear surrogate exactly: for k = 1..k_max the sum of the k
largest standalone shares ``B'({i})``, which bounds poach-k exposure from above (noisy-OR
coverage is at most the sum of its parts). The top-k sum is linearised as
``min_t k·t + Σ_i max(0, B'_i − t)`` (Ogryczak & Tamir 2003), giving a mixed-integer program
solved by HiGHS within a hard wall-clock limit (:func:`talentmoat.knowledge.milp.solve`). A
shortfall on a floor (too few holders today, or the cap leaves too few) is allowed at a large
penalty and reported. When the limit stops the solver, the better of its best plan (if any) and
:func:`greedy_keep` is returned with the solver's proven lower bound on the objective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import coo_array, csr_array, hstack, vstack

from talentmoat.knowledge.milp import solve

SHORTFALL_PENALTY = 1e3
"""Objective cost of one missing holder below a floor (dominates any share, which is ≤ 1)."""

TIE_BREAK = 1e-3
"""Weight on the total of standalone shares: among equal surrogates, keep shallower holders."""


@dataclass(frozen=True)
class Plan:
    """A compartmentalization plan.

    Attributes:
        keep: Deep access kept, boolean shape (N, C).
        K_after: Knowledge under the plan, shape (N, C).
        revoked: Deep holdings revoked, boolean shape (N, C).
        shortfall: Holders missing below the floor per component, shape (C,).
        optimal: Whether the solver proved the surrogate optimal (False: best found in time).
        objective: The plan's objective: surrogate + tie-break + shortfall penalty.
        bound: Proven lower bound on the best objective (equals ``objective`` when optimal).
    """

    keep: np.ndarray
    K_after: np.ndarray
    revoked: np.ndarray
    shortfall: np.ndarray
    optimal: bool
    objective: float
    bound: float


def greedy_keep(person: np.ndarray, component: np.ndarray, gain: np.ndarray, need: np.ndarray,
                max_components: int) -> np.ndarray:
    """A feasible choice of holdings to keep: scarcest components first, shallowest holders first.

    Args:
        person: Person of each eligible holding, shape (E,).
        component: Component of each eligible holding, shape (E,).
        gain: What keeping each holding adds to its holder's standalone share, shape (E,).
        need: Holders wanted per component, shape (C,).
        max_components: Cap on kept holdings per person.

    Returns:
        Boolean shape (E,): which holdings are kept.
    """
    keep = np.zeros(len(person), dtype=bool)
    kept_by = np.zeros(int(person.max(initial=-1)) + 1, dtype=int)
    holders = np.bincount(component, minlength=len(need))
    for c in np.argsort(holders, kind="stable"):
        left = int(need[c])
        for e in np.flatnonzero(component == c)[np.argsort(gain[component == c], kind="stable")]:
            if left == 0:
                break
            if kept_by[person[e]] < max_components:
                keep[e] = True
                kept_by[person[e]] += 1
                left -= 1
    return keep


def _objective(x: np.ndarray, person: np.ndarray, gain: np.ndarray, component: np.ndarray,
               base: np.ndarray, need: np.ndarray, k_max: int) -> float:
    """The program's objective for holdings kept ``x`` (E,), with the best t, u and shortfall."""
    share = base + np.bincount(person, weights=gain * x, minlength=len(base))
    top = np.sort(share)[::-1][:k_max]
    short = np.maximum(0, need - np.bincount(component, weights=x, minlength=len(need)))
    return float(np.cumsum(top).sum() + TIE_BREAK * gain @ x + SHORTFALL_PENALTY * short.sum())


def plan_compartments(
    K: np.ndarray,
    w: np.ndarray,
    *,
    max_components: int,
    redundancy: int,
    hold_threshold: float = 0.5,
    residual: float = 0.1,
    org_holds: np.ndarray | None = None,
    k_max: int = 5,
    time_limit_s: float = 30.0,
) -> Plan:
    """Choose who keeps deep access so that poach-k exposure (k ≤ k_max) is as low as possible.

    Args:
        K: Knowledge, shape (N, C), values in [0, 1].
        w: Component weights, shape (C,).
        max_components: Cap ``m`` on deep holdings per person (≥ 1).
        redundancy: Floor ``r`` on deep holders per component (≥ 1).
        hold_threshold: ``K`` at or above which a holding is deep.
        residual: Knowledge left after losing deep access, below ``hold_threshold``.
        org_holds: Boolean shape (C,): components the organisation holds (no person keeps
            deep access, no floor). None means none.
        k_max: Largest poach size the surrogate covers.
        time_limit_s: Wall-clock limit of the solver in seconds.

    Returns:
        The plan.
    """
    if not 0.0 <= residual < hold_threshold:
        raise ValueError("residual must lie in [0, hold_threshold)")
    n, c = K.shape
    org = np.zeros(c, dtype=bool) if org_holds is None else np.asarray(org_holds, dtype=bool)
    deep = hold_threshold <= K
    capped = np.minimum(K, residual)
    eligible = deep & ~org[None, :]
    pi, pc = np.nonzero(eligible)  # one binary x per eligible holding
    e = len(pi)
    base = np.where(deep, capped, K) @ w  # B'_i if every deep holding were revoked, (N,)
    gain = (K - capped)[pi, pc] * w[pc]  # B'_i rises by this if holding e is kept, (E,)
    need = np.minimum(redundancy, eligible.sum(axis=0)) * ~org  # floor per component, (C,)
    k_max = max(1, min(k_max, n))

    # People whose B' can change, plus the k_max largest constant ones, decide every top-k sum.
    movable = np.zeros(n, dtype=bool)
    movable[pi] = True
    fixed = np.flatnonzero(~movable)
    fixed = fixed[np.argsort(-base[fixed], kind="stable")[:k_max]]
    rel = np.concatenate([np.flatnonzero(movable), fixed])
    p = len(rel)
    row_of = np.full(n, -1)
    row_of[rel] = np.arange(p)

    # Variables: x (E) | s shortfall (C) | t (k_max) | u (k_max × p).
    nx, ns, nt, nu = e, c, k_max, k_max * p
    nvar = nx + ns + nt + nu
    ks = np.arange(1, k_max + 1)
    cost = np.concatenate([
        np.zeros(nx), np.full(ns, SHORTFALL_PENALTY), ks.astype(float), np.ones(nu)
    ])
    cost[:nx] += TIE_BREAK * gain

    # u[k, j] ≥ B'_rel[j] − t_k  ⇔  Σ_e gain_e x_e [person(e)=rel j] − t_k − u[k, j] ≤ −base_j
    gx = coo_array((gain, (row_of[pi], np.arange(e))), shape=(p, e)).tocsr()
    blocks = []
    for k_idx in range(k_max):
        t_col = np.zeros((p, nt))
        t_col[:, k_idx] = -1.0
        u_col = coo_array(
            (-np.ones(p), (np.arange(p), k_idx * p + np.arange(p))), shape=(p, nu)
        )
        blocks.append(hstack([gx, csr_array((p, ns)), csr_array(t_col), u_col]))
    top_k = LinearConstraint(vstack(blocks).tocsr(), lb=-np.inf, ub=np.tile(-base[rel], k_max))

    # Σ_i x_ic + s_c ≥ need_c per component; Σ_c x_ic ≤ m per person.
    floor = coo_array(
        (np.concatenate([np.ones(e), np.ones(c)]),
         (np.concatenate([pc, np.arange(c)]), np.concatenate([np.arange(e), nx + np.arange(c)]))),
        shape=(c, nvar),
    )
    per_person = coo_array((np.ones(e), (pi, np.arange(e))), shape=(n, nvar))
    constraints = [
        top_k,
        LinearConstraint(floor.tocsr(), lb=need.astype(float), ub=np.inf),
        LinearConstraint(per_person.tocsr(), lb=-np.inf, ub=float(max_components)),
    ]
    integrality = np.concatenate([np.ones(nx), np.zeros(ns + nt + nu)])
    lower = np.concatenate([np.zeros(nx + ns), np.full(nt, -np.inf), np.zeros(nu)])
    upper = np.concatenate([np.ones(nx), need.astype(float), np.full(nt + nu, np.inf)])
    res = solve(cost, time_limit_s=time_limit_s, integrality=integrality,
                bounds=Bounds(lower, upper), constraints=constraints)
    optimal = res is not None and res.status == 0
    candidates = [greedy_keep(pi, pc, gain, need, max_components)]
    if res is not None and res.x is not None:
        candidates.insert(0, np.round(res.x[:nx]) > 0.5)
    values = [_objective(x, pi, gain, pc, base, need, k_max) for x in candidates]
    x = candidates[int(np.argmin(values))]
    objective = min(values)
    dual = getattr(res, "mip_dual_bound", None) if res is not None else None
    if optimal:
        bound = objective
    elif dual is not None and np.isfinite(dual):
        bound = float(dual)
    else:  # every holding revoked gives each person their smallest standalone share
        bound = float(np.cumsum(np.sort(base)[::-1][:k_max]).sum())
    keep = np.zeros((n, c), dtype=bool)
    keep[pi[x], pc[x]] = True
    revoked = deep & ~keep
    K_after = np.where(revoked, capped, K)
    shortfall = np.maximum(0, need - keep.sum(axis=0))
    return Plan(keep, K_after, revoked, shortfall, optimal=optimal, objective=objective,
                bound=min(bound, objective))
