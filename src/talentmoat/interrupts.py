"""Ctrl-C: noted when it happens, reported in one line, exit status 130.

:func:`install` sets a SIGINT handler that records the interrupt before raising
:class:`KeyboardInterrupt`, so an interrupt is recognised even where a library turns it into
another error (NumPy reports an import cut short as an ``ImportError``) or swallows it (Typer
exits 130 silently when Ctrl-C lands while it parses arguments).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

INTERRUPTED_EXIT = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""
INTERRUPTED_MESSAGE = "interrupted (Ctrl-C)"
_received: list[int] = []
_reported: list[bool] = []


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


def install() -> None:
    """Route SIGINT through the recording handler (call first thing in the entry point)."""
    signal.signal(signal.SIGINT, _on_sigint)


def ignore_late_interrupts() -> None:
    """Ignore SIGINT from now on: the command is done and its output flushed (see __main__)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def interrupt_received() -> bool:
    """Whether Ctrl-C has been pressed since :func:`install`."""
    return bool(_received)


def report_interrupt() -> None:
    """Write the one line that says the command was interrupted (stderr), once."""
    if not _reported:
        _reported.append(True)
        sys.stderr.write(INTERRUPTED_MESSAGE + "\n")
        sys.stderr.flush()
