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
