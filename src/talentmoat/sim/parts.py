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


class PartWriter:
    """Writes one chunk's part strategy by strategy, one row group each, in the run's order.

    A chunk then holds one strategy's trajectories at a time, not every strategy's (a context
    manager: the file is closed on leaving, also on an error; its folder is created).

    Args:
        path: The part file.
        first: Index of the chunk's first replication.
        rivals: Hiring-party names (per-party columns).
        roles: Role names (per-role columns).
    """

    def __init__(self, path: Path, first: int, rivals: tuple[str, ...],
                 roles: tuple[str, ...]) -> None:
        self.path, self.first, self.rivals, self.roles = path, first, rivals, roles
        self._writer: pq.ParquetWriter | None = None

    def write(self, name: str, tr: Trajectories) -> None:
        """Append strategy ``name``'s trajectories for the chunk, arrays shaped (n, T, ...)."""
        table = _table(name, tr, self.first, self.rivals, self.roles)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, table.schema)
        self._writer.write_table(table, row_group_size=table.num_rows)

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.close()


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
    files = [pq.ParquetFile(path) for path in paths]
    names = files[0].schema_arrow.names if files else []
    roles = [c for c in names if c.startswith(role_band(""))]
    wanted = {band: col for band, col in BAND_COLUMNS.items() if col in names}
    wanted.update({col: col for col in roles})

    def column(col: str) -> np.ndarray:  # one column at a time: memory O(R·T), not O(R·T·bands)
        return np.concatenate([f.read_row_group(strategy, columns=[col]).column(col).to_numpy()
                               .reshape(-1, quarters) for f in files])

    return {band: percentiles(column(col)) for band, col in wanted.items()}
