"""Trajectory parts: one Parquet file per chunk of replications, written as the chunk finishes.

A part holds one row per (strategy, replication, quarter) of its chunk and one row group per
strategy (in the run's strategy order), so the percentile bands can read one strategy's outcome
back without the others. Together the parts of a run are the table ``trajectories/`` (readable
as one dataset, e.g. ``pandas.read_parquet(folder / "trajectories")``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from talentmoat.sim.accumulate import band_series, percentiles, role_band
from talentmoat.sim.engine import Trajectories

FOLDER = "trajectories"
"""The parts' folder inside a result folder."""

BAND_COLUMNS = {
    "b_lab": "b_lab", "b_strongest_rival": "b_strongest_rival", "lead": "lead",
    "value": "value_usd", "headcount": "headcount",
    "cumulative_departures": "cumulative_departures", "cumulative_cost": "cumulative_cost_usd",
}
"""Column of each band outcome (:data:`talentmoat.sim.accumulate.BANDS`)."""


def part_name(k: int) -> str:
    """Relative path of chunk ``k``'s part inside the result folder."""
    return f"{FOLDER}/part-{k:05d}.parquet"


def _table(name: str, tr: Trajectories, first: int, rivals: tuple[str, ...],
           roles: tuple[str, ...]) -> pa.Table:
    reps, quarters = tr.b_lab.shape
    rep, quarter = np.meshgrid(np.arange(first, first + reps), np.arange(1, quarters + 1),
                               indexing="ij")
    cols: dict[str, object] = {
        "strategy": pa.array([name] * (reps * quarters), type=pa.string()),
        "replication": rep.ravel(),
        "quarter": quarter.ravel(),
    }
    cols.update({BAND_COLUMNS[k]: v.ravel() for k, v in band_series(tr).items()})
    cols.update({
        "policy_cost_usd": tr.cost.ravel(),
        "tender_cash_usd": tr.tender_cash.ravel(),
        "retained": tr.retained.ravel(),
        "departures_background": tr.departures[..., -1].ravel(),
    })
    for k, role in enumerate(roles):
        cols[role_band(role)] = tr.headcount[..., k].ravel()
    for j, rival in enumerate(rivals):
        cols[f"b_rival.{rival}"] = tr.b_rival[..., j].ravel()
        cols[f"bypassed_rd_usd.{rival}"] = tr.bypassed_rd[..., j].ravel()
        cols[f"departures.{rival}"] = tr.departures[..., j].ravel()
    return pa.table(cols)


def write_part(path: Path, names: list[str], trajectories: list[Trajectories], first: int,
               rivals: tuple[str, ...], roles: tuple[str, ...]) -> None:
    """Write one chunk's trajectories (one per strategy of ``names``) as the part at ``path``.

    Args:
        path: The part file (its folder is created).
        names: Strategy names, in the run's order.
        trajectories: Each strategy's trajectories for the chunk, arrays shaped (n, T, ...).
        first: Index of the chunk's first replication.
        rivals: Hiring-party names (per-party columns).
        roles: Role names (per-role columns).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for name, tr in zip(names, trajectories, strict=True):
            table = _table(name, tr, first, rivals, roles)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=table.num_rows)
    finally:
        if writer is not None:
            writer.close()


def read_bands(paths: list[Path], strategy: int, quarters: int) -> dict[str, np.ndarray]:
    """Percentile bands of one strategy from the parts of a run, in replication order.

    Args:
        paths: The run's parts, in chunk order.
        strategy: Index of the strategy in the run's order (its row group in every part).
        quarters: ``T``.

    Returns:
        Per band outcome present in the parts and per role's headcount (named by
        :func:`~talentmoat.sim.accumulate.role_band`), the percentiles by quarter, (P, T).
    """
    columns: dict[str, list[np.ndarray]] = {}
    roles: list[str] = []
    for path in paths:
        part = pq.ParquetFile(path)
        names = part.schema_arrow.names
        roles = [c for c in names if c.startswith(role_band(""))]
        wanted = [c for c in BAND_COLUMNS.values() if c in names] + roles
        group = part.read_row_group(strategy, columns=wanted)
        for col in wanted:
            columns.setdefault(col, []).append(
                group.column(col).to_numpy().reshape(-1, quarters))
    out = {band: percentiles(np.concatenate(columns[col]))
           for band, col in BAND_COLUMNS.items() if col in columns}
    out.update({col: percentiles(np.concatenate(columns[col])) for col in roles})
    return out
