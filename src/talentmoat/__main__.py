"""``talentmoat`` and ``python -m talentmoat``: the console entry point.

Nothing heavy is imported before :func:`main` runs, and :func:`main` first routes SIGINT through
:mod:`talentmoat.interrupts`, so Ctrl-C at any moment — while the command modules import, while
Typer parses the arguments, or inside a command — ends with one line and exit status 130. Only
the interpreter's own start-up, before this module runs, is outside its reach. Once the command
has finished and its output is flushed, a late Ctrl-C is ignored: the interpreter is only tearing
down, and an interrupt there would kill it half-way through (its own SIGINT handler is gone by
then) or print a traceback from its thread shut-down.
"""

from __future__ import annotations

import sys

from talentmoat.interrupts import (
    INTERRUPTED_EXIT,
    ignore_late_interrupts,
    install,
    interrupt_received,
    report_interrupt,
)


def main() -> None:
    """Run the command line; Ctrl-C at any moment exits 130 with one line."""
    install()
    try:
        from talentmoat.cli import app

        try:
            app()
        finally:
            sys.stdout.flush()  # what the command printed is out before the interpreter ends
            sys.stderr.flush()
    except SystemExit as exc:
        if exc.code == INTERRUPTED_EXIT and interrupt_received():  # Typer's own silent 130
            report_interrupt()
        else:
            ignore_late_interrupts()
        raise
    except BaseException:
        if not (interrupt_received() or isinstance(sys.exc_info()[1], KeyboardInterrupt)):
            raise
        report_interrupt()
        raise SystemExit(INTERRUPTED_EXIT) from None
    ignore_late_interrupts()


if __name__ == "__main__":
    main()
