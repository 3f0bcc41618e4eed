"""Scenario sections firm, rivals, behaviour, policies, pay; roster economics columns."""

import numpy as np
import pytest
import yaml

from talentmoat.compensation import resolve_pay
from talentmoat.errors import InputError
from talentmoat.lab_economics import active_policies, assess, lab_compute
from talentmoat.loader import load_scenario, parse_scenario
from talentmoat.roster import read_roster_csv
from talentmoat.scenario import Policies

BASE = {
    "name": "t",
    "seed": 1,
    "blueprint": {"components": [{"id": "a", "weight": 1, "replication_cost": 1, "tacit": 0.5}]},
    "roster": {"cohorts": [
        {"role": "core", "count": 2, "cash": 1.0e5, "knowledge": {"default": {"dist": "constant",
                                                                             "value": 0.5}}},
        {"role": "eng", "count": 3, "knowledge": {"default": {"dist": "constant", "value": 0.1}}},
    ]},
}


def scenario(**sections):
    return parse_scenario(yaml.safe_dump({**BASE, **sections}), "s.yaml")


def errors(**sections):
    with pytest.raises(InputError) as info:
        scenario(**sections)
    return info.value.render()


def test_defaults_from_refs_section_8():
    s = scenario(firm={"valuation": 1e9})
    assert s.firm.attrition.total == {"default": 0.11}
    assert s.firm.equity.common_to_preferred == 0.72
    assert s.firm.equity.sigma == 0.6
    assert s.firm.equity.time_to_liquidity_years == 6
    assert s.firm.equity.dlom_model == "finnerty"
    assert s.behaviour.beta_comp == 2.5 and s.behaviour.p_accept_at_parity == 0.10
    assert s.policies.tenders is None


def test_schema_errors_name_the_field():
    assert "firm.valuation: Input should be greater than 0" in errors(firm={"valuation": 0})
    assert "firm.equity.dlom_model" in errors(firm={"valuation": 1, "equity": {"dlom_model": "x"}})
    assert "rivals[0].colour: unknown field" in errors(rivals=[{"name": "r", "colour": 1}])
    assert "each name once; repeated: r" in errors(rivals=[{"name": "r"}, {"name": "r"}])
    assert "policies.tenders.windows_per_year" in errors(
        policies={"tenders": {"windows_per_year": 0}}
    )
    assert "rivals[0].offer_multiple.median" in errors(
        rivals=[{"name": "r", "offer_multiple": {"dist": "lognormal", "median": -1, "sigma": 0}}]
    )
    assert "roster.cohorts[0].vest_years" in errors(roster={"cohorts": [
        {**BASE["roster"]["cohorts"][0], "vest_years": 0}]})


def test_pay_precedence():
    s = scenario(pay={"default": {"cash": 7.0, "equity_grant_per_year": 3.0}, "core": {"cash": 9}})
    lab_roster = load_from(s)
    pay = resolve_pay(s, lab_roster)
    # core: the cohort's cash wins; the role default gives the rest (Pay defaults for unset)
    assert pay.cash.tolist() == [1.0e5, 1.0e5, 7.0, 7.0, 7.0]
    assert pay.equity_grant_per_year.tolist() == [2.0e6, 2.0e6, 3.0, 3.0, 3.0]
    assert pay.vest_years.tolist() == [4.0] * 5


def load_from(s):
    from talentmoat.roster import generate_cohorts

    return generate_cohorts(s.roster.cohorts, s.blueprint.ids, s.seed)


def test_roster_csv_economics_columns():
    text = "id,role,k.a,cash,equity_grant_per_year,vest_years,tenure_years\n" \
           "x,core,0.5,1e5,,4,1\ny,eng,0.2,,2e5,,\n"
    roster = read_roster_csv(text, "r.csv", ["a"])
    assert roster.pay["cash"][0] == 1e5 and np.isnan(roster.pay["cash"][1])
    assert roster.pay["equity_grant_per_year"][1] == 2e5
    bad = "id,k.a,cash,vest_years,tenure_years\nx,0.5,lots,0,-1\n"
    with pytest.raises(InputError) as info:
        read_roster_csv(bad, "r.csv", ["a"])
    text = info.value.render()
    assert "r.csv: line 2, column cash: 'lots' is not a number" in text
    assert "line 2, column vest_years: 0 is out of range; expected > 0" in text
    assert "line 2, column tenure_years: -1 is out of range; expected >= 0" in text


def test_roster_without_economics_columns_still_loads():
    roster = read_roster_csv("id,k.a\nx,0.5\n", "r.csv", ["a"])
    assert np.isnan(roster.pay["cash"]).all()


def test_policy_switches():
    p = Policies.model_validate({"tenders": {"enabled": False}, "blue_sky": {}})
    assert active_policies(p, set(), set()) == ("blue_sky",)
    assert active_policies(p, {"tenders"}, set()) == ("tenders", "blue_sky")
    assert active_policies(p, {"synthetic_equity"}, {"blue_sky"}) == ("synthetic_equity",)


def test_unknown_roles_in_policies_are_input_errors(tmp_path):
    text = yaml.safe_dump({
        **BASE,
        "firm": {"valuation": 1e9, "compute": {"gpu_hours_per_quarter": 100,
                                               "teams": [{"role": "core", "share": 1}]}},
    })
    path = tmp_path / "s.yaml"
    path.write_text(text)
    lab = load_scenario(path)
    with pytest.raises(InputError, match=r"firm.compute.teams: no team for role\(s\) eng"):
        lab_compute(lab, ())


def test_synthetic_units_split_by_grant():
    s = {**BASE, "firm": {"valuation": 1e9},
         "policies": {"synthetic_equity": {"pool_share_per_year": 0.01, "metric_hit": 1.0,
                                           "roles": ["core"], "vest_quarters": 4}}}
    lab = load_scenario_text(s)
    a = assess(lab, ("synthetic_equity",))
    # pool 1e7 a year split over the two core people's equal grants, times survival to 1 year
    assert a.package.synthetic.tolist() == pytest.approx([5e6 * 0.89] * 2 + [0.0] * 3)
    assert a.package.forfeit_stock[0] > a.package.forfeit_stock[2]


def load_scenario_text(data):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.yaml"
        path.write_text(yaml.safe_dump(data))
        return load_scenario(path)


def test_exit_scenarios_switch_to_pwerm():
    exits = [
        {"name": "ipo", "probability": 0.25, "years": 4, "payoff_per_preferred_dollar": 4.0},
        {"name": "acquired", "probability": 0.35, "years": 3, "payoff_per_preferred_dollar": 1.5},
        {"name": "failed", "probability": 0.15, "years": 2, "payoff_per_preferred_dollar": 0},
        {"name": "private", "probability": 0.25, "years": 5, "payoff_per_preferred_dollar": 1.0},
    ]
    lab = load_scenario_text({**BASE, "firm": {"valuation": 1e9, "equity": {"exits": exits}}})
    a = assess(lab, ())
    # refs §1.4 Oracle 4 per dollar: 0.760320
    assert a.package.equity[0] == pytest.approx(2e6 * a.package.p_vest[0] * 0.76032)
    bad = [{**exits[0], "probability": 0.5}, *exits[1:]]
    assert "probabilities sum to 1.25" in errors(firm={"valuation": 1, "equity": {"exits": bad}})


def test_fair_tree_option_for_directed_compute():
    teams = [{"role": "core", "share": 1, "usage": 0.6}, {"role": "eng", "share": 1, "usage": 0.1}]
    data = {**BASE, "firm": {"valuation": 1e9, "compute": {
        "gpu_hours_per_quarter": 1000, "teams": teams, "fair_share": "fair_tree"}}}
    c = lab_compute(load_scenario_text(data), ())
    # eng has the higher level fairshare (0.5/0.14 > 0.5/0.86): rank 2/2, core 1/2
    assert c.team_fair_share.tolist() == [0.5, 1.0]
    assert c.team_hours.tolist() == pytest.approx([1000 / 3, 2000 / 3])
    classic = {**data, "firm": {**data["firm"], "compute": {**data["firm"]["compute"],
                                                            "fair_share": "classic"}}}
    c2 = lab_compute(load_scenario_text(classic), ())
    assert c2.team_fair_share.tolist() == pytest.approx([2 ** -1.2, 2 ** -0.2])
