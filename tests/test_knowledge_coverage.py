"""Coverage, blueprint share, bypassed R&D and key-people measures against direct formulas."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from talentmoat.knowledge import (
    blueprint_share,
    bypassed_rd,
    coverage,
    marginal_loss,
    mask,
    standalone_share,
)

levels = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]) | st.floats(0, 1)


def knowledge(max_n: int = 7, max_c: int = 4):
    return st.tuples(st.integers(1, max_n), st.integers(1, max_c)).flatmap(
        lambda nc: arrays(float, nc, elements=levels)
    )


def direct_cov(K, people):
    miss = np.ones(K.shape[1])
    for i in people:
        miss = miss * (1 - K[i])
    return 1 - miss


@given(knowledge())
@settings(max_examples=150, deadline=None)
def test_coverage_matches_the_product_for_every_subset(K):
    n, c = K.shape
    w = np.full(c, 1 / c)
    for r in range(n + 1):
        for S in itertools.combinations(range(n), r):
            expected = direct_cov(K, S)
            got = coverage(K, mask(n, S))
            np.testing.assert_allclose(got, expected, atol=1e-12)
            assert 0.0 <= float(blueprint_share(K, w, mask(n, S))) <= 1.0 + 1e-12


@given(knowledge(), st.data())
@settings(max_examples=100, deadline=None)
def test_coverage_is_monotone_in_the_set(K, data):
    n = K.shape[0]
    small = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    extra = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    assert np.all(coverage(K, small | extra) >= coverage(K, small) - 1e-12)


def test_batched_masks_give_one_row_per_set():
    K = np.array([[0.5, 0.0], [0.5, 1.0], [0.2, 0.4]])
    masks = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 1, 1]], dtype=bool)
    np.testing.assert_allclose(
        coverage(K, masks),
        [[0.5, 0.0], [0.75, 1.0], [0.0, 0.0], [0.8, 1.0]],
    )


def test_bypassed_rd_counts_only_the_tacit_part():
    K = np.array([[1.0, 0.5]])
    cost = np.array([100.0, 40.0])
    tacit = np.array([0.25, 1.0])
    # 100·0.25·1 + 40·1·0.5
    assert float(bypassed_rd(K, cost, tacit, mask(1, [0]))) == 45.0


@given(knowledge())
@settings(max_examples=150, deadline=None)
def test_marginal_loss_equals_removing_each_person(K):
    n, c = K.shape
    w = np.arange(1, c + 1) / np.arange(1, c + 1).sum()
    everyone = blueprint_share(K, w, np.ones(n, dtype=bool))
    expected = [everyone - blueprint_share(K, w, ~mask(n, [i])) for i in range(n)]
    np.testing.assert_allclose(marginal_loss(K, w), expected, atol=1e-12)
    np.testing.assert_allclose(
        standalone_share(K, w), [direct_cov(K, [i]) @ w for i in range(n)], atol=1e-12
    )


def test_marginal_loss_with_sole_and_shared_full_holders():
    # Person 0 alone holds component 0 fully; persons 1 and 2 both hold component 1 fully.
    K = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    w = np.array([0.6, 0.4])
    np.testing.assert_allclose(marginal_loss(K, w), [0.6, 0.0, 0.0])
