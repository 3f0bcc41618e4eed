"""Benchmark: a Morris sweep of the bundled lean lab on 1 and 2 Dask workers, side by side.

The sweep: the six uncertainties of the bundled ``lean-lab-sweep`` spec, a Morris design of
``--trajectories`` trajectories (7 points each; 29 → 203 points), the baseline and tenders on 50
replications × 16 quarters at every point. For each worker count a ``LocalCluster`` (127.0.0.1,
one thread a worker, no dashboard) is started, then the sweep runs into a fresh store and the
bench reports: wall time (cluster start-up and the compilation of the engine's kernels in every
worker apart, both reported), points a second, the speed-up of 2 workers over
1, the share of task time spent outside the engine (scenario building and validation, setups,
summaries, writing the part; from the task manifest), the overlap (task seconds summed over the
wall time: how many tasks ran at once on average), and the peak resident memory of the driver and
of each worker.

Usage: ``python bench/sweep_bench.py [--trajectories 29] [--workers 1 2] [--large]``
(``--large`` adds a 2,000-point run on the largest worker count, for memory).
"""

from __future__ import annotations

import argparse
import logging
import resource
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

from talentmoat.experiments.executor import run_sweep
from talentmoat.experiments.spec import load_spec, parse_spec
from talentmoat.experiments.store import Store
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate

SPEC = Path(__file__).resolve().parents[1] / "src/talentmoat/experiments/sweeps/lean-lab-sweep.yaml"


def bench_spec(tmp: Path, trajectories: int) -> Path:
    """The bundled spec, with baseline + tenders only and ``trajectories`` Morris trajectories."""
    text = SPEC.read_text()
    spec = parse_spec(text, str(SPEC))
    text = text.replace("strategies: [tenders, compartmentalize]", "strategies: [tenders]")
    text = text.replace(f"samples: {spec.design.samples}", f"samples: {trajectories}")
    out = tmp / f"bench-{trajectories}.yaml"
    out.write_text(text)
    return out


def _warm() -> float:
    """Compile the engine's kernels in a worker (one replication of a quarter); seconds."""
    t = time.perf_counter()
    simulate(load_scenario("lean-lab"), ["tenders"], replications=1, quarters=1)
    return time.perf_counter() - t


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(spec_path: Path, workers: int, tmp: Path) -> dict[str, float]:
    sweep = load_spec(spec_path)
    store = tmp / f"w{workers}-{spec_path.stem}.duckdb"
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None,
                           local_directory=str(tmp / "dask"), silence_logs=logging.ERROR)
    client = Client(cluster)
    started = time.perf_counter() - t0
    try:
        warm = max(client.run(_warm).values())
        t1 = time.perf_counter()
        result = run_sweep(sweep, store, executor=client.get_executor(), workers=workers)
        wall = time.perf_counter() - t1
        worker_mb = sorted(client.run(_peak_mb).values())
    finally:
        client.close()
        cluster.close()
    with Store(store, read_only=True) as st:
        tasks = st.frame("tasks")
    return {"workers": workers, "points": result.points, "start_s": started, "warm_s": warm,
            "wall_s": wall,
            "points_per_s": result.points / wall,
            "outside": 1 - tasks["engine_seconds"].sum() / tasks["seconds"].sum(),
            "overlap": tasks["seconds"].sum() / wall,
            "tasks": len(tasks), "driver_mb": _peak_mb(), "worker_mb": worker_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trajectories", type=int, default=29)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--large", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp_name:
        tmp = Path(tmp_name)
        spec = bench_spec(tmp, args.trajectories)
        rows = [run(spec, w, tmp) for w in args.workers]
        if args.large:
            rows.append(run(bench_spec(tmp, 286), max(args.workers), tmp))
    base = rows[0]["wall_s"]
    print(f"{'workers':>7} {'points':>6} {'start s':>7} {'warm s':>6} {'wall s':>7} "
          f"{'points/s':>8} {'speed-up':>8} {'outside':>7} {'overlap':>7} {'tasks':>5} "
          f"{'driver MB':>9}  worker MB")
    for r in rows:
        speedup = base / r["wall_s"] if r["points"] == rows[0]["points"] else float("nan")
        print(f"{r['workers']:>7} {r['points']:>6} {r['start_s']:>7.1f} {r['warm_s']:>6.1f} "
              f"{r['wall_s']:>7.1f} "
              f"{r['points_per_s']:>8.2f} {speedup:>8.2f} "
              f"{r['outside']:>7.1%} {r['overlap']:>7.2f} {r['tasks']:>5} {r['driver_mb']:>9.0f}  "
              + ", ".join(f"{m:.0f}" for m in r["worker_mb"]))


if __name__ == "__main__":
    main()
