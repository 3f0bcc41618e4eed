"""Write a simulation's results to a directory: Parquet trajectories and a JSON summary.

``trajectories.parquet`` holds one row per (strategy, replication, quarter); ``summary.json``
the summaries, the comparison and the provenance. The folder is written and replaced by the
rules of :mod:`talentmoat.resultdir` (recognised by its manifest, swapped in whole).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from talentmoat import resultdir
from talentmoat.sim.results import lead
from talentmoat.sim.runner import SimulationResult

SUMMARY = "summary.json"
TRAJECTORIES = "trajectories.parquet"


def trajectories_frame(result: SimulationResult) -> pd.DataFrame:
    """One row per (strategy, replication, quarter), one column per outcome."""
    frames = []
    for name in result.strategies:
        tr = result.trajectories[name]
        reps, quarters = tr.b_lab.shape
        rep, quarter = np.meshgrid(np.arange(reps), np.arange(1, quarters + 1), indexing="ij")
        cols: dict[str, Any] = {
            "strategy": name,
            "replication": rep.ravel(),
            "quarter": quarter.ravel(),
            "b_lab": tr.b_lab.ravel(),
            "lead": lead(tr).ravel(),
            "value_usd": tr.value.ravel(),
            "policy_cost_usd": tr.cost.ravel(),
            "tender_cash_usd": tr.tender_cash.ravel(),
            "retained": tr.retained.ravel(),
            "headcount": tr.headcount.sum(axis=-1).ravel(),
            "departures_background": tr.departures[..., -1].ravel(),
        }
        for k, role in enumerate(result.roles):
            cols[f"headcount.{role}"] = tr.headcount[..., k].ravel()
        for j, rival in enumerate(result.rivals):
            cols[f"b_rival.{rival}"] = tr.b_rival[..., j].ravel()
            cols[f"bypassed_rd_usd.{rival}"] = tr.bypassed_rd[..., j].ravel()
            cols[f"departures.{rival}"] = tr.departures[..., j].ravel()
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True)


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


def write_results(out: Path, result: SimulationResult, summary: dict[str, Any],
                  extra: dict[str, str] | None = None) -> Path:
    """Write ``trajectories.parquet``, ``summary.json`` (and ``extra`` text files) as ``out``.

    Args:
        out: The result folder.
        result: The simulation.
        summary: What ``summary.json`` holds.
        extra: Further files of the result by name (e.g. ``report.html``), listed in the
            manifest like the others.

    Raises:
        InputError: If ``out`` cannot take a result (see :func:`talentmoat.resultdir.check`).
    """
    extra = extra or {}

    def fill(folder: Path) -> None:
        trajectories_frame(result).to_parquet(folder / TRAJECTORIES, index=False)
        (folder / SUMMARY).write_text(json.dumps(_json_safe(summary), indent=2) + "\n")
        for name, text in extra.items():
            (folder / name).write_text(text, encoding="utf-8")

    return resultdir.write(Path(out), (TRAJECTORIES, SUMMARY, *extra), fill)
