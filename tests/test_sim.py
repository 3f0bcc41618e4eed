"""The simulation engine against closed forms, invariants and stylized facts."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate
from talentmoat.sim.results import compare, lead, parity_quarter

BASE = """\
name: sim-test
seed: 11
blueprint:
  components:
    - {id: data, weight: 0.5, replication_cost: 1.0e8, tacit: 0.8}
    - {id: arch, weight: 0.3, replication_cost: 5.0e7, tacit: 0.6}
    - {id: integration, weight: 0.2, replication_cost: 5.0e7, tacit: 0.9}
roster:
  cohorts:
    - role: core
      count: 10
      cash: 4.0e5
      equity_grant_per_year: 2.0e6
      tenure_years: 3
      specialties: {count: 1, knowledge: {dist: beta, a: 8, b: 2}}
      knowledge: {default: {dist: beta, a: 1, b: 6}}
    - role: staff
      count: {staff}
      cash: 2.0e5
      equity_grant_per_year: 1.0e5
      knowledge: {default: {dist: beta, a: 0.5, b: 30}}
firm:
  valuation: 1.0e10
  attrition: {total: {default: 0.11}, to_parties: {to_parties}}
  backfill_quarters: {backfill}
  moat: {financial: 0.25}
policies:
  tenders: {windows_per_year: 2, cap_share_of_vested: 0.25, holding_years: 2}
  compartmentalize: {overhead_share: 0.05}
knowledge:
  plan: {max_components: 1, redundancy: 2, org_holds: [integration]}
strategies:
  baseline: []
  tenders: [tenders]
  compartmentalize: [compartmentalize]
simulation: {quarters: 8, replications: 40, chunk: 40}
"""

RIVAL = """\
rivals:
  - name: hyperscaler
    hires_per_quarter: {hires}
    offer_multiple: {multiple}
    liquid_share: 0.9
    targeting_exponent: 1.5
    rebuild_rate_per_quarter: {rebuild}
    initial_coverage: 0.3
"""


def scenario(tmp_path, staff=40, backfill=2, rival=None, name="s.yaml", extra=""):
    text = BASE.replace("{staff}", str(staff)).replace("{backfill}", str(backfill))
    # with a rival, half the core's leavers join it (calibrated); without, nobody can
    text = text.replace("{to_parties}", "{default: 0.0, core: 0.5}" if rival
                        else "{default: 0.0}")
    if rival:
        text += RIVAL.format(**rival)
    path = tmp_path / name
    text += extra
    path.write_text(text)
    return load_scenario(path)


HYPER = {"hires": 2.5, "multiple": "{dist: lognormal, median: 2.0, sigma: 0.3}",
         "rebuild": 5.0e6}


def test_no_rivals_attrition_equals_base_and_survival_is_geometric(tmp_path):
    lab = scenario(tmp_path, staff=190, backfill=400)
    res = simulate(lab, ["baseline"], replications=200, quarters=8)
    tr = res.trajectories["baseline"]
    n = lab.roster.size
    q = 1 - (1 - 0.11) ** 0.25
    trials = 200 * n
    # Annual attrition: share of the roster gone after four quarters.
    annual = tr.departures[:, :4].sum() / trials
    se = math.sqrt(0.11 * 0.89 / trials)
    assert abs(annual - 0.11) < 4 * se, (annual, se)
    # Survival after t quarters is (1 − q)^t at every t.
    for t in (1, 4, 8):
        expected = (1 - q) ** t
        se = math.sqrt(expected * (1 - expected) / trials)
        assert abs(tr.retained[:, t - 1].mean() - expected) < 4 * se
    assert (tr.departures[:, :, :-1] == 0).all()  # no rival, no rival departures
    assert (tr.cost == 0).all()


def test_same_seed_same_numbers_and_chunking_does_not_matter(tmp_path):
    lab = scenario(tmp_path, rival=HYPER)
    one = simulate(lab, replications=12, quarters=6, chunk=12)
    many = simulate(lab, replications=12, quarters=6, chunk=5)
    again = simulate(lab, replications=12, quarters=6, chunk=1)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = simulate(lab, replications=12, quarters=6, chunk=4, workers=2, executor=pool)
    for name in one.strategies:
        for field in ("b_lab", "b_rival", "departures", "value", "cost", "retained"):
            a = getattr(one.trajectories[name], field)
            for other in (many, again, pooled):
                np.testing.assert_array_equal(a, getattr(other.trajectories[name], field))
    other_seed = simulate(lab, replications=12, quarters=6, seed=99)
    assert not np.array_equal(one.trajectories["baseline"].departures,
                              other_seed.trajectories["baseline"].departures)
    other_stream = simulate(lab, replications=12, quarters=6, stream=(3,))
    assert not np.array_equal(one.trajectories["baseline"].departures,
                              other_stream.trajectories["baseline"].departures)


def test_a_replication_does_not_depend_on_how_many_run(tmp_path):
    lab = scenario(tmp_path, rival=HYPER)
    few = simulate(lab, ["baseline"], replications=3, quarters=5)
    more = simulate(lab, ["baseline"], replications=9, quarters=5)
    np.testing.assert_array_equal(few.trajectories["baseline"].b_rival,
                                  more.trajectories["baseline"].b_rival[:3])


def test_conservation_and_bounds(tmp_path):
    lab = scenario(tmp_path, backfill=400, rival=HYPER)  # no refills inside the horizon
    res = simulate(lab, replications=30, quarters=8)
    n = lab.roster.size
    for tr in res.trajectories.values():
        # Every departure is counted once, by one rival or as background attrition.
        gone = tr.departures.sum(axis=-1).cumsum(axis=1)
        np.testing.assert_array_equal(tr.headcount.sum(axis=-1), n - gone)
        np.testing.assert_allclose(tr.retained, (n - gone) / n)
        assert (tr.b_lab <= 1 + 1e-12).all() and (tr.b_rival <= 1 + 1e-12).all()
        assert (tr.b_lab >= 0).all()
        # a rival loses only what goes stale: B_j(t) ≥ (1 − a_t) B_j(t − 1) (MODEL.md §G.2)
        assert (tr.b_rival[:, 1:] >= (1 - tr.advance[:, 1:, None]) * tr.b_rival[:, :-1]
                - 1e-12).all()
        assert (tr.advance > 0).all() and (tr.advance <= 0.08 + 1e-12).all()
        assert (np.diff(tr.bypassed_rd, axis=1) >= -1e-6).all()
        par = parity_quarter(tr)
        for r in np.flatnonzero(par):
            assert lead(tr)[r, par[r] - 1] <= 0 and (lead(tr)[r, : par[r] - 1] > 0).all()


def test_backfill_refills_seats_after_the_lag(tmp_path):
    lab = scenario(tmp_path, backfill=1)
    tr = simulate(lab, ["baseline"], replications=50, quarters=6).trajectories["baseline"]
    n = lab.roster.size
    # A seat vacated in quarter t is vacant in t + 1 and filled again at the start of t + 2.
    left = tr.departures.sum(axis=-1)
    expected = n - left[:, 1:] - left[:, :-1]
    np.testing.assert_array_equal(tr.headcount.sum(axis=-1)[:, 1:], expected)


def test_tenders_lower_departures_to_a_2x_offer(tmp_path):
    rival = {**HYPER, "multiple": "{dist: constant, value: 2.0}", "hires": 3}
    lab = scenario(tmp_path, rival=rival)
    res = simulate(lab, ["tenders"], replications=300, quarters=8)
    row = next(r for r in compare(res) if r["strategy"] == "tenders")
    assert row["delta_departures_to_rivals"]["high"] < 0, row["delta_departures_to_rivals"]


def test_compartmentalization_lowers_what_the_first_three_hires_carry(tmp_path):
    rival = {"hires": 3, "multiple": "{dist: constant, value: 1000.0}", "rebuild": 0.0}
    # version 1's acceptance rule, so that a 1000× offer is certain to be accepted
    lab = scenario(tmp_path, rival=rival,
                   extra="behaviour: {alpha: parity, p_accept_at_parity: 0.5}\n")
    res = simulate(lab, ["compartmentalize"], replications=100, quarters=1)
    base, comp = res.trajectories["baseline"], res.trajectories["compartmentalize"]
    assert (base.departures[:, 0, 0] == 3).all() and (comp.departures[:, 0, 0] == 3).all()
    assert (comp.first_hires_carry[:, 0].mean()
            < base.first_hires_carry[:, 0].mean() - 0.02)


def test_lean_lab_loses_more_value_per_departure_than_capital_heavy():
    share = {}
    for name in ("lean-lab", "capital-heavy"):
        res = simulate(load_scenario(name), ["baseline"], replications=20, quarters=8)
        tr = res.trajectories["baseline"]
        lost = 1 - tr.value[:, -1].mean() / res.valuation
        share[name] = lost / tr.departures.sum(axis=(1, 2)).mean()
    assert share["lean-lab"] > 5 * share["capital-heavy"], share


def test_the_lab_must_start_ahead(tmp_path):
    text = (BASE.replace("{staff}", "5").replace("{backfill}", "1")
            .replace("{to_parties}", "{default: 0.0}")
            + RIVAL.format(**HYPER).replace("initial_coverage: 0.3", "initial_coverage: 1.0"))
    (tmp_path / "behind.yaml").write_text(text)
    result = CliRunner().invoke(app, ["simulate", str(tmp_path / "behind.yaml"),
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "initial_coverage" in result.stderr and "must start ahead" in result.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("bad,needle", [
    ("strategies:\n  baseline: []\n  x: [magic]\n", "unknown policy magic"),
    ("simulation: {baseline: nope}\n", "simulation.baseline"),
])
def test_bad_strategies_are_input_errors(tmp_path, bad, needle):
    text = (BASE.replace("{staff}", "5").replace("{backfill}", "1")
            .replace("{to_parties}", "{default: 0.0}"))
    text = text[: text.index("strategies:")] + bad
    (tmp_path / "bad.yaml").write_text(text)
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 2 and needle in result.stderr


def test_offers_are_drawn_without_replacement_in_proportion_to_weight():
    from talentmoat.sim.engine import _choose

    rng = np.random.default_rng(5)
    rows = 200_000
    weight = np.tile([1.0, 2.0, 0.0, 3.0, 4.0], (rows, 1))
    chosen = _choose(np.ascontiguousarray(weight[:, :, None]), 0, rng.random((rows, 3)),
                     np.full(rows, 2))
    assert (chosen[:, 2] == -1).all()  # the count caps the offers
    first, second = chosen[:, 0], chosen[:, 1]
    assert (first != second).all() and (first != 2).all() and (second != 2).all()
    total = weight[0].sum()
    for i in (0, 1, 3, 4):
        p = weight[0, i] / total
        assert abs((first == i).mean() - p) < 4 * math.sqrt(p * (1 - p) / rows)
    # Successive sampling: P({i, j}) = w_i/W · w_j/(W − w_i) + w_j/W · w_i/(W − w_j).
    for i, j in ((0, 1), (0, 4), (3, 4)):
        wi, wj = weight[0, i], weight[0, j]
        p = wi / total * wj / (total - wi) + wj / total * wi / (total - wj)
        got = (((first == i) & (second == j)) | ((first == j) & (second == i))).mean()
        assert abs(got - p) < 4 * math.sqrt(p * (1 - p) / rows)


def test_every_strategy_policy_has_an_object_and_composes(tmp_path):
    from talentmoat.policies import Policy, make_policy
    from talentmoat.scenario import STRATEGY_POLICIES
    from talentmoat.sim.setup import build_setup

    lab = load_scenario("lean-lab")
    for name in STRATEGY_POLICIES:
        policy = make_policy(name, lab.scenario)
        assert isinstance(policy, Policy) and policy.name == name
    base = build_setup(lab, "b", [])
    both = build_setup(lab, "x", ["compartmentalize", "retention_grant"])
    comp = build_setup(lab, "c", ["compartmentalize"])
    grant = build_setup(lab, "g", ["retention_grant"])
    np.testing.assert_array_equal(both.K, comp.K)                  # from compartmentalize
    np.testing.assert_array_equal(both.counter_share, grant.counter_share)  # from the grant
    assert (comp.K <= base.K).all() and (comp.K < base.K).any()
    k = lab.scenario.blueprint.ids.index("integration")
    assert both.tacit[k] == pytest.approx(0.3 * lab.scenario.blueprint.tacit[k])  # documented
    np.testing.assert_array_equal(base.stay_value, comp.stay_value)  # not a package policy
