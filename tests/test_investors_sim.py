"""Investors in the simulation: routing, leaked maps, common random numbers, stylized facts."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from talentmoat.investors import assess_syndicate, key_people
from talentmoat.investors.syndicate import targeting_weight, visibility_of
from talentmoat.knowledge import standalone_share
from talentmoat.loader import load_scenario
from talentmoat.sim import build_setup, simulate
from talentmoat.sim.results import compare

BUNDLED = resources.files("talentmoat.scenarios").joinpath("lean-lab.yaml").read_text()
LEAN = BUNDLED.replace("  valuation: 5.0e10 ", "  valuation: 5.0e7 ", 1)
"""The mechanism tests use the lean lab at a $50M valuation. On the bundled $50B lab the value
model prices every key person at $0.4B or more (tests/test_investors_value.py), so only the
crossover fund facilitates any hire; at $50M the same people are worth a few $M and every
branch of the investors' calculus is exercised."""

HAND_PRICE = 2.0e6
"""``ΔV_lab(i → p)`` (USD) given to every mapped person for every company in the mechanism
tests, so they test the routing, not the valuation (which has its own tests)."""


def lean(tmp_path, name="lean.yaml", **replace):
    text = LEAN
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return load_scenario(path)


def mapped_of(lab):
    s = lab.scenario
    return key_people(standalone_share(lab.roster.K, s.blueprint.weights), s.investors.map_size)


def syndicate(lab, requested):
    companies = sum(len(v.portfolio) for v in lab.scenario.investors.syndicate)
    loss = np.where(mapped_of(lab), HAND_PRICE, np.nan)[None, :].repeat(companies, axis=0)
    return assess_syndicate(lab, lab.roster.K, loss, requested)


def test_large_portfolio_stake_hungry_for_the_same_people_defects_without_reputation_cost(
        tmp_path):
    lab = lean(tmp_path, "base.yaml")
    names = [v.name for v in lab.scenario.investors.syndicate]
    asked = syndicate(lab, requested=True)
    crossover, lead_fund = names.index("crossover-fund"), names.index("lead-fund")
    mapped = mapped_of(lab)
    # The crossover fund (35 % of an apps company, 2 % of the lab) gains far more from a hire
    # than its lab stake loses (0.35 · $150M − 0.02 · $2M), and its $50M reputation cost does
    # not hold it; the lead fund's $25M does. Only the priced (mapped) people can be moved.
    mine = asked.facilitated[asked.investor_of == crossover]
    assert mine[:, mapped].all() and not mine[:, ~mapped].any()
    assert not asked.facilitated[asked.investor_of == lead_fund].any()
    assert asked.self_enforcing[crossover] == pytest.approx(0.35 * 1.5e8 - 0.02 * HAND_PRICE)
    # Without any reputation cost it defects as well; with one above its largest gain
    # it honours.
    free = lean(tmp_path, **{"reputation_cost: 5.0e7 ": "reputation_cost: 0 "})
    assert syndicate(free, True).facilitated[asked.investor_of == crossover][:, mapped].all()
    held = lean(tmp_path, "held.yaml", **{"reputation_cost: 5.0e7 ": "reputation_cost: 6.0e7 "})
    assert not syndicate(held, True).facilitated[asked.investor_of == crossover].any()


def test_request_silences_routing_but_a_leaked_map_still_reaches_the_key_people(tmp_path):
    lab = lean(tmp_path, "base.yaml")
    names = [p.name for p in syndicate(lab, True).companies]
    k = names.index("agents-co")
    free, asked = syndicate(lab, False), syndicate(lab, True)
    mapped = mapped_of(lab)
    # Without the request the lead fund facilitates every priced hire (0.15 · $40M > 0.1 · $2M):
    # its two hires a year land on the mapped people's share of its targeting weight.
    omega = targeting_weight(visibility_of(lab), standalone_share(
        lab.roster.K, lab.scenario.blueprint.weights), free.companies[k].targeting_exponent)
    np.testing.assert_array_equal(free.facilitated[k], mapped)
    assert free.company_rate[k] == pytest.approx(0.5 * omega[mapped].sum() / omega.sum())
    # refs §8: the map leaks to a portfolio company with a = 0.3; only mapped people remain.
    np.testing.assert_allclose(asked.access[k], 0.3 * asked.mapped)
    assert 0 < asked.company_rate[k] < 0.3 * 0.5 + 1e-12
    off = lean(tmp_path, **{"leak_depth: 1 ": "leak_depth: 0 "})
    assert syndicate(off, True).company_rate[k] == 0.0
    assert (syndicate(off, True).rival_reach == 1.0).all()
    # Rivals reached by a map: the growth fund's tie (0.1) to the hyperscaler.
    hyper = [r.name for r in lab.scenario.rivals].index("hyperscaler")
    np.testing.assert_allclose(asked.rival_reach[hyper], 1.0 + 1.0 * 0.1 * asked.mapped)


def test_every_strategy_has_the_same_hiring_parties():
    lab = load_scenario("lean-lab")
    base = build_setup(lab, "baseline", [])
    asked = build_setup(lab, "nonpoach_request", ["nonpoach_request"])
    assert [r.name for r in base.parties] == [r.name for r in asked.parties] == [
        "hyperscaler", "well-funded-startup", "portfolio:apps-co", "portfolio:agents-co",
        "portfolio:robotics-co"]


def test_a_request_nobody_honours_changes_nothing_on_common_random_numbers(tmp_path):
    lab = lean(tmp_path, **{"reputation_cost: 2.5e7": "reputation_cost: 0",
                            "reputation_cost: 1.5e7": "reputation_cost: 0"})
    res = simulate(lab, ["nonpoach_request"], replications=20, quarters=8)
    a, b = res.trajectories["baseline"], res.trajectories["nonpoach_request"]
    for field in ("departures", "b_lab", "b_rival", "value"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_chunking_does_not_matter_with_a_syndicate():
    lab = load_scenario("lean-lab")
    one = simulate(lab, ["nonpoach_request"], replications=10, quarters=5, chunk=10)
    many = simulate(lab, ["nonpoach_request"], replications=10, quarters=5, chunk=3)
    for name in one.strategies:
        for field in ("departures", "b_rival", "value"):
            np.testing.assert_array_equal(getattr(one.trajectories[name], field),
                                          getattr(many.trajectories[name], field))


def test_request_lowers_departures_less_with_proxy_leakage_than_without(tmp_path):
    effect = {}
    for depth in (1, 0):
        lab = lean(tmp_path, f"d{depth}.yaml", **{"leak_depth: 1 ": f"leak_depth: {depth} "})
        res = simulate(lab, ["nonpoach_request"], replications=200)
        row = compare(res)[0]
        effect[depth] = row["delta_departures"]
        tr = res.trajectories["nonpoach_request"]
        honouring = [res.rivals.index("portfolio:agents-co"),
                     res.rivals.index("portfolio:robotics-co")]
        leaked = tr.departures[:, :, honouring].sum()
        assert (leaked > 0) if depth else (leaked == 0)
    on, off = effect[1], effect[0]
    assert on["high"] < 0 and off["high"] < 0  # the request lowers departures either way
    assert off["mean"] < on["mean"]  # … by more when nothing leaks
    # the difference is larger than the paired intervals' half-widths
    assert on["low"] > off["mean"] and off["high"] < on["mean"], effect


def test_repeated_game_enforcement_uses_the_grim_trigger_threshold(tmp_path):
    lab = lean(tmp_path, **{"enforcement: reputation": "enforcement: repeated_game"})
    asked = syndicate(lab, True)
    # δ = 0.9: deterrents 9 L = $9M, $45M, $18M against gains of $52.5M, $6M, $6M.
    np.testing.assert_allclose(asked.deterrent, [9.0e6, 4.5e7, 1.8e7])
    mapped = mapped_of(lab)
    assert asked.facilitated[asked.investor_of == 0][:, mapped].all()
    assert not asked.facilitated[asked.investor_of != 0].any()
    lax = lean(tmp_path, "lax.yaml", **{"enforcement: reputation": "enforcement: repeated_game",
                                        "deal_flow_loss_per_year: 5.0e6":
                                        "deal_flow_loss_per_year: 5.0e5"})
    # L = $0.5M: 9 L = $4.5M no longer deters the lead fund's $6M − $0.2M gain.
    assert syndicate(lax, True).facilitated[asked.investor_of == 1][:, mapped].all()
