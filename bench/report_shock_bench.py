"""Benchmark of what the shock section adds to ``talentmoat run``'s report.

Run from the repository root: ``python bench/report_shock_bench.py [--repeat 3]`` (not a test).
On the bundled lean lab (200 replications × 16 quarters, every strategy), side by side in one
process after one warm-up run (numba kernels compiled or loaded from cache), best of
``--repeat``:

- **run** (the reference): the run's simulation of every strategy, as ``talentmoat run`` does
  it (:func:`talentmoat.sim.simulate`, one worker), and the report without its shock section;
- **shock section**: :func:`talentmoat.cli.reporting.shock_payloads`: the top-3 poach shock on
  the run's replications and the person values of the 20 people with the largest standalone
  share at 64 replications, one calibration shared.

Reported: both times and the ratio added / run.
"""

from __future__ import annotations

import argparse
import time
from unittest import mock

from talentmoat.cli import reporting
from talentmoat.cli.knowledge import PLAN_K, knowledge_summary
from talentmoat.cli.privacy import People
from talentmoat.cli.simulate import _payload
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    """Time the run's simulation and report against the shock section it adds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lab = load_scenario("lean-lab")
    simulate(lab, None, replications=4, quarters=2)  # warm-up: kernels loaded

    def run() -> dict:
        payload = _payload(lab, simulate(lab, None), None, None)
        with mock.patch.object(reporting, "shock_payloads", return_value=(None, None)):
            reporting.report_html(lab, payload, None)
        return payload

    t_run, payload = _best(run, args.repeat)
    standalone = knowledge_summary(lab, PLAN_K).standalone.tolist()
    t_shock, _ = _best(lambda: reporting.shock_payloads(lab, payload, standalone,
                                                        People(lab, None)), args.repeat)
    print(f"run (simulation + report without the shock section): {t_run:.2f} s")
    print(f"shock section (top-3 shock + 20 person values):       {t_shock:.2f} s")
    print(f"added / run: {t_shock / t_run:.2f}")


if __name__ == "__main__":
    main()
