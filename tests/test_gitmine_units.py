"""Unit tests: log parsing, identity merging, truck-factor algorithms (against brute force)."""

from __future__ import annotations

import itertools

import numpy as np
import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentmoat.errors import InputError
from talentmoat.gitmine.identity import IdentityIndex, avelino_key, bot_matcher, casefold_key
from talentmoat.gitmine.logparse import parse_log, parse_people, unquote_path
from talentmoat.gitmine.stages import DEFAULT_EXCLUDE, knowledge_matrix, path_matcher
from talentmoat.gitmine.truckfactor import (
    avelino_truck_factor,
    best_greedy_truck_factor,
    marginal_truck_factor,
)

SHA = "b" * 40
Z = "0" * 40


def test_parse_renames_quoting_binary_and_coauthors():
    text = (
        f"@@commit {SHA}\t1700000000\tAnn\tann@a.org\tBo <bo@b.org>\x1fnot a person\n"
        "\n"
        f":100644 100644 {Z} {Z} R087\tsrc/old.py\tsrc/new.py\n"
        f':000000 100644 {Z} {Z} A\t"caf\\303\\251 \\"x\\".py"\n'
        f":100644 100644 {Z} {Z} M\tlogo.png\n"
        f":100644 000000 {Z} {Z} D\tgone.py\n"
        "4\t1\tsrc/{old.py => new.py}\n"
        '2\t0\t"caf\\303\\251 \\"x\\".py"\n'
        "-\t-\tlogo.png\n"
        "0\t9\tgone.py\n"
        f"@@commit {'c' * 40}\t1600000000\tBo\tbo@b.org\n"
    )
    first, second = list(parse_log(text.splitlines(keepends=True), "t"))
    assert first.coauthors == (("Bo", "bo@b.org"),)
    renamed, added, binary, deleted = first.changes
    assert (renamed.status, renamed.old_path, renamed.path) == ("R", "src/old.py", "src/new.py")
    assert (renamed.added, renamed.deleted) == (4, 1)
    assert added.path == 'café "x".py' and added.added == 2
    assert binary.binary and binary.added == 0
    assert (deleted.status, deleted.deleted) == ("D", 9)
    assert second.changes == [] and second.time == 1600000000


def test_unquote_plain_path_unchanged():
    assert unquote_path("plain/path.py") == "plain/path.py"
    assert unquote_path('"tab\\there"') == "tab\there"


def test_parse_people():
    assert parse_people("A B <a@b>\x1f<only@mail>\x1fjunk") == (("A B", "a@b"), ("", "only@mail"))


def test_problems_are_collected_with_line_numbers():
    text = f"junk\n@@commit {SHA}\tx\tA\ta\n@@commit {SHA}\t1\tA\ta\n:bad\n"
    with pytest.raises(InputError) as info:
        list(parse_log(text.splitlines(), "log"))
    assert [loc for loc, _ in info.value.problems] == ["line 1", "line 2", "line 4"]


def test_identity_merging_is_transitive():
    index = IdentityIndex(avelino_key)
    a = index.add("Ann Lee", "ann@work", 5)
    b = index.add("Ann Lee", "ann@home", 9)  # same name as a
    c = index.add("annie", "ANN@HOME", 7)  # same e-mail as b (case differs)
    d = index.add("Dan", "", 1)  # no e-mail: keyed by name
    e = index.add("DAN", "dan@x", 2)  # same name as d after upper-casing
    f = index.add("", "x@y", 3)
    developer_of, developers = index.resolve()
    assert developer_of[a] == developer_of[b] == developer_of[c]
    assert developer_of[d] == developer_of[e] != developer_of[a]
    assert len(developers) == 3
    ann = developers[developer_of[a]]
    assert ann.name == "Ann Lee" and ann.emails == ("ANN@HOME", "ann@home", "ann@work")
    assert developers[developer_of[f]].name == "x@y"


def test_casefold_key_collapses_whitespace():
    assert casefold_key("  Ann   LEE ") == casefold_key("ann lee")


def test_bot_matcher():
    is_bot = bot_matcher(r"\[bot\]|<noreply@github\.com>")
    assert is_bot("dependabot[bot]", "x@users.noreply.github.com")
    assert is_bot("GitHub", "noreply@github.com")
    assert not is_bot("Ann", "123+ann@users.noreply.github.com")
    assert not bot_matcher("")("x[bot]", "")


def brute_force_tf(holders: np.ndarray) -> int:
    """The smallest set of leavers after which fewer than half of the files have a holder."""
    n_devs, n_files = holders.shape
    for k in range(n_devs + 1):
        for leavers in itertools.combinations(range(n_devs), k):
            alive = np.ones(n_devs, dtype=bool)
            alive[list(leavers)] = False
            if 2 * holders[alive].any(axis=0).sum() < n_files:
                return k
    return n_devs


def matrix(rows: list[str]) -> np.ndarray:
    return np.array([[c == "1" for c in row] for row in rows], dtype=bool)


def test_marginal_beats_static_when_top_holders_share_files():
    holders = matrix(["1111000000", "1111000000", "1111000000",
                      "0000111000", "0000000110", "0000000001"])
    changes = np.zeros(6)
    assert avelino_truck_factor(holders, changes).tf == 4
    tf = best_greedy_truck_factor(holders, changes)
    assert (tf.tf, tf.algorithm, [d for d, _ in tf.authors]) == (3, "marginal", [3, 4, 5])
    assert tf.coverage == pytest.approx(0.4)
    assert brute_force_tf(holders) == 3


def test_static_kept_when_marginal_is_myopic():
    holders = matrix(["1111110000", "1111110000", "0000001110", "0000000001"])
    changes = np.zeros(4)
    assert marginal_truck_factor(holders, changes).tf == 4
    tf = best_greedy_truck_factor(holders, changes)
    assert (tf.tf, tf.algorithm, tf.coverage) == (2, "static", pytest.approx(0.4))


def singles(top_files: int, n_small: int) -> np.ndarray:
    """Dev 0 holds ``top_files`` files alone; devs 1..n_small hold one other file each."""
    holders = np.zeros((1 + n_small, top_files + n_small), dtype=bool)
    holders[0, :top_files] = True
    for k in range(n_small):
        holders[1 + k, top_files + k] = True
    return holders


def test_avelino_pruning():
    # removing dev 0 leaves exactly 50 % (not < 50 %), so one single-file dev goes too;
    # 1/11 < 10 % of the top's 11 files: pruned from the result, coverage measured before
    tf = avelino_truck_factor(singles(11, 11), np.zeros(12))
    assert (tf.tf, tf.authors, tf.coverage) == (1, ((0, 11),), pytest.approx(10 / 22))


def test_avelino_keeps_exactly_ten_percent_and_breaks_ties_on_changes():
    changes = np.zeros(11)
    changes[5] = 3.0
    tf = avelino_truck_factor(singles(10, 10), changes)
    assert (tf.tf, tf.authors, tf.coverage) == (2, ((0, 10), (5, 1)), pytest.approx(9 / 20))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5).flatmap(lambda d: st.integers(1, 7).flatmap(
    lambda f: st.lists(st.lists(st.booleans(), min_size=f, max_size=f), min_size=d,
                       max_size=d))))
def test_greedy_is_a_valid_upper_bound(rows):
    holders = np.array(rows, dtype=bool)
    changes = np.zeros(holders.shape[0])
    optimum = brute_force_tf(holders)
    best = best_greedy_truck_factor(holders, changes)
    assert optimum <= best.tf <= marginal_truck_factor(holders, changes).tf
    alive = np.ones(holders.shape[0], dtype=bool)
    alive[[d for d, _ in best.authors]] = False
    assert 2 * holders[alive].any(axis=0).sum() < holders.shape[1]  # the set really orphans


def test_knowledge_matrix_weights():
    holders = matrix(["1100", "0110"])
    K = knowledge_matrix(holders, np.array([0, 0, 1, -1]), 2, np.array([1.0, 3.0, 2.0, 5.0]))
    np.testing.assert_allclose(K, [[1.0, 0.0], [0.75, 1.0]])


PATHS = [
    "docs/a.md", "src/docs/x.py", "docsx/y.py", "a/tests/t.py", "tests", "test_x.py",
    "pkg/x_test.py", "README.md", "LICENSE", "LICENSE.txt", "model/net.py", "img/logo.PNG",
    "img/logo.png", "vendor/lib/a.c", "src/vendor.py", "train/loop.py", "x/train/loop.py",
    ".github/workflows/ci.yml", "a/.github/x", "w.safetensors", "data/file.tar.gz",
]


@pytest.mark.parametrize("patterns", [
    list(DEFAULT_EXCLUDE), ["/train/*.py", "docs/"], ["**/x*", "model/"],
    ["*.py", "!model/*.py", "model/net.py"], ["!*.md"], [],
])
def test_path_matcher_agrees_with_pathspec(patterns):
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    matches = path_matcher(patterns)
    for path in PATHS:
        assert matches(path) == spec.match_file(path), path


def test_parser_is_incremental():
    consumed = 0

    def lines():
        nonlocal consumed
        for k in range(10_000):
            for line in (f"@@commit {k:040x}\t{k}\tA\ta@a\n",
                         f":000000 100644 {Z} {Z} A\tf{k}.py\n", f"1\t0\tf{k}.py\n"):
                consumed += 1
                yield line

    commits = parse_log(lines(), "stream")
    first = next(commits)
    assert first.changes[0].path == "f0.py"
    assert consumed <= 4  # the first commit is out after reading its lines and one header
    assert sum(1 for _ in commits) == 9_999


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "Ann", "ANN", "Bo", "Cy"]),
                          st.sampled_from(["", "a@x", "A@X", "b@x", "c@x"])), min_size=1,
                max_size=8))
def test_identity_partition_is_connected_components(signatures):
    index = IdentityIndex(avelino_key)
    sids = [index.add(n, e, t) for t, (n, e) in enumerate(signatures)]
    developer_of, _ = index.resolve()

    def keys(sig):
        name, email = sig
        first = "e:" + email.upper() if email else "n:" + name.upper()
        return {first} | ({"n:" + name.upper()} if name else set())

    # brute force: merge signatures sharing a key until nothing changes
    groups = [{i} for i in range(len(signatures))]
    changed = True
    while changed:
        changed = False
        for a, b in itertools.combinations(range(len(groups)), 2):
            ka = set().union(*(keys(signatures[i]) for i in groups[a]))
            kb = set().union(*(keys(signatures[i]) for i in groups[b]))
            if ka & kb:
                groups[a] |= groups.pop(b)
                changed = True
                break
    for group in groups:
        assert len({developer_of[sids[i]] for i in group}) == 1
    assert len(set(developer_of)) == len(groups)
