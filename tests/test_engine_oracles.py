"""Closed-form one- and two-quarter cases of the engine (MODEL.md §E–H), built without a schema.

Two or three people, one hiring party, acceptance made certain (``utility_rest`` = +50) or
impossible (−50), constant multiples, hand-set draws; every number below is worked by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from talentmoat.behaviour import targeting_weights
from talentmoat.lab_value import discounted_mean
from talentmoat.sim.draws import Draws
from talentmoat.sim.engine import _start, simulate_strategy
from talentmoat.sim.inputs import HiringParty, Setup, World
from talentmoat.sim.results import paired

W = np.array([0.6, 0.4])
TACIT = np.array([0.8, 0.5])
COST = np.array([1.0e8, 5.0e7])
K = np.array([[0.9, 0.2], [0.3, 0.6]])
A0, GAMMA, D_PUB = 0.1, 1.0, 0.05


def world(n=2, absorption=0, backfill=5, learning=0.5):
    return World(weights=W, replication_cost=COST, valuation=1.0e9, financial_moat=0.2,
                 lead0=0.25, backfill_quarters=backfill, learning_rate=learning,
                 newcomer_knowledge=0.1, role_of=np.zeros(n, dtype=np.int64), n_roles=1,
                 a0=A0, gamma=GAMMA, kappa=0.3, exploration_gain=0.5,
                 absorption_quarters=absorption, discount_rate=0.21)


def party(rest, n=2, visibility_reach=(1.0, 0.0), theta=1.5, offers=1.0, own=0.3, rate=0.02):
    return HiringParty(name="p", offers_per_quarter=offers, multiple_median=2.0,
                       multiple_sigma=0.0, offer_face=np.full(n, 1.0e6),
                       buyout=np.zeros(n), utility_rest=np.full(n, rest), theta=theta,
                       reach=np.array(visibility_reach[:n]), rebuild_per_quarter=np.full(2, rate),
                       initial_own=np.full(2, own))


def setup(p, n=2, **kw):
    zeros = np.zeros(n)
    base = dict(name="s", policies=(), K=K[:n], tacit=TACIT, target=K[:n],
                visibility=np.ones(n), stay_value=np.full(n, 1.0e6), beta_comp=2.5,
                hazard=zeros, parties=[p], counter_share=zeros, counter_cap=np.full(n, np.inf),
                counter_years=0.0, cost_per_seat=zeros, units_per_seat=zeros,
                unit_payout_per_seat=zeros, tender_cash_per_seat=zeros,
                tender_is_lab_cost=False, fixed_cost=0.0, one_off_cost=0.0,
                nonpoach_request=False, blue_sky_share=0.0, directed_ratio=1.0, drag=0.0,
                diffusion=D_PUB)
    base.update(kw)
    return Setup(**base)


def draws(quarters, n=2, count=0.0, background=0.5):
    shape = (1, quarters)
    return Draws(background=np.full((*shape, n), background, dtype=np.float32),
                 target=np.full((*shape, 1, 1), 0.5), multiple=np.zeros((*shape, 1, 1)),
                 accept=np.full((*shape, 1, 1), 0.5),
                 count=np.broadcast_to(np.asarray(count, dtype=float).reshape(1, -1, 1)
                                       if np.ndim(count) else count, (*shape, 1)).copy())


def test_one_certain_hire_in_one_quarter():
    tr = simulate_strategy(setup(party(+50.0)), world(), draws(1))
    assert tr.departures[0, 0].tolist() == [1, 0]  # person 0, the only one it can reach
    cov_all = 1 - (1 - K[0]) * (1 - K[1])
    t0, t1 = (W * TACIT * cov_all).sum(), (W * TACIT * K[1]).sum()
    a = A0 * (t1 / t0) ** GAMMA  # no compute change, no blue sky, no drag
    assert tr.advance[0, 0] == pytest.approx(a, rel=1e-12)
    hired = K[0] * (1 - a)  # absorbed at once, stale by this quarter's advance
    own = 0.3 * (1 - a) + 0.02  # stale, then rebuild
    lab_cov = (1 - TACIT) + TACIT * K[1]
    cov_j = 1 - (1 - own) * (1 - TACIT * hired)
    own = own + D_PUB * np.maximum(0, lab_cov - cov_j)  # diffusion
    b_j = (W * (1 - (1 - own) * (1 - TACIT * hired))).sum()
    b_lab = (W * lab_cov).sum()
    assert tr.b_rival[0, 0, 0] == pytest.approx(b_j, rel=1e-12)
    assert tr.b_lab[0, 0] == pytest.approx(b_lab, rel=1e-12)
    lead = b_lab - b_j
    assert tr.value[0, 0] == pytest.approx(1e9 * (0.2 + 0.8 * max(0, lead) / 0.25), rel=1e-12)
    # carry and bypassed R&D: the tacit share of what the leaver covers, never staled
    assert tr.bypassed_rd[0, 0, 0] == pytest.approx((COST * TACIT * K[0]).sum(), rel=1e-12)
    assert tr.first_hires_carry[0, 0] == pytest.approx((W * TACIT * K[0]).sum(), rel=1e-12)
    assert tr.retained[0, 0] == 0.5 and tr.to_parties_by_role[0, 0, 0] == 1


def test_absorption_waits_and_goes_stale_meanwhile():
    tr = simulate_strategy(setup(party(+50.0), one_off_cost=7.0), world(absorption=1),
                           draws(2, count=0.9))
    # quarter 0: the hire is pending; nobody else is reachable afterwards
    a0, a1 = tr.advance[0]
    own0 = 0.3 * (1 - a0) + 0.02
    lab_cov = (1 - TACIT) + TACIT * K[1]
    own0 = own0 + D_PUB * np.maximum(0, lab_cov - own0)
    assert tr.b_rival[0, 0, 0] == pytest.approx((W * own0).sum(), rel=1e-12)
    # quarter 1: absorbed, stale by both quarters' advance
    hired = K[0] * (1 - a0) * (1 - a1)
    own1 = own0 * (1 - a1) + 0.02
    cov = 1 - (1 - own1) * (1 - TACIT * hired)
    own1 = own1 + D_PUB * np.maximum(0, lab_cov - cov)
    b_j = (W * (1 - (1 - own1) * (1 - TACIT * hired))).sum()
    assert tr.b_rival[0, 1, 0] == pytest.approx(b_j, rel=1e-12)
    assert a1 == pytest.approx(a0, rel=1e-12)  # the same people in post
    assert tr.cost[0].tolist() == [7.0, 0.0]  # a one-off cost falls in the first quarter
    # discounted value: quarterly factors (1.21)^(−t/4) = 1/1.1^(t/2)
    df = np.array([1.1 ** -0.5, 1.1 ** -1.0])
    assert discounted_mean(tr.value, 0.21)[0] == pytest.approx((df * tr.value[0]).sum()
                                                               / df.sum(), rel=1e-12)


def test_impossible_acceptance_and_the_counter_offers_cost():
    p = party(-50.0)
    s = setup(p, counter_share=np.array([0.5, 0.5]), counter_cap=np.array([3.0e5, np.inf]),
              counter_years=2.0)
    tr = simulate_strategy(s, world(), draws(2))
    assert tr.departures.sum() == 0
    # offer 2 × 1M against a stay value of 1M: the gap is 1M, half of it 0.5M, capped at 0.3M,
    # paid for two years when the person stays, in each quarter with an offer
    assert tr.cost[0].tolist() == [6.0e5, 6.0e5]
    # nobody leaves: the lab's advance is a0 and the value is the lead's
    np.testing.assert_allclose(tr.advance[0], [A0, A0], rtol=1e-12)


def test_tender_unit_and_seat_costs():
    s = setup(party(-50.0, offers=0.0), cost_per_seat=np.array([1.0, 2.0]),
              units_per_seat=np.array([10.0, 20.0]), unit_payout_per_seat=np.array([40.0, 0.0]),
              tender_cash_per_seat=np.array([100.0, 300.0]), tender_is_lab_cost=True,
              fixed_cost=5.0)
    tr = simulate_strategy(s, world(), draws(1))
    assert tr.cost[0, 0] == pytest.approx(3.0 + 30.0 + 400.0 + 5.0)
    assert tr.tender_cash[0, 0] == 400.0
    held = min(1.0, max(0.0, (tr.b_lab[0, 0] - tr.b_rival[0, 0, 0]) / 0.25))
    assert tr.unit_payout[0, 0] == pytest.approx(40.0 * held)
    investors = simulate_strategy(
        setup(party(-50.0, offers=0.0), tender_cash_per_seat=np.array([100.0, 300.0])),
        world(), draws(1))
    assert investors.cost[0, 0] == 0.0 and investors.tender_cash[0, 0] == 400.0


def test_a_newcomer_learns_a_share_eta_of_the_gap_each_quarter():
    # person 0 leaves in quarter 0; with no backfill lag the seat is filled at the start of
    # quarter 1 at min(K_new, target) and learns half the gap in the same quarter
    tr = simulate_strategy(setup(party(+50.0, offers=0.5)), world(backfill=0),
                           draws(2, count=[0.0, 0.9]))
    assert tr.departures[0, :, 0].tolist() == [1, 0]
    learned = np.minimum(0.1, K[0]) + 0.5 * (K[0] - np.minimum(0.1, K[0]))
    cov = 1 - (1 - learned) * (1 - K[1])
    assert tr.b_lab[0, 1] == pytest.approx((W * ((1 - TACIT) + TACIT * cov)).sum(), rel=1e-12)
    assert tr.headcount[0, :, 0].tolist() == [1.0, 2.0]


@pytest.mark.parametrize("theta", [1.0, 1.5, 2.0, 0.5])
def test_targeting_weights_with_theta(theta):
    p = party(0.0, n=3, visibility_reach=(1.0, 2.0, 0.5), theta=theta)
    K3 = np.array([[0.9, 0.2], [0.3, 0.6], [0.0, 0.0]])
    s = setup(p, n=3, K=K3, target=K3, visibility=np.array([1.0, 3.0, 2.0]))
    state, _ = _start(s, world(n=3), 2)
    want = targeting_weights(s.visibility, p.reach, K3 @ W, theta)
    np.testing.assert_allclose(state.weights[:, :, 0], np.tile(want, (2, 1)), rtol=1e-14)
    assert want[2] == 0.0 and want[1] == pytest.approx(3.0 * 2.0 * (0.3 * 0.6 + 0.6 * 0.4)
                                                       ** theta)


def test_the_interval_is_a_95_percent_student_t():
    diff = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    half = stats.t.ppf(0.975, 4) * diff.std(ddof=1) / math.sqrt(5)
    ci = paired(diff)
    assert ci["mean"] == 4.0
    assert ci["high"] - ci["mean"] == pytest.approx(half, rel=1e-12)
    assert stats.t.ppf(0.975, 4) == pytest.approx(2.776445, rel=1e-6)
