"""Benchmark of streamed results: peak memory and wall time by replications and workers.

Run from the repository root: ``python bench/stream_bench.py`` (default: the lean lab, 200 /
2,000 / 20,000 replications × 40 quarters, 1 and 2 workers, side by side in one run: for each
replication count the two worker counts run one after the other).

Each point runs in a fresh subprocess (``--child``) that simulates every strategy with the
trajectories streamed into a temporary result folder (:func:`talentmoat.sim.simulate` with
``folder``, as ``talentmoat simulate`` does), then times the summaries on their own: the
percentile bands read back from the parts, every strategy's summary and the paired comparison.
The parent samples the resident memory of the child and all its worker processes every 20 ms
(``/proc``) and reports the peak of their sum, next to the child's own ``VmHWM``.
Reported: wall time of the run (chunks, merge, bands), of the summaries, peak memory, and the
ratios 1 worker / 2 workers (wall) and peak / peak at the smallest replication count.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out.extend(int(c) for c in text)
    except OSError:
        return []
    return out


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def _tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _rss_bytes(p)
        stack.extend(_children(p))
    return total


def child(scenario: str, reps: int, quarters: int, workers: int) -> None:
    """One point: run, then time the summaries; print a JSON line."""
    from talentmoat.loader import load_scenario
    from talentmoat.sim import parts, simulate
    from talentmoat.sim.results import compare, summarize_strategy
    from talentmoat.workers import process_pool

    lab = load_scenario(scenario)
    pool = process_pool(workers) if workers > 1 else nullcontext()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp, pool as executor:
        start = time.perf_counter()
        result = simulate(lab, replications=reps, quarters=quarters, workers=workers,
                          executor=executor, folder=Path(tmp))
        run_s = time.perf_counter() - start
        start = time.perf_counter()
        paths = [Path(tmp) / p for p in result.parts]
        for k in range(len(result.strategies)):
            parts.read_bands(paths, k, quarters)
        summaries = [summarize_strategy(result, n) for n in result.strategies]
        compare(result)
        summary_s = time.perf_counter() - start
    hwm = next(int(line.split()[1]) * 1024 for line in
               Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
    print(json.dumps({"reps": reps, "workers": workers, "run_s": run_s, "summary_s": summary_s,
                      "chunk": result.provenance["chunk"], "strategies": len(summaries),
                      "main_hwm": hwm}))


def point(scenario: str, reps: int, quarters: int, workers: int) -> dict:
    """Run one point in a subprocess while sampling its memory."""
    cmd = [sys.executable, __file__, "--child", scenario, str(reps), str(quarters), str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"{cmd} failed ({proc.returncode})")
    row = json.loads(out.strip().splitlines()[-1])
    row.update(tree_peak=peak, wall_s=wall)
    return row


def main() -> None:
    """Run every point, print the table and the ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="lean-lab")
    ap.add_argument("--reps", type=int, nargs="+", default=[200, 2000, 20000])
    ap.add_argument("--quarters", type=int, default=40)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        scenario, reps, quarters, workers = args.child
        child(scenario, int(reps), int(quarters), int(workers))
        return
    point(args.scenario, 20, 2, 1)  # warm numba's cache outside the measurements
    rows = []
    print(f"{'reps':>6} {'workers':>7} {'process s':>9} {'run s':>7} {'summary s':>9} "
          f"{'peak MiB':>8} {'main MiB':>8} {'1w/2w':>6} {'peak/peak0':>10}", flush=True)
    base_peak = {}
    for reps in args.reps:
        pair = {}
        for workers in (1, 2):
            row = point(args.scenario, reps, args.quarters, workers)
            pair[workers] = row
            base_peak.setdefault(workers, row["tree_peak"])
            rows.append(row)
            ratio = (f"{pair[1]['wall_s'] / row['wall_s']:.2f}" if workers == 2 else "")
            print(f"{reps:>6} {workers:>7} {row['wall_s']:>9.1f} {row['run_s']:>7.1f} "
                  f"{row['summary_s']:>9.2f} {row['tree_peak'] / 2**20:>8.0f} "
                  f"{row['main_hwm'] / 2**20:>8.0f} {ratio:>6} "
                  f"{row['tree_peak'] / base_peak[workers]:>10.2f}", flush=True)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
