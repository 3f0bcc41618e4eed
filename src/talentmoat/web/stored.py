"""Past results in the store (``talentmoat-results/`` by default), as the dashboard lists them.

The store is the folder ``talentmoat run``, ``simulate`` and ``compare`` write result folders
into and ``talentmoat sweep`` and ``optimize`` write their DuckDB stores into. Its direct entries
are listed: a result folder (with ``summary.json``), a sweep store (``*.duckdb``) and an
optimization store (``*.opt.duckdb``), each recognised by its content, not only its name. A
request names an entry only by a name this listing made; links and anything else are skipped,
so no request reaches a file outside the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentmoat.cli.reporting import REPORT, is_duckdb
from talentmoat.sim.store import SUMMARY

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
"""An entry name the dashboard accepts (no separators, no leading dot)."""
OPT_SUFFIX = ".opt.duckdb"


@dataclass(frozen=True)
class Entry:
    """One past result in the store.

    Attributes:
        name: The entry's file or folder name (its id in requests).
        kind: ``results``, ``sweep`` or ``optimization``.
        path: Where it is.
        report: The report to download: ``report.html`` of a result folder, the store itself
            for a sweep (its report is rendered on request), None when there is none.
    """

    name: str
    kind: str
    path: Path
    report: Path | None

    def view(self, info: dict[str, Any]) -> dict[str, Any]:
        """Plain data for the API, with what the entry says about itself."""
        return {"name": self.name, "kind": self.kind, "report": self.report is not None,
                "modified": self.path.stat().st_mtime, **info}


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def entry(store: Path, name: str) -> Entry | None:
    """The entry called ``name`` directly in ``store``, or None if there is no such result."""
    if not NAME.fullmatch(name):
        return None
    path = store / name
    if path.is_symlink():
        return None
    if path.is_dir():
        if not _regular(path / SUMMARY):
            return None
        report = path / REPORT
        return Entry(name, "results", path, report if _regular(report) else None)
    if _regular(path) and name.endswith(".duckdb") and is_duckdb(path):
        if name.endswith(OPT_SUFFIX):
            return Entry(name, "optimization", path, None)
        return Entry(name, "sweep", path, path)
    return None


def _info(e: Entry) -> dict[str, Any]:
    """Scenario, replications and quarters of a result folder (nothing for a store)."""
    if e.kind != "results":
        return {}
    try:
        prov = json.loads((e.path / SUMMARY).read_text(encoding="utf-8"))["provenance"]
        return {"scenario": str(prov["scenario"]), "replications": int(prov["replications"]),
                "quarters": int(prov["quarters"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {"scenario": None}


def listing(store: Path | None) -> list[dict[str, Any]]:
    """Every past result directly in the store, newest first (empty without a store)."""
    if store is None or not store.is_dir():
        return []
    found = [e for p in store.iterdir() if (e := entry(store, p.name)) is not None]
    found.sort(key=lambda e: e.path.stat().st_mtime, reverse=True)
    return [e.view(_info(e)) for e in found]
