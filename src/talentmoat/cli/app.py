"""The Typer application and the helpers every command shares.

Commands live in sibling modules (one per concern) and register themselves on :data:`app`. They
only present: they load inputs, call the pure modules and print.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar

import typer
from rich.console import Console

from talentmoat.cli.safe import safe
from talentmoat.errors import InputError
from talentmoat.interrupts import INTERRUPTED_EXIT, interrupt_received, report_interrupt

app = typer.Typer(
    name="talentmoat",
    help="How much of an AI lab's know-how sits in a few people, and what keeps it in.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True, emoji=False)  # emoji codes in user text stay text
if not console.is_terminal:  # piped or captured output: do not squeeze tables into 80 columns
    console.width = 160
err_console = Console(stderr=True, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Turn an :class:`InputError` into a message on stderr and exit code 2 (no traceback).

    Ctrl-C at any point of the command (its imports included) prints one line and exits 130.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            err_console.print(f"[bold red]error[/] {exc.render(safe)}", highlight=False,
                              soft_wrap=True)
            raise typer.Exit(code=2) from None
        except KeyboardInterrupt:
            interrupted()
        except Exception:
            if interrupt_received():  # a library turned Ctrl-C into its own error
                interrupted()
            raise

    return wrapper  # type: ignore[return-value]


def finite(name: str) -> Callable[[float | None], float | None]:
    """A Typer callback refusing ``nan`` and ``inf`` for the float option ``name``.

    (Typer's ``min``/``max`` let ``nan`` through: every comparison with it is false.)
    """

    def check(value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise typer.BadParameter(f"{value} is not a finite number", param_hint=name)
        return value

    return check


def interrupted() -> None:
    """Say, in one line on stderr, that the command was interrupted; exit with status 130."""
    report_interrupt()
    raise typer.Exit(code=INTERRUPTED_EXIT)


def lazy_module(name: str) -> ModuleType:
    """``name`` imported on first attribute access (``importlib.util.LazyLoader``).

    The command modules take NumPy this way, so ``--help`` and commands that do not need it
    start without it.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


np = lazy_module("numpy")


def _plain(value: Any) -> Any:
    """Convert NumPy scalars/arrays and non-finite floats into JSON-safe values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


def print_json(payload: Any) -> None:
    """Write one JSON object to stdout."""
    sys.stdout.write(json.dumps(_plain(payload), indent=2) + "\n")


@app.callback()
def _root() -> None:
    """How much of an AI lab's know-how sits in a few people, and what keeps it in."""
