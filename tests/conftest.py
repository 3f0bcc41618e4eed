"""Shared fixtures: small scenarios, and git repositories built in a temporary directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

EPOCH = 1_700_000_000
DAY = 86_400


class GitRepo:
    """A throw-away repository where every commit's author, committer and date are chosen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, who: tuple[str, str] = ("Setup", "setup@example.org"),
            day: int = 0) -> str:
        stamp = f"{EPOCH + day * DAY} +0000"
        env = {**os.environ, "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
               "GIT_COMMITTER_NAME": who[0], "GIT_COMMITTER_EMAIL": who[1],
               "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
               "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.path)}
        done = subprocess.run(["git", *args], cwd=self.path, env=env, check=True,
                              capture_output=True, text=True)
        return done.stdout

    def commit(self, who: tuple[str, str], day: int, write: dict[str, str] | None = None,
               delete: tuple[str, ...] = (), move: dict[str, str] | None = None,
               message: str = "change") -> None:
        for old, new in (move or {}).items():
            (self.path / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
        for name, text in (write or {}).items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for name in delete:
            self.git("rm", "-q", name)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, who=who, day=day)


def body(tag: str, n: int = 20) -> str:
    """Distinct, rename-detectable file content: ``n`` lines mentioning ``tag``."""
    return "".join(f"{tag} line {i}: some stable content here\n" for i in range(n))


@pytest.fixture(autouse=True)
def private_config(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own config directory (so its own pseudonym key) and no key variable."""
    config = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("TALENTMOAT_ANONYMIZE_KEY", raising=False)
    return config


@pytest.fixture
def make_repo(tmp_path):
    """Factory: ``make_repo(name)`` returns a fresh :class:`GitRepo` under ``tmp_path``."""
    return lambda name="repo": GitRepo(tmp_path / name)

SCENARIO_TEMPLATE = """\
name: tiny
seed: 7
blueprint:
  components:
    - {id: data, weight: 0.5, replication_cost: 1.0e8, tacit: 0.8}
    - {id: arch, weight: 0.3, replication_cost: 5.0e7, tacit: 0.5}
    - {id: integration, weight: 0.2, replication_cost: 2.0e7, tacit: 1.0}
roster:
  csv: roster.csv
"""

ROSTER = """\
id,name,role,k.data,k.arch,k.integration
a,Ada,core,0.9,0.2,0.6
b,Bo,core,0.1,0.8,0.0
c,Cy,eng,0.5,0.5,0.5
d,Di,eng,0.0,0.0,1.0
"""


@pytest.fixture
def tiny(tmp_path: Path):
    """Write a small, valid scenario with a CSV roster; return a writer to alter it."""

    def write(scenario: str = SCENARIO_TEMPLATE, roster: str | None = ROSTER) -> Path:
        path = tmp_path / "tiny.yaml"
        path.write_text(scenario)
        if roster is not None:
            (tmp_path / "roster.csv").write_text(roster)
        return path

    return write


TINY_SWEEP = """\
name: tiny-sweep
scenario: lean-lab
strategies: STRATEGIES
replications: 3
quarters: 3
seed: 7
design: {method: morris, samples: 3, levels: 4}
uncertainties:
  - {name: valuation, path: firm.valuation, dist: log_uniform, low: 2.5e10, high: 1.0e11}
  - {name: attrition, path: firm.attrition.total.default, dist: uniform, low: 0.06, high: 0.2}
"""


@pytest.fixture(scope="session")
def sweep_store(tmp_path_factory):
    """A tiny Morris sweep of the bundled lean lab (9 points, 3 strategies), run once."""
    from talentmoat.experiments.executor import run_sweep
    from talentmoat.experiments.spec import load_spec
    from talentmoat.loader import load_scenario

    strategies = list(load_scenario("lean-lab").scenario.strategies)  # names from the data
    root = tmp_path_factory.mktemp("sweep")
    spec = root / "tiny.yaml"
    spec.write_text(TINY_SWEEP.replace("STRATEGIES", f"[{', '.join(strategies[1:3])}]"))
    store = root / "tiny.duckdb"
    run_sweep(load_spec(spec), store)
    return store


@pytest.fixture(scope="session")
def sweep_analysis():
    """A sweep analysis with known answers, from the real analysis on made-up outputs.

    A Sobol design (N = 256) of two uniform inputs ``a`` and ``b`` on [0, 1]; the baseline's
    ``value_mean`` is ``3e9 a + 1e9 b`` (S1: a 0.9, b 0.1); ``risky`` adds ``(0.7 − a)·1e9``
    (worse than the baseline exactly where a > 0.7) and ``steady`` a constant 0.5e9. ``values``
    holds the design, shape (P, 2), for the tests' oracles.
    """
    import numpy as np
    import pandas as pd

    from talentmoat.experiments.analyze import analyze
    from talentmoat.experiments.design import design_values
    from talentmoat.experiments.spec import Design, Uncertainty

    spec_design = Design(method="sobol", samples=256)
    us = [Uncertainty(name=n, path="p", dist="uniform", low=0, high=1) for n in "ab"]
    unit, values = design_values(spec_design, us, seed=3)
    design = pd.DataFrame({"point": np.arange(len(values)), "a": values[:, 0],
                           "b": values[:, 1]})
    a, b = values[:, 0], values[:, 1]
    level = 3e9 * a + 1e9 * b
    rows = []
    for name, d in (("baseline", np.zeros_like(a)), ("risky", (0.7 - a) * 1e9),
                    ("steady", np.full_like(a, 0.5e9))):
        rows.append(pd.DataFrame({"point": design["point"], "strategy": name,
                                  "value_mean": level + d, "d_value_mean": d}))
    metrics = pd.concat(rows, ignore_index=True)
    res = analyze(design, unit, metrics, names=["a", "b"],
                  strategies=["baseline", "risky", "steady"], spec_design=spec_design,
                  metric="value_mean", seed=3)
    prov = {"scenario": "made-up", "scenario_source": "/somewhere/lab.yaml",
            "scenario_sha256": "1" * 64, "sweep_sha256": "2" * 64,
            "strategies": ["baseline", "risky", "steady"], "replications": 1, "quarters": 1,
            "seed": 3, "metrics": ["value_mean"], "design": spec_design.model_dump(),
            "points": len(values), "uncertainties": [u.model_dump() for u in us],
            "versions": {"python": "3"}, "seeds": "none"}
    info = {"name": "made-up", "source": "/somewhere/spec.yaml", "digest": "2" * 64,
            "spec": "", "version": "0"}
    return res | {"uncertainties": ["a", "b"], "provenance": prov, "info": info,
                  "completed_points": len(values), "failed_points": 0,
                  "sweep": "made-up", "store": "/somewhere/s.duckdb",
                  "values": values}
