"""Stochastic search over the levers: Optuna's NSGA-II with constraints, ask and tell.

For lever spaces too big to enumerate (or with continuous levers), NSGA-II (Deb et al. 2002, as
:class:`optuna.samplers.NSGAIISampler`) proposes a generation of ``search.population``
candidates at a time; the generation is evaluated in one call (every candidate on the search's
common random numbers, so the objectives are deterministic) and told back: two objectives
(minimise the cost column, maximise the benefit column) and one constraint value per bound
(:meth:`~talentmoat.experiments.optspec.Bound.violation`, feasible when ≤ 0), so feasible
candidates dominate infeasible ones and infeasible ones are ranked by their total violation.

The sampler is seeded from the search seed and the study lives in memory; what makes a search
resumable is that it is a pure function of its evaluations: replaying it with the store's rows
(``evaluate_generation`` reads the stored candidates back instead of running them) asks the same
candidates in the same order, so a killed search resumed re-runs only the candidates it had not
finished. Why Optuna and not pymoo: Optuna (MIT) installs with light pure-Python dependencies,
its ask-and-tell interface lets a whole generation run as one batch of the engine, its samplers
are deterministic under a seed, and its NSGA-II takes constraints natively; pymoo's NSGA-II
would serve as well but drives the evaluation loop itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import optuna

from talentmoat.experiments.optimize import Row
from talentmoat.experiments.optspec import OFF, Candidate, Lever, Optimization


def _suggest(trial: optuna.Trial, lever: Lever, integer: bool) -> float | None:
    """One lever's value for a trial (``None`` for off)."""
    if lever.continuous:
        if integer:
            return float(trial.suggest_int(lever.name, round(lever.low), round(lever.high)))
        return trial.suggest_float(lever.name, lever.low, lever.high)  # type: ignore[arg-type]
    choice = trial.suggest_categorical(lever.name, [OFF if v is None else v for v in lever.grid])
    return None if choice == OFF else float(choice)


def sampler_seed(seed: int) -> int:
    """The NSGA-II sampler's 32-bit seed, derived from the search's root seed."""
    return int(np.random.SeedSequence(seed).generate_state(1)[0])


def nsga2_search(opt: Optimization,
                 evaluate_generation: Callable[[list[Candidate]], list[Row]],
                 progress: Callable[[int, int], None] | None = None) -> list[Row]:
    """Search the levers with constrained NSGA-II; every distinct candidate's row, first seen first.

    Args:
        opt: The checked optimization (``spec.search.method == "nsga2"``).
        evaluate_generation: Rows of a generation's candidates, in order (the same candidate
            twice gives the same row: common random numbers).
        progress: Called with (trials told, trials in all) after each generation.

    Returns:
        One row per distinct candidate, in the order the search first proposed them.
    """
    spec = opt.spec
    cost, benefit = spec.objective.minimise, spec.objective.maximise
    integer = [all(t.integer) for t in opt.targets]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        directions=["minimize", "maximize"],
        sampler=optuna.samplers.NSGAIISampler(population_size=spec.search.population,
                                              seed=sampler_seed(opt.seed)))
    total = spec.search.trials
    assert total is not None
    seen: dict[Candidate, Row] = {}
    told = 0
    while told < total:
        trials = [study.ask() for _ in range(min(spec.search.population, total - told))]
        candidates = [opt.normalise(tuple(_suggest(t, lv, whole) for lv, whole
                                          in zip(spec.levers, integer, strict=True)))
                      for t in trials]
        rows = evaluate_generation(candidates)
        for trial, candidate, row in zip(trials, candidates, rows, strict=True):
            for k, bound in enumerate(spec.constraints):
                trial.set_constraint(f"c{k}", bound.violation(row[bound.metric]))
            study.tell(trial, [row[cost], row[benefit]])
            seen.setdefault(candidate, row)
        told += len(trials)
        if progress:
            progress(told, total)
    return list(seen.values())


def describe(opt: Optimization) -> dict[str, Any]:
    """The search's settings as reported (method, and for NSGA-II trials, population, seed)."""
    search = opt.spec.search
    if search.method == "grid":
        return {"method": "grid"}
    return {"method": "nsga2", "library": f"optuna {optuna.__version__}",
            "trials": search.trials, "population": search.population,
            "sampler_seed": sampler_seed(opt.seed)}
