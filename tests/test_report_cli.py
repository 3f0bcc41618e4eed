"""``talentmoat report`` and ``serve`` on the command line: files, anonymity, refusals."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources

import pytest
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.cli.reporting import SHOCK_TOP
from talentmoat.loader import load_scenario
from talentmoat.sim.shock import person_values, poach_shock, top_people

runner = CliRunner()
SMALL = ["--reps", "6", "--quarters", "3"]
MAX_BYTES = 6_000_000


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A stored result of a scenario file (so the report can find and check the scenario)."""
    root = tmp_path_factory.mktemp("results")
    scenario = root / "lab.yaml"
    shutil.copy(resources.files("talentmoat.scenarios") / "lean-lab.yaml", scenario)
    out = root / "out"
    r = runner.invoke(app, ["simulate", str(scenario), *SMALL, "--out", str(out)])
    assert r.exit_code == 0, r.output
    return scenario, out


def _section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z]+)">', html)


def test_report_from_stored_results_has_every_section(results, tmp_path):
    _, out = results
    target = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(out), "-o", str(target)])
    assert r.exit_code == 0, r.output
    html = target.read_text()
    assert _section_ids(html) == ["knowledge", "shock", "comparison", "trajectories",
                                  "investors", "provenance"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["provenance"]["scenario_sha256"] in html
    assert target.stat().st_size < MAX_BYTES and oct(target.stat().st_mode)[-3:] == "644"


def test_a_changed_scenario_drops_its_sections_with_a_note(results, tmp_path):
    scenario, out = results
    moved = tmp_path / "copy"
    shutil.copytree(out, moved)
    original = scenario.read_text()
    try:
        scenario.write_text(original.replace("seed: 20261128", "seed: 1", 1))
        r = runner.invoke(app, ["report", str(moved), "-o", str(tmp_path / "r.html")])
    finally:
        scenario.write_text(original)
    assert r.exit_code == 0, r.output
    html = (tmp_path / "r.html").read_text()
    assert "changed since this run" in html
    assert _section_ids(html) == ["comparison", "trajectories", "provenance"]


def _leaks(html: str, scenario) -> list[str]:
    lab = load_scenario(scenario)
    secrets = {*lab.roster.ids, *lab.roster.names, lab.digest, str(scenario)}
    return [x for x in secrets if x in html]


def test_anonymized_report_leaves_no_roster_id_name_path_or_digest(results, tmp_path):
    scenario, out = results
    target = tmp_path / "anon.html"
    r = runner.invoke(app, ["report", str(scenario), *SMALL, "-o", str(target), "--anonymize"])
    assert r.exit_code == 0, r.output
    html = target.read_text()
    assert _leaks(html, scenario) == []
    assert {"knowledge", "shock"} <= set(_section_ids(html))  # there, under pseudonyms
    assert "HMAC-SHA-256" in html
    stored = tmp_path / "stored.html"  # from stored (not anonymized) results, too
    r = runner.invoke(app, ["report", str(out), "-o", str(stored), "--anonymize"])
    assert r.exit_code == 0 and _leaks(stored.read_text(), scenario) == []
    plain = tmp_path / "plain.html"
    assert runner.invoke(app, ["report", str(scenario), *SMALL, "-o", str(plain)]).exit_code == 0
    assert len(_leaks(plain.read_text(), scenario)) > 100  # the grep finds what it looks for
    lab = load_scenario(scenario)
    top = [lab.roster.ids[i] for i in top_people(lab, SHOCK_TOP)[0]]
    said = re.search(r"<p>If \S+ hires (.*?) at quarter 0", plain.read_text())[1]
    assert said == f"{', '.join(top[:-1])} and {top[-1]}"  # the shock names them, in plain
    assert re.search(r"<p>If \S+ hires (.*?) at quarter 0", html)[1] != said


def test_report_shock_section_says_whom_it_values_on_the_run_dimensions(results):
    from talentmoat.cli.privacy import People
    from talentmoat.cli.reporting import VALUE_CANDIDATES, shock_payloads
    from talentmoat.knowledge.coverage import standalone_share

    scenario, out = results
    lab = load_scenario(scenario)
    payload = json.loads((out / "summary.json").read_text())
    standalone = standalone_share(lab.roster.K, lab.scenario.blueprint.weights).tolist()
    shock, values = shock_payloads(lab, payload, standalone, People(lab, None))
    assert (shock["replications"], shock["quarters"]) == (6, 3)  # the run's
    assert shock["people"] == [lab.roster.ids[i] for i in top_people(lab, SHOCK_TOP)[0]]
    ranked = sorted(range(len(standalone)), key=lambda i: -standalone[i])[:VALUE_CANDIDATES]
    assert {r["id"] for r in values["people"]} == {lab.roster.ids[i] for i in ranked}
    assert values["replications"] == 6 and values["selection"].startswith("the 20 of 150 people")
    means = [r["value_lost_discounted"]["mean"] for r in values["people"]]
    assert means == sorted(means, reverse=True)
    dims = {"replications": 6, "quarters": 3, "seed": payload["provenance"]["seed"]}
    direct = poach_shock(lab, None, top_people(lab, SHOCK_TOP)[0], **dims)  # one calibration
    assert shock["value_lost_discounted"] == direct["value_lost_discounted"]  # reused: the same
    alone = person_values(lab, None, people=ranked, **dims)["people"]
    assert [r["value_lost_discounted"] for r in values["people"]] == [
        r["value_lost_discounted"] for r in alone]
    one = payload | {"provenance": payload["provenance"] | {"replications": 1}}
    assert shock_payloads(lab, one, standalone, People(lab, None)) == (None, None)  # no CI


def test_bad_report_sources_are_one_line_errors(tmp_path):
    r = runner.invoke(app, ["report", str(tmp_path / "missing.yaml")])
    assert r.exit_code == 2 and "no such file" in r.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "summary.json").write_text("{not json")
    r = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "invalid JSON" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "x.html").exists()


def test_serve_refuses_a_remote_address_without_the_flag():
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "--allow-remote" in r.stderr
    r = runner.invoke(app, ["serve", "no-such-scenario"])
    assert r.exit_code == 2 and "not a bundled scenario" in r.stderr


def test_report_replaces_only_an_earlier_report_never_a_users_file(results, tmp_path):
    _, out = results
    mine = tmp_path / "notes.html"
    mine.write_text("<html>my own page</html>")
    r = runner.invoke(app, ["report", str(out), "-o", str(mine)])
    assert r.exit_code == 2 and "not a talentmoat report" in r.output
    assert mine.read_text() == "<html>my own page</html>"
    ours = tmp_path / "r.html"
    for _ in range(2):  # the second run replaces the first report
        r = runner.invoke(app, ["report", str(out), "-o", str(ours)])
        assert r.exit_code == 0, r.output
    assert 'content="talentmoat report"' in ours.read_text()[:4096]


def test_run_lists_its_report_in_the_result_manifest(tmp_path):
    out = tmp_path / "res"
    for _ in range(2):  # a second run must accept the folder the first one wrote
        r = runner.invoke(app, ["run", "lean-lab", "--out", str(out)])
        assert r.exit_code == 0, r.output
    manifest = json.loads((out / "talentmoat-manifest.json").read_text())
    assert "report.html" in manifest["files"]
