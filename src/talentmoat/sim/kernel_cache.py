"""The engine's compiled kernels on a cold numba cache: compile the larger ones in a second process.

numba compiles each kernel of :mod:`talentmoat.sim.engine` on its first call and keeps it in its
on-disk cache (``cache=True``), so only the first run on a machine (or after the engine changes)
compiles: about 4 s for the four kernels, one after the other, in the order a run first calls
them (``_refill_kernel``, ``_choose``, ``_leave_kernel``, ``_quarter_kernel``). The second core
is idle meanwhile. :func:`compile_ahead` starts, when the cache holds none of the kernels, a
second Python process that compiles the kernels from the end of that order on small example
arguments of the very types a run passes (:func:`examples`) and writes them to the same cache.
When the run reaches such a kernel it loads it from the cache if the second process has saved it
by then, and compiles it itself otherwise: the result is the same compiled code either way, and
numba writes its cache files whole (a temporary file, then a rename), so neither process ever
reads half of one. The second process is ended when the command exits.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

AHEAD = ("_quarter_kernel", "_leave_kernel")
"""The kernels the second process compiles, in its order: the run's last two first calls."""

_started: list[subprocess.Popen] = []
"""The second process, once started (one per interpreter, however many commands it runs)."""


def examples() -> dict[str, tuple]:
    """Small arguments of exactly the types a run passes to each kernel (by kernel name).

    Two replications, three seats, two components, two parties and two roles: the seat state
    of :func:`talentmoat.sim.engine.vacant` (as a run's) and rules of the dtypes
    :func:`talentmoat.sim.engine._start` gives them (C-contiguous, writeable).
    """
    from talentmoat.sim.engine import SeatRules, vacant

    n_rep, n, n_c, n_parties, n_roles = 2, 3, 2, 2, 2
    state = vacant(n_rep, n, n_c, n_roles, n_parties)
    rules = SeatRules(
        target=np.zeros((n, n_c)), role_of=np.zeros(n, dtype=np.int64), money=np.zeros((n, 4)),
        vis_reach=np.zeros((n, n_parties)), thetas=np.ones(1),
        theta_of=np.zeros(n_parties, dtype=np.int64), w=np.ones(n_c))
    seats = np.zeros(0, dtype=np.int64)
    return {
        "_refill_kernel": (state, rules, 0, 0.5, False),
        "_choose": (state.weights, 0, np.zeros((n_rep, 1)), np.zeros(n_rep, dtype=np.int64)),
        "_leave_kernel": (state, rules, seats, seats, 0, 1),
        "_quarter_kernel": (state, rules, 0, np.ones((n_rep, 1, n), dtype=np.float32),
                            np.zeros(n), 1, 0.15, 1e-4, 0.5, np.zeros(n_rep, dtype=np.int64)),
    }


def cached(name: str) -> bool:
    """Whether numba's cache holds a compilation of the engine kernel ``name`` for its source.

    Reads the kernel's cache index through numba's own (private) cache object, which discards
    an index written for other source; numba is pinned in ``requirements.lock``.
    """
    from talentmoat.sim import engine

    return bool(getattr(engine, name)._cache._cache_file._load_index())


def compile_ahead() -> subprocess.Popen | None:
    """Start compiling :data:`AHEAD` in a second process when none of them is cached yet.

    Returns the process (None when one was started already, there is nothing to compile ahead,
    numba's JIT is off, or no process could be started). It is terminated when this interpreter
    exits, if it is still running.
    """
    import numba

    if _started or numba.config.DISABLE_JIT or any(cached(name) for name in AHEAD):
        return None
    source = str(Path(__file__).resolve().parents[2])  # the folder holding talentmoat/
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)}
    try:  # this interpreter, this module, fixed arguments
        child = subprocess.Popen([sys.executable, "-m", __name__, *AHEAD], env=env,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    except OSError:  # no process to spare: the run compiles everything itself, as without
        return None
    atexit.register(_end, child)
    _started.append(child)
    return child


def _end(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
        child.wait()


def compile_kernels(names: list[str]) -> None:
    """Compile the named engine kernels, in order, on :func:`examples` (saved to the cache)."""
    from talentmoat.sim import engine

    args = examples()
    for name in names:
        getattr(engine, name)(*args[name])


if __name__ == "__main__":
    compile_kernels(sys.argv[1:])
