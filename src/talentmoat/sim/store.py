"""Write a simulation's results to a directory: Parquet trajectories and a JSON summary.

``trajectories.parquet`` holds one row per (strategy, replication, quarter); ``summary.json``
the summaries, the comparison and the provenance. The directory is written in a temporary
sibling and renamed into place, so a failure never leaves half a result; an existing directory
is replaced only if it holds a previous talentmoat result.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from talentmoat.errors import InputError
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


def write_results(out: Path, result: SimulationResult, summary: dict[str, Any]) -> Path:
    """Write ``trajectories.parquet`` and ``summary.json`` into ``out``.

    Raises:
        InputError: If ``out`` exists and is not a previous talentmoat result directory.
    """
    out = Path(out)
    if out.exists() and not (out.is_dir() and (out / SUMMARY).exists()):
        raise InputError.single(str(out), "", "exists and is not a talentmoat result directory; "
                                "choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        trajectories_frame(result).to_parquet(tmp / TRAJECTORIES, index=False)
        (tmp / SUMMARY).write_text(json.dumps(_json_safe(summary), indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out
