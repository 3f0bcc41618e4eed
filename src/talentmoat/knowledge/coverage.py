"""Noisy-OR coverage of the blueprint by a set of people (MODEL.md §A).

Everything here is a pure function of the knowledge matrix ``K`` (shape (N, C), values in
[0, 1]) and component vectors of shape (C,). A *set* of people is a boolean mask of shape
(..., N), so one call can evaluate many sets at once (e.g. (replications, N)).
"""

from __future__ import annotations

import numpy as np

from talentmoat import lab_value


def _log_miss(K: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split ``log(1 − K)`` into a finite part and an indicator of ``K == 1``.

    Returns:
        ``(log_q, certain)``, both shape (N, C): ``log_q`` is ``log(1 − K)`` with 0 where
        ``K == 1``; ``certain`` is 1.0 where ``K == 1`` (that person alone covers the component).
    """
    certain = K >= 1.0
    with np.errstate(divide="ignore"):
        log_q = np.where(certain, 0.0, np.log1p(-np.where(certain, 0.0, K)))
    return log_q, certain.astype(float)


def coverage(K: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Coverage ``cov_S[c] = 1 − Π_{i∈S} (1 − K[i, c])`` of each component by each set.

    Args:
        K: Knowledge, shape (N, C).
        members: Boolean (or 0/1) masks of the sets, shape (..., N).

    Returns:
        Coverage in [0, 1], shape (..., C).
    """
    log_q, certain = _log_miss(K)
    m = np.asarray(members, dtype=float)
    miss = np.exp(m @ log_q) * ((m @ certain) == 0)
    return 1.0 - miss


def blueprint_share(K: np.ndarray, w: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Blueprint share ``B(S) = Σ_c w[c] · cov_S[c]`` held by each set.

    Args:
        K: Knowledge, shape (N, C).
        w: Component weights summing to 1, shape (C,).
        members: Set masks, shape (..., N).

    Returns:
        Shares in [0, 1], shape (...).
    """
    return coverage(K, members) @ w


def bypassed_rd(
    K: np.ndarray, cost: np.ndarray, tacit: np.ndarray, members: np.ndarray
) -> np.ndarray:
    """R&D dollars a rival skips by hiring each set: ``Σ_c cost[c] · tacit[c] · cov_S[c]``.

    Only the tacit part walks out with people (:func:`talentmoat.lab_value.carry`, the one
    definition the engine and the investors use too); the documented part a rival would have to
    rebuild anyway.

    Args:
        K: Knowledge, shape (N, C).
        cost: Replication cost per component in USD, shape (C,).
        tacit: Tacit share per component in [0, 1], shape (C,).
        members: Set masks, shape (..., N).

    Returns:
        USD, shape (...).
    """
    return lab_value.bypassed_rd(cost, tacit, coverage(K, members))


def mask(n: int, people: list[int] | tuple[int, ...] | np.ndarray) -> np.ndarray:
    """Boolean mask of shape (n,) selecting the given person indices."""
    out = np.zeros(n, dtype=bool)
    out[np.asarray(people, dtype=int)] = True
    return out


def standalone_share(K: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``B({i})`` for every person: what a rival gets by hiring i alone; shape (N,)."""
    return K @ w


def marginal_loss(K: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""``B(all) − B(all \ {i})`` for every person: what the lab loses if only i leaves.

    Computed in one pass: the product over everyone but i is the total product divided by
    i's own factor, with people who hold a component fully (``K == 1``) counted separately so
    no division by zero occurs.

    Args:
        K: Knowledge, shape (N, C).
        w: Component weights, shape (C,).

    Returns:
        Loss in blueprint share, shape (N,), each in [0, 1].
    """
    log_q, certain = _log_miss(K)
    total_log = log_q.sum(axis=0)  # (C,)
    n_certain = certain.sum(axis=0)  # (C,)
    others_certain = n_certain[None, :] - certain  # (N, C)
    miss_without_i = np.exp(total_log[None, :] - log_q) * (others_certain == 0)
    miss_all = np.exp(total_log) * (n_certain == 0)
    # cov_all − cov_without_i = miss_without_i − miss_all
    return np.clip((miss_without_i - miss_all[None, :]) @ w, 0.0, 1.0)
