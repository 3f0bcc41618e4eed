"""What pricing the investors' ΔV_lab by the value model adds to a simulation (not a test).

Run: ``python bench/valuation_bench.py [--repeats 3]``.

Side by side in one process, best of N, wall and CPU time, on the bundled lean lab (kernels
warmed first):

- the reference: ``simulate`` of every strategy (200 replications × 16 quarters, what
  ``talentmoat compare`` runs), with the valuation already memoised;
- the valuation alone (:func:`talentmoat.investors.valuation.solve`: the fixed point's rounds,
  each a calibration and the 20 key people × 3 portfolio companies' one-person shocks on 64
  replications), which ``simulate``, ``run`` and ``investors`` pay once per process.
"""

from __future__ import annotations

import argparse
import time

from talentmoat.investors import valuation
from talentmoat.loader import load_scenario
from talentmoat.sim.runner import simulate


def timed(fn):
    """(wall s, CPU s) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    """Print the best-of-N figures and their ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    lab = load_scenario("lean-lab")
    solved = valuation.value_losses(lab)  # warm the kernels and the memo
    simulate(lab, replications=8)
    best = {"simulate (all strategies, memo warm)": [], "valuation (solve)": []}
    for _ in range(args.repeats):
        best["simulate (all strategies, memo warm)"].append(timed(lambda: simulate(lab)))
        best["valuation (solve)"].append(timed(lambda: valuation.solve(lab)))
    rows = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in best.items()}
    for name, (wall, cpu) in rows.items():
        print(f"{name:40s} wall {wall:6.2f} s   CPU {cpu:6.2f} s")
    (sw, sc), (vw, vc) = rows.values()
    print(f"valuation / simulate: wall {vw / sw:.2f}×, CPU {vc / sc:.2f}×; rounds "
          f"{solved.rounds}, decisions changed per round {list(solved.changed)}")


if __name__ == "__main__":
    main()
