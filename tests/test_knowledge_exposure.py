"""Poach-k exposure: greedy, bound and exact against brute force and Oracle 13."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from talentmoat.knowledge import (
    blueprint_share,
    exact_max_coverage,
    greedy,
    mask,
    poach_exposure,
)

levels = st.sampled_from([0.0, 0.2, 0.5, 0.8, 1.0]) | st.floats(0, 1)


@st.composite
def instances(draw, max_n=9, max_c=4):
    n = draw(st.integers(1, max_n))
    c = draw(st.integers(1, max_c))
    K = draw(arrays(float, (n, c), elements=levels))
    raw = draw(arrays(float, c, elements=st.floats(0.01, 1)))
    w = raw / raw.sum()
    k = draw(st.integers(1, n))
    return K, w, k


def brute_force(K, w, k):
    n = K.shape[0]
    return max(
        float(blueprint_share(K, w, mask(n, S))) for S in itertools.combinations(range(n), k)
    )


@given(instances())
@settings(max_examples=250, deadline=None)
def test_exact_equals_brute_force_and_greedy_is_within_guarantee(inst):
    K, w, k = inst
    optimum = brute_force(K, w, k)
    run = greedy(K, w, k)
    guess = run.selection(k)
    exact = exact_max_coverage(K, w, k, incumbent=guess, time_budget_s=30)
    assert exact is not None
    assert math.isclose(exact.value, optimum, abs_tol=1e-9)
    assert len(set(exact.people)) == k
    # The reported value is the value of the reported people.
    assert math.isclose(
        float(blueprint_share(K, w, mask(K.shape[0], exact.people))), exact.value, abs_tol=1e-9
    )
    assert guess.value >= (1 - 1 / math.e) * optimum - 1e-9
    assert run.bounds[k - 1] >= optimum - 1e-9
    # Without an incumbent the search still finds the optimum.
    alone = exact_max_coverage(K, w, k, time_budget_s=30)
    assert math.isclose(alone.value, optimum, abs_tol=1e-9)


@given(instances())
@settings(max_examples=150, deadline=None)
def test_greedy_prefixes_are_real_sets_with_the_best_marginal_gain(inst):
    K, w, k = inst
    n = K.shape[0]
    run = greedy(K, w, k)
    assert len(set(run.order)) == k
    for j in range(1, k + 1):
        prefix = run.order[:j]
        value = float(blueprint_share(K, w, mask(n, prefix)))
        assert math.isclose(run.values[j - 1], value, abs_tol=1e-9)
        before = float(blueprint_share(K, w, mask(n, prefix[:-1])))
        best_gain = max(
            float(blueprint_share(K, w, mask(n, [*prefix[:-1], i]))) - before
            for i in range(n) if i not in prefix[:-1]
        )
        assert value - before >= best_gain - 1e-9


def test_oracle_13_greedy_12_exact_14():
    """refs/economics.md §5, Oracle 13 (0/1 knowledge, unit weights, k = 2)."""
    sets = [{1, 2}, {3, 4, 5, 6}, {7, 8, 9, 10, 11, 12, 13, 0},
            {1, 3, 5, 7, 9, 11, 13}, {2, 4, 6, 8, 10, 12, 0}]
    K = np.zeros((5, 14))
    for i, s in enumerate(sets):
        K[i, sorted(s)] = 1.0
    w = np.full(14, 1 / 14)
    run = greedy(K, w, 2)
    assert run.order == (2, 1)
    assert round(run.values[1] * 14, 9) == 12
    exact = exact_max_coverage(K, w, 2, incumbent=run.selection(2))
    assert exact.people == (3, 4)
    assert round(exact.value * 14, 9) == 14
    assert run.bounds[1] * 14 >= 14 - 1e-9


def test_exact_gives_up_when_out_of_time():
    rng = np.random.default_rng(3)
    K = rng.random((300, 6))
    w = np.full(6, 1 / 6)
    assert exact_max_coverage(K, w, 5, time_budget_s=0.0) is None


def test_poach_exposure_rows_report_bound_exact_and_bypassed_rd():
    K = np.array([[0.9, 0.0], [0.0, 0.6], [0.5, 0.5]])
    w = np.array([0.5, 0.5])
    cost = np.array([100.0, 200.0])
    tacit = np.array([1.0, 0.5])
    rows = poach_exposure(K, w, cost, tacit, k_max=3, time_budget_s=5)
    assert [r.k for r in rows] == [1, 2, 3]
    # k = 1: person 2 alone holds 0.5; person 0 holds 0.45; person 1 holds 0.3.
    assert rows[0].exact.people == (2,) and math.isclose(rows[0].exact.value, 0.5)
    # k = 2: {0, 1} → 0.5·0.9 + 0.5·0.6 = 0.75 beats {0, 2} (0.725) and {1, 2} (0.65).
    assert rows[1].exact.people == (0, 1) and math.isclose(rows[1].exact.value, 0.75)
    assert math.isclose(rows[1].bypassed_rd, 100 * 1.0 * 0.9 + 200 * 0.5 * 0.6)
    assert all(r.upper_bound >= r.best.value - 1e-12 for r in rows)
    assert rows[2].best.people == (0, 1, 2)
