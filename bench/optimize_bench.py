"""Benchmark: optimizer evaluations per second, grid and NSGA-II search, on 1 and 2 workers.

The work: the first ``--candidates`` candidates of the bundled ``lean-lab-firewalls`` grid on its
search replications (40) × quarters (12) of the lean lab. Runs, side by side in one process:

- **reference**: one candidate per simulation call (``batch: 1``; the baseline is simulated
  again with every candidate), in this process;
- **batched**: the spec's batches (up to 32 candidates and one baseline per call), in this
  process;
- **batched, 2 workers**: the same on a local Dask cluster of 2 worker processes (each call's
  replications split into one chunk per worker), cluster start-up and the first (compiling)
  call apart;
- **NSGA-II search** (``search: {method: nsga2}``, Optuna's sampler asking a generation of 16
  at a time, each generation one batch), ``--candidates`` trials, on 1 and 2 workers; and the
  sampler's own overhead (the same search told rows already computed, no simulation).

Each reports wall seconds and evaluations a second, ``candidates × replications × quarters /
seconds``; ratios are to the reference. The engine's kernels are compiled before timing.

Usage: ``python bench/optimize_bench.py [--candidates 32]``
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from talentmoat.experiments.executor import dask_executor
from talentmoat.experiments.optimize import Row, evaluate
from talentmoat.experiments.optsearch import nsga2_search
from talentmoat.experiments.optspec import Candidate, Optimization, Search, load_optimization
from talentmoat.loader import load_scenario

POPULATION = 16


def timed(opt: Optimization, n: int, **kw: object) -> float:
    """Seconds to evaluate the first ``n`` candidates of the grid."""
    grid = opt.candidates()[:n]
    t = time.perf_counter()
    evaluate(opt, grid, replications=opt.spec.replications, seed=opt.seed, **kw)
    return time.perf_counter() - t


def searched(opt: Optimization, n: int, **kw: object) -> tuple[float, float, int]:
    """NSGA-II over ``n`` trials: (seconds, seconds without the simulation, candidates run)."""
    search = opt.spec.model_copy(update={"search": Search(method="nsga2", trials=n,
                                                          population=POPULATION)})
    nsga = dataclasses.replace(opt, spec=search)
    memo: dict[Candidate, Row] = {}

    def generation(candidates: list[Candidate]) -> list[Row]:
        rows = evaluate(nsga, candidates, replications=opt.spec.replications, seed=opt.seed,
                        **kw)
        memo.update({r["candidate"]: r for r in rows})
        return rows

    t = time.perf_counter()
    nsga2_search(nsga, generation)
    full = time.perf_counter() - t
    t = time.perf_counter()
    nsga2_search(nsga, lambda cs: [memo[c] for c in cs])
    return full, time.perf_counter() - t, n


def main() -> None:
    """Run the variants and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=32)
    args = ap.parse_args()
    opt = load_optimization("lean-lab-firewalls", load_scenario("lean-lab"))
    n = args.candidates
    work = n * opt.spec.replications * opt.quarters
    timed(opt, 2)  # compile the kernels, build the compartment plan
    one = dataclasses.replace(opt, spec=opt.spec.model_copy(update={"batch": 1}))
    rows = [("reference: 1 candidate a call", timed(one, n)),
            ("batched (32 a call)", timed(opt, n))]
    search, overhead, _ = searched(opt, n)
    rows.append((f"NSGA-II ({POPULATION} a generation)", search))
    t = time.perf_counter()
    with dask_executor(workers=2) as (executor, workers):
        start = time.perf_counter() - t
        timed(opt, 2, executor=executor, workers=workers)  # compile in the workers
        rows.append(("batched, 2 Dask workers", timed(opt, n, executor=executor,
                                                       workers=workers)))
        rows.append(("NSGA-II, 2 Dask workers", searched(opt, n, executor=executor,
                                                           workers=workers)[0]))
    print(f"{n} candidates × {opt.spec.replications} replications × {opt.quarters} quarters "
          f"= {work:,} evaluations (2-worker cluster start-up {start:.1f} s, not counted)")
    ref = rows[0][1]
    print(f"{'variant':32} {'seconds':>8} {'evals/s':>10} {'× reference':>12}")
    for name, sec in rows:
        print(f"{name:32} {sec:8.2f} {work / sec:10,.0f} {ref / sec:12.2f}")
    print(f"NSGA-II sampler alone (ask and tell, no simulation): {overhead:.3f} s for {n} "
          f"trials, {1e3 * overhead / n:.1f} ms a trial")


if __name__ == "__main__":
    main()
