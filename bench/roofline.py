"""A numba roofline for the engine: the same draws and per-seat work, minimal bookkeeping.

Not part of the package. :func:`roofline` runs one strategy's seats through T quarters on the
engine's :class:`~talentmoat.sim.draws.Draws`, doing per seat and quarter what the engine must
at the least: the backfill of seats due (newcomers at ``min(K_new, target)``), each party's
offers (``⌊h⌋`` plus one with the count uniform, each slot's seat found by binary search of its
target uniform on cumulative weights, accepted with the slot's accept uniform against a fixed
per-seat probability), background attrition against the seat's hazard, learning
(``K += η (target − K)``, done within the tolerance) and the lab's ``Π_{in post} (1 − K)`` per
component in the same pass (as the engine), from which it writes ``B_lab``-like coverage each
quarter.

What it leaves out is the engine's bookkeeping: targeting weights that follow ``B({i})^θ`` (its
weights are fixed), counter-offers, per-role tallies and costs, the rivals' frontier, every
outcome but one. It runs one replication at a time (a replication's state stays in cache), so it
bounds from above how fast the engine's per-seat work can go.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, inline="always")
def _vacate(i, refill_at_t, K, active, learning, refill_at):
    """Seat ``i`` leaves, to be refilled at ``refill_at_t``."""
    active[i] = False
    learning[i] = False
    refill_at[i] = refill_at_t
    for k in range(K.shape[1]):
        K[i, k] = 0.0


@numba.njit(cache=True)
def roofline(u, hazard, target, k_new, w, eta, tol, backfill, slot_u, accept_u, count_u,
             offers, cum_weight, p_accept):  # pragma: no cover - compiled
    """Run every replication; returns the lab's weighted coverage per (replication, quarter).

    Args:
        u: Background uniforms, (R, T, N) float32.
        hazard: Quarterly hazard per seat, (N,).
        target: Level per seat, (N, C); also the first occupants' knowledge.
        k_new: Newcomer knowledge.
        w: Component weights, (C,).
        eta: Learning rate.
        tol: Learning tolerance.
        backfill: Quarters a seat stays vacant.
        slot_u: Target uniforms, (R, T, J, S).
        accept_u: Accept uniforms, (R, T, J, S).
        count_u: Count uniforms, (R, T, J).
        offers: Expected offers a quarter per party, (J,).
        cum_weight: Cumulative fixed targeting weights per party, (J, N).
        p_accept: Fixed acceptance probability per party and seat, (J, N).

    Returns:
        ``Σ_k w_k (1 − Π_{in post} (1 − K_k))``, shape (R, T).
    """
    n_rep, quarters, n = u.shape
    n_c = target.shape[1]
    n_parties, n_slots = slot_u.shape[2], slot_u.shape[3]
    out = np.empty((n_rep, quarters))
    K = np.empty((n, n_c))
    active = np.empty(n, dtype=np.bool_)
    learning = np.empty(n, dtype=np.bool_)
    refill_at = np.empty(n, dtype=np.int64)
    miss = np.empty(n_c)
    for r in range(n_rep):
        for i in range(n):
            active[i] = True
            learning[i] = False
            refill_at[i] = -1
            for k in range(n_c):
                K[i, k] = target[i, k]
        for t in range(quarters):
            for i in range(n):  # backfill
                if refill_at[i] == t:
                    refill_at[i] = -1
                    active[i] = True
                    for k in range(n_c):
                        K[i, k] = min(k_new, target[i, k])
                        if K[i, k] < target[i, k]:
                            learning[i] = True
            for j in range(n_parties):  # offers
                whole = np.floor(offers[j])
                count = int(whole) + (count_u[r, t, j] < offers[j] - whole)
                total = cum_weight[j, n - 1]
                for q in range(min(count, n_slots)):
                    i = min(np.searchsorted(cum_weight[j], slot_u[r, t, j, q] * total), n - 1)
                    if active[i] and accept_u[r, t, j, q] < p_accept[j, i]:
                        _vacate(i, t + backfill + 1, K, active, learning, refill_at)
            miss[:] = 1.0
            for i in range(n):  # attrition, learning, the lab's miss
                if not active[i]:
                    continue
                if u[r, t, i] < hazard[i]:
                    _vacate(i, t + backfill + 1, K, active, learning, refill_at)
                    continue
                if learning[i]:
                    done = True
                    for k in range(n_c):
                        new = K[i, k] + eta * (target[i, k] - K[i, k])
                        if target[i, k] - new > tol:
                            done = False
                        K[i, k] = new
                    if done:
                        learning[i] = False
                for k in range(n_c):
                    m = miss[k] * (1.0 - K[i, k])
                    miss[k] = m if m >= 1e-300 else 0.0
            cov = 0.0
            for k in range(n_c):
                cov += w[k] * (1.0 - miss[k])
            out[r, t] = cov
    return out
