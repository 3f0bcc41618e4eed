"""Every authorship rule on a small repository with known history, in both modes."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from conftest import GitRepo, body
from talentmoat.cli import app
from talentmoat.gitmine.scan import ScanOptions, analyse, collect_history
from talentmoat.gitmine.source import open_repository, repository_commits, repository_files

ALICE = ("Alice Smith", "alice@work.com")
ALICE_HOME = ("Alice Smith", "alice@home.net")  # alias: same name
ALICE_CAPS = ("alice", "ALICE@work.com")  # alias: same e-mail, other case
BOB = ("Bob", "bob@b.org")
CAROL = ("Carol", "carol@c.org")
DAVE = ("Dave", "dave@d.org")
ERIN = ("Erin", "erin@e.org")
FRANK = ("Frank", "frank@f.org")
GUS = ("Gus", "gus@g.org")
HANA = ("Hana", "hana@h.org")
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def doa(fa: bool, dl: float, ac: float) -> float:
    return 3.293 + 1.098 * fa + 0.164 * dl - 0.321 * math.log(1 + ac)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> GitRepo:
    r = GitRepo(tmp_path_factory.mktemp("rules") / "repo")
    r.commit(ALICE, 1, {"core.py": body("core"), "util.py": body("util"), "old.py": body("old")})
    r.commit(BOB, 2, {"core.py": body("core") + "bob\n"})
    r.commit(ALICE_HOME, 3, {"util.py": body("util") + "alice at home\n"})
    r.commit(ALICE_CAPS, 4, {"core.py": body("core") + "bob\nalice\n"})
    r.commit(CAROL, 5, move={"util.py": "lib/util.py"})
    r.commit(BOB, 6, delete=("old.py",))
    r.commit(DAVE, 7, {"x.py": body("x-dave")})
    r.commit(BOB, 8, delete=("x.py",))
    r.commit(ERIN, 9, {"x.py": body("x-erin", 5)})
    r.git("checkout", "-q", "-b", "feature")
    r.commit(FRANK, 10, {"core.py": body("core") + "bob\nalice\nfrank\n"})
    r.git("checkout", "-q", "main")
    r.commit(CAROL, 11, {"lib/util.py": body("util") + "alice at home\ncarol\n"})
    r.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature", who=GUS, day=12)
    for k in range(3):
        bumped = body("core") + "bob\nalice\nfrank\n" + "bump\n" * (k + 1)
        r.commit(BOT, 13 + k, {"core.py": bumped})
    r.commit(HANA, 16, {"lib/util.py": body("util") + "alice at home\ncarol\nhana\n"},
             message="pair work\n\nCo-authored-by: Ivan <ivan@i.org>\n")
    return r


def scan(repo: GitRepo, **options):
    opts = ScanOptions(**options)
    root = open_repository(str(repo.path))
    history = collect_history(repository_commits(root, opts.mode == "default"), opts, "t")
    return analyse(history, repository_files(root), None, opts)


def entries(result, path):
    devs = result.history.developers
    f = result.authorship.files.index(path)
    return {devs[e.dev].name: e for e in result.authorship.entries[f]}


def holders(result):
    devs = result.history.developers
    return {path: sorted(devs[d].name for d in result.authorship.holders[:, f].nonzero()[0])
            for f, path in enumerate(result.authorship.files)}


def test_universe_is_head_files_with_history(repo):
    result = scan(repo, mode="avelino")
    assert result.authorship.files == ("core.py", "lib/util.py", "x.py")
    assert result.history.commits == 15  # the merge commit is not in the log


def test_line_estimates(repo):
    result = scan(repo, mode="avelino")
    lines = dict(zip(result.authorship.files, result.authorship.lines, strict=True))
    # core: 20 + bob, alice, frank + 3 bumps; util: 20 + 3; x.py: Erin's re-add only
    assert lines == {"core.py": 26, "lib/util.py": 23, "x.py": 5}


def test_aliases_merged_by_name_and_by_email(repo):
    result = scan(repo, mode="avelino")
    alice = [d for d in result.history.developers if "Alice Smith" in d.names]
    assert len(alice) == 1
    assert set(alice[0].emails) == {"alice@work.com", "alice@home.net", "ALICE@work.com"}
    assert alice[0].name == "alice"  # the name on her most recent commit (day 4)


def test_merge_commit_adds_no_event_and_no_developer(repo):
    for mode in ("avelino", "default"):
        result = scan(repo, mode=mode)
        assert all("Gus" not in d.names for d in result.history.developers)
    # Frank's change came in through the merge; it counts once, as his own commit
    assert entries(scan(repo, mode="avelino"), "core.py")["Frank"].deliveries == 1


def test_avelino_doa_values_and_holders(repo):
    result = scan(repo, mode="avelino")
    core = entries(result, "core.py")  # A alice; M bob, alice, frank, bot x3 -> 6 changes
    assert core["alice"].first and core["alice"].deliveries == 1 and core["alice"].acceptances == 5
    assert core["alice"].doa == pytest.approx(doa(True, 1, 5), abs=1e-12)
    assert core["Bob"].doa == pytest.approx(doa(False, 1, 5), abs=1e-12)
    assert core["dependabot[bot]"].doa == pytest.approx(doa(False, 3, 3), abs=1e-12)
    util = entries(result, "lib/util.py")  # followed through Carol's rename to Alice's add
    assert util["alice"].first and (util["alice"].deliveries, util["alice"].acceptances) == (1, 3)
    assert (util["Carol"].deliveries, util["Carol"].acceptances) == (2, 2)
    # Carol: normalised 3.268/4.110 = 0.795 > 0.75, but DOA < 3.293 and she did not add it
    assert util["Carol"].normalized > 0.75 and util["Carol"].doa < 3.293
    assert not util["Carol"].author
    assert "Ivan" not in util  # the reference ignores co-author trailers
    x = entries(result, "x.py")  # Dave added, Bob deleted (ignored), Erin re-added
    assert x["Dave"].first and not x["Dave"].secondary
    assert x["Erin"].secondary and not x["Erin"].first
    assert "Bob" not in x
    assert x["Dave"].doa == x["Erin"].doa == pytest.approx(3.293 + 1.098)
    assert holders(result) == {"core.py": ["alice", "dependabot[bot]"],
                               "lib/util.py": ["alice"], "x.py": ["Dave", "Erin"]}
    tf = result.overall.truck_factor
    names = [result.history.developers[d].name for d, _ in tf.authors]
    # static order: alice (2 files), then the bot (1 file, 3 changes beats Dave's and Erin's 1)
    assert (tf.tf, names, tf.coverage) == (2, ["alice", "dependabot[bot]"], pytest.approx(1 / 3))
    assert int(result.active.sum()) == 8


def test_default_mode_drops_bot_and_credits_coauthor(repo):
    result = scan(repo, mode="default")
    assert result.history.bot_commits == 3
    assert all("[bot]" not in d.name for d in result.history.developers)
    core = entries(result, "core.py")  # without the bot: 3 changes, 1 of them hers
    assert (core["alice"].deliveries, core["alice"].acceptances) == (1, 2)
    assert core["alice"].doa == pytest.approx(doa(True, 1, 2), abs=1e-12)
    util = entries(result, "lib/util.py")
    assert (util["Ivan"].deliveries, util["Ivan"].acceptances) == (1, 3)
    assert (util["Hana"].deliveries, util["Hana"].acceptances) == (1, 3)
    assert holders(result) == {"core.py": ["alice"], "lib/util.py": ["alice"],
                               "x.py": ["Dave", "Erin"]}
    tf = result.overall.truck_factor
    assert (tf.tf, tf.coverage) == (1, pytest.approx(1 / 3))


def test_window_leaves_old_files_unheld(repo):
    result = scan(repo, mode="default", window_days=5)  # days 11..16 only
    util = entries(result, "lib/util.py")
    assert set(util) == {"Carol", "Hana", "Ivan"}  # Alice's add (day 1) is outside
    assert not result.authorship.holders[:, result.authorship.files.index("x.py")].any()


def test_decay_weights_recent_work(repo):
    result = scan(repo, mode="default", decay_days=2.0)
    util = entries(result, "lib/util.py")
    w = lambda day: math.exp(-(16 - day) / 2.0)  # noqa: E731
    assert util["Carol"].deliveries == pytest.approx(w(5) + w(11))
    assert util["Carol"].acceptances == pytest.approx(w(3) + w(16))


def test_cli_json_and_table(repo):
    runner = CliRunner()
    out = runner.invoke(app, ["scan", str(repo.path), "--mode", "avelino", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["commits"] == 15 and payload["files"] == 3 and payload["developers"] == 8
    overall = payload["truck_factor"]["overall"]
    assert overall["tf"] == 2 and overall["authors"] == [
        {"name": "alice", "files": 2}, {"name": "dependabot[bot]", "files": 1}]
    table = runner.invoke(app, ["scan", str(repo.path), "--mode", "avelino"])
    assert table.exit_code == 0 and "Truck factor" in table.stdout
    assert "alice (2), dependabot[bot] (1)" in table.stdout and "K[codebase]" in table.stdout


def test_mailmap_applied_by_git(make_repo):
    r = make_repo()
    r.commit(("Old Nick", "old@x.org"), 1, {"a.py": body("a")})
    r.commit(("Real Name", "real@x.org"), 2, {"b.py": body("b")})
    r.commit(("Real Name", "real@x.org"), 3, {".mailmap": "Real Name <real@x.org> <old@x.org>\n"})
    result = scan(r, mode="default")
    devs = result.history.developers
    assert [d.name for d in devs] == ["Real Name"]
    assert result.authorship.holders.sum() == 3  # a.py, b.py, .mailmap


def test_cli_on_exported_reference_history():
    from test_gitmine_reference import GITLOGS

    if not GITLOGS.is_dir():
        pytest.skip(f"reference histories not found at {GITLOGS}")
    out = CliRunner().invoke(app, ["scan", "--log", str(GITLOGS / "DeepSeek-V3.log.gz"),
                                   "--files", str(GITLOGS / "DeepSeek-V3.files.txt"),
                                   "--mode", "avelino", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert (payload["commits"], payload["files"], payload["developers"]) == (51, 20, 25)
    assert payload["truck_factor"]["overall"] == {
        "tf": 1, "authors": [{"name": "stack-heap-overflow", "files": 16}], "coverage": 0.3,
        "algorithm": "avelino"}
