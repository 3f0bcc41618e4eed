"""The per-process memos: the memo rule, its keys, and the calibration memoised per routing."""

from __future__ import annotations

import numpy as np

from talentmoat.investors.valuation import unvalued, value_losses
from talentmoat.loader import load_scenario, with_scenario
from talentmoat.memo import Memo, arrays_key, content_key
from talentmoat.sim import calibrate
from talentmoat.sim.calibrate import calibrate_alpha
from talentmoat.sim.setup import build_setup


def test_memo_computes_once_and_drops_the_oldest():
    memo: Memo[int] = Memo(2)
    calls = []

    def make(v):
        return lambda: calls.append(v) or v

    assert memo.get(b"a", make(1)) == 1 and memo.get(b"a", make(9)) == 1
    memo.get(b"b", make(2))
    memo.get(b"c", make(3))  # full: "a" goes
    assert memo.get(b"a", make(4)) == 4 and calls == [1, 2, 3, 4]


def test_arrays_key_tells_values_shapes_dtypes_and_extra_apart():
    a = np.arange(6.0)
    keys = {arrays_key(a), arrays_key(a.reshape(2, 3)), arrays_key(a.astype(np.float32)),
            arrays_key(a + 1e-12), arrays_key(a, extra=1), arrays_key(a[::-1].copy())}
    assert len(keys) == 6
    assert arrays_key(a[::2]) == arrays_key(np.ascontiguousarray(a[::2]))


def test_calibration_is_memoised_on_content_and_routing():
    lab = load_scenario("lean-lab")
    final = calibrate_alpha(lab)  # routed by the value model's converged prices
    assert calibrate_alpha(lab) is final
    assert calibrate_alpha(lab, value_losses(lab).loss) is final  # the same routing
    assert not final.alpha.flags.writeable  # shared by every caller
    # round 0 of the valuation: nobody facilitates, another routing, another calibration
    first = calibrate_alpha(lab, unvalued(lab))
    assert first is not final and not np.array_equal(first.alpha, final.alpha)
    # what the memo holds is what a fresh computation gives
    s = lab.scenario
    base = build_setup(lab, s.simulation.baseline, s.strategies[s.simulation.baseline],
                       alpha=np.zeros(lab.roster.size))
    fresh = calibrate._calibrate(lab, base)
    np.testing.assert_array_equal(fresh.alpha, final.alpha)
    np.testing.assert_array_equal(fresh.expected, final.expected)
    # another scenario content (the seed of the engine-draw correction) is not served stale
    other = with_scenario(lab, s.model_copy(update={"seed": s.seed + 1}), lab.source, "x")
    assert content_key(other) != content_key(lab)
    moved = calibrate_alpha(other)
    assert moved is not final and not np.array_equal(moved.alpha, final.alpha)
