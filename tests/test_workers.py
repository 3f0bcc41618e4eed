"""Workers die with their parent: a ``kill -9`` of a run leaves no worker behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

SURVIVAL_LIMIT_S = 10.0


def children(pid: int) -> set[int]:
    """Live child processes of ``pid``, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (not gone and not a zombie waiting for a reaper)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def survivors(pids: set[int], limit_s: float) -> set[int]:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        left = {p for p in pids if alive(p)}
        if not left:
            return left
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


def kill_all(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_no_worker_outlives_a_killed_simulate(tmp_path):
    parent = subprocess.Popen(
        [sys.executable, "-c", "from talentmoat.cli import main; main()", "simulate", "lean-lab",
         "--reps", "4000", "--workers", "2", "--out", str(tmp_path / "res"), "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and parent.poll() is None and time.monotonic() < deadline:
            workers = children(parent.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the run never started its two workers"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert survivors(workers, SURVIVAL_LIMIT_S) == set()
    finally:
        kill_all(workers | {parent.pid})


CHILD = textwrap.dedent("""
    import sys, time
    sys.platform = "elsewhere"  # no parent-death signal: the watchdog thread alone must act
    from talentmoat.workers import die_with_parent
    die_with_parent()
    time.sleep(120)
""")

PARENT = textwrap.dedent("""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
    print(child.pid, flush=True)
    time.sleep(120)
""")


def test_the_watchdog_alone_ends_an_orphaned_worker():
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD], stdout=subprocess.PIPE,
                              text=True)
    child = int(parent.stdout.readline())
    try:
        time.sleep(1.0)  # let the child arm its watchdog
        assert alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert survivors({child}, SURVIVAL_LIMIT_S) == set()
    finally:
        kill_all({child, parent.pid})
