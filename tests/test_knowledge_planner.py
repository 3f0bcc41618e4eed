"""Compartmentalization planner: constraints hold and the surrogate is optimal (brute force)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from talentmoat.knowledge import greedy, plan_compartments
from talentmoat.knowledge.planner import SHORTFALL_PENALTY, TIE_BREAK

H, RES = 0.5, 0.1


def surrogate(K, w, keep, org, r, k_max):
    """The planner's objective, written out directly."""
    deep = K >= H
    K_after = np.where(deep & ~keep, np.minimum(K, RES), K)
    B = np.sort(K_after @ w)[::-1]
    need = np.minimum(r, (deep & ~org).sum(axis=0)) * ~org
    short = np.maximum(0, need - keep.sum(axis=0))
    gain = ((K - np.minimum(K, RES)) * keep) @ w
    return (sum(B[:k].sum() for k in range(1, k_max + 1)) + SHORTFALL_PENALTY * short.sum()
            + TIE_BREAK * gain.sum())


@st.composite
def instances(draw):
    n = draw(st.integers(1, 5))
    c = draw(st.integers(1, 3))
    K = draw(arrays(float, (n, c), elements=st.sampled_from([0.0, 0.05, 0.3, 0.6, 0.8, 1.0])))
    raw = draw(arrays(float, c, elements=st.integers(1, 5).map(float)))
    org = draw(arrays(bool, c))
    return K, raw / raw.sum(), org, draw(st.integers(1, 3)), draw(st.integers(1, 3))


@given(instances())
@settings(max_examples=120, deadline=None)
def test_plan_is_feasible_and_minimises_the_surrogate(inst):
    K, w, org, m, r = inst
    k_max = min(3, K.shape[0])
    plan = plan_compartments(K, w, max_components=m, redundancy=r, hold_threshold=H,
                             residual=RES, org_holds=org, k_max=k_max)
    deep = K >= H
    assert plan.optimal
    assert not (plan.keep & ~deep).any()                    # only existing deep access is kept
    assert not plan.keep[:, org].any()                      # org-held components: nobody
    assert (plan.keep.sum(axis=1) <= m).all()               # cap per person
    need = np.minimum(r, (deep & ~org).sum(axis=0)) * ~org
    np.testing.assert_array_equal(plan.shortfall, np.maximum(0, need - plan.keep.sum(axis=0)))
    assert (plan.K_after <= K + 1e-15).all()
    np.testing.assert_array_equal(plan.revoked, deep & ~plan.keep)
    # Brute force over every subset of eligible holdings.
    pairs = list(zip(*np.nonzero(deep & ~org[None, :]), strict=True))
    best = np.inf
    for bits in itertools.product([False, True], repeat=len(pairs)):
        keep = np.zeros_like(deep)
        for (i, j), b in zip(pairs, bits, strict=True):
            keep[i, j] = b
        if (keep.sum(axis=1) > m).any():
            continue
        best = min(best, surrogate(K, w, keep, org, r, k_max))
    assert surrogate(K, w, plan.keep, org, r, k_max) <= best + 1e-7


def test_plan_lowers_exposure_and_keeps_the_floor_on_a_lab_like_roster():
    rng = np.random.default_rng(11)
    K = rng.beta(1, 6, (40, 4))
    for i in range(10):  # ten specialists with two deep areas each
        K[i, rng.choice(4, 2, replace=False)] = rng.uniform(0.7, 0.95, 2)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    plan = plan_compartments(K, w, max_components=1, redundancy=2, k_max=3)
    before = greedy(K, w, 3).values
    after = greedy(plan.K_after, w, 3).values
    assert (after < before).all()
    assert (plan.keep.sum(axis=0) >= np.minimum(2, (K >= 0.5).sum(axis=0))).all()
    assert plan.shortfall.sum() == 0
