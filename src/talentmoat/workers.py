"""Worker processes that die with the process that started them.

A killed parent (``kill -9``, an out-of-memory kill, a closed terminal) runs no clean-up, so its
workers would live on as orphans, each holding its memory. :func:`die_with_parent`, called inside
a worker, prevents that twice over: on Linux the kernel sends the worker ``SIGKILL`` when its
parent dies (``prctl(PR_SET_PDEATHSIG)``), and on every platform a daemon thread ends the worker
within :data:`WATCH_INTERVAL_S` once its parent process is gone (its parent pid changes, or the
pid it was told to watch no longer exists). :func:`process_pool` gives a process pool whose
workers call it first; other executors (e.g. Dask workers) call :func:`die_with_parent` from
their own start-up hook. :func:`call_within` runs one call in such a worker and kills it at a
wall-clock limit, for solvers whose own time limit does not bound their wall time.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

WATCH_INTERVAL_S = 0.5
"""How often the watchdog thread looks for its parent, in seconds."""

_PR_SET_PDEATHSIG = 1
_ORPHAN_EXIT_CODE = 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _parent_gone(parent: int, watched: int | None) -> bool:
    return os.getppid() != parent or (watched is not None and not _alive(watched))


def die_with_parent(watch_pid: int | None = None) -> None:
    """Make the calling process exit as soon as its parent dies. Call it inside a worker.

    Args:
        watch_pid: A further process whose death ends this one, e.g. the pid of the process that
            created a pool when a fork server stands between them. None: the parent only.

    Note:
        On Linux the parent-death signal fires when the *thread* that started this process
        ends; pools must therefore be started from a thread that lives as long as the pool (the
        main thread, in talentmoat).
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)

    def watch() -> None:
        while not _parent_gone(parent, watch_pid):
            time.sleep(WATCH_INTERVAL_S)
        os._exit(_ORPHAN_EXIT_CODE)

    threading.Thread(target=watch, name="talentmoat-parent-watch", daemon=True).start()
    if _parent_gone(parent, watch_pid):  # the parent died before the signal was armed
        os._exit(_ORPHAN_EXIT_CODE)


def process_pool(max_workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process (see :func:`die_with_parent`)."""
    return ProcessPoolExecutor(max_workers=max_workers, initializer=die_with_parent,
                               initargs=(os.getpid(),))


def _call_and_send(send: Connection, watch_pid: int, func: Callable[..., Any],
                   args: tuple[Any, ...]) -> None:
    die_with_parent(watch_pid)
    try:
        outcome: tuple[bool, Any] = (True, func(*args))
    except BaseException as exc:  # sent to the parent, which raises it
        outcome = (False, exc)
    send.send(outcome)


def call_within(seconds: float, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` run in a worker process that is killed after ``seconds`` of wall time.

    Args:
        seconds: Wall-clock limit, in seconds.
        func: A function whose arguments and result can be pickled.
        *args: Its arguments.

    Returns:
        What ``func`` returned.

    Raises:
        TimeoutError: If it did not return within ``seconds`` (the worker is killed).
        Exception: Whatever ``func`` raised.
    """
    context = multiprocessing.get_context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_call_and_send, args=(send, os.getpid(), func, args),
                            daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(max(seconds, 0.0)):
            raise TimeoutError(f"{getattr(func, '__name__', 'call')} did not finish within "
                               f"{seconds:g} s")
        ok, value = receive.recv()
    except EOFError:
        raise RuntimeError(f"worker process died (exit code {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if not ok:
        raise value
    return value
