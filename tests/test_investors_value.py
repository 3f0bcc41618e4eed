"""The investors' ``ΔV_lab(i → p)`` from the value model (MODEL.md §F, §I) on the bundled lab."""

from __future__ import annotations

import numpy as np
import pytest

from talentmoat.investors import assess_syndicate, facilitation_gain
from talentmoat.investors import valuation as val
from talentmoat.knowledge import marginal_loss
from talentmoat.loader import load_scenario, with_scenario
from talentmoat.sim.setup import build_setup, initial_lead
from talentmoat.sim.shock import person_values


@pytest.fixture(scope="module")
def lab():
    return load_scenario("lean-lab")


@pytest.fixture(scope="module")
def priced(lab):
    return val.value_losses(lab)


def test_the_investors_price_is_the_simulations_person_value_exactly(lab, priced):
    # The fixed point settled, so the scenario as simulated routes offers exactly as the
    # prices were computed on: `talentmoat people --party portfolio:<p>` gives the same numbers.
    assert priced.converged and priced.changed[-1] == 0
    for k, party in enumerate(priced.parties):
        rows = person_values(lab, party, people=list(priced.people),
                             replications=priced.replications)["people"]
        assert len(rows) == len(priced.people) == lab.scenario.investors.map_size
        for row in rows:
            i = row["person"]
            lost = row["value_lost_discounted"]
            assert (lost["mean"], lost["low"], lost["high"]) == (
                priced.loss[k, i], priced.low[k, i], priced.high[k, i]), (party, i)
    off = np.setdiff1d(np.arange(lab.roster.size), priced.people)
    assert np.isnan(priced.loss[:, off]).all()


def test_every_key_person_costs_the_lab_hundreds_of_millions(priced):
    on = priced.loss[:, list(priced.people)]
    assert (on > 3e8).all() and (on < 1e10).all()
    assert (priced.low[:, list(priced.people)] <= on).all()
    assert (on <= priced.high[:, list(priced.people)]).all()


def test_decisions_follow_the_value_model_and_flip_against_the_first_order_formula(lab, priced):
    s = lab.scenario
    syn = assess_syndicate(lab, lab.roster.K, priced.loss, requested=False)
    people = list(priced.people)
    # Facilitating pays exactly where s_vp · uplift > s_v · ΔV (no request, no deterrent).
    for k, company in enumerate(syn.companies):
        stake = s.investors.syndicate[syn.investor_of[k]].stake
        pays = company.stake * company.uplift_per_hire > stake * priced.loss[k, people]
        np.testing.assert_array_equal(syn.facilitated[k, people], pays)
    # Oracle: the first-order ΔV = V_0 · φ_int · ΔB_i / lead_0 (ΔB_i the tacit marginal loss)
    # that the calculus used before, by hand from the knowledge map.
    firm = s.firm
    delta_b = marginal_loss(lab.roster.K, s.blueprint.weights * s.blueprint.tacit)
    first_order = firm.valuation * firm.moat.intellectual * delta_b / initial_lead(lab)
    gain_fo = facilitation_gain([v.stake for v in s.investors.syndicate],
                                [c.stake for c in syn.companies],
                                [c.uplift_per_hire for c in syn.companies], syn.investor_of,
                                np.repeat(first_order[None, :], len(syn.companies), axis=0))
    growth = [c.name for c in syn.companies].index("robotics-co")
    flipped = [i for i in people if gain_fo[growth, i] > 0 > syn.gain[growth, i]]
    # The growth fund (4 % of the lab, 12 % of robotics-co: $6M a hire) would route three key
    # people at first order (their ΔB is small: others cover them), but the value model prices
    # each at $0.39B or more (the lab's advance slows without them): 6M − 0.04 · ΔV < 0.
    assert len(flipped) == 3
    assert not syn.facilitated[growth].any()
    # The crossover fund (2 % of the lab, 35 % of apps-co: $52.5M a hire) still routes the
    # key people worth less than $2.625B to the lab, and only those.
    apps = [c.name for c in syn.companies].index("apps-co")
    np.testing.assert_array_equal(syn.facilitated[apps, people],
                                  priced.loss[apps, people] < 5.25e7 / 0.02)
    assert 5 < syn.facilitated[apps].sum() < len(people)


def test_probabilities_stay_in_the_unit_interval(lab, priced):
    for requested in (False, True):
        syn = assess_syndicate(lab, lab.roster.K, priced.loss, requested)
        assert ((syn.access >= 0) & (syn.access <= 1)).all()
        for spread in syn.spreads:
            assert ((spread.reach >= 0) & (spread.reach <= 1)).all()
        boost = lab.scenario.investors.map_visibility_boost
        assert ((syn.rival_reach >= 1) & (syn.rival_reach <= 1 + boost)).all()
        assert (syn.company_rate >= 0).all()


def test_round_zero_prices_nobody_so_nobody_is_facilitated(lab):
    syn = assess_syndicate(lab, lab.roster.K, val.unvalued(lab), requested=False)
    assert not syn.facilitated.any()
    np.testing.assert_allclose(syn.self_enforcing, 0.0)


def test_valued_once_per_scenario_content(lab, priced, monkeypatch):
    def fail(_lab, max_rounds=val.MAX_ROUNDS):
        raise AssertionError("valued again")

    monkeypatch.setattr(val, "solve", fail)
    # Building setups, another strategy's, a renamed copy: all reuse the memo.
    build_setup(lab, "nonpoach_request", ["nonpoach_request"])
    renamed = lab.scenario.model_copy(update={"name": "other"})
    assert val.value_losses(with_scenario(lab, renamed, "copy", "x")) is priced
    # A change the valuation depends on is valued again.
    other = lab.scenario.model_copy(update={"seed": lab.scenario.seed + 1})
    with pytest.raises(AssertionError, match="valued again"):
        val.value_losses(with_scenario(lab, other, "copy", "y"))
