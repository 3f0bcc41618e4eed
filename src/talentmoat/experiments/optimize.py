"""The firewall optimizer: evaluate candidates on common random numbers, find the front, select.

Every candidate of an :class:`~talentmoat.experiments.optspec.Optimization` runs on the same
replications and root seed as every other (common random numbers), so two candidates'
sample-average objectives differ only by what their levers do, and the search sees a
deterministic objective. Candidates are simulated in batches: a batch is one
:func:`~talentmoat.sim.runner.simulate_setups` call whose strategies are the baseline and the
batch's candidates, each built from its own scenario (the levers written in) on the base
scenario's world. The outcomes are the sweep's metrics (:mod:`talentmoat.experiments.metrics`).

Selection is honest: the search's best candidates are re-evaluated on a fresh seed with many
more replications, and the recommendation is the cheapest candidate that still meets every
constraint out of sample (MODEL.md §H).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from talentmoat.experiments import metrics
from talentmoat.experiments.optspec import Candidate, Optimization
from talentmoat.loader import validate_scenario, with_scenario
from talentmoat.sim.calibrate import calibrate_alpha
from talentmoat.sim.results import compare, outcome_totals
from talentmoat.sim.runner import simulate_setups
from talentmoat.sim.setup import build_setup

Row = dict[str, Any]
"""One evaluated candidate: ``candidate`` (lever values), ``strategy`` (its policies), every
metric column, and ``ci`` (column → (low, high) for paired differences)."""


def evaluate(
    opt: Optimization,
    candidates: Sequence[Candidate],
    *,
    replications: int,
    seed: int,
    workers: int = 1,
    executor: Executor | None = None,
    stream: tuple[int, ...] = (),
    progress: Callable[[list[Row]], None] | None = None,
) -> list[Row]:
    """Outcomes of candidates, all on the same replications of one seed.

    Args:
        opt: The checked optimization.
        candidates: Lever values, one tuple per candidate.
        replications: Replications ``R`` (the same for every candidate).
        seed: Root seed (the same for every candidate).
        workers: Workers of ``executor`` (sizes the chunks).
        executor: Where chunks run (default: in this process).
        stream: Leading spawn-key entries of every replication's seed (a sweep point's).
        progress: Called with each batch's rows when the batch is done.

    Returns:
        One row per candidate, in order.

    Raises:
        InputError: If a candidate's scenario is invalid (source ``candidate N``).
    """
    base = opt.base
    s = base.scenario
    baseline = s.simulation.baseline
    names = list(metrics.METRICS)
    rows: list[Row] = []
    size = opt.spec.batch
    calibration = calibrate_alpha(base)
    alpha = calibration.per_person(base)
    for start in range(0, len(candidates), size):
        batch = candidates[start:start + size]
        setups = [build_setup(base, baseline, s.strategies[baseline], alpha)]
        for k, candidate in enumerate(batch):
            where = f"candidate {start + k}"
            lab = with_scenario(base, validate_scenario(opt.scenario_data(candidate), where),
                                where, f"{opt.digest}:{start + k}")
            setups.append(build_setup(lab, f"c{start + k}", opt.strategy(candidate), alpha))
        result = simulate_setups(base, setups, calibration, replications=replications,
                                 quarters=opt.quarters, seed=seed, workers=workers,
                                 executor=executor, stream=stream)
        paired = {row["strategy"]: row for row in compare(result)}
        done = []
        for setup, candidate in zip(setups[1:], batch, strict=True):
            comparison = paired[setup.name]
            values = metrics.row(names, outcome_totals(result, setup.name), comparison)
            ci = {c: metrics.interval(c, comparison) for c in values}
            done.append({"candidate": candidate, "strategy": list(setup.policies), **values,
                         "ci": {c: v for c, v in ci.items() if v is not None}})
        rows += done
        if progress:
            progress(done)
    return rows


def feasible(opt: Optimization, row: Row) -> bool:
    """Whether a row meets every constraint of the spec."""
    return all(bound.met(row[bound.metric]) for bound in opt.spec.constraints)


def pareto_front(rows: Sequence[Row], cost: str, benefit: str) -> list[int]:
    """Indices of the rows no other row dominates (lower cost and higher benefit), by cost.

    A row is dominated when another costs no more and gains no less, and is strictly better
    in one of the two. Ties in both keep the first.
    """
    order = sorted(range(len(rows)), key=lambda i: (rows[i][cost], -rows[i][benefit]))
    front: list[int] = []
    best = float("-inf")
    for i in order:
        if rows[i][benefit] > best:
            front.append(i)
            best = rows[i][benefit]
    return front


def by_cost(opt: Optimization, rows: Sequence[Row]) -> list[int]:
    """Indices of the feasible rows, cheapest first (more benefit first among equal costs)."""
    cost, benefit = opt.spec.objective.minimise, opt.spec.objective.maximise
    ok = [i for i, row in enumerate(rows) if feasible(opt, row)]
    return sorted(ok, key=lambda i: (rows[i][cost], -rows[i][benefit]))


@dataclass(frozen=True)
class Selection:
    """The honest choice among re-checked candidates.

    Attributes:
        checked: Indices (into the in-sample rows) of the candidates re-evaluated.
        out_of_sample: Their out-of-sample rows, in the same order.
        recommended: Position in ``checked`` of the cheapest candidate feasible out of
            sample, or None when none is.
    """

    checked: list[int]
    out_of_sample: list[Row]
    recommended: int | None


def select(opt: Optimization, in_sample: Sequence[Row],
           recheck: Callable[[list[Candidate]], list[Row]]) -> Selection:
    """Re-check the cheapest in-sample feasible candidates; recommend the cheapest that holds.

    Args:
        opt: The checked optimization (its ``validation.candidates`` sets how many).
        in_sample: The search's rows.
        recheck: Evaluates candidates on fresh random numbers (more replications, new seed).
    """
    checked = by_cost(opt, in_sample)[: opt.spec.validation.candidates]
    oos = recheck([in_sample[i]["candidate"] for i in checked]) if checked else []
    held = by_cost(opt, oos)
    return Selection(checked, oos, held[0] if held else None)
