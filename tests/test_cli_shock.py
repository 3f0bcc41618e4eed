"""The shock and people commands: what they print, and bad input exits 2 naming the option."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from talentmoat.anonymize import pseudonym, resolve_key
from talentmoat.cli import app
from talentmoat.loader import load_scenario
from talentmoat.sim.shock import poach_shock, top_people

runner = CliRunner()


def test_shock_top_json_matches_the_library():
    result = runner.invoke(app, ["shock", "lean-lab", "--top", "2", "--reps", "8", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    lab = load_scenario("lean-lab")
    people, exact = top_people(lab, 2)
    direct = poach_shock(lab, None, people, replications=8)
    assert payload["people"] == [lab.roster.ids[i] for i in people]
    assert payload["exact_optimum"] is exact is True
    assert payload["party"] == "hyperscaler"
    for key in ("share_jump", "bypassed_rd", "value_lost_discounted", "quarters_sooner"):
        assert payload[key] == direct[key]  # JSON round-trips floats exactly


def test_shock_named_people_table_and_anonymized_people():
    lab = load_scenario("lean-lab")
    ids = ",".join(lab.roster.ids[:2])
    table = runner.invoke(app, ["shock", "lean-lab", "--people", ids, "--reps", "4",
                                "--party", "well-funded-startup", "-s", "tenders"])
    assert table.exit_code == 0, table.output
    assert "well-funded-startup hires" in table.stdout and "strategy tenders" in table.stdout
    assert "quarters sooner" in table.stdout
    key = "a team key for this test only"
    anon = runner.invoke(app, ["people", "lean-lab", "--reps", "2", "--top", "3", "--json",
                               "--anonymize-key", key])
    assert anon.exit_code == 0, anon.output
    payload = json.loads(anon.stdout)
    assert len(payload["people"]) == 3
    known = {pseudonym(i, resolve_key(key)) for i in lab.roster.ids}
    assert not set(lab.roster.ids) & {row["id"] for row in payload["people"]}
    assert all(row["id"] in known for row in payload["people"])
    losses = [row["value_lost_discounted"]["mean"] for row in payload["people"]]
    assert losses == sorted(losses, reverse=True)


@pytest.mark.parametrize(("args", "field"), [
    (["--people", "nobody-1"], "--people"),
    (["--people", "lead-001,lead-001"], "--people"),
    ([], "--people/--top"),
    (["--top", "2", "--people", "lead-001"], "--people/--top"),
    (["--top", "2", "--party", "nobody"], "--party"),
    (["--top", "2", "--strategy", "nothing"], "--strategy"),
])
def test_bad_shock_input_exits_2_naming_the_option(args, field):
    result = runner.invoke(app, ["shock", "lean-lab", "--reps", "2", *args])
    assert result.exit_code == 2, result.output
    assert field in result.output and "Traceback" not in result.output
