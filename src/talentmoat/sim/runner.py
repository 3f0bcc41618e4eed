"""Run strategies over chunks of replications on common random numbers.

The runner builds each strategy's :class:`~talentmoat.sim.setup.Setup` once, splits the
replications into chunks (each chunk's numbers drawn per replication, so the split never changes
a result) and runs every strategy on the same draws. Each chunk is reduced to its streaming
statistics (:mod:`talentmoat.sim.accumulate`); its trajectories are either kept and stacked (in
memory) or written as a Parquet part by whoever ran the chunk (:mod:`talentmoat.sim.parts`), so
that a run's memory does not grow with its replications and a worker process sends back only
the small statistics. Chunks can run on any :class:`concurrent.futures.Executor` (a process
pool, a Dask client's executor).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from talentmoat import __version__
from talentmoat.errors import InputError
from talentmoat.loader import Lab
from talentmoat.sim import parts as trajectory_parts
from talentmoat.sim.accumulate import Stats, block_chunks, chunk_stats, merge
from talentmoat.sim.accumulate import bands as band_percentiles
from talentmoat.sim.calibrate import Calibration, calibrate_alpha
from talentmoat.sim.draws import bytes_per_replication, draw
from talentmoat.sim.engine import Trajectories, simulate_strategy, slots
from talentmoat.sim.inputs import Setup, World
from talentmoat.sim.setup import build_setup, make_world

MEMORY_BUDGET = 256 * 1024 * 1024
"""Chunks are shrunk so that one chunk's random numbers and engine state fit in this many
bytes (peak memory is then bounded whatever the number of replications)."""


WARM_REPLICATIONS = 2
"""Replications of the small chunk run before worker processes start (it loads every kernel;
each has one signature whatever the chunk, tests/test_engine_compile.py)."""

WARM_QUARTERS = 8
"""Quarters of that chunk: enough for every kernel to run (backfills start after a few)."""


def state_bytes_per_replication(people: int, components: int, parties: int) -> int:
    """Memory of one replication's engine state: knowledge, targeting weights, seat flags."""
    return people * (8 * components + 8 * parties + 16)


def chunk_size(setups: list[Setup], quarters: int, limit: int) -> int:
    """Replications per chunk: at most ``limit``, and one chunk within :data:`MEMORY_BUDGET`."""
    people, components = setups[0].K.shape
    parties = len(setups[0].parties)
    per_rep = (bytes_per_replication(quarters, people, parties, slots(setups))
               + state_bytes_per_replication(people, components, parties))
    return max(1, min(limit, MEMORY_BUDGET // per_rep))


@dataclass(frozen=True)
class SimulationResult:
    """Trajectories of every strategy on the same replications, with their provenance.

    Attributes:
        strategies: Strategy names, the baseline first.
        trajectories: Per strategy, arrays shaped (R, T, ...); empty when the trajectories were
            written as parts instead.
        stats: Per strategy, the streaming statistics of every replication.
        bands: Per strategy and band outcome (and role headcount), the percentiles by quarter,
            shape (P, T).
        parts: Paths of the written parts (relative to the folder given), in chunk order.
        rivals: Hiring-party names (the columns of per-rival arrays): the rivals, then
            ``portfolio:<name>`` for each investor's portfolio company.
        roles: Role names (the columns of ``headcount``).
        initial_headcount: People in post at the start by role, shape (roles,).
        lead0: The lab's starting lead.
        valuation: ``V_0`` (USD).
        discount_rate: The firm's annual discount rate.
        calibration: The acceptance intercepts by role and the attrition they meet.
        provenance: Scenario name, source and hash, seed, version, replications, quarters,
            chunk size, workers and wall time.
    """

    strategies: tuple[str, ...]
    trajectories: dict[str, Trajectories]
    stats: dict[str, Stats]
    bands: dict[str, dict[str, np.ndarray]]
    parts: tuple[str, ...]
    rivals: tuple[str, ...]
    roles: tuple[str, ...]
    initial_headcount: np.ndarray
    lead0: float
    valuation: float
    discount_rate: float
    calibration: Calibration
    provenance: dict[str, object]


def _run_chunk(setups: list[Setup], world: World, seed: int, reps: range, quarters: int,
               part: Path | None, labels: tuple[list[str], tuple[str, ...], tuple[str, ...]],
               stream: tuple[int, ...] = ()) -> tuple[list[Stats], list[Trajectories] | None]:
    """Run one chunk: its statistics, and its trajectories unless they were written to ``part``.

    Args:
        setups: Each strategy's setup, in the run's order.
        world: The shared inputs.
        seed: Root seed.
        reps: The chunk's replications.
        quarters: ``T``.
        part: Where to write the chunk's part (None: return the trajectories instead).
        labels: Strategy, party and role names (the part's columns).
        stream: Leading spawn-key entries of every replication's seed.
    """
    draws = draw(seed, reps, quarters, len(world.role_of), len(setups[0].parties),
                 slots(setups), stream)
    names, rivals, roles = labels
    stats, kept = [], []
    with (nullcontext() if part is None
          else trajectory_parts.PartWriter(part, reps.start, rivals, roles)) as writer:
        for name, setup in zip(names, setups, strict=True):  # with a part: one strategy held
            tr = simulate_strategy(setup, world, draws)
            stats.append(chunk_stats(tr, reps.start, world.discount_rate))
            if writer is None:
                kept.append(tr)
            else:
                writer.write(name, tr)
    return stats, kept if part is None else None


def _stack(parts: list[Trajectories]) -> Trajectories:
    return Trajectories(**{
        f.name: np.concatenate([getattr(p, f.name) for p in parts], axis=0)
        for f in fields(Trajectories)
    })


def simulate(
    lab: Lab,
    strategies: list[str] | None = None,
    *,
    replications: int | None = None,
    quarters: int | None = None,
    seed: int | None = None,
    chunk: int | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    stream: tuple[int, ...] = (),
    progress: Callable[[int, int], None] | None = None,
    folder: Path | None = None,
    declare: Callable[[list[str]], None] | None = None,
) -> SimulationResult:
    """Simulate strategies of a scenario on common random numbers.

    Args:
        lab: The loaded scenario.
        strategies: Strategy names (default: all); the baseline is always included, first.
        replications: ``R`` (default: ``simulation.replications``).
        quarters: ``T`` (default: ``simulation.quarters``).
        seed: Root seed (default: the scenario's).
        chunk: Largest replications per chunk (default: ``simulation.chunk``), shrunk to the
            memory budget and, with several workers, to one chunk per worker at least.
        workers: Workers of ``executor`` (sizes the chunks; recorded in the provenance).
        executor: Where chunks run and, with a ``folder``, each strategy's bands are read
            back from the parts (default: in this process).
        stream: Leading spawn-key entries of every replication's seed (a sweep's point).
        progress: Called with (replications done, replications in all) after each chunk.
        folder: Where to write each chunk's trajectories as a part (:mod:`talentmoat.sim.parts`)
            as it finishes; they are then not kept (default: kept in memory, none written).
        declare: Called with the parts' paths (relative to ``folder``) before any is written.

    Raises:
        InputError: For an unknown strategy or a scenario the simulation cannot run.
    """
    s = lab.scenario
    sim = s.simulation
    names = list(s.strategies) if not strategies else list(dict.fromkeys(strategies))
    unknown = [n for n in names if n not in s.strategies]
    if unknown:
        raise InputError.single("--strategy", "", f"unknown strategy {', '.join(unknown)}; "
                                f"the scenario has {', '.join(s.strategies)}")
    names = [sim.baseline, *[n for n in names if n != sim.baseline]]
    calibration = calibrate_alpha(lab)
    alpha = calibration.per_person(lab)
    setups = [build_setup(lab, name, s.strategies[name], alpha) for name in names]
    return simulate_setups(lab, setups, calibration, replications=replications,
                           quarters=quarters, seed=seed, chunk=chunk, workers=workers,
                           executor=executor, stream=stream, progress=progress,
                           folder=folder, declare=declare)


def simulate_setups(
    lab: Lab,
    setups: list[Setup],
    calibration: Calibration,
    *,
    replications: int | None = None,
    quarters: int | None = None,
    seed: int | None = None,
    chunk: int | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    stream: tuple[int, ...] = (),
    progress: Callable[[int, int], None] | None = None,
    folder: Path | None = None,
    declare: Callable[[list[str]], None] | None = None,
) -> SimulationResult:
    """Simulate built strategies (the first is the reference) on common random numbers.

    :func:`simulate` builds the setups from the scenario's strategies; an optimizer builds them
    from candidate scenarios that share ``lab``'s world (firm, blueprint, roster, rivals), with
    the attrition of ``calibration`` (:func:`calibrate_alpha` of ``lab``). The other arguments
    are those of :func:`simulate`; names must be unique.
    """
    s = lab.scenario
    sim = s.simulation
    names = [setup.name for setup in setups]
    n_reps = sim.replications if replications is None else replications
    n_quarters = sim.quarters if quarters is None else quarters
    root = s.seed if seed is None else seed
    world, roles = make_world(lab)
    size = chunk_size(setups, n_quarters, sim.chunk if chunk is None else chunk)
    if workers > 1:  # at least one chunk per worker
        size = max(1, min(size, -(-n_reps // workers)))
    chunks = block_chunks(n_reps, size)
    rivals = tuple(p.name for p in setups[0].parties)
    labels = (names, rivals, roles)
    parts = [trajectory_parts.part_name(k) for k in range(len(chunks))] if folder else []
    if parts and declare:
        declare(parts)
    args = [(setups, world, root, c, n_quarters, folder / parts[k] if folder else None, labels,
             stream) for k, c in enumerate(chunks)]
    start = time.perf_counter()
    results: list[tuple[list[Stats], list[Trajectories] | None]] = []
    if executor is not None and len(chunks) > 1:
        # load the compiled kernels here once, so that workers the executor forks from now on
        # inherit them instead of each loading them again (≈ 10 s a process on a busy machine)
        _run_chunk(setups, world, root, range(min(n_reps, WARM_REPLICATIONS)),
                   min(n_quarters, WARM_QUARTERS), None, labels)
        futures = [executor.submit(_run_chunk, *a) for a in args]
        for k, future in enumerate(futures):
            results.append(future.result())
            if progress:
                progress(chunks[k].stop, n_reps)
    else:
        for a in args:
            results.append(_run_chunk(*a))
            if progress:
                progress(a[3].stop, n_reps)
    stats = {name: merge([(c.start, r[0][k]) for c, r in zip(chunks, results, strict=True)])
             for k, name in enumerate(names)}
    if folder:
        trajectories: dict[str, Trajectories] = {}
        reads = [([folder / p for p in parts], k, n_quarters) for k in range(len(names))]
        if executor is not None and len(chunks) > 1:  # one strategy's bands a task
            read = [executor.submit(trajectory_parts.read_bands, *r) for r in reads]
            bands = {name: f.result() for name, f in zip(names, read, strict=True)}
        else:
            bands = {name: trajectory_parts.read_bands(*r)
                     for name, r in zip(names, reads, strict=True)}
    else:
        trajectories = {name: _stack([r[1][k] for r in results])  # type: ignore[index]
                        for k, name in enumerate(names)}
        bands = {name: band_percentiles(tr, roles) for name, tr in trajectories.items()}
    return SimulationResult(
        strategies=tuple(names),
        trajectories=trajectories,
        stats=stats,
        bands=bands,
        parts=tuple(parts),
        rivals=rivals,
        roles=roles,
        initial_headcount=np.bincount(world.role_of, minlength=len(roles)).astype(float),
        lead0=world.lead0,
        valuation=world.valuation,
        discount_rate=world.discount_rate,
        calibration=calibration,
        provenance={
            "scenario": s.name, "source": lab.source, "scenario_sha256": lab.digest,
            "seed": root, "version": __version__, "replications": n_reps,
            "quarters": n_quarters, "chunk": size, "workers": workers,
            "strategies": {setup.name: list(setup.policies) for setup in setups},
            "wall_time_s": round(time.perf_counter() - start, 3),
        },
    )
