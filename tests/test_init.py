"""``talentmoat init``: the role rule, the written scenario, and the three-command path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.loader import load_scenario
from talentmoat.roster import core_by_holding

runner = CliRunner()
ROSTER = """\
id,name,k.data,k.model
a,Ada,0.9,0.0
b,Bo,0.5,0.7
c,Cy,0.2,0.1
d,Di,0.0,0.6
e,Ed,0.0,0.0
"""
GITLOGS_CANDIDATES = [Path(__file__).resolve().parents[2] / "shared" / "data" / "gitlogs",
                      Path(os.environ.get("TALENTMOAT_GITLOGS", "/nonexistent"))]
GITLOGS = next((p for p in GITLOGS_CANDIDATES if p.is_dir()), None)
NANOGPT_STAGES = """\
stages:
  data: [data/]
  model: [model.py]
  training: [train.py, configurator.py, config/]
  sampling: [sample.py, bench.py]
"""


def test_core_by_holding_takes_the_largest_holders_of_each_component():
    K = np.array([[0.9, 0.0], [0.5, 0.7], [0.2, 0.1], [0.0, 0.6], [0.0, 0.0]])
    assert core_by_holding(K, 1).tolist() == [True, True, False, False, False]
    assert core_by_holding(K, 2).tolist() == [True, True, False, True, False]
    # nobody with K = 0 is core, however many are asked for
    assert core_by_holding(K, 5).tolist() == [True, True, True, True, False]
    # ties go to the earlier row
    assert core_by_holding(np.array([[0.5], [0.5], [0.5]]), 2).tolist() == [True, True, False]


def init(tmp_path: Path, roster: str, *args: str) -> Path:
    (tmp_path / "roster.csv").write_text(roster)
    out = tmp_path / "lab.yaml"
    result = runner.invoke(app, ["init", "--roster", str(tmp_path / "roster.csv"), "-o",
                                 str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_init_without_roles_writes_a_scenario_that_validates(tmp_path):
    out = init(tmp_path, ROSTER)
    lab = load_scenario(out)
    base = load_scenario("lean-lab").scenario
    s = lab.scenario
    assert s.name == "lab" and s.roster.csv == "roster.csv" and s.roster.core_per_component == 3
    assert lab.roster.roles == ("core", "core", "core", "core", "contributor")
    assert s.blueprint.ids == ["data", "model"]
    assert [c.weight for c in s.blueprint.components] == [0.5, 0.5]
    assert s.blueprint.components[0].replication_cost == pytest.approx(
        base.blueprint.replication_costs.mean())
    # core pays like lean-lab's core cohort, contributors like its largest cohort
    core = {c.role: c for c in base.roster.cohorts}
    assert s.pay["core"].cash == core["core"].cash == 4.0e5
    assert s.pay["core"].equity_grant_per_year == core["core"].equity_grant_per_year
    assert s.pay["contributor"].cash == core["research_engineer"].cash == 2.5e5
    # lead and core map to core; research_engineer to contributor
    assert s.policies.synthetic_equity.roles == ["core"]
    assert s.policies.blue_sky.tokens == {"core": 2.0, "contributor": 1.0}
    assert set(s.firm.attrition.total) <= {"default", "core", "contributor"}
    assert s.firm.visibility == {"default": 1.0, "core": 2.0}
    assert s.firm.compute.teams == []
    assert s.firm.compute.gpu_hours_per_quarter == pytest.approx(6.0e6 * 5 / 150)
    assert s.rivals == base.rivals and s.investors == base.investors
    assert s.strategies == base.strategies and s.knowledge.plan.org_holds == []
    text = out.read_text()
    assert "ASSUMPTION: roles by rule" in text and "ASSUMPTION: equal weights" in text


def test_init_keeps_a_role_column_and_drops_unknown_template_roles(tmp_path):
    roles = ["lead", "core", "core", "infra", "infra"]
    rows = ROSTER.splitlines()
    roster = "\n".join(["id,name,role,k.data,k.model"] + [
        row.replace(",", f",{role},", 2).replace(f",{role},", ",", 1)
        for row, role in zip(rows[1:], roles, strict=True)]) + "\n"
    assert roster.splitlines()[1] == "a,Ada,lead,0.9,0.0"
    out = init(tmp_path, roster)
    lab = load_scenario(out)
    s = lab.scenario
    assert lab.roster.roles == tuple(roles) and s.roster.core_per_component is None
    assert s.firm.visibility == {"default": 1.0, "lead": 3.0, "core": 2.0}
    assert s.policies.synthetic_equity.roles == ["lead", "core"]
    assert s.pay["lead"].cash == 5.0e5 and "infra" not in s.pay
    assert s.pay["default"].cash == 2.5e5


def test_init_on_a_template_without_a_core_cohort(tmp_path):
    out = init(tmp_path, ROSTER, "--template", "capital-heavy")
    s = load_scenario(out).scenario
    assert s.pay["core"].cash == 6.0e5  # capital-heavy's best-paid cohort, senior
    assert s.pay["contributor"].cash == 3.0e5  # its largest, staff


def test_init_refuses_what_it_cannot_do(tmp_path):
    out = init(tmp_path, ROSTER)
    before = out.read_text()
    again = runner.invoke(app, ["init", "--roster", str(tmp_path / "roster.csv"), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert out.read_text() == before
    (tmp_path / "plain.csv").write_text("id,name\na,A\n")
    bad = runner.invoke(app, ["init", "--roster", str(tmp_path / "plain.csv"), "-o",
                              str(tmp_path / "x.yaml")])
    assert bad.exit_code == 2 and "no k.<component> column" in bad.output
    (tmp_path / "caps.csv").write_text("id,k.Data\na,0.5\n")
    caps = runner.invoke(app, ["init", "--roster", str(tmp_path / "caps.csv"), "-o",
                               str(tmp_path / "y.yaml")])
    assert caps.exit_code == 2 and "blueprint.components[0].id" in caps.output
    assert not (tmp_path / "y.yaml").exists() and not list(tmp_path.glob(".tmp-*"))


@pytest.mark.skipif(GITLOGS is None, reason="shared/data/gitlogs not found beside the repo")
def test_three_commands_from_a_history_to_a_simulation(tmp_path, monkeypatch):
    """README: scan … --roster-out, init, run — on nanoGPT's real history."""
    monkeypatch.chdir(tmp_path)
    Path("stages.yaml").write_text(NANOGPT_STAGES)
    scan = runner.invoke(app, ["scan", "--log", str(GITLOGS / "nanoGPT.log.gz"), "--files",
                               str(GITLOGS / "nanoGPT.files.txt"), "--stages", "stages.yaml",
                               "--roster-out", "roster.csv"])
    assert scan.exit_code == 0, scan.output
    people = len(Path("roster.csv").read_text().splitlines()) - 1
    init_ = runner.invoke(app, ["init", "--roster", "roster.csv", "-o", "mylab.yaml"])
    assert init_.exit_code == 0, init_.output
    assert yaml.safe_load(Path("mylab.yaml").read_text())["roster"]["csv"] == "roster.csv"
    run = runner.invoke(app, ["run", "mylab.yaml"])
    assert run.exit_code == 0, run.output
    assert f"mylab[/]: {people} people" in run.output or f"mylab: {people} people" in run.output
    summary = json.loads(Path("talentmoat-results/mylab/summary.json").read_text())
    assert set(summary["strategies"]) == set(load_scenario("lean-lab").scenario.strategies)
    assert summary["provenance"]["scenario"] == "mylab"


def test_the_role_rule_applies_to_a_roster_file_only(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER)
    path = tmp_path / "s.yaml"
    path.write_text("extends: lean-lab\nname: s\nroster: {cohorts: {core: {count: 2}}, "
                    "core_per_component: 3}\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "core_per_component assigns roles to a roster csv" \
        in result.output
    path.write_text("name: s\nseed: 1\nblueprint: {components: [{id: data, weight: 0.5, "
                    "replication_cost: 1.0e6, tacit: 0.5}, {id: model, weight: 0.5, "
                    "replication_cost: 1.0e6, tacit: 0.5}]}\n"
                    "roster: {csv: roster.csv, core_per_component: 1}\n")
    assert load_scenario(path).roster.roles == ("core", "core", "contributor", "contributor",
                                                "contributor")
