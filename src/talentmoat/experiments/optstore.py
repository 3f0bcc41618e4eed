"""The optimization store: one DuckDB file holding an optimization's evaluated candidates.

Tables:

- ``optimization``: the spec's name, source, digest, the version and when it was created.
- ``evaluations``: per phase (``search`` or ``validation``), seed and replications, one row per
  candidate: its key (the lever values as JSON, ``null`` for off), each metric column, and the
  whole row as JSON (strategy and confidence intervals).

Rows are written after each batch, so an interrupted run resumes where it stopped: the
candidates of a phase already stored (same seed and replications) are read back, not run again.
A store holds one optimization (its digest); another needs ``new=True``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from talentmoat import __version__
from talentmoat.errors import InputError
from talentmoat.experiments import metrics
from talentmoat.experiments.optimize import Row
from talentmoat.experiments.optspec import Candidate, Optimization
from talentmoat.experiments.store import connect


def key(candidate: Candidate) -> str:
    """A candidate's key: its lever values as JSON."""
    return json.dumps(list(candidate))


class OptStore:
    """An open optimization store.

    Args:
        path: The DuckDB file.
        opt: The optimization it holds.
        new: Replace a store that holds another optimization.

    Raises:
        InputError: If the file is locked or holds another optimization (and not ``new``).
    """

    def __init__(self, path: Path, opt: Optimization, *, new: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = connect(self.path, False)
        tables = {r[0] for r in self.con.sql("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main'").fetchall()}
        if tables and tables != {"optimization", "evaluations"}:
            self.con.close()
            raise InputError.single(str(path), "", "not an optimization store; choose another "
                                    "--store")
        if tables:
            digest = self.con.sql("SELECT digest FROM optimization").fetchall()[0][0]
            if digest != opt.digest and not new:
                self.con.close()
                raise InputError.single(str(path), "", "the store holds another optimization "
                                        "(or another version); pass --new to replace it")
            if digest != opt.digest:
                self.con.execute("DROP TABLE optimization; DROP TABLE evaluations")
                tables = set()
        if not tables:
            cols = ", ".join(f'"{c}" DOUBLE' for c in metrics.columns(list(metrics.METRICS)))
            self.con.execute("CREATE TABLE optimization (name VARCHAR, source VARCHAR, digest "
                             "VARCHAR, version VARCHAR, created TIMESTAMP)")
            self.con.execute("INSERT INTO optimization VALUES (?, ?, ?, ?, ?)",
                             [opt.spec.name, opt.source, opt.digest, __version__,
                              dt.datetime.now(dt.UTC).replace(tzinfo=None)])
            self.con.execute(f"CREATE TABLE evaluations (phase VARCHAR, seed UBIGINT, "
                             f"replications INTEGER, key VARCHAR, {cols}, row JSON)")

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> OptStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, phase: str, seed: int, replications: int) -> dict[str, Row]:
        """Stored rows of a phase, by candidate key."""
        found = self.con.execute("SELECT key, row FROM evaluations WHERE phase = ? AND seed = ? "
                                 "AND replications = ?", [phase, seed, replications]).fetchall()
        out = {}
        for k, text in found:
            row: dict[str, Any] = json.loads(text)
            row["candidate"] = tuple(row["candidate"])
            row["ci"] = {c: tuple(v) for c, v in row["ci"].items()}
            out[k] = row
        return out

    def add(self, phase: str, seed: int, replications: int, rows: list[Row]) -> None:
        """Store rows of a phase (one transaction)."""
        cols = metrics.columns(list(metrics.METRICS))
        marks = ", ".join("?" * (len(cols) + 5))
        self.con.execute("BEGIN")
        for row in rows:
            self.con.execute(f"INSERT INTO evaluations VALUES ({marks})",
                             [phase, seed, replications, key(row["candidate"]),
                              *[row[c] for c in cols], json.dumps(row)])
        self.con.execute("COMMIT")
