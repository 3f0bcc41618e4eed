"""Poach shocks and person value (MODEL.md §I): engine oracles, a closed form, §J's statement."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from talentmoat.loader import load_scenario
from talentmoat.sim.draws import Draws, draw
from talentmoat.sim.engine import Trajectories, simulate_strategy, slots
from talentmoat.sim.inputs import HiringParty, Setup, Shock, World
from talentmoat.sim.shock import (
    person_values,
    poach_shock,
    prepare,
    share_jump,
    top_people,
)

REPS = 24


@pytest.fixture(scope="module")
def lean():
    return load_scenario("lean-lab")


@pytest.fixture(scope="module")
def lean_prep(lean):
    return prepare(lean, replications=REPS)


def _draws(prep):
    n = prep.setup.K.shape[0]
    return draw(prep.seed, range(REPS), prep.quarters, n, len(prep.setup.parties),
                slots([prep.setup]))


def _same(a: Trajectories, b: Trajectories, names) -> None:
    for name in names:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_shock_of_nobody_is_bit_identical(lean_prep):
    d = _draws(lean_prep)
    base = simulate_strategy(lean_prep.setup, lean_prep.world, d)
    none = simulate_strategy(lean_prep.setup, lean_prep.world, d,
                             Shock(0, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)))
    _same(base, none, [f.name for f in fields(Trajectories)])


def test_shock_of_a_person_with_no_knowledge_changes_only_headcount(lean_prep):
    i = 140  # a rank-and-file seat; its knowledge set to zero everywhere
    K = lean_prep.setup.K.copy()
    K[i] = 0.0
    setup = replace(lean_prep.setup, K=K, target=K)
    d = _draws(lean_prep)
    base = simulate_strategy(setup, lean_prep.world, d)
    rows = np.arange(REPS, dtype=np.int64)
    shocked = simulate_strategy(setup, lean_prep.world, d, Shock(0, rows, np.full(REPS, i)))
    _same(base, shocked, ["b_lab", "b_rival", "bypassed_rd", "value", "advance"])
    role = lean_prep.world.role_of[i]
    stays = d.background[:, 0, i] >= setup.hazard[i]  # unshocked, the person is still in post
    assert stays.any()
    assert np.array_equal(base.headcount[:, 0, role] - shocked.headcount[:, 0, role],
                          stays.astype(float))
    assert (shocked.departures[:, 0, 0] - base.departures[:, 0, 0] == 1).all()


def _tiny() -> tuple[Setup, World, Draws]:
    """Three people, two components, one party that makes no offers, no attrition, T = 2."""
    K = np.array([[0.5, 0.0], [0.0, 0.4], [0.2, 0.2]])
    n, c, t, r = 3, 2, 2, 2
    zeros = np.zeros(n)
    party = HiringParty(
        name="rival", offers_per_quarter=0.0, multiple_median=1.0, multiple_sigma=0.0,
        offer_face=zeros, buyout=zeros, utility_rest=zeros, theta=1.0, reach=np.ones(n),
        rebuild_per_quarter=np.zeros(c), initial_own=np.array([0.3, 0.3]))
    setup = Setup(
        name="tiny", policies=(), K=K, tacit=np.array([0.5, 1.0]), target=K,
        visibility=np.ones(n), stay_value=np.ones(n), beta_comp=1.0, hazard=zeros,
        parties=[party], counter_share=zeros, counter_cap=np.full(n, np.inf),
        counter_years=0.0, cost_per_seat=zeros, units_per_seat=zeros,
        unit_payout_per_seat=zeros, tender_cash_per_seat=zeros, tender_is_lab_cost=False,
        fixed_cost=0.0, one_off_cost=0.0, nonpoach_request=False, blue_sky_share=0.0,
        directed_ratio=1.0, drag=0.0, diffusion=0.0)
    world = World(
        weights=np.array([0.6, 0.4]), replication_cost=np.array([100.0, 200.0]),
        valuation=1000.0, financial_moat=0.2, lead0=0.688 - 0.3, backfill_quarters=5,
        learning_rate=0.5, newcomer_knowledge=0.1, role_of=np.zeros(n, dtype=np.int64),
        n_roles=1, a0=0.1, gamma=1.0, kappa=0.3, exploration_gain=0.5,
        absorption_quarters=1, discount_rate=0.0)
    draws = Draws(background=np.ones((r, t, n), dtype=np.float32),
                  target=np.zeros((r, t, 1, 0)), multiple=np.zeros((r, t, 1, 0)),
                  accept=np.zeros((r, t, 1, 0)), count=np.ones((r, t, 1)))
    return setup, world, draws


def test_two_person_shock_matches_the_hand_computation():
    setup, world, draws = _tiny()
    people = (0, 1)
    # Static jump: cov_S = (0.5, 0.4), carry = tacit · cov_S = (0.25, 0.4);
    # 0.6 · (1 − 0.7 · 0.75 − 0.3) + 0.4 · (1 − 0.7 · 0.6 − 0.3) = 0.105 + 0.112.
    assert share_jump(world, setup, 0, people) == pytest.approx(0.217, abs=1e-12)
    from talentmoat.knowledge.coverage import bypassed_rd, mask
    assert float(bypassed_rd(setup.K, world.replication_cost, setup.tacit,
                             mask(3, people))) == pytest.approx(100 * 0.25 + 200 * 0.4)
    rows = np.array([0, 0, 1, 1], dtype=np.int64)
    tr = simulate_strategy(setup, world, draws, Shock(0, rows, np.array([0, 1, 0, 1])))
    base = simulate_strategy(setup, world, draws)
    # Without: B_lab = 0.6 · (0.5 + 0.5 · 0.6) + 0.4 · 0.52 = 0.688, a = 0.1.
    a = 0.1
    own = [0.3 * (1 - a), 0.3 * (1 - a) ** 2]
    for q in range(2):
        v = 1000 * (0.2 + 0.8 * (0.688 - own[q]) / world.lead0)
        assert base.value[0, q] == pytest.approx(v, rel=1e-12)
    # With: person 2 alone in post covers (0.2, 0.2): T_t / T_0 = 0.14 / 0.388,
    # B_lab = 0.6 · (0.5 + 0.1) + 0.4 · 0.2 = 0.44; the hires count from quarter 2, twice stale.
    a = 0.1 * 0.14 / 0.388
    b_lab = 0.44
    o1 = 0.3 * (1 - a)
    o2 = 0.3 * (1 - a) ** 2
    h = np.array([0.5, 0.4]) * (1 - a) ** 2
    carry = np.array([0.5, 1.0]) * h
    b2 = float(np.dot([0.6, 0.4], 1 - (1 - o2) * (1 - carry)))
    assert tr.b_lab[0, 0] == pytest.approx(b_lab, rel=1e-12)
    assert tr.b_rival[0, 0, 0] == pytest.approx(o1, rel=1e-12)
    assert tr.b_rival[0, 1, 0] == pytest.approx(b2, rel=1e-12)
    for q, b in enumerate((o1, b2)):
        v = 1000 * (0.2 + 0.8 * max(0.0, b_lab - b) / world.lead0)  # q2: at parity, floor
        assert tr.value[1, q] == pytest.approx(v, rel=1e-12)
    assert tr.value[0, 1] == pytest.approx(200.0)
    assert tr.bypassed_rd[0, -1, 0] == pytest.approx(105.0, rel=1e-12)


def test_person_values_batched_equal_the_single_shock(lean):
    """Two people valued in one batched run agree exactly with their own shock runs."""
    batch = person_values(lean, people=[2, 6], replications=REPS)
    for row in batch["people"]:
        single = poach_shock(lean, None, (row["person"],), replications=REPS)
        assert row["value_lost_discounted"] == single["value_lost_discounted"]
        assert row["value_lost_end"] == single["value_lost_end"]


def test_top3_shock_face_validity():
    """MODEL.md §J: the top-3 shock by the strongest rival brings first parity ≥ 2 quarters
    sooner in lean-lab and costs it ≥ 3× the share of value it costs capital-heavy."""
    shares = {}
    for name in ("lean-lab", "capital-heavy"):
        lab = load_scenario(name)
        people, exact = top_people(lab, 3)
        assert exact
        shares[name] = poach_shock(lab, None, people)
    lean_shock = shares["lean-lab"]
    assert lean_shock["quarters_sooner"]["ci"]["low"] >= 2.0
    assert lean_shock["value_lost_discounted"]["low"] > 0
    assert (lean_shock["value_lost_share"]
            >= 3.0 * shares["capital-heavy"]["value_lost_share"])
