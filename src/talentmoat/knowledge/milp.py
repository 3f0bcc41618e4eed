"""Mixed-integer programs solved by HiGHS within a hard wall-clock limit.

HiGHS's own ``time_limit`` is checked between solver phases, so one long phase (presolve, a
degenerate LP) can overrun it by minutes: on a 100,000-person roster the planner's limit of
30 s ended after 68 s on one run and after more than 700 s on another. :func:`solve` therefore
runs a large model in a worker process (:func:`talentmoat.workers.call_within`) that is killed
:data:`GRACE_S` after the limit; a small model, which HiGHS finishes in milliseconds, is solved
in this process.
"""

from __future__ import annotations

from typing import Any

from scipy.optimize import OptimizeResult, milp

from talentmoat.workers import call_within

IN_PROCESS_MAX_VARIABLES = 5_000
"""Models with at most this many variables are solved in this process (a worker costs ~20 ms,
more than such a solve)."""

GRACE_S = 1.0
"""Seconds past the time limit before the worker is killed."""


def solve(c: Any, *, time_limit_s: float, **kwargs: Any) -> OptimizeResult | None:
    """``scipy.optimize.milp(c, **kwargs)`` with HiGHS's time limit, bounded in wall time.

    Args:
        c: Objective coefficients, shape (variables,).
        time_limit_s: Wall-clock limit in seconds.
        **kwargs: Further arguments of :func:`scipy.optimize.milp` (not ``options``).

    Returns:
        The solver's result (status 1 when its own limit stopped it), or None when the worker
        had to be killed (no solution known).
    """
    options = {"time_limit": max(time_limit_s, 1e-3)}
    if len(c) <= IN_PROCESS_MAX_VARIABLES:
        return milp(c, options=options, **kwargs)
    try:
        return call_within(time_limit_s + GRACE_S, _milp, c, options, kwargs)
    except TimeoutError:
        return None


def _milp(c: Any, options: dict[str, float], kwargs: dict[str, Any]) -> OptimizeResult:
    return milp(c, options=options, **kwargs)
