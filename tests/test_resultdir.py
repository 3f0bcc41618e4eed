"""Result folders: a user's folder is never touched, and a replacement survives a kill anywhere."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talentmoat import resultdir
from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate
from talentmoat.sim.store import write_results

runner = CliRunner()

FILES = [f"part{k:02d}.txt" for k in range(40)] + ["sub/deep/last.txt"]


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Every path under ``root`` (and root's siblings) with its bytes, mode and mtime."""
    found = {}
    for path in sorted(root.parent.rglob("*")):
        st = path.lstat()
        data = path.read_bytes() if path.is_file() else None
        found[str(path.relative_to(root.parent))] = (data, st.st_mode, st.st_mtime_ns)
    return found


@pytest.fixture
def thesis(tmp_path) -> Path:
    """A user's folder that merely holds a ``summary.json`` of its own."""
    folder = tmp_path / "parent" / "thesis"
    (folder / "code").mkdir(parents=True)
    (folder / "summary.json").write_text('{"provenance": "mine", "chapters": 7}\n')
    (folder / "thesis.tex").write_text("\\documentclass{book} % two years of work\n")
    (folder / "code" / "main.py").write_text("print('results')\n")
    return folder


@pytest.mark.parametrize("command", [
    ["simulate", "lean-lab", "--reps", "2", "--quarters", "2"],
    ["compare", "lean-lab", "--reps", "2", "--quarters", "2", "-s", "tenders"],
    ["run", "lean-lab"],
])
def test_every_writing_command_refuses_a_users_folder_before_any_work(thesis, command,
                                                                      monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the simulation started before --out was checked")

    monkeypatch.setattr("talentmoat.cli.simulate._run", no_work)
    monkeypatch.setattr("talentmoat.cli.simulate.print_knowledge", no_work)
    before = snapshot(thesis)
    result = runner.invoke(app, [*command, "--out", str(thesis)])
    assert result.exit_code == 2, result.output
    assert "holds code/, which talentmoat did not write" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(thesis) == before  # every byte, mode and time; no sibling left over


def test_the_store_itself_refuses_a_users_folder_before_the_run(thesis):
    ran = []
    before = snapshot(thesis)
    with pytest.raises(InputError, match="holds code/, which talentmoat did not write"):
        write_results(thesis, lambda folder, declare: ran.append(folder), lambda r: {"x": 1})
    assert ran == [] and snapshot(thesis) == before


def test_streamed_parts_are_listed_and_a_failed_run_leaves_only_the_old_result(tmp_path):
    lab = load_scenario("lean-lab")
    out = tmp_path / "res"

    def run(folder, declare):
        return simulate(lab, ["tenders"], replications=120, quarters=2, chunk=50,
                        folder=folder, declare=declare)

    result, _ = write_results(out, run, lambda r: {"x": 1})
    assert result.parts == tuple(f"trajectories/part-{k:05d}.parquet" for k in range(3))
    assert sorted(resultdir.read_manifest(out)) == sorted([*result.parts, "summary.json"])
    old = snapshot(out)

    def broken(result):
        raise RuntimeError("summary failed after the parts were written")

    with pytest.raises(RuntimeError, match="summary failed"):
        write_results(out, run, broken)
    assert snapshot(out) == old
    assert [p.name for p in tmp_path.iterdir()] == ["res"]  # staging and its parts removed


def test_a_result_folder_with_a_foreign_file_added_is_refused(tmp_path):
    out = tmp_path / "res"
    resultdir.write(out, ["a.txt"], lambda d: (d / "a.txt").write_text("1"))
    (out / "notes.md").write_text("my notes on the result")
    before = snapshot(out)
    with pytest.raises(InputError, match=r"holds notes\.md, which talentmoat did not write"):
        resultdir.write(out, ["a.txt"], lambda d: (d / "a.txt").write_text("2"))
    assert snapshot(out) == before


def test_a_forged_manifest_cannot_reach_outside_the_folder(tmp_path):
    (tmp_path / "precious.txt").write_text("keep")
    out = tmp_path / "res"
    out.mkdir()
    (out / resultdir.MANIFEST).write_text(
        '{"format": "talentmoat-result", "version": 1, "files": ["../precious.txt"]}')
    with pytest.raises(InputError, match="which talentmoat did not write"):
        resultdir.check(out)
    assert (tmp_path / "precious.txt").read_text() == "keep"


def test_a_newer_manifest_is_refused_by_name(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / resultdir.MANIFEST).write_text(
        '{"format": "talentmoat-result", "version": 99, "files": []}')
    with pytest.raises(InputError, match="newer talentmoat"):
        resultdir.check(out)


def test_a_user_folder_at_the_leftover_name_is_refused(tmp_path):
    squatter = resultdir.staging_path(tmp_path / "res")
    squatter.mkdir()
    (squatter / "mine.txt").write_text("mine")
    with pytest.raises(InputError, match=r"holds mine\.txt"):
        resultdir.write(tmp_path / "res", ["a.txt"], lambda d: (d / "a.txt").write_text("1"))
    assert (squatter / "mine.txt").read_text() == "mine"


def test_out_that_is_a_file_or_under_a_file_is_refused_by_the_cli(tmp_path, monkeypatch):
    monkeypatch.setattr("talentmoat.cli.simulate._run", None)  # calling it would fail loudly
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF")
    for out, message in ((paper, "is a file, not a folder"),
                         (paper / "res", f"{paper} is a file")):
        result = runner.invoke(app, ["simulate", "lean-lab", "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert message in result.stderr
    assert paper.read_bytes() == b"%PDF"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_parent_is_refused_before_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(InputError, match="permission denied"):
        resultdir.check(locked / "res")


def test_replacement_keeps_nothing_old_and_follows_the_umask(tmp_path):
    out = tmp_path / "deeper" / "res"
    old = os.umask(0o027)
    try:
        resultdir.write(out, ["a.txt", "sub/b.txt"], lambda d: (
            (d / "a.txt").write_text("old"), (d / "sub").mkdir(),
            (d / "sub/b.txt").write_text("o")))
        resultdir.write(out, ["a.txt"], lambda d: (d / "a.txt").write_text("new"))
    finally:
        os.umask(old)
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", resultdir.MANIFEST]
    assert (out / "a.txt").read_text() == "new"
    assert resultdir.read_manifest(out) == ["a.txt"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["res"]  # no leftover
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "a.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "deeper").stat().st_mode) == 0o750


def test_the_cli_result_folder_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        result = runner.invoke(app, ["simulate", "lean-lab", "--reps", "2", "--quarters", "2",
                                     "--out", str(tmp_path / "res")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "res").stat().st_mode) == 0o755  # mkdtemp would give 0700
    assert stat.S_IMODE((tmp_path / "res" / "summary.json").stat().st_mode) == 0o644


KILLER = textwrap.dedent("""
    import os, pathlib, signal, sys
    from talentmoat import resultdir
    out, tag, where, fallback = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    files = sys.argv[5:]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    if fallback == "1":
        resultdir._exchange = lambda a, b: False
    resultdir._checkpoint = lambda stage: die() if stage == where else None
    if where == "removing":  # part-way through removing the old result
        unlink, count = pathlib.Path.unlink, [0]
        def counting(self, *a, **k):
            count[0] += 1
            if count[0] == 5:
                die()
            return unlink(self, *a, **k)
        pathlib.Path.unlink = counting
    def fill(folder):
        for k, name in enumerate(files):
            if where == "writing" and k == len(files) // 2:
                die()
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(tag + name)
    resultdir.write(out, files, fill)
""")


def write_in_subprocess(out: Path, tag: str, where: str = "", fallback: bool = False) -> int:
    done = subprocess.run([sys.executable, "-c", KILLER, str(out), tag, where,
                           "1" if fallback else "0", *FILES], capture_output=True, text=True)
    return done.returncode


def whole(out: Path) -> str | None:
    """'old' or 'new' if ``out`` is exactly one whole result, else None."""
    if not out.is_dir() or resultdir.read_manifest(out) != FILES:
        return None
    tags = {(out / name).read_text().removesuffix(name) for name in FILES}
    extra = resultdir.foreign_entries(out, FILES)
    return tags.pop() if len(tags) == 1 and not extra else None


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "rename-fallback"])
@pytest.mark.parametrize("where", ["staging", "writing", "filled", "complete", "aside",
                                   "swapped", "removing"])
def test_a_replacement_killed_anywhere_leaves_old_or_new_whole(tmp_path, where, fallback):
    if where == "aside" and not fallback:
        pytest.skip("the exchange path has no 'aside' stage")
    out = tmp_path / "res"
    assert write_in_subprocess(out, "old") == 0 and whole(out) == "old"
    assert write_in_subprocess(out, "new", where, fallback) == -signal.SIGKILL
    siblings = sorted(p.name for p in tmp_path.iterdir())
    leftovers = [n for n in siblings if n != "res"]
    # One leftover at most; only the fallback's moment between its two renames has two.
    assert len(leftovers) <= (2 if where == "aside" else 1)
    assert all(n.startswith(".res.talentmoat-") for n in leftovers)
    if where in ("swapped", "removing"):
        assert whole(out) == "new"
    elif where == "aside":  # the old result waits, whole, under its leftover name
        assert not out.exists() and whole(resultdir.aside_path(out)) == "old"
    else:
        assert whole(out) == "old"
    assert write_in_subprocess(out, "next") == 0  # the next run cleans up and writes
    assert whole(out) == "next"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]
