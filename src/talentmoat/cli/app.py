"""The Typer application and the helpers every command shares.

Commands live in sibling modules (one per concern) and register themselves on :data:`app`. They
only present: they load inputs, call the pure modules and print.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import typer
from rich.console import Console

from talentmoat.cli.safe import safe
from talentmoat.errors import InputError

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
    """Turn an :class:`InputError` into a message on stderr and exit code 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            err_console.print(f"[bold red]error[/] {exc.render(safe)}", highlight=False,
                              soft_wrap=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


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
