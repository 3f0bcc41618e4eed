"""Raids (MODEL.md §I): validated in the schema, and in the engine they raise departures to
their party in their quarters only (paired, on common random numbers)."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import numpy as np
import pytest
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.loader import load_scenario
from talentmoat.sim.draws import draw
from talentmoat.sim.engine import simulate_strategy, slots
from talentmoat.sim.results import paired
from talentmoat.sim.shock import prepare

runner = CliRunner()
RAID = """      - start_quarter: 2
        quarters: 2
        hires_per_quarter: 12
        offer_multiple_scale: 2.5
"""


def _text() -> str:
    return (resources.files("talentmoat.scenarios") / "lean-lab-raid.yaml").read_text()


@pytest.mark.parametrize(("raid", "field"), [
    (RAID.replace("start_quarter: 2", "start_quarter: 15"), "rivals[0].raids[0]"),
    (RAID + RAID.replace("start_quarter: 2", "start_quarter: 3"), "rivals[0].raids[1]"),
    (RAID.replace("hires_per_quarter: 12", "hires_per_quarter: 0"), "hires_per_quarter"),
    (RAID.replace("quarters: 2\n", "quarters: 0\n"), "quarters"),
    (RAID.replace("offer_multiple_scale: 2.5", "offer_multiple_scale: -1"),
     "offer_multiple_scale"),
])
def test_bad_raids_exit_2_naming_the_field(tmp_path, raid, field):
    text = _text()
    assert RAID in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(RAID, raid))
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2, result.output
    assert field in result.output and "Traceback" not in result.output


def test_adjacent_raids_are_valid(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(_text().replace(RAID, RAID + RAID.replace("start_quarter: 2",
                                                              "start_quarter: 4")))
    assert load_scenario(str(good)).scenario.rivals[0].raids[1].start_quarter == 4


def test_raid_raises_departures_to_its_party_in_its_quarters_only():
    lab = load_scenario("lean-lab-raid")
    prep = prepare(lab, replications=200)
    raid = lab.scenario.rivals[0].raids[0]
    setup = prep.setup
    calm = replace(setup, parties=[replace(p, raids=()) for p in setup.parties])
    n = setup.K.shape[0]
    draws = draw(prep.seed, range(prep.replications), prep.quarters, n, len(setup.parties),
                 slots([setup]))
    hot = simulate_strategy(setup, prep.world, draws).departures[:, :, 0]
    cold = simulate_strategy(calm, prep.world, draws).departures[:, :, 0]
    before = slice(0, raid.start_quarter)
    during = slice(raid.start_quarter, raid.start_quarter + raid.quarters)
    after = slice(raid.start_quarter + raid.quarters, None)
    assert np.array_equal(hot[:, before], cold[:, before])  # same draws, same path
    raised = paired(hot[:, during].sum(axis=1) - cold[:, during].sum(axis=1))
    assert raised["low"] > 0.5
    later = paired(hot[:, after].sum(axis=1) - cold[:, after].sum(axis=1))
    assert later["low"] <= 0.0  # no raise once the raid is over
    to_other = [simulate_strategy(x, prep.world, draws).departures[:, during, 1].sum(axis=1)
                for x in (setup, calm)]
    assert paired(to_other[0] - to_other[1])["low"] <= 0.0  # the raid is its party's alone


def test_simulate_shows_the_raid(tmp_path):
    result = runner.invoke(app, ["simulate", "lean-lab-raid", "--reps", "4", "--quarters", "4",
                                 "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert ("raid: hyperscaler in quarters 3–4, 12 offers a quarter at 2.5× its usual multiple"
            in result.stdout)
    payload = runner.invoke(app, ["compare", "lean-lab-raid", "--reps", "2", "--quarters", "2",
                                  "-s", "tenders", "--json", "--out", str(tmp_path / "b")])
    raids = json.loads(payload.stdout)["raids"]
    assert raids == {"hyperscaler": [{"start_quarter": 2, "quarters": 2,
                                      "hires_per_quarter": 12.0, "offer_multiple_scale": 2.5}]}
