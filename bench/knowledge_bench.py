"""Benchmark of the knowledge engine (not a test; run: python bench/knowledge_bench.py).

1. Exact poach-k exposure for N = 200, C = 6, k = 5 (target: under 5 s) on three rosters:
   the lean lab's cohorts scaled to 200 people, a random Beta(1, 4) roster, and a stress case
   where everyone knows a uniform-random share of everything (coverage saturates, so thousands
   of sets tie to within 1e-5 and the bounds cannot separate them).
2. Greedy for N = 100,000, C = 6, k = 5 (target: under 1 s): the engine's vectorised greedy
   beside a textbook lazy greedy (CELF: a heap of stale gains, re-evaluated one person at a
   time), reported as a ratio; both must pick the same people.

Each figure is the best of --repeat runs (machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import heapq
import time

import numpy as np

from talentmoat.knowledge import exact_max_coverage, greedy
from talentmoat.loader import load_scenario
from talentmoat.roster import generate_cohorts


def best_of(repeat: int, func):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def celf(K: np.ndarray, w: np.ndarray, k: int) -> list[int]:
    """Reference: CELF lazy greedy (Leskovec et al. 2007), one gain evaluation at a time."""
    miss = np.ones(K.shape[1])
    heap = [(-float(g), i, 0) for i, g in enumerate(K @ w)]
    heapq.heapify(heap)
    chosen: list[int] = []
    while len(chosen) < k:
        _, i, fresh_at = heapq.heappop(heap)
        if fresh_at == len(chosen):
            chosen.append(i)
            miss = miss * (1 - K[i])
        else:
            heapq.heappush(heap, (-float(K[i] @ (w * miss)), i, len(chosen)))
    return chosen


def lean_lab_like(n: int) -> tuple[np.ndarray, np.ndarray]:
    lab = load_scenario("lean-lab")
    cohorts = lab.scenario.roster.cohorts or []
    total = sum(c.count for c in cohorts)
    scaled = [c.model_copy(update={"count": max(1, round(c.count * n / total))}) for c in cohorts]
    K = generate_cohorts(scaled, lab.scenario.blueprint.ids, seed=1).K[:n]
    return K, lab.scenario.blueprint.weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30.0, help="exact-search budget, s")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    w6 = rng.dirichlet(np.ones(6))

    print("Exact poach-5 exposure, N = 200, C = 6 (best of", args.repeat, "runs)")
    print(f"{'roster':<28}{'greedy':>10}{'exact':>10}{'bound':>10}{'seconds':>10}")
    cases = {
        "lean-lab cohorts x200/150": lean_lab_like(200),
        "Beta(1, 4) everywhere": (rng.beta(1, 4, (200, 6)), w6),
        "uniform [0, 1] (stress)": (rng.random((200, 6)), w6),
    }
    for name, (K, w) in cases.items():
        assert K.shape == (200, 6), K.shape
        run = greedy(K, w, 5)
        seconds, exact = best_of(
            args.repeat if name != "uniform [0, 1] (stress)" else 1,
            lambda K=K, w=w, run=run: exact_max_coverage(
                K, w, 5, incumbent=run.selection(5), time_budget_s=args.budget),
        )
        shown = f"{exact.value:.6f}" if exact else "—"
        print(f"{name:<28}{run.values[-1]:>10.6f}{shown:>10}{run.bounds[-1]:>10.6f}"
              f"{seconds:>10.3f}" + ("" if exact else "  (budget ran out)"))

    print("\nGreedy, N = 100,000, C = 6, k = 5 (best of", args.repeat, "runs)")
    K = rng.beta(1.2, 8, (100_000, 6))
    ours_s, run = best_of(args.repeat, lambda: greedy(K, w6, 5))
    celf_s, order = best_of(args.repeat, lambda: celf(K, w6, 5))
    assert list(run.order) == order, "both greedy variants must pick the same people"
    print(f"talentmoat greedy (with bounds): {ours_s:.4f} s")
    print(f"textbook CELF (reference):       {celf_s:.4f} s")
    print(f"ratio CELF / talentmoat:         {celf_s / ours_s:.0f}x")


if __name__ == "__main__":
    main()
