"""Compute allocation: directed hours by priority and fair-share, a blue-sky reserve by tokens.

MODEL.md §D; Slurm formulas and oracles in ``refs/economics.md`` §4.1. Capacities are GPU-hours a
quarter. Pure functions on NumPy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

FAIRSHARE_DAMPENING = 1.0
"""Slurm ``FairShareDampeningFactor`` default ``d`` in ``F = 2^(−U/S/d)``."""

WATERFILL_TOLERANCE = 1e-9
"""Relative slack when deciding that a project's cap binds."""


def _rolled_up(parent: np.ndarray, usage: ArrayLike) -> np.ndarray:
    """Usage of every node: leaves' own, accounts' the sum of their descendants'.

    Nodes are listed parents first (a child's index exceeds its parent's), so one reverse pass
    carries each node's usage up to its parent; shape (nodes,).
    """
    used = np.asarray(usage, dtype=float).copy()
    for i in range(len(parent) - 1, -1, -1):
        if parent[i] >= 0:
            used[parent[i]] += used[i]
    return used


def split_capacity(capacity: float, reserve_share: float) -> tuple[float, float]:
    """Split cluster capacity into the directed part and the blue-sky reserve.

    Args:
        capacity: GPU-hours a quarter ``G``.
        reserve_share: Blue-sky share ``b`` in [0, 1].

    Returns:
        ``(directed, reserve)`` GPU-hours a quarter.
    """
    reserve = capacity * reserve_share
    return capacity - reserve, reserve


def proportional_share(capacity: float, weights: ArrayLike, caps: ArrayLike) -> np.ndarray:
    """Split capacity in proportion to weights, capped, water-filling the surplus.

    Each claimant gets ``capacity · w_k / Σ w`` unless that exceeds its cap; capped claimants get
    their cap and the surplus is split again among the rest in proportion to their weights, until
    no cap binds. Claimants with zero weight get nothing.

    Args:
        capacity: What is shared (GPU-hours), ≥ 0.
        weights: Bids or weights, shape (K,), ≥ 0.
        caps: What each claimant asks at most, shape (K,), ≥ 0 (``inf`` for no cap).

    Returns:
        Allocation, shape (K,): sums to ``min(capacity, Σ caps over positive weights)`` and never
        exceeds a cap.
    """
    w = np.asarray(weights, dtype=float)
    cap = np.broadcast_to(np.asarray(caps, dtype=float), w.shape)
    alloc = np.zeros_like(w)
    active = w > 0
    left = float(capacity)
    while left > 0 and active.any():
        share = left * (np.where(active, w, 0.0) / w[active].sum())
        room = cap - alloc
        binding = active & (share >= room * (1.0 - WATERFILL_TOLERANCE))
        if not binding.any():
            alloc += share
            break
        alloc[binding] = cap[binding]
        left -= float(room[binding].sum())
        active &= ~binding
    return alloc


def token_allocation(
    reserve: float, tokens: ArrayLike, project_of: ArrayLike, asks: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Allocate the blue-sky reserve by tokens bid on projects (proportional-share mechanism).

    Person ``i`` bids all ``tokens[i]`` on project ``project_of[i]``. Project ``k`` receives a
    share of the reserve in proportion to the tokens bid on it, capped at what it asks and
    water-filled (:func:`proportional_share`); a project's hours go to its bidders in
    proportion to their tokens.

    Args:
        reserve: Blue-sky GPU-hours a quarter.
        tokens: Tokens per person, shape (people,), ≥ 0.
        project_of: Project each person bids on, shape (people,), values in [0, projects).
        asks: GPU-hours a quarter each project asks at most, shape (projects,).

    Returns:
        ``(per_project, per_person)``: GPU-hours, shapes (projects,) and (people,).
    """
    bid = np.asarray(tokens, dtype=float)
    project = np.asarray(project_of, dtype=int)
    cap = np.asarray(asks, dtype=float)
    totals = np.bincount(project, weights=bid, minlength=len(cap))
    per_project = proportional_share(reserve, totals, cap)
    safe = np.where(totals > 0, totals, 1.0)
    per_person = bid / safe[project] * per_project[project]
    return per_project, per_person


def effective_usage(
    parents: ArrayLike,
    shares: ArrayLike,
    usage: ArrayLike,
    total_usage: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Normalised shares and effective usage of every node of a Slurm association tree.

    Normalised shares multiply down the tree, ``S = Π S_self / S_siblings``; usage is normalised
    by the cluster's total usage ``R_H`` (``U = U_H / R_H``). Effective usage is
    ``U_E = U_A + (U_E,parent − U_A) · S_self / S_siblings`` below the top level and ``U_A`` at it.

    Args:
        parents: Parent index of each node (``−1`` for the top level), parents listed before
            their children, shape (nodes,).
        shares: Raw shares of each node, shape (nodes,).
        usage: Raw usage of each leaf (accounts may hold 0; their usage is the sum of their
            descendants'), shape (nodes,).
        total_usage: The cluster's total usage ``R_H`` (usage by nodes outside this tree
            included); the sum over the tree when None.

    Returns:
        ``(S, U_E)``, each shape (nodes,).
    """
    parent = np.asarray(parents, dtype=int)
    raw_s = np.asarray(shares, dtype=float)
    used = _rolled_up(parent, usage)
    n = len(parent)
    total = float(used[parent < 0].sum()) if total_usage is None else total_usage
    used = used / total if total > 0 else used
    sibling_total = np.array([raw_s[parent == parent[i]].sum() for i in range(n)])
    local = raw_s / sibling_total
    norm_s = np.empty(n)
    effective = np.empty(n)
    for i in range(n):
        if parent[i] < 0:
            norm_s[i] = local[i]
            effective[i] = used[i]
        else:
            norm_s[i] = norm_s[parent[i]] * local[i]
            effective[i] = used[i] + (effective[parent[i]] - used[i]) * local[i]
    return norm_s, effective


def classic_fair_share(
    parents: ArrayLike,
    shares: ArrayLike,
    usage: ArrayLike,
    dampening: float = FAIRSHARE_DAMPENING,
    total_usage: float | None = None,
) -> np.ndarray:
    """Slurm classic (hierarchical) fair-share factor ``F = 2^(−U_E/S/d)`` for every node.

    Args:
        parents: Parent index of each node (``−1`` for the top level), parents first.
        shares: Raw shares of each node, shape (nodes,).
        usage: Raw usage of each leaf, shape (nodes,).
        dampening: ``FairShareDampeningFactor`` ``d``.
        total_usage: The cluster's total usage ``R_H``; the sum over the tree when None.

    Returns:
        Fair-share factor of every node in (0, 1], shape (nodes,).
    """
    norm_s, effective = effective_usage(parents, shares, usage, total_usage)
    return 2.0 ** (-effective / norm_s / dampening)


def fair_tree_ranks(parents: ArrayLike, shares: ArrayLike, usage: ArrayLike) -> np.ndarray:
    """Slurm Fair Tree factor of every leaf: ``rank / N_users`` (top user = 1.0).

    Siblings are sorted by level fairshare ``LF = S / U`` (shares and usage normalised among
    siblings; ``LF = ∞`` without usage), descending, and the tree is walked depth first. Sibling
    users with the same level fairshare share the rank of the first of them (Slurm's tie rule
    for users; ties between sibling accounts are broken by tree order here, not merged).

    Args:
        parents: Parent index of each node (``−1`` for the top level), shape (nodes,).
        shares: Raw shares, shape (nodes,).
        usage: Raw usage of each leaf, shape (nodes,).

    Returns:
        Factor per node, shape (nodes,); ``nan`` for accounts (non-leaves).
    """
    parent = np.asarray(parents, dtype=int)
    raw_s = np.asarray(shares, dtype=float)
    used = _rolled_up(parent, usage)
    n = len(parent)
    children = {p: [i for i in range(n) if parent[i] == p] for p in range(-1, n)}

    def level_fairshare(i: int) -> float:
        sib = children[parent[i]]
        s = raw_s[i] / raw_s[sib].sum()
        u_total = used[sib].sum()
        u = used[i] / u_total if u_total > 0 else 0.0
        return np.inf if u == 0 else s / u

    order: list[tuple[int, bool]] = []  # (leaf, tied with the previous sibling leaf)

    def walk(node: int) -> None:
        kids = sorted(children[node], key=level_fairshare, reverse=True)
        previous: float | None = None
        for k in kids:
            lf = level_fairshare(k)
            if children[k]:
                walk(k)
                previous = None
            else:
                order.append((k, previous is not None and lf == previous))
                previous = lf

    walk(-1)
    factor = np.full(n, np.nan)
    rank = 0
    for position, (leaf, tied) in enumerate(order):
        rank = rank if tied else len(order) - position
        factor[leaf] = rank / len(order)
    return factor


def directed_allocation(
    directed: float,
    priorities: ArrayLike,
    shares: ArrayLike,
    fair_share: ArrayLike,
    demands: ArrayLike,
) -> np.ndarray:
    """Allocate the directed part among teams by priority, fair-share when oversubscribed.

    Priority tiers are served from the highest down, each team up to its demand. In the first
    tier that cannot be served in full, the rest is split in proportion to ``share · F``
    (normalised share times fair-share factor), capped at demand and water-filled; lower tiers
    get nothing.

    Args:
        directed: Directed GPU-hours a quarter.
        priorities: Team priority (higher first), shape (teams,).
        shares: Normalised shares, shape (teams,).
        fair_share: Fair-share factor ``F`` per team, shape (teams,).
        demands: GPU-hours a quarter each team can use (``inf`` for no limit), shape (teams,).

    Returns:
        GPU-hours a quarter per team, shape (teams,).
    """
    prio = np.asarray(priorities, dtype=float)
    weight = np.asarray(shares, dtype=float) * np.asarray(fair_share, dtype=float)
    demand = np.asarray(demands, dtype=float)
    alloc = np.zeros_like(weight)
    left = float(directed)
    for level in sorted(set(prio.tolist()), reverse=True):
        tier = prio == level
        if demand[tier].sum() <= left:
            alloc[tier] = demand[tier]
            left -= float(demand[tier].sum())
            continue
        alloc[tier] = proportional_share(left, weight[tier], demand[tier])
        break
    return alloc


@dataclass(frozen=True)
class Access:
    """Compute access per person (GPU-hours a quarter).

    Attributes:
        directed: Directed hours, shape (people,).
        blue_sky: Blue-sky hours, shape (people,).
        total: ``A_i = directed + blue_sky``, shape (people,).
    """

    directed: np.ndarray
    blue_sky: np.ndarray
    total: np.ndarray


def person_access(
    team_hours: ArrayLike, team_of: ArrayLike, blue_sky: ArrayLike
) -> Access:
    """Per-person access: a team's directed hours split equally among its members, plus blue sky.

    Args:
        team_hours: Directed GPU-hours per team, shape (teams,).
        team_of: Team index of each person, shape (people,).
        blue_sky: Blue-sky GPU-hours per person, shape (people,).

    Returns:
        The access per person.
    """
    team = np.asarray(team_of, dtype=int)
    hours = np.asarray(team_hours, dtype=float)
    sizes = np.bincount(team, minlength=len(hours))
    directed = hours[team] / sizes[team]
    sky = np.asarray(blue_sky, dtype=float)
    return Access(directed, sky, directed + sky)
