"""Truck factor: exact MILP against brute force on small rosters."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from talentmoat.knowledge import truck_factor


def brute_force(K, w, h):
    n = K.shape[0]
    held = K >= h
    for r in range(n + 1):
        for S in itertools.combinations(range(n), r):
            keep = np.ones(n, dtype=bool)
            keep[list(S)] = False
            orphaned = ~held[keep].any(axis=0)
            if w[orphaned].sum() > 0.5 + 1e-12:
                return r
    raise AssertionError("unreachable: removing everyone orphans everything")


@st.composite
def rosters(draw):
    n = draw(st.integers(1, 8))
    c = draw(st.integers(1, 5))
    K = draw(arrays(float, (n, c), elements=st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0])))
    raw = draw(arrays(float, c, elements=st.integers(1, 10).map(float)))
    return K, raw / raw.sum()


@given(rosters(), st.sampled_from([0.5, 0.7]))
@settings(max_examples=300, deadline=None)
def test_truck_factor_equals_brute_force(inst, h):
    K, w = inst
    tf = truck_factor(K, w, h)
    assert tf.size == brute_force(K, w, h)
    # The reported set really does orphan more than half of the value.
    keep = np.ones(K.shape[0], dtype=bool)
    keep[list(tf.people)] = False
    orphaned = ~(K[keep] >= h).any(axis=0)
    assert w[orphaned].sum() > 0.5
    assert tuple(np.flatnonzero(orphaned)) == tf.orphaned
    np.testing.assert_array_equal(tf.per_component, (K >= h).sum(axis=0))


def test_exactly_half_is_not_more_than_half():
    # Two components of weight 0.5, each with its own single holder: orphaning one leaves
    # exactly half without a holder, which is not more than half; both must go.
    K = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert truck_factor(K, np.array([0.5, 0.5])).size == 2


def test_unheld_value_counts_before_anyone_leaves():
    K = np.array([[0.9, 0.1, 0.0], [0.8, 0.0, 0.2]])
    tf = truck_factor(K, np.array([0.4, 0.3, 0.3]))
    assert tf.size == 0 and tf.orphaned == (1, 2)


def test_a_heavy_component_with_few_holders_is_the_weak_point():
    # 'data' (0.6 of value) is held by two people; the rest is widely held.
    K = np.array([
        [0.9, 0.9, 0.9],
        [0.9, 0.0, 0.9],
        [0.0, 0.9, 0.9],
        [0.0, 0.9, 0.9],
    ])
    tf = truck_factor(K, np.array([0.6, 0.2, 0.2]))
    assert tf.size == 2 and set(tf.people) == {0, 1} and tf.orphaned == (0,)
