"""Core 2-year retention: closed form without rivals, the starting core only, a constraint."""

from __future__ import annotations

import math

import numpy as np
import pytest

from talentmoat.errors import InputError
from talentmoat.experiments import metrics
from talentmoat.experiments.optimize import evaluate, feasible
from talentmoat.experiments.optspec import load_optimization
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate
from talentmoat.sim.results import core_retention, outcome_totals

LAB = """\
name: retention-test
seed: 5
blueprint:
  components:
    - {id: data, weight: 0.6, replication_cost: 1.0e8, tacit: 0.8}
    - {id: arch, weight: 0.4, replication_cost: 5.0e7, tacit: 0.6}
roster:
  cohorts:
    - role: core
      count: 40
      cash: 4.0e5
      equity_grant_per_year: 2.0e6
      specialties: {count: 1, knowledge: {dist: beta, a: 8, b: 2}}
      knowledge: {default: {dist: beta, a: 1, b: 6}}
    - role: staff
      count: 20
      cash: 2.0e5
      equity_grant_per_year: 1.0e5
      knowledge: {default: {dist: beta, a: 0.5, b: 30}}
firm:
  valuation: 1.0e10
  attrition: {total: {default: 0.11}, to_parties: {default: 0.0}}
  backfill_quarters: BACKFILL
  moat: {financial: 0.25}
strategies:
  baseline: []
simulation: {quarters: 10, replications: 40}
"""


def lab(tmp_path, backfill):
    path = tmp_path / f"lab{backfill}.yaml"
    path.write_text(LAB.replace("BACKFILL", str(backfill)))
    return load_scenario(path)


def test_without_rivals_core_retention_is_geometric_survival(tmp_path):
    reps = 200
    res = simulate(lab(tmp_path, 400), ["baseline"], replications=reps)
    q = 1 - (1 - 0.11) ** 0.25       # quarterly hazard of 11 % a year
    expected = (1 - q) ** 8          # = 0.89², two years
    se = math.sqrt(expected * (1 - expected) / (reps * 40))
    got = core_retention(res, "baseline")
    assert abs(got - expected) < 4 * se, (got, expected, se)
    tr = res.trajectories["baseline"]
    # nobody is refilled inside the horizon: everyone in post is of the starting roster
    np.testing.assert_array_equal(tr.original_by_role, tr.headcount)
    assert outcome_totals(res, "baseline")["totals"]["core_retention_2y"] == got


def test_core_retention_counts_the_starting_core_not_the_refills(tmp_path):
    res = simulate(lab(tmp_path, 1), ["baseline"], replications=60)
    tr = res.trajectories["baseline"]
    core = res.roles.index("core")
    assert core_retention(res, "baseline") == pytest.approx(tr.original_by_role[:, 7, core]
                                                            .mean() / 40, rel=1e-12)
    # refills keep the headcount up; the starting core still shrinks
    assert tr.headcount[:, 7, core].mean() > tr.original_by_role[:, 7, core].mean() + 1
    short = simulate(lab(tmp_path, 1), ["baseline"], replications=4, quarters=7)
    assert core_retention(short, "baseline") is None
    assert math.isnan(metrics.row(["core_retention_2y"], outcome_totals(short, "baseline"),
                                  None)["core_retention_2y"])


SPEC = """\
name: retention
replications: 10
quarters: QUARTERS
seed: 3
levers:
  - {name: match, path: policies.retention_grant.match_share, values: [off, 1.0]}
constraints:
  - {metric: core_retention_2y, min: 0.85}
validation: {replications: 20, seed: 4, candidates: 2}
"""


def test_core_retention_is_a_constraint_of_the_optimizer(tmp_path):
    lean = load_scenario("lean-lab")
    path = tmp_path / "o.yaml"
    path.write_text(SPEC.replace("QUARTERS", "8"))
    opt = load_optimization(path, lean)
    rows = evaluate(opt, opt.candidates(), replications=10, seed=3)
    alone = simulate(lean, ["baseline"], replications=10, quarters=8, seed=3)
    # the baseline (match off, no policy) keeps the same share as the baseline run alone
    off = next(r for r in rows if r["candidate"] == (None,))
    assert off["core_retention_2y"] == pytest.approx(core_retention(alone, "baseline"),
                                                     rel=1e-12)
    for row in rows:
        assert feasible(opt, row) == (row["core_retention_2y"] >= 0.85)
    path.write_text(SPEC.replace("QUARTERS", "6"))
    with pytest.raises(InputError, match="8 quarters"):
        load_optimization(path, lean)
