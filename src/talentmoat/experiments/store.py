"""The results store: one DuckDB file of a sweep's (or a run's) spec, design, results, manifest.

One table layout for both.

Tables:

- ``sweep``: the spec's name, source, text and digest, the version, when it was created, and
  its ``kind``: ``sweep`` (``talentmoat sweep``) or ``run`` (one point without uncertainties:
  ``simulate``, ``compare`` and ``run`` write one as ``results.duckdb`` in their result
  folder; its spec is the run's settings as JSON).
- ``design``: ``point`` and one column per uncertainty (its value at the point).
- ``metrics``: per point and strategy, each metric's level and its paired difference from the
  baseline (``d_<metric>``; 0 for the baseline itself).
- ``failures``: points whose scenario was invalid, with the message.
- ``tasks``: the manifest — per task its run, points, status (``submitted``, ``done``, ``lost``),
  rows, seconds, engine seconds, worker and version.
- ``provenance``: key/value facts (base scenario and digest, versions of the libraries, ...).

Workers never open the file: each writes its task as a Parquet part (``<store>.parts/``) and the
driver — the only writer — reads a part, its rows and its manifest entry in one transaction, then
deletes it. Reading a part skips points already stored, so a part that arrives twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from talentmoat import __version__
from talentmoat.errors import InputError
from talentmoat.experiments import metrics
from talentmoat.experiments.spec import Sweep
from talentmoat.experiments.tasks import PART_SUFFIX, Task

TABLES = ("sweep", "design", "metrics", "failures", "tasks", "provenance")
"""Every table of a store (each can be exported to Parquet)."""
SWEEP, RUN = "sweep", "run"
"""The kinds of store: a sweep's, and a single run's."""
RUN_STORE = "results.duckdb"
"""The store's file name in a single run's result folder."""


@dataclass(frozen=True)
class Head:
    """What a store's ``sweep`` row says, with its metrics and design columns.

    Attributes:
        name: The sweep's (or the run's scenario's) name.
        source: Where its spec came from (a path, ``bundled:<name>``, or anonymized).
        digest: The digest that identifies the results (the same digest, the same numbers).
        text: The sweep spec's text, or a single run's settings as JSON.
        kind: :data:`SWEEP` or :data:`RUN`.
        metrics: Kept metric names.
        names: Uncertainty names, the design's columns (none for a run).
    """

    name: str
    source: str
    digest: str
    text: str
    kind: str
    metrics: tuple[str, ...]
    names: tuple[str, ...]


def parts_dir(path: Path) -> Path:
    """Directory where workers drop their parts for the store at ``path``."""
    return path.with_name(path.name + ".parts")


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, or an InputError naming the store (locked, not DuckDB)."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            pid = re.search(r"PID (\d+)", text)
            who = f"another process (PID {pid.group(1)})" if pid else "another process"
            raise InputError.single(str(path), "", f"the store is in use by {who}; wait for it "
                                    "to finish, or choose another --store") from None
        raise InputError.single(str(path), "", f"cannot open the store: {text}") from None
    except duckdb.Error as exc:
        raise InputError.single(str(path), "", f"not a DuckDB store: {exc}") from None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    """An open sweep store (one connection; the driver's is the only writer).

    Args:
        path: The DuckDB file.
        read_only: Open for reading (``analyze``).

    Raises:
        InputError: If the file is locked by another process, or is not a sweep store.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise InputError.single(str(path), "", "no such store")
        self.con = connect(self.path, read_only)
        self.read_only = read_only

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------------

    def tables(self) -> list[str]:
        """Tables present in the file."""
        return [r[0] for r in self.con.sql("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'main'").fetchall()]

    def is_results(self) -> bool:
        """Whether the file holds a results store (of a sweep or a run)."""
        return set(TABLES) <= set(self.tables())

    def require_results(self) -> None:
        """Raise InputError unless the file is a results store (of a sweep or a run)."""
        if not self.is_results():
            raise InputError.single(str(self.path), "", "not a talentmoat results store (no "
                                    "sweep/design/metrics tables)")

    def info(self) -> dict[str, Any]:
        """The ``sweep`` row as a mapping (``kind`` is ``sweep`` in stores made before it)."""
        rel = self.con.sql("SELECT * FROM sweep")
        return {"kind": SWEEP} | dict(zip(rel.columns, rel.fetchall()[0], strict=True))

    def provenance(self) -> dict[str, Any]:
        """The provenance facts, decoded from JSON."""
        return {k: json.loads(v) for k, v in self.con.sql(
            "SELECT key, value FROM provenance ORDER BY key").fetchall()}

    def frame(self, table: str) -> Any:
        """A whole table as a pandas DataFrame, in a fixed order."""
        order = {"design": "point", "metrics": "point, strategy", "failures": "point",
                 "tasks": "run, task"}.get(table)
        sql = f"SELECT * FROM {_quote(table)}" + (f" ORDER BY {order}" if order else "")
        return self.con.sql(sql).df()

    def done_points(self) -> set[int]:
        """Points with results (ok or failed)."""
        rows = self.con.sql("SELECT DISTINCT point FROM metrics UNION "
                            "SELECT point FROM failures").fetchall()
        return {int(r[0]) for r in rows}

    def counts(self) -> tuple[int, int]:
        """(points with metrics, failed points)."""
        ok = self.con.sql("SELECT count(DISTINCT point) FROM metrics").fetchall()[0][0]
        bad = self.con.sql("SELECT count(*) FROM failures").fetchall()[0][0]
        return int(ok), int(bad)

    def export(self, table: str, out: Path) -> Path:
        """Write one table to a Parquet file.

        Raises:
            InputError: For an unknown table.
        """
        if table not in TABLES:
            raise InputError.single(table, "", f"unknown table; the store has {', '.join(TABLES)}")
        order = {"design": "point", "metrics": "point, strategy", "failures": "point",
                 "tasks": "run, task"}.get(table)
        sql = f"SELECT * FROM {_quote(table)}" + (f" ORDER BY {order}" if order else "")
        out.parent.mkdir(parents=True, exist_ok=True)
        self.con.sql(sql).to_parquet(str(out))
        return out

    # --- writing (the driver only) -----------------------------------------------------------

    def create(self, head: Head, values: np.ndarray, provenance: dict[str, Any]) -> None:
        """Create the tables and write the head, the design and the provenance.

        Args:
            head: What the ``sweep`` row holds, the kept metrics and the design's columns.
            values: The design, shape (P, D) (D = ``len(head.names)``).
            provenance: Facts stored as JSON by key.
        """
        cols = metrics.columns(list(head.metrics))
        c = self.con
        c.execute("BEGIN")
        c.execute("CREATE TABLE sweep (name VARCHAR, source VARCHAR, digest VARCHAR, "
                  "spec VARCHAR, version VARCHAR, created TIMESTAMP, kind VARCHAR)")
        c.execute("INSERT INTO sweep VALUES (?, ?, ?, ?, ?, ?, ?)",
                  [head.name, head.source, head.digest, head.text, __version__,
                   dt.datetime.now(dt.UTC).replace(tzinfo=None), head.kind])
        names = head.names
        c.execute("CREATE TABLE design (point BIGINT PRIMARY KEY"
                  + "".join(f", {_quote(n)} DOUBLE" for n in names) + ")")
        table = pa.table({"point": np.arange(len(values), dtype=np.int64),
                          **{n: values[:, k] for k, n in enumerate(names)}})
        c.register("_design", table)
        c.execute("INSERT INTO design SELECT * FROM _design")
        c.unregister("_design")
        c.execute("CREATE TABLE metrics (point BIGINT, strategy VARCHAR, "
                  + ", ".join(f"{_quote(n)} DOUBLE" for n in cols) + ")")
        c.execute("CREATE TABLE failures (point BIGINT, error VARCHAR)")
        c.execute("CREATE TABLE tasks (task VARCHAR PRIMARY KEY, run INTEGER, points INTEGER, "
                  "status VARCHAR, rows BIGINT, seconds DOUBLE, engine_seconds DOUBLE, "
                  "worker VARCHAR, version VARCHAR)")
        c.execute("CREATE TABLE provenance (key VARCHAR PRIMARY KEY, value VARCHAR)")
        if provenance:
            c.executemany("INSERT INTO provenance VALUES (?, ?)",
                          [[k, json.dumps(v)] for k, v in provenance.items()])
        c.execute("COMMIT")

    def next_run(self) -> int:
        """Number of the next run on this store (1 for the first).

        Tasks an earlier run left unfinished are marked ``lost``; their points run again.
        """
        self.con.execute("UPDATE tasks SET status = 'lost' WHERE status = 'submitted'")
        last = self.con.sql("SELECT max(run) FROM tasks").fetchall()[0][0]
        return 1 if last is None else int(last) + 1

    def submitted(self, tasks: list[Task], run: int) -> None:
        """Record tasks as submitted."""
        if not tasks:
            return
        self.con.executemany(
            "INSERT INTO tasks VALUES (?, ?, ?, 'submitted', NULL, NULL, NULL, NULL, NULL)",
            [[t.id, run, len(t.points)] for t in tasks])

    def ingest(self, part: Path) -> int:
        """Read one finished part into the store, then delete it.

        Rows and manifest entry go in one transaction; points already stored are skipped.

        Returns:
            The points it added.
        """
        raw = pq.read_schema(part).metadata or {}
        meta = {k.decode(): v.decode() for k, v in raw.items()}
        path = str(part)
        c = self.con
        c.execute("BEGIN")
        before = c.sql("SELECT count(*) FROM (SELECT DISTINCT point FROM metrics UNION ALL "
                       "SELECT point FROM failures)").fetchall()[0][0]
        cols = ", ".join(_quote(n) for n in self._metric_columns())
        c.execute(f"INSERT INTO metrics ({cols}) SELECT {cols} FROM read_parquet(?) p "
                  "WHERE error IS NULL AND NOT EXISTS (SELECT 1 FROM metrics m WHERE "
                  "m.point = p.point) ORDER BY point, strategy", [path])
        c.execute("INSERT INTO failures SELECT point, error FROM read_parquet(?) p WHERE error "
                  "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM failures f WHERE "
                  "f.point = p.point) ORDER BY point", [path])
        rows = c.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchall()[0][0]
        c.execute("INSERT OR REPLACE INTO tasks VALUES (?, COALESCE((SELECT run FROM tasks "
                  "WHERE task = ?), 0), (SELECT count(DISTINCT point) FROM read_parquet(?)), "
                  "'done', ?, ?, ?, ?, ?)",
                  [meta.get("task", part.stem), meta.get("task", part.stem), path, rows,
                   float(meta.get("seconds", "nan")), float(meta.get("engine_seconds", "nan")),
                   meta.get("worker"), meta.get("version")])
        after = c.sql("SELECT count(*) FROM (SELECT DISTINCT point FROM metrics UNION ALL "
                      "SELECT point FROM failures)").fetchall()[0][0]
        c.execute("COMMIT")
        part.unlink()
        return int(after - before)

    def recover(self) -> int:
        """Read the parts an interrupted run left, and drop half-written temporary files.

        Returns:
            The points added.
        """
        parts = parts_dir(self.path)
        if not parts.is_dir():
            return 0
        for tmp in parts.glob(".*.tmp"):
            tmp.unlink()
        return sum(self.ingest(p) for p in sorted(parts.glob(f"*{PART_SUFFIX}")))

    def _metric_columns(self) -> list[str]:
        return [r[0] for r in self.con.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'metrics' "
            "ORDER BY ordinal_position").fetchall()]


def open_for(path: Path, sweep: Sweep, values: np.ndarray, provenance: dict[str, Any],
             *, new: bool) -> Store:
    """Open (or create) the store of a sweep, for writing.

    A store of the same sweep (same digest) is resumed; one of another sweep is refused
    unless ``new``, which replaces it. A file that is not a sweep store is never replaced.

    Raises:
        InputError: If the store is locked, holds another sweep (without ``new``), or the
            file is something else.
    """
    path = Path(path)
    if path.exists():
        store = Store(path)
        if not store.tables():  # created, then interrupted before its first commit
            store.close()
            path.unlink()
            return open_for(path, sweep, values, provenance, new=new)
        if not store.is_results():
            store.close()
            raise InputError.single(str(path), "", "exists and is not a talentmoat sweep "
                                    "store; choose another --store")
        info = store.info()
        if info["kind"] == RUN:  # part of a result folder: never replaced, even with --new
            store.close()
            raise InputError.single(str(path), "", "holds a single run's results (of "
                                    f"'{info['name']}'); choose another --store")
        digest = info["digest"]
        if digest == sweep.digest:
            return store
        store.close()
        if not new:
            raise InputError.single(str(path), "", f"holds another sweep ('{info['name']}'"
                                    f", digest {digest[:12]}); pass --new to replace it, or "
                                    "choose another --store")
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()
    shutil.rmtree(parts_dir(path), ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    store.create(Head(sweep.spec.name, sweep.source, sweep.digest, sweep.text, SWEEP,
                      tuple(sweep.metrics), tuple(sweep.names)), values, provenance)
    return store


def write_run(path: Path, head: Head, rows: list[dict[str, Any]], seconds: float,
              engine_seconds: float, provenance: dict[str, Any]) -> None:
    """Write a single run's store: one point (0) without uncertainties, one task.

    Args:
        path: The new file (in the run's staging folder; it must not exist).
        head: The run's head (``kind`` :data:`RUN`, no design columns).
        rows: Per strategy ``strategy`` and the metric columns of ``head.metrics``
            (:func:`talentmoat.experiments.metrics.rows`).
        seconds: Wall time of the run.
        engine_seconds: Its simulation's share.
        provenance: Facts stored as JSON by key.
    """
    with Store(path) as store:
        store.create(head, np.zeros((1, 0)), provenance)
        cols = ["point", "strategy", *metrics.columns(list(head.metrics))]
        table = pa.table({"point": np.zeros(len(rows), dtype=np.int64),
                          **{c: [r[c] for r in rows] for c in cols[1:]}})
        c = store.con
        c.execute("BEGIN")
        c.register("_rows", table)
        c.execute(f"INSERT INTO metrics ({', '.join(_quote(n) for n in cols)}) "
                  f"SELECT {', '.join(_quote(n) for n in cols)} FROM _rows")
        c.unregister("_rows")
        c.execute("INSERT INTO tasks VALUES ('run', 1, 1, 'done', ?, ?, ?, ?, ?)",
                  [len(rows), seconds, engine_seconds,
                   f"{socket.gethostname()}:{os.getpid()}", __version__])
        c.execute("COMMIT")

