"""Each class of bad input an outside fuzzing run found: exit 2 with a message, never a traceback,
never a hang, never a silent yes (issue 13, and the input mends of issue 16)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROSTER, SCENARIO_TEMPLATE
from talentmoat.cli import app
from talentmoat.inputfiles import MAX_INPUT_BYTES
from talentmoat.loader import MAX_SCENARIO_BYTES
from talentmoat.safeyaml import MAX_DEPTH, MAX_NODES

runner = CliRunner()
SHA = "a" * 40
BLOB = "b" * 40


def refused(args: list[str], *fragments: str) -> str:
    """Run a command, assert exit 2 with every fragment in the message and no traceback."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, (fragment, result.output)
    return result.output


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def history(times: list[int]) -> str:
    """An exported log with one commit per author time, each adding a file."""
    return "".join(
        f"@@commit {SHA[:-2]}{k:02x}\t{t}\tDev {k}\tdev{k}@example.org\n\n"
        f":000000 100644 {'0' * 40} {BLOB} A\tf{k}.py\n1\t0\tf{k}.py\n"
        for k, t in enumerate(times))


# --- YAML: depth, duplicate keys, tags, booleans and non-finite numbers ---------------------


def test_deep_nesting_in_a_scenario_and_a_stage_file(tmp_path):
    deep = "x: " + "[" * 5000 + "]" * 5000 + "\n"
    refused(["validate", write(tmp_path / "s.yaml", SCENARIO_TEMPLATE + deep)],
            f"nested more than {MAX_DEPTH} levels deep")
    block = "stages:\n" + "".join("  " * (k + 1) + f"k{k}:\n" for k in range(400))
    refused(["scan", "--log", "x.log", "--files", "x.txt", "--stages",
             write(tmp_path / "stages.yaml", block)], "stages.yaml", "nested more than")


def test_self_multiplying_anchors_are_refused_quickly(tiny):
    bomb = "bomb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"bomb{k}: &b{k} [{', '.join([f'*b{k - 1}'] * 10)}]\n" for k in range(1, 9))
    started = time.perf_counter()
    refused(["validate", str(tiny(SCENARIO_TEMPLATE + bomb))], f"more than {MAX_NODES:,} values")
    assert time.perf_counter() - started < 5


def test_a_key_given_twice_is_an_error(tiny):
    refused(["validate", str(tiny(SCENARIO_TEMPLATE.replace("seed: 7", "seed: 7\nseed: 8")))],
            "line 3, column 1", "the key 'seed' appears twice")


def test_binary_and_other_tags_are_refused(tiny):
    refused(["validate", str(tiny(SCENARIO_TEMPLATE + "description: !!binary aGVsbG8=\n"))],
            "the tag !!binary is not accepted")


@pytest.mark.parametrize("value", ["true", "7.0", "'7'"])
def test_seed_must_be_an_integer(tiny, value):
    refused(["validate", str(tiny(SCENARIO_TEMPLATE.replace("seed: 7", f"seed: {value}")))],
            "seed: Input should be a valid integer")


COHORTS = ("  cohorts: [{role: core, count: 2, knowledge: {default: {dist: beta, a: @A@, b: 2}}}, "
           "{role: eng, count: 2, knowledge: {default: {dist: constant, value: 0.1}}}]")
FIRM = ("firm:\n  valuation: @V@\n  compute: {gpu_hours_per_quarter: @G@, teams: [{role: core, "
        "share: 1}, {role: eng, share: 1}]}\n  visibility: {core: 2.0}\n"
        "rivals: [{name: r, rebuild_focus: {data: @F@}}]\n"
        "policies:\n  blue_sky: {tokens: {core: @W@}}\n  synthetic_equity: {roles: [core]}\n")
FIELDS = {"V": "firm.valuation", "G": "firm.compute.gpu_hours_per_quarter",
          "A": "roster.cohorts[0].knowledge.default.a", "F": "rivals[0].rebuild_focus.data",
          "W": "policies.blue_sky.tokens.core", "R": "blueprint.components[0]"
                                                                ".replication_cost"}
GOOD = {"V": "1.0e9", "G": "1.0e5", "A": "2", "F": "1", "W": "2", "R": "1.0e8"}


def numbers_scenario(**values: str) -> str:
    text = (SCENARIO_TEMPLATE.replace("  csv: roster.csv", COHORTS)
            .replace("replication_cost: 1.0e8", "replication_cost: @R@") + FIRM)
    for key, value in {**GOOD, **values}.items():
        text = text.replace(f"@{key}@", value)
    return text


def test_the_numbers_scenario_is_valid(tiny):
    result = runner.invoke(app, ["validate", str(tiny(numbers_scenario(), roster=None))])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e309", "-1e309"])
@pytest.mark.parametrize("key", sorted(FIELDS))
def test_non_finite_numbers_are_refused_everywhere(tiny, key, value):
    path = tiny(numbers_scenario(**{key: value}), roster=None)
    refused(["validate", str(path)], FIELDS[key], "finite number")


def test_an_all_zero_rebuild_focus_is_refused(tiny):
    path = tiny(numbers_scenario(F="0"), roster=None)
    refused(["validate", str(path)], "rivals[0].rebuild_focus: all shares are 0")


# --- role names that no person has ----------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "field"), [
    ("visibility: {core: 2.0}", "visibility: {cor: 2.0}", "firm.visibility.cor"),
    ("teams: [{role: core,", "teams: [{role: boss,", "firm.compute.teams[0].role"),
    ("roles: [core]", "roles: [core, intern]", "policies.synthetic_equity.roles[1]"),
    ("tokens: {core: 2}", "tokens: {lead: 2}", "policies.blue_sky.tokens.lead"),
])
def test_unknown_roles_are_refused_with_cohorts_and_with_a_csv(tiny, old, new, field):
    text = numbers_scenario().replace(old, new)
    assert new in text
    refused(["validate", str(tiny(text, roster=None))], field, "unknown role",
            "roles in the roster: core, eng")
    with_csv = text.replace(COHORTS, "  csv: roster.csv")
    refused(["validate", str(tiny(with_csv))], field, "unknown role")


# --- files that are not what they seem --------------------------------------------------------


def test_a_fifo_and_a_device_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for target in (str(fifo), "/dev/zero"):
        proc = subprocess.run([sys.executable, "-m", "talentmoat", "validate", target],
                              capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 2, proc.stderr
        assert "not a regular file" in proc.stderr and "Traceback" not in proc.stderr


def test_files_over_their_size_cap_are_refused_before_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(SCENARIO_TEMPLATE + "description: '" + "x" * MAX_SCENARIO_BYTES + "'\n")
    started = time.perf_counter()
    refused(["validate", str(big)], "over the limit", f"{MAX_SCENARIO_BYTES:,} bytes")
    assert time.perf_counter() - started < 5
    huge = tmp_path / "roster.csv"
    with huge.open("wb") as handle:  # sparse: the size is checked before anything is read
        handle.truncate(MAX_INPUT_BYTES + 1)
    refused(["validate", write(tmp_path / "s.yaml", SCENARIO_TEMPLATE)], "roster.csv",
            "over the limit")


def test_empty_paths_say_so(tmp_path):
    refused(["validate", ""], "(empty path)", "not a bundled scenario")
    refused(["calibrate", ""], "(empty path)", "the path is empty")
    files = write(tmp_path / "files.txt", "f0.py\n")
    refused(["scan", "--log", "", "--files", files], "(empty path)", "the path is empty")
    refused(["scan", "--log", files, "--files", ""], "(empty path)", "the path is empty")
    refused(["scan", ""], "(empty path)", "the path is empty")


def test_a_folder_given_as_a_file(tmp_path):
    refused(["scan", "--log", str(tmp_path), "--files", str(tmp_path)], "is a directory")
    refused(["calibrate", str(tmp_path)], "is a directory")


def test_a_missing_roster_names_the_scenario_field(tiny):
    out = refused(["validate", str(tiny(roster=None))], "tiny.yaml: roster.csv:", "no such file")
    assert "roster.csv: no such file" in out


# --- CSV: the field-size limit, and a byte-order mark -------------------------------------------


def test_a_csv_field_over_the_limit(tiny, tmp_path):
    long = "x" * 200_000
    refused(["validate", str(tiny(roster=ROSTER + f'"{long}",e,eng,0,0,0\n'))],
            "roster.csv: line 6", "a field is longer than")
    events = write(tmp_path / "events.csv", f'accepted,offer_value,stay_value\n1,2,"{long}"\n')
    refused(["calibrate", events], "events.csv: line 2", "a field is longer than")


def test_a_byte_order_mark_is_accepted(tiny, tmp_path):
    path = tiny(roster="\ufeff" + ROSTER)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    rows = "".join(f"{k % 2},{2 + k % 3},1\n" for k in range(40))
    events = tmp_path / "events.csv"
    events.write_bytes(("\ufeffaccepted,offer_value,stay_value\n" + rows).encode())
    result = runner.invoke(app, ["calibrate", str(events)])
    assert result.exit_code == 0, result.output


# --- where results go: checked before any work ---------------------------------------------------


@pytest.mark.parametrize("kind", ["directory", "under a file", "unwritable"])
def test_roster_out_is_checked_before_work(tmp_path, kind):
    (tmp_path / "file").write_text("x")
    target = {"directory": str(tmp_path), "under a file": str(tmp_path / "file" / "r.csv"),
              "unwritable": "/proc/talentmoat-roster.csv"}[kind]
    expected = {"directory": "is a directory", "under a file": "is a file, not a folder",
                "unwritable": "cannot write in /proc"}[kind]
    # the log does not exist: an error about it would mean the work started first
    out = refused(["scan", "--log", str(tmp_path / "absent.log"), "--files", "x",
                   "--roster-out", target], expected)
    assert "absent.log" not in out


@pytest.mark.parametrize("value", ["inf", "1e308", "nan", "-inf"])
def test_value_multiple_must_be_finite_and_bounded(value):
    refused(["value", "lean-lab", "--multiple", value], "--multiple")


@pytest.mark.parametrize(("option", "value"), [("--reps", str(10**15)),
                                               ("--quarters", "401"), ("--seed", str(2**64))])
def test_simulation_size_is_capped_before_work(option, value):
    started = time.perf_counter()
    refused(["simulate", "lean-lab", option, value], option)
    assert time.perf_counter() - started < 10


# --- histories: dates outside any plausible range -----------------------------------------------


@pytest.mark.parametrize("when", [-86_400, 4_102_444_800, 10**12])
def test_commit_dates_outside_1970_to_2100(tmp_path, when):
    log = write(tmp_path / "h.log", history([1_700_000_000, when]))
    files = write(tmp_path / "files.txt", "f0.py\nf1.py\n")
    refused(["scan", "--log", log, "--files", files], "h.log: line 5",
            "outside 1970-01-01 to 2100-01-01")


def test_a_plausible_history_scans(tmp_path):
    log = write(tmp_path / "h.log", history([1_700_000_000, 1_600_000_000]))
    files = write(tmp_path / "files.txt", "f0.py\nf1.py\n")
    result = runner.invoke(app, ["scan", "--log", log, "--files", files])
    assert result.exit_code == 0, result.output


# --- Ctrl-C ----------------------------------------------------------------------------------


@pytest.mark.parametrize("delay", [0.4, 0.9, 2.0])
def test_ctrl_c_at_any_moment_of_start_up_is_one_line_and_130(delay, tmp_path):
    """Imports, loading and the report; before 0.1 s the interpreter itself is starting."""
    proc = subprocess.Popen([sys.executable, "-m", "talentmoat", "knowledge", "lean-lab"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:  # finished before the signal: nothing to check
        return
    # 130, or killed by SIGINT after the message (the interpreter re-raises the signal when a
    # C extension saw the interrupt first); a shell reports both as status 130
    assert proc.returncode in (130, -signal.SIGINT), (proc.returncode, err)
    assert err.strip().splitlines() == ["interrupted (Ctrl-C)"], err


def test_ctrl_c_once_the_output_is_out_is_ignored(tmp_path):
    """The command is done: the interpreter's tear-down is neither killed nor a traceback."""
    command = [sys.executable, "-m", "talentmoat", "knowledge", "lean-lab"]
    whole = subprocess.run(command, capture_output=True, check=True, cwd=tmp_path).stdout
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            bufsize=0, cwd=tmp_path)
    got = b""
    while len(got) < len(whole):
        chunk = proc.stdout.read(len(whole) - len(got))
        if not chunk:
            break
        got += chunk
    time.sleep(0.05)  # past the final flush (a Ctrl-C during it still interrupts, exit 130)
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    assert got + rest == whole
    assert (proc.returncode, err) == (0, b"")
