"""``talentmoat investors``: payload, tables, the formal-agreement warning, bad input → exit 2."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from talentmoat.cli import app

runner = CliRunner()
LEAN = (resources.files("talentmoat.scenarios").joinpath("lean-lab.yaml").read_text()
        .replace("  valuation: 5.0e10 ", "  valuation: 5.0e7 ", 1))
"""At a $50M valuation (see tests/test_investors_sim.py: the v2 bundled lab prices key people
at billions, so no investor would route a key hire and the calculus is not exercised)."""


def write(tmp_path, old=None, new=None, name="lab.yaml"):
    text = LEAN
    if old is not None:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_json_reports_each_investor(tmp_path):
    result = runner.invoke(app, ["investors", write(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["warning"] is None and "warning" not in result.stderr
    by_name = {v["name"]: v for v in payload["investors"]}
    assert list(by_name) == ["crossover-fund", "lead-fund", "growth-fund"]
    crossover, lead = by_name["crossover-fund"], by_name["lead-fund"]
    assert crossover["decision"] == "defects" and lead["decision"] == "honours"
    # s_vp · uplift = 0.35 · 150M: the self-enforcing cost is that, less a tiny lab-stake term.
    assert crossover["companies"][0]["company_gain_per_hire"] == pytest.approx(5.25e7)
    assert 5.2e7 < crossover["self_enforcing_reputation_cost"] <= 5.25e7
    # δ = 0.9, L = 1M: the repeated game deters up to 9M — not enough for the crossover fund.
    assert crossover["repeated_game"]["threshold"] == pytest.approx(9.0e6)
    assert not crossover["repeated_game"]["sustainable"]
    assert lead["repeated_game"]["sustainable"]
    # One degree: apps-co, well-funded-startup and recruiter-x, each at 0.3 (exact).
    assert crossover["cascade_exact"]
    assert crossover["parties_reached_expected"] == pytest.approx(0.9)
    assert crossover["reach"] == pytest.approx({"apps-co": 0.3, "well-funded-startup": 0.3,
                                                "recruiter-x": 0.3})
    offers = lead["key_offers_per_year"]
    assert 0 < offers["with_request"] < offers["without_request"]
    agents = lead["companies"][0]
    # Only the people on the talent map are priced, so only they can be moved.
    assert agents["moved_without_request"] == {"people": 20, "key_people": 20}
    assert agents["moved_with_request"]["people"] == 0
    assert 0.3 < agents["offers_per_quarter"]["without_request"] < 0.5
    # ΔV per key person and party from the value model, in USD (a $50M lab: a few $M each).
    vm = payload["value_model"]
    assert vm["converged"] and vm["parties"] == ["portfolio:apps-co", "portfolio:agents-co",
                                                 "portfolio:robotics-co"]
    assert len(vm["people"]) == 20
    first = vm["people"][0]["value_lost_discounted"]["portfolio:apps-co"]
    assert first["low"] <= first["mean"] <= first["high"] and 1e6 < first["mean"] < 2e7


def test_tables():
    result = runner.invoke(app, ["investors", "lean-lab"])
    assert result.exit_code == 0, result.output
    for needle in ("crossover-fund", "apps-co", "honours", "self-enforcing",
                   "parties reached", "extra offers/yr to key people", "ΔV_lab(i → p)",
                   "portfolio:robotics-co", "lead-003", "settled in"):
        assert needle in result.stdout, needle


def test_leak_depth_two_reaches_rivals_through_the_recruiter(tmp_path):
    path = write(tmp_path, "leak_depth: 1 ", "leak_depth: 2 ")
    payload = json.loads(runner.invoke(app, ["investors", path, "--json"]).stdout)
    reach = payload["investors"][0]["reach"]
    # crossover → recruiter-x (0.3) → hyperscaler (0.5); startup directly (0.3) or via it.
    assert reach["hyperscaler"] == pytest.approx(0.15)
    assert reach["well-funded-startup"] == pytest.approx(1 - 0.7 * (1 - 0.15))


def test_formal_agreement_loads_warns_and_is_unenforceable(tmp_path):
    path = write(tmp_path, "formal_agreement: false", "formal_agreement: true")
    assert runner.invoke(app, ["validate", path]).exit_code == 0
    result = runner.invoke(app, ["investors", path, "--json"])
    assert result.exit_code == 0, result.output
    assert "per se illegal" in result.stderr and "Delivery Hero" in result.stderr
    payload = json.loads(result.stdout)
    assert "third-party intermediary" in payload["warning"]
    plain = json.loads(runner.invoke(app, ["investors", write(tmp_path, name="plain.yaml"),
                                           "--json"]).stdout)
    assert payload["investors"] == plain["investors"]  # no effect beyond the informal request
    sim = runner.invoke(app, ["simulate", path, "--reps", "2", "--quarters", "2",
                              "-s", "nonpoach_request", "--out", str(tmp_path / "o"), "--json"])
    assert sim.exit_code == 0 and "per se illegal" in sim.stderr


@pytest.mark.parametrize("old,new,needle", [
    ("stake: 0.02 ", "stake: 1.5 ", "investors.syndicate[0].stake"),
    ("{to: apps-co, leak_probability: 0.3}", "{to: apps-co, leak_probability: -0.1}",
     "investors.syndicate[0].ties[0].leak_probability"),
    ("{to: apps-co, leak_probability: 0.3}", "{to: nowhere, leak_probability: 0.3}",
     "investors.syndicate[0].ties[0].to: unknown node 'nowhere'"),
    ("{name: apps-co, stake: 0.35,", "{name: apps-co, stake: 2,",
     "investors.syndicate[0].portfolio[0].stake"),
    ("agreed_to_request: true", "agreed: true", "investors.syndicate[0].agreed"),
    ("- name: recruiter-x", "- name: apps-co", "repeated: apps-co"),
    ("formal_agreement: false", "formal_agreement: maybe", "investors.formal_agreement"),
    ("leak_depth: 1 ", "leak_depth: -1 ", "investors.leak_depth"),
])
def test_malformed_investors_are_input_errors(tmp_path, old, new, needle):
    path = write(tmp_path, old, new)
    for command in (["investors", path], ["validate", path]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert needle in result.stderr, result.stderr
        assert "Traceback" not in result.output


def test_a_scenario_without_investors():
    result = runner.invoke(app, ["investors", "capital-heavy"])
    assert result.exit_code == 0, result.output
    assert "no investors" in result.stdout
