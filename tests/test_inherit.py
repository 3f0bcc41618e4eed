"""Scenario inheritance (``extends``): one test per merge rule, then the loader's resolution."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from conftest import ROSTER, SCENARIO_TEMPLATE
from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.inherit import MAX_EXTENDS_DEPTH, MergeError, merge
from talentmoat.loader import load_scenario

runner = CliRunner()


# --- the merge rules, on plain data ------------------------------------------------------------


def test_mappings_deep_merge_and_null_removes_a_key():
    parent = {"firm": {"valuation": 1.0, "equity": {"sigma": 0.6, "dlom_model": "chaffe"}},
              "seed": 1}
    child = {"firm": {"equity": {"sigma": 0.8, "dlom_model": None}}, "name": "x"}
    assert merge(parent, child) == {
        "firm": {"valuation": 1.0, "equity": {"sigma": 0.8}}, "seed": 1, "name": "x"}
    assert parent["firm"]["equity"] == {"sigma": 0.6, "dlom_model": "chaffe"}  # not modified


def test_named_lists_merge_by_key_in_parent_order_and_append_new_items():
    parent = {"rivals": [{"name": "a", "hires_per_quarter": 1, "friction": 0.1},
                         {"name": "b", "hires_per_quarter": 2}]}
    child = {"rivals": [{"name": "c", "hires_per_quarter": 9},
                        {"name": "a", "hires_per_quarter": 5}]}
    assert merge(parent, child)["rivals"] == [
        {"name": "a", "hires_per_quarter": 5, "friction": 0.1},
        {"name": "b", "hires_per_quarter": 2},
        {"name": "c", "hires_per_quarter": 9},
    ]


@pytest.mark.parametrize(("path", "key"), [
    (("blueprint", "components"), "id"), (("roster", "cohorts"), "role"),
    (("firm", "compute", "teams"), "role"), (("investors", "syndicate"), "name"),
])
def test_each_named_list_uses_its_key(path, key):
    def nest(value):
        for part in reversed(path):
            value = {part: value}
        return value

    merged = merge(nest([{key: "x", "v": 1}, {key: "y", "v": 2}]), nest([{key: "y", "v": 3}]))
    for part in path:
        merged = merged[part]
    assert merged == [{key: "x", "v": 1}, {key: "y", "v": 3}]


def test_mapping_form_of_a_named_list_and_null_removes_an_item():
    parent = {"rivals": [{"name": "a", "hires_per_quarter": 1},
                         {"name": "b", "hires_per_quarter": 2}]}
    child = {"rivals": {"a": None, "b": {"friction": 0.5}, "c": {"hires_per_quarter": 4}}}
    assert merge(parent, child)["rivals"] == [
        {"name": "b", "hires_per_quarter": 2, "friction": 0.5},
        {"name": "c", "hires_per_quarter": 4},
    ]


def test_nested_named_lists_merge_too():
    parent = {"investors": {"syndicate": [
        {"name": "f", "portfolio": [{"name": "p", "stake": 0.1}], "ties": [
            {"to": "p", "leak_probability": 0.3}]}]}}
    child = {"investors": {"syndicate": {"f": {
        "portfolio": {"p": {"stake": 0.2}, "q": {"stake": 0.5}},
        "ties": {"p": None}}}}}
    (fund,) = merge(parent, child)["investors"]["syndicate"]
    assert fund["portfolio"] == [{"name": "p", "stake": 0.2}, {"name": "q", "stake": 0.5}]
    assert fund["ties"] == []


def test_other_lists_and_values_replace_whole():
    parent = {"policies": {"compute": {"roles": ["lead", "core"], "reserve_share": 0.18}}}
    child = {"policies": {"compute": {"roles": ["core"]}}}
    assert merge(parent, child)["policies"]["compute"] == {"roles": ["core"],
                                                           "reserve_share": 0.18}


def test_roster_alternatives_exclude_each_other():
    parent = {"roster": {"cohorts": [{"role": "x", "count": 1}]}}
    assert merge(parent, {"roster": {"csv": "r.csv"}})["roster"] == {"csv": "r.csv"}
    assert merge(parent, {"roster": "r.csv"})["roster"] == "r.csv"
    back = merge({"roster": {"csv": "r.csv"}}, {"roster": {"cohorts": []}})
    assert back["roster"] == {"cohorts": []}


def test_strategies_are_a_mapping():
    parent = {"strategies": {"baseline": [], "tenders": ["liquidity"], "all": ["liquidity"]}}
    child = {"strategies": {"all": None, "mine": ["compute"]}}
    assert merge(parent, child)["strategies"] == {"baseline": [], "tenders": ["liquidity"],
                                                  "mine": ["compute"]}


def test_named_list_items_need_their_key_once():
    with pytest.raises(MergeError, match=r"rivals\[1\]: each item needs 'name'"):
        merge({"rivals": []}, {"rivals": [{"name": "a"}, {"hires_per_quarter": 1}]})
    with pytest.raises(MergeError, match="'a' appears twice"):
        merge({"rivals": []}, {"rivals": [{"name": "a"}, {"name": "a"}]})


# --- resolution by the loader ------------------------------------------------------------------


def test_extends_a_bundled_scenario(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("extends: lean-lab\nname: mine\n"
                    "rivals: {hyperscaler: {hires_per_quarter: 7}, newco: {friction: 0.2}}\n"
                    "roster:\n  cohorts: {core: {count: 5}, infra_and_data: null}\n"
                    "firm:\n  compute: {teams: {infra_and_data: null}}\n")
    lab = load_scenario(path)
    base = load_scenario("lean-lab")
    assert lab.scenario.name == "mine"
    assert [r.name for r in lab.scenario.rivals] == ["hyperscaler", "well-funded-startup",
                                                      "newco"]
    assert lab.scenario.rivals[0].hires_per_quarter == 7
    assert lab.scenario.rivals[0].buyout_share == base.scenario.rivals[0].buyout_share
    counts = {c.role: c.count for c in lab.scenario.roster.cohorts}
    assert counts == {"lead": 4, "core": 5, "research_engineer": 80}
    assert lab.roster.size == 89
    assert [t.role for t in lab.scenario.firm.compute.teams] == ["lead", "core",
                                                                 "research_engineer"]
    assert lab.scenario.investors == base.scenario.investors
    assert lab.digest != base.digest


def test_removing_a_role_that_is_still_named_is_refused(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("extends: lean-lab\nname: mine\nroster:\n  cohorts: {infra_and_data: null}\n")
    with pytest.raises(InputError, match=r"firm.compute.teams\[3\].role: unknown role "
                       "'infra_and_data'"):
        load_scenario(path)


def test_extends_a_path_with_its_roster_relative_to_the_parent(tmp_path, tiny):
    parent = tiny()  # tiny.yaml + roster.csv in tmp_path
    sub = tmp_path / "variants"
    sub.mkdir()
    child = sub / "child.yaml"
    child.write_text("extends: ../tiny.yaml\nname: child\nseed: 9\n"
                     "blueprint:\n  components: {arch: {replication_cost: 1.0e9}}\n")
    lab = load_scenario(child)
    assert lab.roster.size == 4 and lab.scenario.seed == 9
    assert [c.replication_cost for c in lab.scenario.blueprint.components] == [1e8, 1e9, 2e7]
    assert load_scenario(parent).roster.ids == lab.roster.ids


def test_roster_shorthand(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO_TEMPLATE.replace("roster:\n  csv: roster.csv", "roster: roster.csv"))
    (tmp_path / "roster.csv").write_text(ROSTER)
    assert load_scenario(path).roster.roles == ("core", "core", "eng", "eng")


def test_cycles_and_depth_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(InputError, match=r"a cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml"):
        load_scenario(tmp_path / "a.yaml")
    for n in range(MAX_EXTENDS_DEPTH + 2):
        (tmp_path / f"l{n}.yaml").write_text(f"extends: l{n + 1}.yaml\n")
    (tmp_path / f"l{MAX_EXTENDS_DEPTH + 2}.yaml").write_text("extends: lean-lab\n")
    with pytest.raises(InputError, match=f"more than {MAX_EXTENDS_DEPTH} levels"):
        load_scenario(tmp_path / "l0.yaml")


def test_bad_extends_values(tmp_path):
    path = tmp_path / "s.yaml"
    for value, fragment in (("[lean-lab]", "expected a bundled scenario name"),
                            ("nowhere.yaml", "no such file"),
                            ("no-such-lab", "not a bundled scenario")):
        path.write_text(f"extends: {value}\nname: s\n")
        with pytest.raises(InputError, match=fragment):
            load_scenario(path)


def test_validate_show_prints_the_resolved_scenario(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("extends: lean-lab\nname: mine\nsimulation: {replications: 50}\n")
    result = runner.invoke(app, ["validate", str(path), "--show"])
    assert result.exit_code == 0, result.output
    shown = yaml.safe_load(result.stdout)
    assert shown["name"] == "mine" and shown["simulation"]["replications"] == 50
    assert len(shown["rivals"]) == 2 and "extends" not in shown
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(result.stdout)
    assert load_scenario(resolved).scenario == load_scenario(path).scenario
