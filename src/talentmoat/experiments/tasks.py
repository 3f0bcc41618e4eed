"""One task of a sweep: a block of points, each simulated and summarised, written as a Parquet part.

A task runs wherever its executor sends it (this process, a process pool, a Dask worker). For each
point it builds the point's scenario from the base (validated again), simulates every strategy on
the replications of stream ``(point,)`` — ``SeedSequence(seed, spawn_key=(point, r))``, so a
point's numbers depend only on the spec and the point — and keeps the metrics of
:mod:`talentmoat.experiments.metrics`. A point whose scenario is invalid (or cannot be simulated)
is kept as a failed row with the message. The rows go to ``<parts>/<task>.parquet`` by a
temporary file and an atomic rename, so a part is either whole or absent; the driver alone reads
parts into the store.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from talentmoat import __version__
from talentmoat.errors import InputError
from talentmoat.experiments import metrics
from talentmoat.experiments.spec import Sweep, scenario_at
from talentmoat.loader import with_scenario
from talentmoat.sim import simulate
from talentmoat.sim.results import compare, outcome_totals

PART_SUFFIX = ".parquet"


@dataclass(frozen=True)
class Task:
    """A block of points to run.

    Attributes:
        id: Unique name of the task (its part file's stem).
        points: Point indices, shape (n,).
        values: The inputs' values at each point, one tuple per point.
    """

    id: str
    points: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Done:
    """What a finished task reports (the same facts are in its part's metadata).

    Attributes:
        id: The task.
        path: Its part file.
        rows: Rows written.
        seconds: Wall time of the whole task.
        engine_seconds: Wall time inside the engine (drawing and simulating).
        worker: ``host:pid`` of the process that ran it.
    """

    id: str
    path: str
    rows: int
    seconds: float
    engine_seconds: float
    worker: str


def schema(sweep: Sweep) -> pa.Schema:
    """Columns of a part: point, strategy, error, then the metric columns (float64)."""
    fields = [pa.field("point", pa.int64()), pa.field("strategy", pa.string()),
              pa.field("error", pa.string())]
    fields += [pa.field(c, pa.float64()) for c in metrics.columns(list(sweep.metrics))]
    return pa.schema(fields)


def _point_rows(sweep: Sweep, point: int, values: tuple[float, ...],
                ) -> tuple[list[dict[str, object]], float]:
    """The point's rows (one per strategy, or one failed row) and its engine seconds."""
    try:
        scenario = scenario_at(sweep, point, values)
        lab = with_scenario(sweep.base, scenario, f"{sweep.source} point {point}",
                            f"{sweep.digest}:{point}")
        result = simulate(lab, list(sweep.strategies), replications=sweep.replications,
                          quarters=sweep.quarters, seed=sweep.seed, stream=(point,))
    except InputError as exc:
        return [{"point": point, "strategy": None, "error": exc.render()}], 0.0
    rows = [{"point": point, "error": None, **r} for r in metrics.rows(
        list(sweep.metrics), {name: outcome_totals(result, name) for name in result.strategies},
        compare(result))]
    return rows, float(result.provenance["wall_time_s"])  # type: ignore[arg-type]


def run_task(sweep: Sweep, task: Task, parts: str) -> Done:
    """Run a task and write its part; returns what was done.

    Args:
        sweep: The checked sweep.
        task: The points.
        parts: Directory of the part files (shared with the driver).
    """
    start = time.perf_counter()
    rows: list[dict[str, object]] = []
    engine = 0.0
    for point, values in zip(task.points, task.values, strict=True):
        point_rows, seconds = _point_rows(sweep, point, values)
        rows += point_rows
        engine += seconds
    seconds = time.perf_counter() - start
    worker = f"{socket.gethostname()}:{os.getpid()}"
    meta = {"task": task.id, "worker": worker, "seconds": repr(seconds),
            "engine_seconds": repr(engine), "version": __version__, "sweep": sweep.digest}
    table = pa.Table.from_pylist(rows, schema=schema(sweep)).replace_schema_metadata(meta)
    final = Path(parts) / f"{task.id}{PART_SUFFIX}"
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, final)
    return Done(task.id, str(final), len(rows), seconds, engine, worker)
