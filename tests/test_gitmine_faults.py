"""Bad input and faults: every one is a clear message and exit code 2, never a partial answer."""

from __future__ import annotations

import gzip
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import body
from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.gitmine.source import check_complete

runner = CliRunner()
WHO = ("Ann", "ann@a.org")
GOOD_LOG = (
    "@@commit " + "a" * 40 + "\t1700000000\tAnn\tann@a.org\n\n"
    ":000000 100644 " + "0" * 40 + " " + "1" * 40 + " A\tm.py\n"
    "3\t0\tm.py\n"
)


def run(*args: str):
    return runner.invoke(app, ["scan", *args])


def write_history(tmp_path, log_text: str, files: str = "m.py\n", gz: bool = True):
    log = tmp_path / ("h.log.gz" if gz else "h.log")
    if gz:
        with gzip.open(log, "wt", encoding="utf-8") as handle:
            handle.write(log_text)
    else:
        log.write_text(log_text)
    listing = tmp_path / "files.txt"
    listing.write_text(files)
    return str(log), str(listing)


def test_good_minimal_log_scans(tmp_path):
    log, files = write_history(tmp_path, GOOD_LOG, gz=False)
    out = run("--log", log, "--files", files, "--json")
    assert out.exit_code == 0, out.output
    assert '"tf": 1' in out.stdout


def test_not_a_repository(tmp_path):
    out = run(str(tmp_path))
    assert out.exit_code == 2 and "not a git repository" in out.output


def test_missing_directory(tmp_path):
    out = run(str(tmp_path / "nope"))
    assert out.exit_code == 2 and "no such directory" in out.output


def test_empty_repository(make_repo):
    repo = make_repo()
    out = run(str(repo.path))
    assert out.exit_code == 2 and "empty" in out.output and "no HEAD" in out.output


def test_shallow_clone_refused(make_repo, tmp_path):
    repo = make_repo()
    for day in range(1, 4):
        repo.commit(WHO, day, {"a.py": body(f"a{day}")})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)],
                   check=True, capture_output=True)
    out = run(str(clone))
    assert out.exit_code == 2 and "shallow" in out.output and "--unshallow" in out.output


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("commit abc\nAuthor: x\n", "line 1"),  # a plain `git log`, not the export format
        ("@@commit nothex\t1\tA\ta@a\n", "not a full commit hash"),
        ("@@commit " + "a" * 40 + "\tsoon\tA\ta@a\n", "author time 'soon'"),
        ("@@commit " + "a" * 40 + "\t1\tA\n", "3 tab-separated fields"),
        (GOOD_LOG + ":100644 100644 x y Q\tm.py\n", "line 5: raw line"),
        (GOOD_LOG + "seven\t0\tother.py\n", "line 5: numstat"),
        (GOOD_LOG + "just words\n", "unexpected line"),
        ("", "no commit"),
    ],
)
def test_malformed_logs(tmp_path, text, fragment):
    log, files = write_history(tmp_path, text)
    out = run("--log", log, "--files", files)
    assert out.exit_code == 2, out.output
    assert fragment in out.output and "h.log.gz" in out.output


def test_truncated_gzip(tmp_path):
    log, files = write_history(tmp_path, GOOD_LOG * 50)
    with open(log, "rb") as handle:
        data = handle.read()
    with open(log, "wb") as handle:
        handle.write(data[: len(data) // 2])
    out = run("--log", log, "--files", files)
    assert out.exit_code == 2 and "truncated" in out.output


def test_log_needs_files(tmp_path):
    log, _ = write_history(tmp_path, GOOD_LOG)
    out = run("--log", log)
    assert out.exit_code == 2 and "--files" in out.output
    assert run().exit_code == 2


def test_files_without_history(tmp_path):
    log, files = write_history(tmp_path, GOOD_LOG, files="other.py\n")
    out = run("--log", log, "--files", files)
    assert out.exit_code == 2 and "no file at HEAD has any history" in out.output


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--decay-days", "0"], "--decay-days"),
        (["--bot-pattern", "(["], "--bot-pattern"),
        (["--mode", "avelino", "--window-days", "30"], "--window-days"),
        (["--top", "0"], "--top"),
    ],
)
def test_bad_options(tmp_path, args, fragment):
    log, files = write_history(tmp_path, GOOD_LOG)
    out = run("--log", log, "--files", files, *args)
    assert out.exit_code == 2 and fragment in out.output


def _repo_with_missing_blob(make_repo):
    repo = make_repo()
    for day in range(1, 5):
        repo.commit(WHO, day, {"a.py": body("a", 10 * day), "b.py": body(f"b{day}", 3)})
    blob = repo.git("rev-parse", "HEAD~2:a.py").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    return repo


def test_git_log_dying_midway_is_detected(make_repo):
    repo = _repo_with_missing_blob(make_repo)
    out = run(str(repo.path), "--json")
    assert out.exit_code == 2
    assert "exit status 128" in out.output and "unable to read" in out.output
    assert "of 4 commits" in out.output and "--exclude-path" in out.output
    assert '"tf"' not in out.stdout


def test_exclude_path_works_around_missing_blob(make_repo):
    repo = _repo_with_missing_blob(make_repo)
    out = run(str(repo.path), "--json", "--exclude-path", "a.py")
    assert out.exit_code == 0, out.output
    assert '"commits": 4' in out.stdout and '"files": 1' in out.stdout


def test_check_complete_counts():
    check_complete("r", 10, 10, 0, "")
    with pytest.raises(InputError, match="printed 9 commits but 'git rev-list --count' counts 10"):
        check_complete("r", 9, 10, 0, "")
    with pytest.raises(InputError, match="exit status 141 after 3 of 10"):
        check_complete("r", 3, 10, 141, "")
    with pytest.raises(InputError, match=r"exit status 128 after 3 of \? commits"):
        check_complete("r", 3, None, 128, "fatal: bad tree")
    with pytest.raises(InputError, match="could not count"):
        check_complete("r", 3, None, 0, "")


def test_git_missing(make_repo, monkeypatch):
    repo = make_repo()
    monkeypatch.setenv("PATH", "")
    out = run(str(repo.path))
    assert out.exit_code == 2 and "git is not installed" in out.output
