"""Run an optimization against its store: search the grid, re-check the best, recommend.

The driver of :mod:`talentmoat.experiments.optimize`: the search phase evaluates every grid
candidate on the spec's replications and seed, the validation phase re-evaluates the cheapest
in-sample feasible candidates on the validation seed with more replications; each phase reads
back what the store already holds and runs only the rest, so a rerun resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentmoat.experiments.optimize import (
    Row,
    Selection,
    evaluate,
    feasible,
    pareto_front,
    select,
)
from talentmoat.experiments.optspec import Candidate, Optimization
from talentmoat.experiments.optstore import OptStore, key


@dataclass(frozen=True)
class Outcome:
    """What an optimization found.

    Attributes:
        rows: The search's rows, in grid order.
        front: Indices of the Pareto front of cost vs benefit over all candidates.
        feasible_front: The front over the candidates feasible in sample.
        selection: The out-of-sample re-check and the recommendation.
        ran: Candidate evaluations run by this call (0 when all came from the store).
    """

    rows: list[Row]
    front: list[int]
    feasible_front: list[int]
    selection: Selection
    ran: int

    @property
    def recommended(self) -> Row | None:
        """The recommendation's out-of-sample row, or None."""
        k = self.selection.recommended
        return None if k is None else self.selection.out_of_sample[k]


def _phase(opt: Optimization, store: OptStore, phase: str, candidates: Sequence[Candidate],
           replications: int, seed: int, executor: Executor | None, workers: int,
           progress: Callable[[str, int, int], None] | None) -> tuple[list[Row], int]:
    stored = store.rows(phase, seed, replications)
    missing = list(dict.fromkeys(c for c in candidates if key(c) not in stored))
    done = [len(candidates) - len(missing)]
    if progress:
        progress(phase, done[0], len(candidates))

    def keep(rows: list[Row]) -> None:
        store.add(phase, seed, replications, rows)
        stored.update({key(r["candidate"]): r for r in rows})
        done[0] += len(rows)
        if progress:
            progress(phase, done[0], len(candidates))

    evaluate(opt, missing, replications=replications, seed=seed, workers=workers,
             executor=executor, progress=keep)
    return [stored[key(c)] for c in candidates], len(missing)


def run_optimization(opt: Optimization, store_path: Path, *, executor: Executor | None = None,
                     workers: int = 1, new: bool = False,
                     progress: Callable[[str, int, int], None] | None = None) -> Outcome:
    """Search, re-check and recommend, resuming from the store at ``store_path``.

    Args:
        opt: The checked optimization.
        store_path: Its DuckDB store (created if absent).
        executor: Where chunks of replications run (default: in this process).
        workers: Workers of ``executor``.
        new: Replace a store that holds another optimization.
        progress: Called with (phase, candidates done, candidates in the phase).
    """
    spec = opt.spec
    cost, benefit = spec.objective.minimise, spec.objective.maximise
    ran = [0]
    with OptStore(store_path, opt, new=new) as store:
        rows, n = _phase(opt, store, "search", opt.candidates(), spec.replications, opt.seed,
                         executor, workers, progress)
        ran[0] += n

        def recheck(candidates: list[Candidate]) -> list[Row]:
            checked, m = _phase(opt, store, "validation", candidates,
                                spec.validation.replications, spec.validation.seed, executor,
                                workers, progress)
            ran[0] += m
            return checked

        selection = select(opt, rows, recheck)
    ok = [i for i, row in enumerate(rows) if feasible(opt, row)]
    return Outcome(rows=rows, front=pareto_front(rows, cost, benefit),
                   feasible_front=[ok[i] for i in pareto_front([rows[i] for i in ok], cost,
                                                               benefit)],
                   selection=selection, ran=ran[0])


def payload(opt: Optimization, outcome: Outcome) -> dict[str, Any]:
    """The JSON summary of an optimization (``optimize --json``)."""
    names = opt.names

    def mix(row: Row) -> dict[str, Any]:
        levers = dict(zip(names, ["off" if v is None else v for v in row["candidate"]],
                          strict=True))
        return {"levers": levers, "policies": row["strategy"]}

    def brief(row: Row) -> dict[str, Any]:
        cols = [opt.spec.objective.minimise, opt.spec.objective.maximise,
                *[b.metric for b in opt.spec.constraints]]
        return {**mix(row), **{c: row[c] for c in dict.fromkeys(cols)},
                "ci": {c: list(v) for c, v in row["ci"].items() if c in cols},
                "feasible": feasible(opt, row)}

    sel = outcome.selection
    rec = outcome.recommended
    return {
        "optimization": opt.spec.name, "scenario": opt.base.scenario.name,
        "digest": opt.digest, "candidates": len(outcome.rows), "ran": outcome.ran,
        "search": {"replications": opt.spec.replications, "seed": opt.seed,
                   "quarters": opt.quarters},
        "validation": {"replications": opt.spec.validation.replications,
                       "seed": opt.spec.validation.seed},
        "objective": opt.spec.objective.model_dump(),
        "constraints": [b.model_dump(exclude_none=True) for b in opt.spec.constraints],
        "front": [brief(outcome.rows[i]) for i in outcome.front],
        "feasible_front": [brief(outcome.rows[i]) for i in outcome.feasible_front],
        "checked": [{"in_sample": brief(outcome.rows[i]), "out_of_sample": brief(oos)}
                    for i, oos in zip(sel.checked, sel.out_of_sample, strict=True)],
        "recommended": None if rec is None else brief(rec),
    }
