"""Run a sweep: split the missing points into tasks, send them to an executor, store the parts.

Tasks go to any :class:`concurrent.futures.Executor` — a local process pool
(:func:`process_pool`), a Dask cluster (:func:`dask_executor`: a ``LocalCluster`` on 127.0.0.1
started for the run, or an existing scheduler) — or run in this process when there is none. At
most a few tasks per worker are in flight, so the driver holds only their handles; each finished
part goes into the store at once. A rerun on the same store finishes only the points that are
missing; Ctrl-C stops after storing what has finished.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import math
import os
import platform
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dask
from dask.distributed import Client, LocalCluster
from distributed.diagnostics.plugin import NannyPlugin, WorkerPlugin

from talentmoat.errors import InputError
from talentmoat.experiments.design import design_values
from talentmoat.experiments.spec import Sweep
from talentmoat.experiments.store import open_for, parts_dir
from talentmoat.experiments.tasks import Task, run_task
from talentmoat.workers import die_with_parent

TASK_SECONDS = 2.0
"""Target wall time of one task: long against dispatch (~10 ms on Dask), short for progress."""

PERSON_QUARTERS_PER_SECOND = 8.0e6
"""Rough engine speed used to size tasks (drawing and simulating, one core)."""

VERSIONED = ("talentmoat", "numpy", "scipy", "numba", "duckdb", "salib", "dask", "distributed")
"""Packages whose versions the provenance records."""

TASKS_PER_WORKER = 4
"""At least this many tasks per worker (load balance); at most twice as many in flight."""


class Interrupted(Exception):
    """The sweep was stopped (Ctrl-C) after storing every finished task."""

    def __init__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        super().__init__(f"stopped at {done} of {total} points")


@dataclass(frozen=True)
class SweepRun:
    """What a sweep call did.

    Attributes:
        store: The store file.
        points: Points in the design.
        done: Points with results now (ok or failed).
        failed: Points that failed.
        ran: Points run by this call.
        tasks: Tasks run by this call.
        seconds: Wall time of the tasks run by this call, summed.
        engine_seconds: Of which inside the engine.
    """

    store: Path
    points: int
    done: int
    failed: int
    ran: int
    tasks: int
    seconds: float
    engine_seconds: float


def _pool_worker(driver: int) -> None:
    """Start of a pool worker: die with the driver, and leave Ctrl-C to it."""
    die_with_parent(driver)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A local pool of worker processes that die with this one and leave Ctrl-C to it."""
    return cf.ProcessPoolExecutor(max_workers=workers, initializer=_pool_worker,
                                  initargs=(os.getpid(),))


class _DieWithDriver(WorkerPlugin):
    """Makes each worker of a local Dask cluster die with the driver that started it."""

    def __init__(self, driver: int) -> None:
        self.driver = driver

    def setup(self, worker: object) -> None:
        """Arm :func:`~talentmoat.workers.die_with_parent` in the worker."""
        die_with_parent(self.driver)


class _NannyDiesWithDriver(NannyPlugin):
    """The same for the nannies that supervise the workers (when there are any)."""

    def __init__(self, driver: int) -> None:
        self.driver = driver

    def setup(self, nanny: object) -> None:
        """Arm :func:`~talentmoat.workers.die_with_parent` in the nanny."""
        die_with_parent(self.driver)


@contextmanager
def dask_executor(workers: int | None = None, scheduler: str | None = None,
                  ) -> Iterator[tuple[cf.Executor, int]]:
    """A Dask executor and its number of workers, closed on exit.

    Args:
        workers: Start a ``LocalCluster`` of this many single-threaded worker processes on
            127.0.0.1, without a dashboard.
        scheduler: Or connect to an existing cluster (``tcp://HOST:PORT``).

    Raises:
        InputError: If the scheduler cannot be reached or has no workers.
    """
    cluster = None
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            raise InputError.single("--scheduler", scheduler, f"cannot connect: {exc}") from None
        n = len(client.scheduler_info().get("workers", {}))
        if n == 0:
            client.close()
            raise InputError.single("--scheduler", scheduler, "the cluster has no workers")
    else:
        n = workers or 1
        # not daemonic: a worker may start its own (solver) process, see talentmoat.workers
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None,
                                   local_directory=tempfile.mkdtemp(prefix="talentmoat-dask-"),
                                   silence_logs=logging.ERROR)
        client = Client(cluster)
        client.register_plugin(_NannyDiesWithDriver(os.getpid()))
        client.register_plugin(_DieWithDriver(os.getpid()))
    try:
        yield client.get_executor(), n
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def task_points(sweep: Sweep, missing: int, workers: int) -> int:
    """Points per task: about :data:`TASK_SECONDS` of engine time.

    Tasks are smaller when that leaves fewer than :data:`TASKS_PER_WORKER` per worker.
    """
    per_point = (sweep.base.roster.size * sweep.quarters * sweep.replications
                 * len(sweep.strategies))
    by_time = max(1, round(TASK_SECONDS * PERSON_QUARTERS_PER_SECOND / per_point))
    by_balance = max(1, math.ceil(missing / (TASKS_PER_WORKER * workers)))
    return min(by_time, by_balance)


def provenance(sweep: Sweep, points: int) -> dict[str, Any]:
    """Facts stored with a sweep: what ran, on what, with which libraries."""
    return {
        "scenario": sweep.base.scenario.name, "scenario_source": sweep.base.source,
        "scenario_sha256": sweep.base.digest, "sweep_sha256": sweep.digest,
        "strategies": list(sweep.strategies), "replications": sweep.replications,
        "quarters": sweep.quarters, "seed": sweep.seed, "metrics": list(sweep.metrics),
        "design": sweep.spec.design.model_dump(), "points": points,
        "uncertainties": [u.model_dump(exclude_none=True) for u in sweep.spec.uncertainties],
        "versions": {"python": platform.python_version(),
                     **{name: version(name) for name in VERSIONED}},
        "seeds": "replication r of point p draws from SeedSequence(seed, spawn_key=(p, r))",
    }


def points_of(sweep: Sweep) -> tuple[Any, Any]:
    """The sweep's unit design and values, shape (P, D) each.

    Raises:
        InputError: If the design is too large.
    """
    try:
        return design_values(sweep.spec.design, sweep.spec.uncertainties, sweep.seed)
    except ValueError as exc:
        raise InputError.single(sweep.source, "design", str(exc)) from None


def run_sweep(
    sweep: Sweep,
    store_path: Path,
    *,
    executor: cf.Executor | None = None,
    workers: int = 1,
    points_per_task: int | None = None,
    new: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SweepRun:
    """Run (or finish) a sweep into its store.

    Args:
        sweep: The checked sweep.
        store_path: The DuckDB file.
        executor: Where tasks run (default: in this process).
        workers: Workers behind ``executor`` (sizes tasks and the tasks in flight).
        points_per_task: Points per task (default: :func:`task_points`); results do not
            depend on it.
        new: Replace a store that holds another sweep.
        progress: Called with (points done, points in all) at the start and after each task.

    Raises:
        InputError: For a store that is locked or holds another sweep.
        Interrupted: On Ctrl-C, after storing every finished task.
    """
    _, values = points_of(sweep)
    total = len(values)
    store = open_for(Path(store_path), sweep, values, provenance(sweep, total), new=new)
    with store:
        store.recover()
        parts = parts_dir(store.path.resolve())  # absolute: workers may run elsewhere
        parts.mkdir(exist_ok=True)
        done = store.done_points()
        missing = [p for p in range(total) if p not in done]
        size = points_per_task or task_points(sweep, len(missing), workers)
        run = store.next_run()
        tasks = [Task(f"r{run}-t{k}", tuple(block),
                      tuple(tuple(float(x) for x in values[p]) for p in block))
                 for k, block in enumerate(missing[a:a + size]
                                           for a in range(0, len(missing), size))]
        store.submitted(tasks, run)
        count = len(done)
        if progress:
            progress(count, total)
        seconds = engine = 0.0
        try:
            for finished in _finish(sweep, tasks, str(parts), executor, workers):
                count += store.ingest(Path(finished.path))
                seconds += finished.seconds
                engine += finished.engine_seconds
                if progress:
                    progress(count, total)
        except KeyboardInterrupt:
            count += store.recover()  # parts that finished before the stop
            raise Interrupted(count, total) from None
        ok, failed = store.counts()
    return SweepRun(store.path, total, ok + failed, failed, sum(len(t.points) for t in tasks),
                    len(tasks), seconds, engine)


def _finish(sweep: Sweep, tasks: list[Task], parts: str, executor: cf.Executor | None,
            workers: int) -> Iterator[Any]:
    """Run the tasks, yielding each one's report as it finishes (in any order)."""
    if executor is None:
        for task in tasks:
            yield run_task(sweep, task, parts)
        return
    pending = iter(tasks)
    flying: set[cf.Future[Any]] = set()
    limit = 2 * max(1, workers)
    try:
        while True:
            for task in pending:
                flying.add(executor.submit(run_task, sweep, task, parts))
                if len(flying) >= limit:
                    break
            if not flying:
                return
            finished, flying = cf.wait(flying, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        for future in flying:
            future.cancel()
