"""Compose a scan: commits → events and developers → authorship → stages → truck factors, ``K``.

Two modes:

* ``avelino`` reproduces the reference tool of Avelino et al. (ICPC 2016) bit for bit: its
  event rules and rename following, identity merging on upper-cased e-mail or name, no bot
  filter, no co-authors, no time weighting, the static greedy truck factor with pruning, and no
  file excluded unless the stage file says so.
* ``default`` departs where users asked (see ``docs/model.md`` §B): case-folded identity keys,
  bots dropped, ``Co-authored-by`` trailers credited (when scanning a repository), optional
  time decay and window, renames followed only into earlier history, default exclusions, and the
  better of the static and the marginal re-ranking greedy truck factors (no pruning).

The history is consumed as a stream; only the compact event table is kept.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from talentmoat import anonymize
from talentmoat.errors import InputError
from talentmoat.gitmine.authorship import (
    ADD,
    MODIFY,
    RENAME,
    Authorship,
    EventTable,
    avelino_histories,
    compute_authorship,
    developer_changes,
    followed_histories,
)
from talentmoat.gitmine.identity import (
    DEFAULT_BOT_PATTERN,
    Developer,
    IdentityIndex,
    avelino_key,
    bot_matcher,
    casefold_key,
)
from talentmoat.gitmine.logparse import Commit
from talentmoat.gitmine.stages import Assignment, StageRules, assign_stages, knowledge_matrix
from talentmoat.gitmine.truckfactor import (
    TruckFactor,
    avelino_truck_factor,
    best_greedy_truck_factor,
)

Mode = Literal["default", "avelino"]
KINDS = {"A": ADD, "M": MODIFY, "R": RENAME}
SECONDS_PER_DAY = 86_400.0
WHOLE_CODEBASE = "codebase"
"""The single ``K`` column (and roster component) when no stage file is given."""


@dataclass(frozen=True)
class ScanOptions:
    """How to scan.

    Attributes:
        mode: ``"avelino"`` (reference-compatible) or ``"default"``.
        decay_days: Default mode: weigh each commit by ``exp(−age / decay_days)``, age in days
            before the newest commit; None for no decay.
        window_days: Default mode: ignore commits older than this many days before the newest
            commit; None for the whole history.
        bot_pattern: Default mode: regular expression marking bot signatures ("" keeps bots).
        weight_by_lines: ``K`` weighs files by their estimated lines instead of counting them.
        top: How many top holders to report per stage.
    """

    mode: Mode = "default"
    decay_days: float | None = None
    window_days: float | None = None
    bot_pattern: str = DEFAULT_BOT_PATTERN
    weight_by_lines: bool = False
    top: int = 5


@dataclass(frozen=True)
class History:
    """A history reduced to events and merged developers.

    Attributes:
        table: File events (``commit_people`` filled in).
        developers: Merged developers; indices match ``table.commit_people``.
        commits: Commits read from the log.
        bot_commits: Commits dropped because their author is a bot.
    """

    table: EventTable
    developers: tuple[Developer, ...]
    commits: int
    bot_commits: int


@dataclass(frozen=True)
class GroupResult:
    """Truck factor and holders of one set of files (all analysed files, or one stage).

    Attributes:
        id: ``"overall"`` or the stage id.
        files: Number of files in the set.
        truck_factor: The truck factor on this set.
        holders: ``(developer, files held)`` of the top holders, most files first.
    """

    id: str
    files: int
    truck_factor: TruckFactor
    holders: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan reports.

    Attributes:
        options: The options used.
        history: Events and developers.
        authorship: DOA and holders over the files at HEAD that have history.
        assignment: Exclusion and stage of each of those files.
        overall: Truck factor over all analysed (non-excluded) files.
        stages: One result per stage, in rule order.
        k_ids: Column ids of ``K`` (stage ids, or ``codebase`` without stages).
        K: Float (D, S): share of each stage's files (or lines) each developer holds.
        active: Boolean (D,): the developer has an event on an analysed file.
        changes: Float (D,): the tie-breaking change count per developer.
    """

    options: ScanOptions
    history: History
    authorship: Authorship
    assignment: Assignment
    overall: GroupResult
    stages: tuple[GroupResult, ...]
    k_ids: tuple[str, ...]
    K: np.ndarray
    active: np.ndarray
    changes: np.ndarray


def collect_history(commits: Iterable[Commit], options: ScanOptions, source: str) -> History:
    """Consume a commit stream into an event table and merged developers.

    Args:
        commits: Commits in log order (newest first).
        options: Mode and bot pattern.
        source: The input's name, for messages.

    Returns:
        The :class:`History`.

    Raises:
        InputError: The history has no commit.
    """
    avelino = options.mode == "avelino"
    identities = IdentityIndex(avelino_key if avelino else casefold_key)
    is_bot = bot_matcher("" if avelino else options.bot_pattern)
    table = EventTable()
    signatures: list[tuple[int, ...]] = []
    n_commits = 0
    bots = 0
    for commit in commits:
        n_commits += 1
        if is_bot(commit.name, commit.email):
            bots += 1
            continue
        people = [(commit.name, commit.email)]
        if not avelino:
            people += [p for p in commit.coauthors if not is_bot(*p)]
        index = len(signatures)
        signatures.append(tuple(identities.add(n, e, commit.time) for n, e in people))
        table.commit_time.append(commit.time)
        for change in commit.changes:
            kind = KINDS.get(change.status)
            if kind is None:
                continue
            table.kind.append(kind)
            table.path.append(change.path)
            table.old_path.append(change.old_path)
            table.commit.append(index)
            table.added.append(change.added)
            table.deleted.append(change.deleted)
            table.binary.append(change.binary)
    if n_commits == 0:
        raise InputError.single(source, "", "the history has no commit")
    developer_of, developers = identities.resolve()
    table.commit_people = [tuple(dict.fromkeys(developer_of[s] for s in sids))
                           for sids in signatures]
    return History(table, tuple(developers), n_commits, bots)


def commit_weights(commit_time: Sequence[int], options: ScanOptions) -> np.ndarray | None:
    """Weight per commit from time decay and window (default mode); None when unweighted.

    Args:
        commit_time: Author time per commit, seconds.
        options: ``decay_days`` and ``window_days``.

    Returns:
        Float (commits,) in [0, 1], or None.
    """
    if options.mode == "avelino" or (options.decay_days is None and options.window_days is None):
        return None
    times = np.asarray(commit_time, dtype=float)
    if times.size == 0:
        return None
    age_days = (times.max() - times) / SECONDS_PER_DAY
    weights = np.ones_like(age_days)
    if options.decay_days is not None:
        weights = np.exp(-age_days / options.decay_days)
    if options.window_days is not None:
        weights = np.where(age_days <= options.window_days, weights, 0.0)
    return weights


def _group(
    group_id: str, holders: np.ndarray, changes: np.ndarray, options: ScanOptions
) -> GroupResult:
    algorithm = avelino_truck_factor if options.mode == "avelino" else best_greedy_truck_factor
    held = holders.sum(axis=1)
    ranked = sorted(np.flatnonzero(held > 0).tolist(), key=lambda d: (-held[d], -changes[d], d))
    return GroupResult(group_id, int(holders.shape[1]), algorithm(holders, changes),
                       tuple((d, int(held[d])) for d in ranked[: options.top]))


def analyse(
    history: History, files: Sequence[str], rules: StageRules | None, options: ScanOptions
) -> ScanResult:
    """Authorship, exclusions, stages, truck factors and ``K`` for one history.

    Args:
        history: From :func:`collect_history`.
        files: Paths at HEAD (``git ls-files`` order).
        rules: Stage rules, or None.
        options: Scan options.

    Returns:
        The :class:`ScanResult`.

    Raises:
        InputError: No file at HEAD has history, or the stage rules do not fit the files.
    """
    table = history.table
    n_devs = len(history.developers)
    if options.mode == "avelino":
        histories = avelino_histories(files, table)
    else:
        histories = followed_histories(files, table)
    authorship = compute_authorship(files, histories, table, n_devs,
                                    commit_weights(table.commit_time, options))
    if not authorship.files:
        raise InputError.single("history", "", "no file at HEAD has any history (were the log "
                                "and the file list exported from the same repository?)")
    assignment = assign_stages(authorship.files, rules, options.mode == "default",
                               authorship.binary)
    if not assignment.kept.any():
        raise InputError.single(rules.source if rules else "history", "exclude",
                                "every file is excluded; nothing left to analyse")
    changes = developer_changes(authorship, n_devs)
    kept = assignment.kept
    overall = _group("overall", authorship.holders[:, kept], changes, options)
    stages = tuple(
        _group(stage_id, authorship.holders[:, assignment.stage_of == s], changes, options)
        for s, stage_id in enumerate(assignment.stage_ids))
    weights = authorship.lines if options.weight_by_lines else np.ones(len(authorship.files))
    if assignment.stage_ids:
        k_ids, stage_of = assignment.stage_ids, assignment.stage_of
    else:
        k_ids, stage_of = (WHOLE_CODEBASE,), np.where(kept, 0, -1)
    K = knowledge_matrix(authorship.holders, stage_of, len(k_ids), weights)
    active = np.zeros(n_devs, dtype=bool)
    for f, file_list in enumerate(authorship.entries):
        if kept[f]:
            for entry in file_list:
                active[entry.dev] = True
    return ScanResult(options, history, authorship, assignment, overall, stages, k_ids, K,
                      active, changes)


def pseudonym(developer: Developer, key: bytes) -> str:
    """A developer's keyed pseudonym: ``dev-`` + HMAC of the first e-mail (:mod:`anonymize`).

    The same person (same first e-mail, case-folded; the name when there is none) gets the same
    pseudonym in every scan under the same key.
    """
    value = (developer.emails[0] if developer.emails else developer.name).casefold()
    return anonymize.pseudonym(value, key, prefix="dev")


def person_labels(result: ScanResult, key: bytes | None) -> list[str]:
    """Per developer, the label every output uses: the name, or the pseudonym under ``key``."""
    if key is not None:
        return [pseudonym(d, key) for d in result.history.developers]
    return [d.name for d in result.history.developers]


def _tf_json(tf: TruckFactor, labels: Sequence[str]) -> dict[str, Any]:
    return {"tf": tf.tf,
            "authors": [{"name": labels[d], "files": n} for d, n in tf.authors],
            "coverage": None if tf.coverage is None else round(tf.coverage, 6),
            "algorithm": tf.algorithm}


def to_json(result: ScanResult, key: bytes | None, source: str) -> dict[str, Any]:
    """The ``--json`` payload (names replaced by pseudonyms under ``key``, if given)."""
    labels = person_labels(result, key)
    options = result.options
    a = result.assignment
    stages = {}
    for s, group in enumerate(result.stages):
        mask = a.stage_of == s
        stages[group.id] = {
            "files": group.files,
            "lines": int(result.authorship.lines[mask].sum()),
            "holders": [{"name": labels[d], "files": n, "k": round(float(result.K[d, s]), 6)}
                        for d, n in group.holders],
        }
    return {
        "source": source,
        "mode": options.mode,
        "commits": result.history.commits,
        "bot_commits_skipped": result.history.bot_commits,
        "files": int(a.kept.sum()),
        "files_with_history": len(result.authorship.files),
        "files_excluded": int((~a.kept).sum()),
        "files_unstaged": int((a.kept & (a.stage_of < 0)).sum()) if a.stage_ids else None,
        "developers": int(result.active.sum()),
        "truck_factor": {
            "overall": _tf_json(result.overall.truck_factor, labels),
            "per_stage": {g.id: _tf_json(g.truck_factor, labels) for g in result.stages},
        },
        "top_holders": [{"name": labels[d], "files": n} for d, n in result.overall.holders],
        "stages": stages,
        "options": {
            "decay_days": options.decay_days, "window_days": options.window_days,
            "bot_pattern": None if options.mode == "avelino" else options.bot_pattern,
            "weight": "lines" if options.weight_by_lines else "files",
            "anonymized": key is not None,
        },
    }


def roster_csv(result: ScanResult, key: bytes, anonymize: bool) -> str:
    """A roster in the scenario CSV format: ``id``, ``name``, ``k.<stage>`` per active developer.

    Ids are the keyed pseudonyms (never a name or e-mail); ``name`` is the display name, or the
    pseudonym when ``anonymize``. Rows are ordered by total ``K`` (descending), then id.
    """
    labels = person_labels(result, key if anonymize else None)
    ids = [pseudonym(d, key) for d in result.history.developers]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", *(f"k.{c}" for c in result.k_ids)])
    order = sorted(np.flatnonzero(result.active).tolist(),
                   key=lambda d: (-float(result.K[d].sum()), ids[d]))
    for d in order:
        writer.writerow([ids[d], labels[d],
                         *(f"{v:.6f}" for v in np.clip(result.K[d], 0.0, 1.0))])
    return out.getvalue()


def validate_options(options: ScanOptions) -> None:
    """Reject meaningless option values (non-positive days, bad regex, top < 1, mode clashes).

    Raises:
        InputError: Naming the option.
    """
    problems = []
    for name, value in (("--decay-days", options.decay_days),
                        ("--window-days", options.window_days)):
        if value is not None and not (math.isfinite(value) and value > 0):
            problems.append((name, f"{value} is not a positive number of days"))
    try:
        bot_matcher(options.bot_pattern)
    except re.error as exc:
        problems.append(("--bot-pattern", f"not a valid regular expression: {exc}"))
    if options.mode == "avelino":
        for name, value in (("--decay-days", options.decay_days),
                            ("--window-days", options.window_days)):
            if value is not None:
                problems.append((name, "not available in --mode avelino (the reference has no "
                                 "time weighting)"))
    if options.top < 1:
        problems.append(("--top", "must be at least 1"))
    if problems:
        raise InputError("options", problems)
