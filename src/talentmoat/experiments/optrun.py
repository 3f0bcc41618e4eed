"""Run an optimization against its store: search, re-check the best, recommend.

The driver of :mod:`talentmoat.experiments.optimize`: the search phase evaluates every grid
candidate (``search.method: grid``) or the candidates NSGA-II proposes a generation at a time
(``nsga2``, :mod:`talentmoat.experiments.optsearch`) on the spec's replications and seed; the
validation phase re-evaluates the cheapest in-sample feasible candidates on the validation seed
with more replications. Each phase reads back what the store already holds and runs only the
rest, so a rerun (or a killed run restarted) resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentmoat.errors import InputError
from talentmoat.experiments.executor import points_of
from talentmoat.experiments.optimize import (
    Row,
    Selection,
    evaluate,
    feasible,
    pareto_front,
    select,
)
from talentmoat.experiments.optrobust import RobustCheck, robust_check
from talentmoat.experiments.optsearch import describe, nsga2_search
from talentmoat.experiments.optspec import Candidate, Optimization
from talentmoat.experiments.optstore import OptStore, key
from talentmoat.experiments.spec import load_spec, write_values
from talentmoat.loader import validate_scenario, with_scenario


@dataclass(frozen=True)
class Outcome:
    """What an optimization found.

    Attributes:
        rows: The search's rows, in grid order (NSGA-II: in the order first proposed).
        front: Indices of the Pareto front of cost vs benefit over all candidates.
        feasible_front: The front over the candidates feasible in sample.
        selection: The out-of-sample re-check and the recommendation.
        ran: Candidate evaluations run by this call (0 when all came from the store).
        robust: Robust mode's check of the re-checked candidates (in ``selection.checked``
            order), or None.
    """

    rows: list[Row]
    front: list[int]
    feasible_front: list[int]
    selection: Selection
    ran: int
    robust: RobustCheck | None = None

    @property
    def recommended(self) -> Row | None:
        """The recommendation's out-of-sample row, or None."""
        k = self.selection.recommended
        return None if k is None else self.selection.out_of_sample[k]


def _phase(opt: Optimization, store: OptStore, phase: str, candidates: Sequence[Candidate],
           replications: int, seed: int, executor: Executor | None, workers: int,
           progress: Callable[[str, int, int], None] | None,
           stream: tuple[int, ...] = ()) -> tuple[list[Row], int]:
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
             executor=executor, stream=stream, progress=keep)
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
        if spec.search.method == "grid":
            rows, n = _phase(opt, store, "search", opt.candidates(), spec.replications,
                             opt.seed, executor, workers, progress)
            ran[0] += n
        else:
            def generation(candidates: list[Candidate]) -> list[Row]:
                found, m = _phase(opt, store, "search", candidates, spec.replications,
                                  opt.seed, executor, workers, None)
                ran[0] += m
                return found

            rows = nsga2_search(opt, generation, None if progress is None else
                                lambda done, total: progress("search (NSGA-II trials)", done,
                                                             total))

        def recheck(candidates: list[Candidate]) -> list[Row]:
            checked, m = _phase(opt, store, "validation", candidates,
                                spec.validation.replications, spec.validation.seed, executor,
                                workers, progress)
            ran[0] += m
            return checked

        selection = select(opt, rows, recheck)
        robust = None
        if spec.robust is not None and selection.checked:
            shortlist = [rows[i]["candidate"] for i in selection.checked]
            robust, n = _robust(opt, store, shortlist, selection.recommended, executor,
                                workers, progress)
            ran[0] += n
    ok = [i for i, row in enumerate(rows) if feasible(opt, row)]
    return Outcome(rows=rows, front=pareto_front(rows, cost, benefit),
                   feasible_front=[ok[i] for i in pareto_front([rows[i] for i in ok], cost,
                                                               benefit)],
                   selection=selection, ran=ran[0], robust=robust)


def _robust(opt: Optimization, store: OptStore, shortlist: list[Candidate],
            nominal: int | None, executor: Executor | None, workers: int,
            progress: Callable[[str, int, int], None] | None) -> tuple[RobustCheck, int]:
    """The shortlist at every point of the robust sweep (stream ``(point,)``, validation seed)."""
    robust = opt.spec.robust
    assert robust is not None
    sweep = load_spec(_sweep_ref(robust.sweep, opt))
    if sweep.base.digest != opt.base.digest:
        raise InputError.single(opt.source, "robust.sweep", f"{sweep.source} sweeps scenario "
                                f"'{sweep.base.scenario.name}', not the one optimized "
                                f"('{opt.base.scenario.name}')")
    levers = {loc for t in opt.targets for loc in t.locations}
    clash = [u.name for u, t in zip(sweep.spec.uncertainties, sweep.targets, strict=True)
             if levers & set(t.locations)]
    if clash:
        raise InputError.single(opt.source, "robust.sweep", f"uncertainties "
                                f"{', '.join(clash)} vary a lever's field")
    _, values = points_of(sweep)
    reps = robust.replications or opt.spec.replications
    per_point, ran = [], 0
    for p, point in enumerate(values):
        data = write_values(sweep.data, sweep.targets, point.tolist())
        where = f"{sweep.source} point {p}"
        lab = with_scenario(opt.base, validate_scenario(data, where), where,
                            f"{sweep.digest}:{p}")
        rows, n = _phase(opt.at(lab, data), store, f"robust {sweep.digest[:16]} point {p}",
                         shortlist, reps, opt.spec.validation.seed, executor, workers,
                         None, stream=(p,))
        per_point.append(rows)
        ran += n
        if progress:
            progress("robust points", p + 1, len(values))
    return robust_check(opt, sweep.names, values, per_point, nominal), ran


def _sweep_ref(ref: str, opt: Optimization) -> str | Path:
    """A robust sweep named relative to the optimization spec's folder, or bundled."""
    if opt.spec_dir is not None and (opt.spec_dir / ref).exists():
        return opt.spec_dir / ref
    return ref


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
                   "quarters": opt.quarters, **describe(opt)},
        "validation": {"replications": opt.spec.validation.replications,
                       "seed": opt.spec.validation.seed},
        "objective": opt.spec.objective.model_dump(),
        "constraints": [b.model_dump(exclude_none=True) for b in opt.spec.constraints],
        "evaluated": {"cost": [row[opt.spec.objective.minimise] for row in outcome.rows],
                      "benefit": [row[opt.spec.objective.maximise] for row in outcome.rows],
                      "feasible": [feasible(opt, row) for row in outcome.rows]},
        "front": [brief(outcome.rows[i]) for i in outcome.front],
        "feasible_front": [brief(outcome.rows[i]) for i in outcome.feasible_front],
        "checked": [{"in_sample": brief(outcome.rows[i]), "out_of_sample": brief(oos)}
                    for i, oos in zip(sel.checked, sel.out_of_sample, strict=True)],
        "recommended": None if rec is None else brief(rec),
        "robust": None if outcome.robust is None else _robust_payload(opt, outcome, mix),
    }


def _robust_payload(opt: Optimization, outcome: Outcome,
                    mix: Callable[[Row], dict[str, Any]]) -> dict[str, Any]:
    check = outcome.robust
    assert check is not None and opt.spec.robust is not None
    sel = outcome.selection
    rob = check.robustness
    per = [{**mix(outcome.rows[i]), "satisficing_share": float(check.met[:, k].mean()),
            "regret_p90": float(rob.regret[k]), "benefit_mean": float(rob.mean[k]),
            "benefit_p10": float(rob.p10[k]), "cost_mean": float(check.cost[:, k].mean())}
           for k, i in enumerate(sel.checked)]
    return {"sweep": opt.spec.robust.sweep, "measure": opt.spec.robust.measure,
            "min_share": opt.spec.robust.min_share, "points": len(check.values),
            "uncertainties": check.names, "candidates": per,
            "recommended": None if check.recommended is None else per[check.recommended],
            "breaks": check.breaks}
