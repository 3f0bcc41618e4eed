"""Compute allocation (MODEL.md §D): Slurm oracles 9–10, tokens and water-filling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentmoat.compute import (
    classic_fair_share,
    directed_allocation,
    effective_usage,
    fair_tree_ranks,
    person_access,
    proportional_share,
    split_capacity,
    token_allocation,
)

# Oracle 9 tree: A(40): B(30) -> u1, C(10) -> u2, u3; D(60): E(25) -> u4, F(35) -> u5
PARENTS = [-1, 0, 0, -1, 3, 3, 1, 2, 2, 4, 5]
SHARES = [40, 30, 10, 60, 25, 35, 1, 1, 1, 1, 1]
USAGE = [0, 0, 0, 0, 0, 0, 0.2, 0.25, 0, 0.25, 0]
USERS = slice(6, None)


def test_classic_fair_share_oracle_9():
    _, u_e = effective_usage(PARENTS, SHARES, USAGE, total_usage=1.0)
    assert round(u_e[1], 4) == 0.3875
    assert round(u_e[2], 4) == 0.3
    assert round(u_e[5], 4) == 0.1458
    f = classic_fair_share(PARENTS, SHARES, USAGE, total_usage=1.0)
    assert np.round(f[USERS], 6).tolist() == [0.408479, 0.022097, 0.125, 0.5, 0.749154]


def test_fair_tree_oracle_10():
    ranks = fair_tree_ranks(PARENTS, SHARES, USAGE)
    assert ranks[USERS].tolist() == [0.6, 0.2, 0.4, 0.8, 1.0]
    assert np.isnan(ranks[:6]).all()
    classic = classic_fair_share(PARENTS, SHARES, USAGE, total_usage=1.0)[USERS]
    assert np.argsort(classic).tolist() == np.argsort(ranks[USERS]).tolist()


def test_split_and_waterfill():
    assert split_capacity(1000.0, 0.18) == (820.0, 180.0)
    assert proportional_share(100, [1, 1, 2], [10, np.inf, np.inf]).tolist() == [10, 30, 60]
    assert proportional_share(100, [1, 0, 1], [20, 50, 30]).tolist() == [20, 0, 30]


@settings(max_examples=80, deadline=None)
@given(
    st.floats(0, 1e6),
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 1e5)), min_size=1, max_size=15),
)
def test_proportional_share_sums_and_caps(capacity, rows):
    w = np.array([r[0] for r in rows])
    caps = np.array([r[1] for r in rows])
    alloc = proportional_share(capacity, w, caps)
    assert np.all(alloc <= caps * (1 + 1e-9) + 1e-9)
    assert np.all(alloc >= 0)
    expected = min(capacity, caps[w > 0].sum())
    assert alloc.sum() == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_token_allocation_splits_project_hours_by_bids():
    # four people, two projects: 10 + 5 tokens on project 0 (asks 100), 5 + 10 on project 1
    per_project, per_person = token_allocation(300, [10, 5, 5, 10], [0, 0, 1, 1],
                                               [100, np.inf])
    assert per_project.tolist() == [100, 200]
    assert per_person == pytest.approx([100 * 10 / 15, 100 * 5 / 15, 200 * 5 / 15,
                                        200 * 10 / 15])
    assert per_person.sum() == pytest.approx(300)


def test_directed_allocation_by_priority_then_fair_share():
    alloc = directed_allocation(
        100, priorities=[2, 1, 1, 0], shares=[0.25, 0.25, 0.25, 0.25],
        fair_share=[1, 1.0, 0.5, 1], demands=[40, np.inf, np.inf, 10],
    )
    assert alloc.tolist() == pytest.approx([40, 40, 20, 0])
    roomy = directed_allocation(1000, [0, 0], [0.5, 0.5], [1, 1], [100, 200])
    assert roomy.tolist() == [100, 200]


def test_person_access():
    access = person_access([100, 30], [0, 0, 1], [5, 0, 1])
    assert access.directed.tolist() == [50, 50, 30]
    assert access.total.tolist() == [55, 50, 31]


def test_fair_tree_ties_share_a_rank():
    # three users under the root, two without usage (LF = inf) tie at the top
    ranks = fair_tree_ranks([-1, -1, -1], [1, 1, 1], [0, 0.5, 0])
    assert ranks.tolist() == [1.0, pytest.approx(1 / 3), 1.0]
    assert fair_tree_ranks([-1, -1], [1, 1], [0, 0]).tolist() == [1.0, 1.0]
