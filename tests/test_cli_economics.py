"""The value, compute and calibrate commands on the bundled scenarios and on bad input."""

import json

import numpy as np
import pytest
from scipy.special import expit, ndtr
from typer.testing import CliRunner

from talentmoat.cli import app

runner = CliRunner()


def run_json(*args):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def finnerty_by_hand(sigma, years):
    s = sigma**2 * years
    v = np.sqrt(s + np.log(2 * (np.exp(s) - s - 1)) - 2 * np.log(np.exp(s) - 1))
    return ndtr(v / 2) - ndtr(-v / 2)


def p_vest_by_hand(attrition, vest_years=4):
    """Cliff of 1 year (a quarter of the grant), then quarterly tranches to vest_years."""
    times = np.concatenate([[1.0], 1.0 + np.arange(1, 4 * (vest_years - 1) + 1) / 4])
    later = np.full(4 * (vest_years - 1), 1 / (4 * vest_years))
    weights = np.concatenate([[1 / vest_years], later])
    return float(np.sum(weights * (1 - attrition) ** times))


@pytest.fixture(scope="module")
def lean_value():
    return run_json("value", "lean-lab")


def core(payload, pid="core-001"):
    return next(p for p in payload["people"] if p["id"] == pid)


def test_core_stay_value_by_hand(lean_value):
    person = core(lean_value)
    p_vest = p_vest_by_hand(0.16)  # the core's observed total attrition (firm.attrition)
    equity = 2.0e6 * 0.72 * p_vest * (1 - finnerty_by_hand(0.6, 6.0))
    assert person["p_vest"] == pytest.approx(p_vest)
    assert person["equity"] == pytest.approx(equity)
    assert person["stay_value"] == pytest.approx(4.0e5 + equity)
    assert person["tender"] == 0 and person["synthetic"] == 0
    assert lean_value["policies"] == []


def test_core_with_biannual_tenders_by_hand():
    payload = run_json("value", "lean-lab", "--with", "tenders")
    person = core(payload)
    p_vest = p_vest_by_hand(0.16)  # the core's observed total attrition (firm.attrition)
    # tenure 3 >= holding 2: windows at 0.5, 1.0, …, 2.5 years each sell 20 % of a year's vest
    # (slices, MODEL.md §C); the buyers take everything (fill 1), so all of it is sold at the
    # internal (common) price before the liquidity event at 6 years
    assert payload["tender_fill"] == 1.0
    assert person["tender"] == pytest.approx(2.0e6 * 0.72 * p_vest)
    assert person["equity"] == pytest.approx(0.0)


def test_offer_ratio_and_p_accept_at_a_fixed_multiple(lean_value):
    payload = run_json("value", "lean-lab", "--multiple", "2")
    person = core(payload)
    offer = person["offers"]["hyperscaler"]
    assert offer["expected_offer"] == pytest.approx(2 * (4.0e5 + 2.0e6))
    stay = person["stay_value"]
    value = 4.8e6 * (0.9 + 0.1 * (1 - 0.24)) + 0.8 * person["forfeit_per_year"]
    assert offer["offer_value"] == pytest.approx(value)
    # value uses the simulation's intercept, calibrated to the core's observed attrition
    from talentmoat.loader import load_scenario
    from talentmoat.sim.calibrate import calibrate_alpha

    cal = calibrate_alpha(load_scenario("lean-lab"))
    alpha = cal.alpha[cal.roles.index("core")]
    assert -7 < alpha < -5  # far below version 1's logit(0.10) = −2.2
    u = (alpha + 2.5 * np.log(value / stay) + 0.8 * np.log(offer["compute_ratio"])
         + 1.5 * offer["autonomy_gap"] - 1.0 * 0.3)
    assert offer["p_accept"] == pytest.approx(expit(u))
    assert offer["autonomy_gap"] == pytest.approx(0.0)


def test_p_accept_rises_with_the_multiple():
    low = core(run_json("value", "lean-lab", "--multiple", "2"))["offers"]["hyperscaler"]
    high = core(run_json("value", "lean-lab", "--multiple", "3"))["offers"]["hyperscaler"]
    assert high["p_accept"] > low["p_accept"]
    assert high["compensatory_gap"] > low["compensatory_gap"]


def test_value_table_and_gap_summary(lean_value):
    gap = lean_value["compensatory_gap"]["hyperscaler"]
    assert gap["by_role"]["core"]["people"] == 16
    total = sum(p["offers"]["hyperscaler"]["compensatory_gap"] for p in lean_value["people"])
    assert gap["total_gap_per_year"] == pytest.approx(total)
    result = runner.invoke(app, ["value", "lean-lab", "--person", "core-001"])
    assert result.exit_code == 0
    assert "core-001" in result.stdout and "hyperscaler" in result.stdout


def test_compute_command_sums_to_capacity():
    payload = run_json("compute", "lean-lab", "--with", "blue_sky")
    total = sum(p["total"] for p in payload["people"])
    assert total + payload["unallocated"] == pytest.approx(6.0e6)
    assert payload["blue_sky_reserve"] == pytest.approx(0.18 * 6.0e6)
    assert payload["blue_sky_cost_per_quarter"] == pytest.approx(0.18 * 6.0e6 * 2.0)
    # tokens: leads and core 2 each, research engineers 1, infra 0 (MODEL.md §D)
    per_token = 0.18 * 6.0e6 / (20 * 2 + 80 * 1)
    tokens = {"lead": 2, "core": 2, "research_engineer": 1, "infra_and_data": 0}
    for p in payload["people"]:
        assert p["blue_sky"] == pytest.approx(tokens[p["role"]] * per_token)
    person = core(payload)
    assert person["access_index"]["hyperscaler"] == pytest.approx(person["total"] / 2.0e5)
    base = run_json("compute", "lean-lab")
    assert base["blue_sky_reserve"] == 0
    result = runner.invoke(app, ["compute", "capital-heavy"])
    assert result.exit_code == 0 and "125,000" in result.stdout


def test_capital_heavy_tenders_raise_stay_value_and_lower_acceptance():
    with_tenders = run_json("value", "capital-heavy", "--with", "tenders")["people"]
    without = run_json("value", "capital-heavy")["people"]
    assert len(with_tenders) == len(without) == 1200
    rival = "lean-frontier-lab"
    for a, b in zip(with_tenders, without, strict=True):
        assert 0 <= a["offers"][rival]["p_accept"] <= 1
        assert a["stay_value"] >= b["stay_value"] - 1e-6
        assert a["offers"][rival]["p_accept"] <= b["offers"][rival]["p_accept"] + 1e-12
    raised = [a for a, b in zip(with_tenders, without, strict=True)
              if a["stay_value"] > b["stay_value"] * 1.01]
    assert raised and all(a["tender"] > 0 for a in raised)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["value", "lean-lab", "--with", "nonsense"], "unknown policy 'nonsense'"),
        (["value", "lean-lab", "--person", "nobody"], "unknown id(s) nobody"),
        (["value", "no-such-scenario"], "no such file"),
    ],
)
def test_value_bad_input_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_value_without_firm_names_the_field(tmp_path):
    text = (
        "name: x\nseed: 1\nblueprint:\n  components:\n    - {id: a, weight: 1, "
        "replication_cost: 1, tacit: 0.5}\nroster:\n  cohorts:\n    - {role: r, count: 2, "
        "knowledge: {default: {dist: constant, value: 0.5}}}\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    for command in ("value", "compute"):
        result = runner.invoke(app, [command, str(path)])
        assert result.exit_code == 2
        assert "firm: missing" in result.output


def test_value_from_a_roster_csv_with_economics_columns(tmp_path):
    (tmp_path / "people.csv").write_text(
        "id,role,k.a,cash,equity_grant_per_year,tenure_years\n"
        "ana,core,0.9,500000,1000000,3\n"
        "bo,core,0.2,,,\n"
    )
    (tmp_path / "lab.yaml").write_text(
        "name: csv-lab\nseed: 1\nblueprint:\n  components:\n"
        "    - {id: a, weight: 1, replication_cost: 1, tacit: 0.5}\n"
        "roster: {csv: people.csv}\n"
        "pay: {core: {cash: 100000, equity_grant_per_year: 0}}\n"
        "firm: {valuation: 1.0e9, equity: {time_to_liquidity_years: 4}}\n"
    )
    payload = run_json("value", str(tmp_path / "lab.yaml"))
    ana, bo = payload["people"]
    assert ana["cash"] == 500000 and bo["cash"] == 100000
    assert bo["equity"] == 0 and bo["stay_value"] == 100000
    p_vest = p_vest_by_hand(0.11)  # the default observed attrition (firm.attrition)
    assert ana["equity"] == pytest.approx(1e6 * 0.72 * p_vest * (1 - finnerty_by_hand(0.6, 4)))
    bad = tmp_path / "people.csv"
    bad.write_text("id,role,k.a,cash\nana,core,0.9,-5\n")
    result = runner.invoke(app, ["value", str(tmp_path / "lab.yaml")])
    assert result.exit_code == 2
    assert "line 2, column cash: -5 is out of range" in result.output
