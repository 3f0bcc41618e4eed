"""Degree of authorship (DOA) per (developer, file) and who holds each file.

``DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC)`` (Fritz et al.; Avelino et al. 2016).
FA is 1 when the developer added the file (the first add or a later re-add by someone else), DL
counts the developer's modifications and renames of the file, and AC = the file's modifications
and renames by anybody, minus the developer's own. A developer *holds* a file when
``DOA / max DOA on the file > 0.75`` and (``DOA ≥ 3.293`` or they added it).

Two ways to collect a file's events:

* :func:`avelino_histories` reproduces the reference tool exactly, including how it follows
  renames: the whole history of every former name is pulled in, and a rename already followed
  while expanding an earlier file (in ``git ls-files`` order) is not followed again.
* :func:`followed_histories` follows each rename only into the events on the old name that
  happened before the rename, independently for every file.

Functions here do no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

ADD, MODIFY, RENAME = 0, 1, 2
SHIFT, FA_SLOPE, DL_SLOPE, AC_SLOPE = 3.293, 1.098, 0.164, 0.321
NORMALIZED_THRESHOLD = 0.75
ABSOLUTE_THRESHOLD = 3.293


@dataclass
class EventTable:
    """File events of a history, one row per event, in log order (newest commit first).

    Only adds, modifications and renames are events; deletions, copies and type changes are not.

    Attributes:
        kind: ``ADD``, ``MODIFY`` or ``RENAME`` per event.
        path: Path after the event (the new name for a rename).
        old_path: Path before the event (equal to ``path`` except for renames).
        commit: Index of the event's commit in log order (0 = newest).
        added: Lines added by the event (numstat; 0 for binary).
        deleted: Lines deleted by the event (numstat; 0 for binary).
        binary: Whether git saw the file as binary in this event.
        commit_time: Author time of each commit, seconds since the epoch.
        commit_people: Developer indices credited with each commit (author first, then
            co-authors), filled in after identity merging.
    """

    kind: list[int] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    old_path: list[str] = field(default_factory=list)
    commit: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    binary: list[bool] = field(default_factory=list)
    commit_time: list[int] = field(default_factory=list)
    commit_people: list[tuple[int, ...]] = field(default_factory=list)

    def by_path(self) -> dict[str, list[int]]:
        """Event ids keyed by the path after the event, each list in log order."""
        index: dict[str, list[int]] = {}
        for eid, path in enumerate(self.path):
            index.setdefault(path, []).append(eid)
        return index


@dataclass(frozen=True)
class DoaEntry:
    """One developer's authorship inputs and values on one file.

    Attributes:
        dev: Developer index.
        first: Made the file's first add (earliest in time).
        secondary: Added the file later without being the first author.
        deliveries: DL: own modifications and renames (time-weighted in decayed mode).
        acceptances: AC: the file's other modifications and renames (same weighting).
        doa: Degree of authorship (the "multiple authors" variant: any adder gets FA).
        normalized: ``doa`` divided by the file's best ``doa``.
        author: Whether the developer holds the file.
    """

    dev: int
    first: bool
    secondary: bool
    deliveries: float
    acceptances: float
    doa: float
    normalized: float
    author: bool


@dataclass(frozen=True)
class Authorship:
    """Authorship over a file universe.

    Attributes:
        files: The universe: files at HEAD that have history, in ``git ls-files`` order; F files.
        entries: Per file, the :class:`DoaEntry` of every developer with an event on it.
        holders: Boolean matrix, shape (D, F): developer d holds file f.
        lines: Net lines (added − deleted since the file's most recent add, over its followed
            history, floored at 0): an estimate of the file's length at HEAD; shape (F,).
        binary: Whether git saw the file as binary in any event; shape (F,).
    """

    files: tuple[str, ...]
    entries: tuple[tuple[DoaEntry, ...], ...]
    holders: np.ndarray
    lines: np.ndarray
    binary: np.ndarray


def avelino_histories(files: Sequence[str], table: EventTable) -> list[list[int] | None]:
    """Collect each file's events the way the reference tool does.

    Args:
        files: Paths at HEAD, in ``git ls-files`` order (the order matters; see module doc).
        table: All events.

    Returns:
        Per file, its event ids (unordered), or None when no event has that path.
    """
    by_path = table.by_path()
    treated: set[int] = set()
    result: list[list[int] | None] = []
    for path in files:
        own = by_path.get(path)
        if own is None:
            result.append(None)
            continue
        seen = set(own)
        frontier = [e for e in own if table.kind[e] == RENAME and e not in treated]
        while frontier:
            nxt = []
            for eid in frontier:
                if eid in treated:
                    continue
                treated.add(eid)
                for older in by_path.get(table.old_path[eid], ()):
                    if older not in seen:
                        seen.add(older)
                        if table.kind[older] == RENAME and older not in treated:
                            nxt.append(older)
            frontier = nxt
        result.append(sorted(seen))
    return result


def followed_histories(files: Sequence[str], table: EventTable) -> list[list[int] | None]:
    """Collect each file's events, following renames back only to earlier events.

    A rename ``old → new`` in commit c pulls in the events on ``old`` from commits older than c,
    so a later file that reuses the old name does not leak into this one.

    Args:
        files: Paths at HEAD.
        table: All events.

    Returns:
        Per file, its event ids in log order, or None when no event has that path.
    """
    by_path = table.by_path()
    result: list[list[int] | None] = []
    for path in files:
        own = by_path.get(path)
        if own is None:
            result.append(None)
            continue
        seen = set(own)
        stack = [e for e in own if table.kind[e] == RENAME]
        while stack:
            eid = stack.pop()
            when = table.commit[eid]
            for older in by_path.get(table.old_path[eid], ()):
                if table.commit[older] > when and older not in seen:
                    seen.add(older)
                    if table.kind[older] == RENAME:
                        stack.append(older)
        result.append(sorted(seen))
    return result


def doa(first: bool, deliveries: float, acceptances: float) -> float:
    """Degree of authorship: ``3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC)``."""
    return (SHIFT + FA_SLOPE * (1.0 if first else 0.0) + DL_SLOPE * deliveries
            - AC_SLOPE * math.log(1.0 + acceptances))


def file_entries(
    events: Sequence[int], table: EventTable, weights: np.ndarray | None = None
) -> tuple[DoaEntry, ...]:
    """DOA of every developer with an event on one file.

    Args:
        events: The file's event ids (from :func:`avelino_histories` or
            :func:`followed_histories`).
        table: All events (``commit_people`` filled in).
        weights: Optional weight per commit (e.g. time decay), shape (commits,); events of
            commits with weight 0 are ignored. None weighs every event 1.

    Returns:
        One entry per developer, ordered by decreasing DOA, then developer index.
    """
    adds: dict[int, int] = {}
    deliveries: dict[int, float] = {}
    changes = 0.0
    for eid in events:
        commit = table.commit[eid]
        w = 1.0 if weights is None else float(weights[commit])
        if w <= 0.0:
            continue
        people = table.commit_people[commit]
        if table.kind[eid] == ADD:
            for dev in people:
                if dev not in adds or commit > adds[dev]:
                    adds[dev] = commit
                deliveries.setdefault(dev, 0.0)
        else:
            changes += w
            for dev in people:
                deliveries[dev] = deliveries.get(dev, 0.0) + w
    if not deliveries:
        return ()
    first_dev = max(adds, key=lambda d: (adds[d], -d)) if adds else -1
    values = {d: doa(d in adds, dl, changes - dl) for d, dl in deliveries.items()}
    best = max(values.values())
    entries = []
    for dev, dl in deliveries.items():
        value = values[dev]
        norm = value / best if best > 0 else -math.inf
        added = dev in adds
        author = norm > NORMALIZED_THRESHOLD and (value >= ABSOLUTE_THRESHOLD or added)
        entries.append(DoaEntry(dev, dev == first_dev, added and dev != first_dev, dl,
                                changes - dl, value, norm, author))
    entries.sort(key=lambda e: (-e.doa, e.dev))
    return tuple(entries)


def net_lines(events: Sequence[int], table: EventTable) -> int:
    """Lines added minus deleted by a file's events since its most recent add (floored at 0).

    Deletions are not events, so counting from the latest (re-)add keeps a deleted and re-added
    file from carrying its earlier life's lines.
    """
    adds = [table.commit[e] for e in events if table.kind[e] == ADD]
    since = min(adds) if adds else math.inf  # commit indices grow into the past
    return max(0, sum(table.added[e] - table.deleted[e] for e in events
                      if table.commit[e] <= since))


def compute_authorship(
    files: Sequence[str],
    histories: Sequence[Sequence[int] | None],
    table: EventTable,
    n_devs: int,
    weights: np.ndarray | None = None,
) -> Authorship:
    """DOA entries, holders, line estimates and binary flags over the files that have history.

    Args:
        files: Paths at HEAD.
        histories: Per file, its event ids or None (no history: the file leaves the universe).
        table: All events.
        n_devs: Number of developers D.
        weights: Optional weight per commit, shape (commits,) (see :func:`file_entries`).

    Returns:
        The :class:`Authorship`.
    """
    kept: list[str] = []
    entries: list[tuple[DoaEntry, ...]] = []
    lines: list[int] = []
    binary: list[bool] = []
    for path, events in zip(files, histories, strict=True):
        if events is None:
            continue
        kept.append(path)
        entries.append(file_entries(events, table, weights))
        lines.append(net_lines(events, table))
        binary.append(any(table.binary[e] for e in events))
    holders = np.zeros((n_devs, len(kept)), dtype=bool)
    for f, file_list in enumerate(entries):
        for entry in file_list:
            if entry.author:
                holders[entry.dev, f] = True
    return Authorship(tuple(kept), tuple(entries), holders,
                      np.asarray(lines, dtype=float), np.asarray(binary, dtype=bool))


def developer_changes(authorship: Authorship, n_devs: int) -> np.ndarray:
    """Per developer, DL plus one per file they added, summed over the universe; shape (D,).

    This is the reference tool's tie-breaker between developers holding as many files.
    """
    changes = np.zeros(n_devs)
    for file_list in authorship.entries:
        for entry in file_list:
            changes[entry.dev] += entry.deliveries + (1 if entry.first or entry.secondary else 0)
    return changes
