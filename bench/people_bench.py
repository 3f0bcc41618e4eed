"""Benchmark of ``talentmoat people``: every person's one-person shock in one batched run.

Run from the repository root: ``python bench/people_bench.py [--reps 64] [--sample 10]
[--repeat 3]`` (not a test). On the bundled lean lab (N = 150, T = 16), side by side in one
process after one warm-up call (numba kernels compiled or loaded from cache), best of
``--repeat``:

- **batched**: :func:`talentmoat.sim.shock.person_values` for all N people, the people stacked
  as groups of rows that share the replications' draws (what the command runs);
- **one run per person** (the reference): :func:`talentmoat.sim.shock.poach_shock` for the
  first ``--sample`` people, each its own shocked and unshocked run, scaled to N people.

Both include the per-scenario set-up (calibration, strategy set-up), as the command does.
"""

from __future__ import annotations

import argparse
import time

from talentmoat.loader import load_scenario
from talentmoat.sim.shock import person_values, poach_shock


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Time the batched person values against one shock run per person."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=64)
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lab = load_scenario("lean-lab")
    n = lab.roster.size
    start = time.perf_counter()
    person_values(lab, people=[0], replications=2)
    print(f"warm-up (compile or load kernels): {time.perf_counter() - start:.1f} s")
    batched = _best(lambda: person_values(lab, replications=args.reps), args.repeat)

    def one_by_one() -> None:
        for i in range(args.sample):
            poach_shock(lab, None, (i,), replications=args.reps)

    single = _best(one_by_one, args.repeat) * n / args.sample
    print(f"lean-lab N = {n}, R = {args.reps}, T = {lab.scenario.simulation.quarters}")
    print(f"batched, all {n} people: {batched:.1f} s")
    print(f"one run per person ({args.sample} timed, scaled to {n}): {single:.1f} s")
    print(f"ratio: {single / batched:.1f}x")


if __name__ == "__main__":
    main()
