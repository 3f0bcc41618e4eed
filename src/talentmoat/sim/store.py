"""Write a simulation's results to a directory: a results store, Parquet parts, a JSON summary.

``results.duckdb`` is the run in the layout of a sweep's store (:func:`write_store`: one point,
every metric per strategy, so ``talentmoat analyze`` and SQL read single runs and sweeps
alike); ``trajectories/part-NNNNN.parquet`` (:mod:`talentmoat.sim.parts`) hold one row per
(strategy, replication, quarter), one part per chunk, written while the simulation runs;
``summary.json`` the summaries, the comparison and the provenance. The folder is written and
replaced by the rules of :mod:`talentmoat.resultdir` (recognised by its manifest, swapped in
whole): the simulation runs into the staging folder and announces its parts before writing them.
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
                  files: Callable[[dict[str, Any]], dict[str, Callable[[Path], None]]]
                  | None = None,
                  ) -> tuple[SimulationResult, dict[str, Any]]:
    """Run a simulation that writes its parts into the new result folder ``out``.

    Args:
        out: The result folder.
        run: Runs the simulation with its parts written under the folder it is given,
            announcing them first with the callable it is given (``simulate``'s ``declare``).
        summarize: The summary (what ``summary.json`` holds) of the finished run.
        files: Further files of the result by name (e.g. ``report.html``, the store), each
            with the function that writes it to the path it is given, made from the summary;
            listed in the manifest like the others.

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
        writers = files(summary) if files else {}
        resultdir.declare(folder, [SUMMARY, *writers])
        (folder / SUMMARY).write_text(json.dumps(_json_safe(summary), indent=2) + "\n")
        for name, write in writers.items():
            write(folder / name)
        done.update(result=result, summary=summary)

    resultdir.write(Path(out), (), fill)
    return done["result"], done["summary"]


def write_store(path: Path, summary: dict[str, Any]) -> None:
    """Write a run's summary as a results store (:mod:`talentmoat.experiments.store`).

    The layout of a sweep's store, for one point without uncertainties (``kind`` ``run``):
    per strategy every metric of :data:`talentmoat.experiments.metrics.METRICS`, its level and
    its paired difference from the baseline. The store holds what the summary holds and
    nothing more (under a pseudonym key, no path and no plain digest of the inputs).

    Args:
        path: The new store file.
        summary: What ``summary.json`` holds (``provenance``, ``strategies``, ``comparison``).
    """
    from talentmoat.experiments import metrics
    from talentmoat.experiments.store import RUN, Head, write_run

    prov = summary["provenance"]
    names = list(metrics.METRICS)
    strategies = list(summary["strategies"])
    settings = {"strategies": strategies, "replications": prov["replications"],
                "quarters": prov["quarters"], "seed": prov["seed"]}
    digest = prov.get("scenario_sha256") or prov.get("scenario_hmac_sha256", "")
    head = Head(str(prov["scenario"]), str(prov["source"]), str(digest),
                json.dumps(settings), RUN, tuple(names), ())
    facts = {**prov, **settings, "policies": prov["strategies"], "metrics": names,
             "points": 1, "uncertainties": []}
    seconds = float(prov["wall_time_s"])  # the simulation's, as a sweep task's engine_seconds
    write_run(path, head, metrics.rows(names, summary["strategies"], summary["comparison"]),
              seconds, seconds, _json_safe(facts))
