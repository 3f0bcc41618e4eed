"""Malformed scenarios and rosters: exit code 2, a message naming file and place, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import ROSTER, SCENARIO_TEMPLATE
from talentmoat.cli import app

runner = CliRunner()


def fails(path, *expected: str) -> None:
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    message = result.stderr
    for fragment in expected:
        assert fragment in message, (fragment, message)


SCENARIO_CASES = {
    "yaml syntax": (SCENARIO_TEMPLATE.replace("seed: 7", "seed: [7"), ["line", "invalid YAML"]),
    "not a mapping": ("- just\n- a list\n", ["expected a mapping"]),
    "weights off": (SCENARIO_TEMPLATE.replace("weight: 0.2,", "weight: 0.25,"),
                    ["blueprint", "weights sum to 1.05", "must sum to 1"]),
    "tacit above 1": (SCENARIO_TEMPLATE.replace("tacit: 0.5", "tacit: 1.5"),
                      ["blueprint.components[1].tacit", "less than or equal to 1"]),
    "unknown field": (SCENARIO_TEMPLATE.replace("seed: 7", "seed: 7\nsede: 8"),
                      ["sede", "unknown field"]),
    "missing seed": (SCENARIO_TEMPLATE.replace("seed: 7\n", ""), ["seed", "Field required"]),
    "seed not int": (SCENARIO_TEMPLATE.replace("seed: 7", "seed: seven"), ["seed"]),
    "duplicate component": (SCENARIO_TEMPLATE.replace("id: arch", "id: data"),
                            ["component ids must be unique", "data"]),
    "bad component id": (SCENARIO_TEMPLATE.replace("id: arch", "id: Arch Itecture"),
                         ["blueprint.components[1].id"]),
    "csv and cohorts": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  csv: roster.csv\n  cohorts: [{role: x, count: 1, knowledge: "
        "{default: {dist: constant, value: 0.1}}}]"), ["exactly one of 'csv'"]),
    "unknown cohort component": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  cohorts: [{role: x, count: 2, knowledge: "
        "{default: {dist: constant, value: 0.1}, magic: {dist: constant, value: 0.5}}}]"),
        ["roster.cohorts[0].knowledge", "unknown component 'magic'"]),
    "cohort missing default": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  cohorts: [{role: x, count: 2, knowledge: "
        "{data: {dist: constant, value: 0.1}}}]"), ["no distribution for arch, integration"]),
    "unknown distribution": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  cohorts: [{role: x, count: 2, knowledge: "
        "{default: {dist: gamma, k: 1}}}]"), ["roster.cohorts[0].knowledge.default"]),
    "beta without b": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  cohorts: [{role: x, count: 2, knowledge: "
        "{default: {dist: beta, a: 1}}}]"), ["roster.cohorts[0].knowledge.default.b"]),
    "too many specialties": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  cohorts: [{role: x, count: 2, specialties: {count: 4, "
        "knowledge: {dist: constant, value: 0.9}}, knowledge: "
        "{default: {dist: constant, value: 0.1}}}]"), ["specialties.count is 4"]),
    "repeated role": (SCENARIO_TEMPLATE.replace(
        "  csv: roster.csv", "  cohorts: [{role: x, count: 1, knowledge: {default: "
        "{dist: constant, value: 0.1}}}, {role: x, count: 1, knowledge: {default: "
        "{dist: constant, value: 0.1}}}]"), ["repeated: x"]),
    "residual above threshold": (SCENARIO_TEMPLATE + "knowledge:\n  plan: {residual: 0.6}\n",
                                 ["knowledge.plan.residual"]),
    "unknown org component": (SCENARIO_TEMPLATE + "knowledge:\n  plan: {org_holds: [nope]}\n",
                              ["knowledge.plan.org_holds", "nope"]),
    "empty file": ("", ["expected a mapping"]),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_bad_scenario(tiny, case):
    text, expected = SCENARIO_CASES[case]
    path = tiny(scenario=text)
    fails(path, str(path), *expected)


ROSTER_CASES = {
    "empty": ("", ["roster.csv", "empty"]),
    "header only": ("id,k.data,k.arch,k.integration\n", ["no people"]),
    "no id column": ("name,k.data,k.arch,k.integration\nA,0.1,0.1,0.1\n",
                     ["line 1", "missing required column 'id'"]),
    "unknown component": (ROSTER.replace("k.integration", "k.integrate"),
                          ["line 1, column k.integrate", "unknown component 'integrate'",
                           "missing column 'k.integration'"]),
    "unknown column": (ROSTER.replace("role,", "salary,"), ["column salary", "unknown column"]),
    "duplicate id": (ROSTER.replace("c,Cy", "a,Cy"),
                     ["line 4, column id", "duplicate id 'a' (first on line 2)"]),
    "missing id": (ROSTER.replace("c,Cy", ",Cy"), ["line 4, column id", "missing id"]),
    "out of range": (ROSTER.replace("0.8,0.0", "1.8,0.0"),
                     ["line 3, column k.arch", "outside [0, 1]"]),
    "not a number": (ROSTER.replace("0.8,0.0", "high,0.0"),
                     ["line 3, column k.arch", "'high' is not a number"]),
    "nan": (ROSTER.replace("0.8,0.0", "nan,0.0"), ["line 3, column k.arch", "outside [0, 1]"]),
    "ragged row": (ROSTER + "e,Ed,eng,0.1\n", ["line 6", "has 4 fields; the header has 6"]),
    "duplicate column": ("id,k.data,k.data,k.arch,k.integration\na,1,1,1,1\n",
                         ["column k.data", "more than once"]),
}


@pytest.mark.parametrize("case", sorted(ROSTER_CASES))
def test_bad_roster(tiny, case):
    text, expected = ROSTER_CASES[case]
    fails(tiny(roster=text), *expected)


def test_missing_roster_file(tiny):
    fails(tiny(roster=None), "roster.csv", "no such file")


def test_missing_scenario_and_unknown_name(tmp_path):
    fails(tmp_path / "absent.yaml", "absent.yaml", "no such file")
    fails("no-such-lab", "not a bundled scenario", "lean-lab")


def test_directory_and_binary_files(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    fails(tmp_path / "dir.yaml", "is a directory")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    fails(tmp_path / "bin.yaml", "not UTF-8")


def test_yaml_tags_are_never_executed(tiny, tmp_path):
    marker = tmp_path / "pwned"
    text = f"!!python/object/apply:os.system ['touch {marker}']\n"
    fails(tiny(scenario=text), "line 1, column 1", "is not accepted")
    assert not marker.exists()


def test_every_command_reports_bad_input_without_traceback(tiny):
    path = tiny(scenario=SCENARIO_TEMPLATE.replace("tacit: 0.5", "tacit: 1.5"))
    for command in (["knowledge", str(path)], ["plan", str(path)], ["run", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2 and "tacit" in result.stderr


def test_the_console_script_prints_no_traceback(tiny):
    path = tiny(roster=ROSTER.replace("0.8,0.0", "high,0.0"))
    proc = subprocess.run(
        [sys.executable, "-c", "from talentmoat.cli import main; main()", "validate", str(path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "line 3, column k.arch" in proc.stderr
    assert proc.stdout == ""
