"""Unit oracles of the value model (lab_value) and the decision (behaviour), from a mutmut run."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import expit, logit

from talentmoat.behaviour import (
    ALPHA_BOUND,
    Coefficients,
    PartyOffers,
    expected_departures_to_parties,
    inclusion_probabilities,
    offer_utility,
    p_accept,
    solve_alphas,
    targeting_weights,
)
from talentmoat.lab_value import (
    absorb,
    advance,
    diffuse,
    discounted_total,
    lead,
    rebuild,
    stale,
    steady_state_own,
)


def test_absorb_rebuild_diffuse_and_advance_are_capped_noisy_ors():
    assert absorb(0.5, 0.5) == pytest.approx(0.75)
    assert absorb(np.array([0.2]), np.array([0.0])) == pytest.approx([0.2])
    assert rebuild(np.array([0.9, 0.2]), np.array([0.5, 0.1])).tolist() == [1.0, pytest.approx(0.3)]
    assert diffuse(0.9, 0.1, 1.0, 1.0) == 1.0  # capped at 1
    assert diffuse(0.5, 0.8, 0.6, 0.5) == 0.5  # the lab is behind: nothing to learn
    assert advance(0.9, 2.0, 1.0, 1.0, 0.3, 0.0, 0.0, 0.0) == 1.0
    assert advance(0.1, 0.5, 2.0, 0.8, 0.3, 0.5, 0.2, 0.1) == pytest.approx(
        0.1 * 0.25 * 0.8 ** 0.3 * 1.1 * 0.9)
    out = stale(np.ones((2, 3, 4)), np.array([0.1, 0.5]))
    assert out[:, 0, 0].tolist() == [0.9, 0.5]


def test_lead_over_the_strongest_party_and_with_none():
    assert lead(np.array([0.9, 0.8]), np.array([[0.5, 0.7], [0.85, 0.1]])).tolist() == \
        pytest.approx([0.2, -0.05])
    assert lead(np.array([0.9]), np.zeros((1, 0))).tolist() == [0.9]


def test_discounted_cost():
    flows = np.array([[10.0, 10.0, 0.0, 10.0]])
    df = 1.21 ** (-np.arange(1, 5) / 4)
    assert discounted_total(flows, 0.21).tolist() == pytest.approx([(flows[0] * df).sum()])


def test_steady_state_when_the_party_is_not_behind_the_lab():
    rate, d, a = np.array([0.03]), 0.05, 0.08
    assert steady_state_own(rate, d, a, np.array([0.3])) == pytest.approx(0.375)  # ρ / a
    own = np.zeros(1)
    for _ in range(3000):
        own = diffuse(rebuild(stale(own, np.array(a)), rate), own, np.array([0.3]), d)
    assert own == pytest.approx(0.375)
    assert steady_state_own(rate, d, 0.0, np.array([0.3]))[0] == 1.0  # no advance: catches up


def test_targeting_weights_are_zero_without_knowledge_even_at_theta_zero():
    w = targeting_weights([1.0, 2.0], [1.0, 1.0], [0.0, 0.5], 0.0)
    assert w.tolist() == [0.0, 2.0]


def test_p_accept_is_the_logistic_of_offer_utility_with_every_term():
    c = Coefficients.from_parity(0.1, 2.5, 0.8, 1.5, 1.0)
    assert c.alpha == pytest.approx(logit(0.1))
    for args in itertools.product([1.5, 3.0], [0.5, 2.0], [-0.2, 0.3], [0.0, 0.7]):
        assert p_accept(c, *args) == pytest.approx(expit(offer_utility(c, *args)), rel=1e-12)
    u = offer_utility(c, 2.0, 2.0, 0.2, 0.5)
    assert u == pytest.approx(logit(0.1) + 2.5 * np.log(2) + 0.8 * np.log(2) + 0.3 - 0.5)


def test_inclusion_probabilities_exact_cases():
    ones = np.ones(5)
    assert inclusion_probabilities(ones, ones, 2.0) == pytest.approx(np.full(5, 0.4))
    assert inclusion_probabilities(ones, ones, 2.5) == pytest.approx(np.full(5, 0.5))
    w = np.array([3.0, 1.0, 0.0])
    assert inclusion_probabilities(w, np.ones(3), 2.0).tolist() == [1.0, 1.0, 0.0]
    assert inclusion_probabilities(w, np.ones(3), 0.0).tolist() == [0.0, 0.0, 0.0]
    assert inclusion_probabilities(np.zeros(3), np.ones(3), 1.0).tolist() == [0.0, 0.0, 0.0]
    # unequal weights: close to the exact successive-sampling probabilities
    w = np.array([4.0, 2.0, 1.0, 1.0])
    exact = np.zeros(4)
    for first, second in itertools.permutations(range(4), 2):
        p = w[first] / w.sum() * w[second] / (w.sum() - w[first])
        exact[[first, second]] += p
    pi = inclusion_probabilities(w, np.ones(4), 2.0)
    assert pi.sum() == pytest.approx(2.0)
    np.testing.assert_allclose(pi, exact, atol=0.04)


def test_expected_departures_closed_form_for_one_person_and_one_offer_a_quarter():
    party = PartyOffers(offers_per_quarter=1.0, weights=np.array([1.0]), rest=np.array([0.0]),
                        comp_ratio=np.array([[1.0]]), node_weights=np.array([1.0]))
    alpha, h = np.array([logit(0.3)]), np.array([0.1])
    got = expected_departures_to_parties(alpha, [party], 2.5, h)
    q = 0.7 * 0.9
    assert got[0] == pytest.approx(0.3 * (1 + q + q**2 + q**3))


def test_solve_alphas_roots_and_edges():
    # departures(α) = 2 · expit(α) for role 0, 5 · expit(α) for role 1
    scale = np.array([2.0, 5.0])

    def departures(alpha):
        return scale * expit(alpha)

    alpha, reachable, achieved = solve_alphas(departures, np.array([0.5, 1.0]))
    assert achieved == pytest.approx([0.5, 1.0], abs=1e-9)
    assert alpha == pytest.approx(logit([0.25, 0.2]), abs=1e-8)
    assert reachable == pytest.approx(scale)
    alpha, reachable, _ = solve_alphas(departures, np.array([0.0, 6.0]))
    assert alpha.tolist() == [-ALPHA_BOUND, ALPHA_BOUND]  # nothing to explain; unreachable
    assert reachable[1] == pytest.approx(5.0) and reachable[1] < 6.0


def test_solve_alphas_coupled_and_saturated_roles():
    # Roles interact (each one's leaving draws offers to the others) and acceptance saturates:
    # departures_r = scale_r · expit(α_r + off_r + c · mean of the others' expit(α + off)).
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 6))
        scale, off = rng.uniform(0.1, 10, n), rng.normal(0, 3, n)
        c = rng.uniform(0, 2)

        def departures(alpha, scale=scale, off=off, c=c, n=n):
            p = expit(alpha + off)
            return scale * expit(alpha + off + c * (p.sum() - p) / max(n - 1, 1))

        target = scale * rng.uniform(0.001, 0.999, n)
        alpha, reachable, achieved = solve_alphas(departures, target)
        np.testing.assert_allclose(achieved, target, rtol=1e-9)
        np.testing.assert_allclose(departures(alpha), achieved, rtol=0)
        assert (reachable >= target).all() and (np.abs(alpha) < ALPHA_BOUND).all()
    # a role whose target only the others' full attrition would reach is held at the bound
    def one_way(alpha):
        p = expit(alpha)
        return np.array([p[0], 0.5 * p[1] + 0.5 * p[0]])

    alpha, reachable, _ = solve_alphas(one_way, np.array([0.2, 0.9]))
    assert alpha[1] == ALPHA_BOUND and reachable[1] == pytest.approx(0.6)
    assert one_way(alpha)[0] == pytest.approx(0.2, rel=1e-9)
