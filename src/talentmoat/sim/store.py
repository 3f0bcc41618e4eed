"""Write a simulation's results to a directory: Parquet trajectory parts and a JSON summary.

``trajectories/part-NNNNN.parquet`` (:mod:`talentmoat.sim.parts`) hold one row per (strategy,
replication, quarter), one part per chunk, written while the simulation runs; ``summary.json``
the summaries, the comparison and the provenance. The folder is written and replaced by the
rules of :mod:`talentmoat.resultdir` (recognised by its manifest, swapped in whole): the
simulation runs into the staging folder and announces its parts before writing them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from talentmoat import resultdir
from talentmoat.sim.runner import SimulationResult

SUMMARY = "summary.json"


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_results(out: Path, run: Callable[[Path, Callable[[list[str]], None]], SimulationResult],
                  summarize: Callable[[SimulationResult], dict[str, Any]],
                  extra: Callable[[dict[str, Any]], dict[str, str]] | None = None,
                  ) -> tuple[SimulationResult, dict[str, Any]]:
    """Run a simulation that writes its parts into the new result folder ``out``.

    Args:
        out: The result folder.
        run: Runs the simulation with its parts written under the folder it is given,
            announcing them first with the callable it is given (``simulate``'s ``declare``).
        summarize: The summary (what ``summary.json`` holds) of the finished run.
        extra: Further files of the result by name (e.g. ``report.html``) made from the
            summary, listed in the manifest like the others.

    Returns:
        The run and its summary.

    Raises:
        InputError: If ``out`` cannot take a result (see :func:`talentmoat.resultdir.check`;
            checked before the run).
    """
    done: dict[str, Any] = {}

    def fill(folder: Path) -> None:
        result = run(folder, lambda names: resultdir.declare(folder, names))
        summary = summarize(result)
        files = extra(summary) if extra else {}
        resultdir.declare(folder, [SUMMARY, *files])
        (folder / SUMMARY).write_text(json.dumps(_json_safe(summary), indent=2) + "\n")
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        done.update(result=result, summary=summary)

    resultdir.write(Path(out), (), fill)
    return done["result"], done["summary"]
