"""The dashboard's own file area and its background runs.

Everything the dashboard writes sits under one root: ``uploads/<digest>.yaml`` (uploaded
scenarios), ``inputs/<run>/`` (the scenario a run used, parameters applied) and ``runs/<run>/``
(its results and report). Requests name scenarios and runs only by ids the server made, checked
against fixed patterns, so no request path reaches the file system outside the root.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from talentmoat.cli.reporting import read_results, write_atomic
from talentmoat.cli.simulate import save_run
from talentmoat.errors import InputError
from talentmoat.loader import (
    BUNDLED_PACKAGE,
    Lab,
    bundled_names,
    load_scenario,
    parse_scenario,
    read_text_file,
)
from talentmoat.sim import simulate
from talentmoat.sim.store import SUMMARY
from talentmoat.web.params import apply

RUN_ID = re.compile(r"[0-9a-f]{12}")
UPLOAD_ID = re.compile(r"upload:([0-9a-f]{16})")
PROGRESS_STEPS = 10
"""A run is split into about this many chunks so its progress moves (results do not change)."""


@dataclass
class Job:
    """A run's state as the dashboard reports it."""

    id: str
    scenario: str
    state: str = "queued"
    done: int = 0
    total: int = 0
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def view(self) -> dict[str, Any]:
        """Plain data for the API."""
        with self.lock:
            return {"id": self.id, "scenario": self.scenario, "state": self.state,
                    "done": self.done, "total": self.total, "error": self.error}


class Area:
    """The dashboard's root directory, its scenarios and its runs."""

    def __init__(self, root: Path, given: str | None = None, max_queued: int = 4) -> None:
        self.root = Path(root).resolve()
        for sub in ("uploads", "inputs", "runs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.given = given
        self.max_queued = max_queued
        self.jobs: dict[str, Job] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talentmoat-run")

    # -- scenarios ------------------------------------------------------------------------

    def scenario_ids(self) -> list[str]:
        """Ids of every scenario on offer: the one given on the command line, bundled, uploads."""
        ids = ["given"] if self.given is not None else []
        ids += [f"bundled:{n}" for n in bundled_names()]
        ids += [f"upload:{p.stem}" for p in sorted((self.root / "uploads").glob("*.yaml"))]
        return ids

    def _ref(self, sid: str) -> tuple[str | Path, Path]:
        """The loader reference of a scenario id and the folder its roster CSV sits in."""
        if sid == "given" and self.given is not None:
            path = Path(self.given)
            if path.exists() or self.given.endswith((".yaml", ".yml")):
                return path, path.parent
            return self.given, Path(str(resources.files(BUNDLED_PACKAGE)))
        if sid.startswith("bundled:") and sid.removeprefix("bundled:") in bundled_names():
            return sid.removeprefix("bundled:"), Path(str(resources.files(BUNDLED_PACKAGE)))
        match = UPLOAD_ID.fullmatch(sid)
        if match and (self.root / "uploads" / f"{match[1]}.yaml").exists():
            return self.root / "uploads" / f"{match[1]}.yaml", self.root / "uploads"
        raise KeyError(sid)

    def load(self, sid: str) -> Lab:
        """The scenario behind an id (KeyError if there is none)."""
        return load_scenario(self._ref(sid)[0])

    def _text(self, sid: str) -> str:
        ref, _ = self._ref(sid)
        if isinstance(ref, Path):
            return read_text_file(ref, sid)
        return (resources.files(BUNDLED_PACKAGE) / f"{ref}.yaml").read_text(encoding="utf-8")

    def upload(self, text: str) -> str:
        """Keep an uploaded scenario (validated, cohorts only) and return its id.

        Raises:
            InputError: If the text is not a valid scenario or names a roster file.
        """
        scenario = parse_scenario(text, "uploaded scenario")
        if scenario.roster.csv is not None:
            raise InputError.single("uploaded scenario", "roster.csv", "an uploaded scenario "
                                    "must generate its roster from cohorts (no roster file)")
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        path = self.root / "uploads" / f"{digest}.yaml"
        write_atomic(path, text)
        try:
            load_scenario(path)
        except InputError as exc:
            path.unlink()
            raise InputError("uploaded scenario", exc.problems) from None
        return f"upload:{digest}"

    # -- runs -----------------------------------------------------------------------------

    def run_dir(self, run_id: str) -> Path:
        """The results folder of a run id (KeyError for anything but a known run)."""
        if not RUN_ID.fullmatch(run_id) or not (self.root / "runs" / run_id / SUMMARY).exists():
            raise KeyError(run_id)
        return self.root / "runs" / run_id

    def results(self, run_id: str) -> dict[str, Any]:
        """The stored payload of a finished run."""
        return read_results(self.run_dir(run_id))

    def runs(self) -> list[dict[str, Any]]:
        """Past runs on disk (newest first) and runs still queued or running."""
        out = [job.view() for job in self.jobs.values() if job.state in ("queued", "running")]
        done = sorted((self.root / "runs").iterdir(), key=lambda p: p.stat().st_mtime,
                      reverse=True)
        for folder in done:
            if RUN_ID.fullmatch(folder.name) and (folder / SUMMARY).exists():
                prov = read_results(folder)["provenance"]
                out.append({"id": folder.name, "state": "done", "scenario": prov["scenario"],
                            "strategies": list(prov["strategies"]),
                            "replications": prov["replications"], "quarters": prov["quarters"]})
        return out

    def _prepare(self, sid: str, run_id: str, values: dict[str, float],
                 strategies: list[str]) -> Lab:
        """Write the run's scenario (parameters applied) into ``inputs/<run>/`` and load it."""
        text = self._text(sid)
        base = self._ref(sid)[1]
        scenario = parse_scenario(text, sid)
        unknown = [s for s in strategies if s not in scenario.strategies]
        if unknown:
            raise InputError.single("strategies", "", f"unknown strategy {', '.join(unknown)}; "
                                    f"the scenario has {', '.join(scenario.strategies)}")
        data = apply(yaml.safe_load(text), scenario, values)
        folder = self.root / "inputs" / run_id
        folder.mkdir(parents=True)
        try:
            if scenario.roster.csv is not None:  # the given or a bundled scenario's roster
                csv = read_text_file(base / scenario.roster.csv, scenario.roster.csv)
                write_atomic(folder / "roster.csv", csv)
                data["roster"]["csv"] = "roster.csv"
            write_atomic(folder / "scenario.yaml", yaml.safe_dump(data, sort_keys=False))
            return load_scenario(folder / "scenario.yaml")
        except InputError as exc:
            shutil.rmtree(folder)
            raise InputError(sid, exc.problems) from None

    def submit(self, sid: str, strategies: list[str], values: dict[str, float],
               replications: int, quarters: int) -> Job:
        """Check a run request, then run it in the background.

        Raises:
            KeyError: For an unknown scenario id.
            InputError: For bad parameters or strategies.
            OverflowError: When too many runs are already waiting.
        """
        if sum(j.state in ("queued", "running") for j in self.jobs.values()) >= self.max_queued:
            raise OverflowError(f"{self.max_queued} runs are already waiting; try again soon")
        self._ref(sid)
        run_id = secrets.token_hex(6)
        lab = self._prepare(sid, run_id, values, strategies)
        job = Job(run_id, lab.scenario.name, total=replications)
        self.jobs[run_id] = job
        self.pool.submit(self._run, job, lab, strategies, replications, quarters)
        return job

    def _run(self, job: Job, lab: Lab, strategies: list[str], replications: int,
             quarters: int) -> None:
        def progress(done: int, total: int) -> None:
            with job.lock:
                job.done, job.total = done, total

        with job.lock:
            job.state = "running"
        try:
            save_run(lab, self.root / "runs" / job.id, None, lambda folder, declare: simulate(
                lab, strategies, replications=replications, quarters=quarters,
                chunk=math.ceil(replications / PROGRESS_STEPS), progress=progress,
                folder=folder, declare=declare), report=True)
            state, error = "done", None
        except InputError as exc:
            state, error = "failed", exc.render()
        except Exception as exc:  # a failed run is reported to the page, not fatal
            state, error = "failed", f"{type(exc).__name__}: {exc}"
        with job.lock:
            job.state, job.error = state, error
