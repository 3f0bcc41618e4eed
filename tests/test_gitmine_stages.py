"""Stage rules, exclusions, the K matrix, per-stage truck factors, roster export, anonymizing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import GitRepo, body
from talentmoat.cli import app
from talentmoat.roster import read_roster_csv

runner = CliRunner()
ALICE = ("Alice Liddell", "alice@lab.org")
BOB = ("Bob Builder", "bob@lab.org")
STAGES = """
stages:
  data_curation: [data/]
  architecture: [model/]
  training: ["/train/*.py"]
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitRepo:
    r = GitRepo(tmp_path_factory.mktemp("stages") / "repo")
    r.commit(ALICE, 1, {"data/prep.py": body("prep"), "data/clean.py": body("clean"),
                        "model/net.py": body("net"), "tests/test_net.py": body("t"),
                        "docs/guide.md": body("guide"), "README.md": body("readme")})
    (r.path / "assets").mkdir()
    (r.path / "assets" / "weights.dat").write_bytes(bytes(range(256)) * 4)
    r.commit(ALICE, 2, message="binary")
    r.commit(BOB, 3, {"model/layers.py": body("layers", 60), "train/loop.py": body("loop"),
                      "train/opt.py": body("opt")})
    return r


def stage_file(tmp_path, text: str = STAGES) -> str:
    path = tmp_path / "stages.yaml"
    path.write_text(text)
    return str(path)


def scan_json(repo, *args):
    out = runner.invoke(app, ["scan", str(repo.path), "--json", *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def k_of(payload, stage):
    return {h["name"]: h["k"] for h in payload["stages"][stage]["holders"]}


def test_default_excludes_and_per_stage_results(repo, tmp_path):
    payload = scan_json(repo, "--stages", stage_file(tmp_path))
    # tests/, docs/, README.md and the binary file are excluded by default
    assert (payload["files"], payload["files_excluded"], payload["files_unstaged"]) == (6, 4, 0)
    assert {s: payload["stages"][s]["files"] for s in payload["stages"]} == {
        "data_curation": 2, "architecture": 2, "training": 2}
    assert k_of(payload, "data_curation") == {"Alice Liddell": 1.0}
    assert k_of(payload, "architecture") == {"Alice Liddell": 0.5, "Bob Builder": 0.5}
    assert k_of(payload, "training") == {"Bob Builder": 1.0}
    per_stage = payload["truck_factor"]["per_stage"]
    assert per_stage["data_curation"]["tf"] == 1
    assert per_stage["architecture"]["tf"] == 2  # one leaver leaves 50 %: not yet < 50 %
    assert per_stage["training"]["authors"] == [{"name": "Bob Builder", "files": 2}]
    assert payload["truck_factor"]["overall"]["tf"] == 2


def test_weight_by_lines(repo, tmp_path):
    payload = scan_json(repo, "--stages", stage_file(tmp_path), "--weight", "lines")
    assert k_of(payload, "architecture") == {"Bob Builder": 0.75, "Alice Liddell": 0.25}
    assert payload["stages"]["architecture"]["lines"] == 80


def test_avelino_mode_excludes_nothing_unless_told(repo, tmp_path):
    payload = scan_json(repo, "--stages", stage_file(tmp_path), "--mode", "avelino")
    assert (payload["files"], payload["files_excluded"], payload["files_unstaged"]) == (10, 0, 4)
    told = stage_file(tmp_path, STAGES + "exclude: [tests/, '*.md']\n")
    payload = scan_json(repo, "--stages", told, "--mode", "avelino")
    assert (payload["files"], payload["files_excluded"]) == (7, 3)


def test_empty_exclude_turns_exclusion_off(repo, tmp_path):
    payload = scan_json(repo, "--stages", stage_file(tmp_path, STAGES + "exclude: []\n"))
    assert payload["files_excluded"] == 0 and payload["files"] == 10


def test_negation_and_first_stage_wins(repo, tmp_path):
    text = """
stages:
  architecture: [model/, "!model/layers.py"]
  everything: ["*.py"]
"""
    payload = scan_json(repo, "--stages", stage_file(tmp_path, text))
    assert payload["stages"]["architecture"]["files"] == 1
    assert payload["stages"]["everything"]["files"] == 5


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("stages:\n  data_curation: [nothere/]\n",
         ["stages.data_curation[0]", "'nothere/' matches no file"]),
        ("stages:\n  Data-Curation: [data/]\n", ["unknown stage id 'Data-Curation'"]),
        ("stagez:\n  data: [data/]\n", ["stagez: unknown key", "stages: expected"]),
        ("stages:\n  docs_stage: [docs/]\n", ["stages.docs_stage", "no file left"]),
        ("stages: [\n", ["invalid YAML", "line 2"]),
        ("stages:\n  data: ['\\']\n", ["stages.data[0]", "invalid pattern"]),
        ("stages:\n  data: [3]\n", ["stages.data", "list of non-empty pattern strings"]),
        ("- a\n- b\n", ["expected a mapping"]),
    ],
)
def test_stage_rule_errors(repo, tmp_path, text, fragments):
    roster = tmp_path / "roster.csv"
    out = runner.invoke(app, ["scan", str(repo.path), "--stages", stage_file(tmp_path, text),
                              "--roster-out", str(roster)])
    assert out.exit_code == 2, out.output
    for fragment in fragments:
        assert fragment in out.output
    assert "stages.yaml" in out.output
    assert not roster.exists()


def test_roster_round_trip(repo, tmp_path):
    roster = tmp_path / "roster.csv"
    payload = scan_json(repo, "--stages", stage_file(tmp_path), "--roster-out", str(roster))
    components = ["data_curation", "architecture", "training"]
    text = roster.read_text()
    people = read_roster_csv(text, str(roster), components)
    assert people.size == 2 and set(people.names) == {"Alice Liddell", "Bob Builder"}
    alice = people.names.index("Alice Liddell")
    np.testing.assert_allclose(people.K[alice], [1.0, 0.5, 0.0])
    assert all(i.startswith("dev-") for i in people.ids)
    assert payload["files"] == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv", "stages.yaml"]


def test_roster_without_stages_has_one_codebase_column(repo, tmp_path):
    roster = tmp_path / "r.csv"
    scan_json(repo, "--roster-out", str(roster))
    people = read_roster_csv(roster.read_text(), str(roster), ["codebase"])
    np.testing.assert_allclose(sorted(people.K[:, 0]), [0.5, 0.5])


def test_anonymize_leaves_no_name_or_email(repo, tmp_path):
    roster = tmp_path / "anon.csv"
    args = ["scan", str(repo.path), "--stages", stage_file(tmp_path), "--anonymize"]
    as_json = runner.invoke(app, [*args, "--json", "--roster-out", str(roster)])
    as_table = runner.invoke(app, args)
    assert as_json.exit_code == 0 and as_table.exit_code == 0
    outputs = [as_json.output, as_table.output, roster.read_text()]
    for text in outputs:
        lowered = text.lower()
        for secret in ("alice", "liddell", "bob", "builder", "lab.org", str(repo.path)):
            assert secret not in lowered, secret
    payload = json.loads(as_json.stdout)
    names = {h["name"] for h in payload["top_holders"]}
    assert len(names) == 2 and all(n.startswith("dev-") for n in names)
    people = read_roster_csv(roster.read_text(), "anon.csv",
                             ["data_curation", "architecture", "training"])
    assert set(people.ids) == names == set(people.names)
    again = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert {h["name"] for h in again["top_holders"]} == names  # stable pseudonyms
