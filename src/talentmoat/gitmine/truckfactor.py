"""Truck factor: how many developers must leave before most files have no holder.

Coverage = share of files with at least one remaining holder. The algorithms remove developers
one at a time while coverage is at least 50 % and report how many were removed.

* :func:`avelino_truck_factor` — the reference tool's ``PrunedGreedyTruckFactor``: developers are
  ranked once by the number of files they hold (ties: more changes), then the truck-factor
  developers holding fewer than 10 % of the top developer's file count are pruned from the result.
* :func:`marginal_truck_factor` — re-ranks after every removal: the next developer is the one
  whose departure orphans the most files right now (ties: most files held, then more changes).
* :func:`best_greedy_truck_factor` — the default mode: the smaller of the static greedy (without
  pruning) and the marginal greedy. Each is a set whose departure really leaves fewer than half
  of the files with a holder, so the smaller is the better upper bound on the true minimum; the
  marginal greedy alone can be worse when files are co-held (it sees no gain in removing one of
  two co-holders).

Pure functions on a boolean holder matrix of shape (D developers, F files).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_PERCENTAGE = np.float32(0.1)


@dataclass(frozen=True)
class TruckFactor:
    """A truck factor and the people behind it.

    Attributes:
        tf: The truck factor.
        authors: ``(developer index, files held)`` of the truck-factor developers, in removal
            order; ``files held`` counts files of the analysed set.
        coverage: Share of files still held once all removed developers are gone, in [0, 1]
            (None for an empty file set).
        algorithm: ``"avelino"``, ``"static"`` or ``"marginal"``.
    """

    tf: int
    authors: tuple[tuple[int, int], ...]
    coverage: float | None
    algorithm: str


def _covered(holders: np.ndarray, alive: np.ndarray) -> int:
    """Number of files held by at least one alive developer."""
    return int(holders[alive].any(axis=0).sum())


def _factor(removed: list[int], held: np.ndarray, coverage: float, method: str) -> TruckFactor:
    """The result for the removed developers, with their authored-file counts."""
    return TruckFactor(len(removed), tuple((d, int(held[d])) for d in removed), coverage,
                       method)


def _static_greedy(holders: np.ndarray, changes: np.ndarray) -> tuple[list[int], float]:
    """Remove developers by static rank (most files, then most changes) while coverage ≥ 50 %.

    Returns:
        The removed developers in order, and the coverage left after removing them.
    """
    n_files = holders.shape[1]
    held = holders.sum(axis=1)
    order = sorted(np.flatnonzero(held > 0).tolist(), key=lambda d: (-held[d], -changes[d], d))
    alive = held > 0
    removed: list[int] = []
    for dev in order:
        if 2 * _covered(holders, alive) < n_files:
            break
        alive[dev] = False
        removed.append(dev)
    return removed, _covered(holders, alive) / n_files


def avelino_truck_factor(holders: np.ndarray, changes: np.ndarray) -> TruckFactor:
    """The reference tool's pruned greedy truck factor.

    Ties on both file count and changes, which the reference breaks by hash order, go to the
    lower developer index here.

    Args:
        holders: Boolean (D, F): developer d holds file f.
        changes: Per developer, the tie-breaking change count; shape (D,).

    Returns:
        The :class:`TruckFactor`; coverage is measured before pruning, as the reference does.
    """
    if holders.shape[1] == 0:
        return TruckFactor(0, (), None, "avelino")
    held = holders.sum(axis=1)
    removed, coverage = _static_greedy(holders, changes)
    if removed:
        top = max(int(held[d]) for d in removed)
        removed = [d for d in removed
                   if np.float32(held[d]) / np.float32(top) >= MIN_PERCENTAGE]
    return _factor(removed, held, coverage, "avelino")


def marginal_truck_factor(holders: np.ndarray, changes: np.ndarray) -> TruckFactor:
    """Greedy truck factor that re-ranks developers by marginal orphaning after each removal.

    Args:
        holders: Boolean (D, F): developer d holds file f.
        changes: Per developer, the tie-breaking change count; shape (D,).

    Returns:
        The :class:`TruckFactor` (no pruning).
    """
    n_files = holders.shape[1]
    if n_files == 0:
        return TruckFactor(0, (), None, "marginal")
    alive = holders.any(axis=1)
    held = holders.sum(axis=1)
    removed: list[int] = []
    while alive.any():
        counts = holders[alive].sum(axis=0)
        if 2 * int((counts > 0).sum()) < n_files:
            break
        orphaned = (holders & (counts == 1)).sum(axis=1)
        candidates = np.flatnonzero(alive).tolist()
        dev = min(candidates, key=lambda d: (-orphaned[d], -held[d], -changes[d], d))
        alive[dev] = False
        removed.append(dev)
    coverage = _covered(holders, alive) / n_files
    return _factor(removed, held, coverage, "marginal")


def best_greedy_truck_factor(holders: np.ndarray, changes: np.ndarray) -> TruckFactor:
    """The smaller of the static greedy (no pruning) and the marginal greedy truck factors.

    Args:
        holders: Boolean (D, F): developer d holds file f.
        changes: Per developer, the tie-breaking change count; shape (D,).

    Returns:
        The :class:`TruckFactor` with fewer developers (the static one on a tie).
    """
    if holders.shape[1] == 0:
        return TruckFactor(0, (), None, "static")
    held = holders.sum(axis=1)
    removed, coverage = _static_greedy(holders, changes)
    static = _factor(removed, held, coverage, "static")
    marginal = marginal_truck_factor(holders, changes)
    return marginal if marginal.tf < static.tf else static
