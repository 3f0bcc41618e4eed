"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

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
