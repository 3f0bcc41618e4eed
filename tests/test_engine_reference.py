"""The compiled engine against the plain-Python reference quarter, on shared draws."""

from __future__ import annotations

import numpy as np
import pytest

import reference_quarter
from talentmoat.loader import load_scenario
from talentmoat.sim.calibrate import calibrate_alpha
from talentmoat.sim.draws import draw
from talentmoat.sim.engine import simulate_strategy, slots
from talentmoat.sim.setup import build_setup, make_world

SMALL = """\
name: ref
seed: 9
blueprint:
  components:
    - {id: data, weight: 0.4, replication_cost: 1.0e8, tacit: 0.8}
    - {id: arch, weight: 0.35, replication_cost: 5.0e7, tacit: 0.6}
    - {id: integration, weight: 0.25, replication_cost: 5.0e7, tacit: 0.9}
roster:
  cohorts:
    - role: core
      count: 4
      specialties: {count: 1, knowledge: {dist: beta, a: 6, b: 3}}
      knowledge: {default: {dist: beta, a: 1, b: 5}}
    - role: staff
      count: 3
      cash: 2.0e5
      equity_grant_per_year: 1.0e5
      knowledge: {default: {dist: beta, a: 0.5, b: 10}}
knowledge:
  plan: {max_components: 1, redundancy: 1, org_holds: [integration]}
firm:
  valuation: 1.0e10
  backfill_quarters: 1
  attrition: {total: {default: 0.2, core: 0.3}, to_parties: {default: 0.1, core: 0.6}}
  frontier: {absorption_quarters: 2}
rivals:
  - {name: big, hires_per_quarter: 1.5, offer_multiple: {dist: lognormal, median: 2.5,
     sigma: 0.4}, targeting_exponent: 1.5, rebuild_rate_per_quarter: 4.0e6,
     initial_coverage: 0.4}
  - {name: small, hires_per_quarter: 0.7, offer_multiple: {dist: constant, value: 1.8},
     targeting_exponent: 1.0, rebuild_rate_per_quarter: 1.0e6, initial_coverage: 0.2}
policies:
  retention_grant: {match_share: 0.5}
strategies:
  baseline: []
  mixed: [tenders, synthetic_equity, blue_sky, compartmentalize, retention_grant, open_science]
"""

def _compare(lab, strategies, reps, quarters):
    world, _ = make_world(lab)
    alpha = calibrate_alpha(lab).per_person(lab)
    setups = [build_setup(lab, s, lab.scenario.strategies[s], alpha) for s in strategies]
    draws = draw(lab.scenario.seed, range(reps), quarters, len(world.role_of),
                 len(setups[0].parties), slots(setups))
    for setup in setups:
        engine = simulate_strategy(setup, world, draws)
        ref = reference_quarter.run(setup, world, draws)
        for name, values in ref.items():
            got = getattr(engine, name)
            want = np.array(values, dtype=float).reshape(got.shape)
            if got.dtype.kind == "i":  # counts: exactly
                np.testing.assert_array_equal(got, want, err_msg=f"{setup.name}.{name}")
            else:  # running log-sums in the engine against direct products here
                np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9,
                                           err_msg=f"{setup.name}.{name}")


def test_engine_equals_the_reference_on_a_small_lab(tmp_path):
    path = tmp_path / "ref.yaml"
    path.write_text(SMALL)
    _compare(load_scenario(path), ["baseline", "mixed"], reps=12, quarters=10)


@pytest.mark.parametrize("name", ["lean-lab"])
def test_engine_equals_the_reference_on_a_bundled_lab(name):
    lab = load_scenario(name)
    _compare(lab, ["baseline", "all"], reps=2, quarters=6)
