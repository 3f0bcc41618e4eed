"""Oracles of refs/economics.md §1–2 and properties of the package valuation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentmoat.economics import (
    EquityTerms,
    TenderTerms,
    black_scholes,
    chaffe,
    clear_tender,
    dlom,
    finnerty,
    ghaidarov,
    hull_white_option,
    longstaff,
    offer_value,
    opm_common_preferred,
    opm_tranches,
    package_value,
    prorata_factor,
    pwerm,
    tender_wait_years,
    unvested_share,
    vest_probability,
)


def test_black_scholes_oracle_1():
    call, put = black_scholes(42, 40, 0.10, 0.20, 0.5)
    assert round(float(call), 4) == 4.7594
    assert round(float(put), 4) == 0.8086


def test_hull_white_oracle_2():
    value = hull_white_option(50, 50, 10, 3, 0.05, 0.35, 0.025, 0.10, 3.0, steps_per_year=25)
    assert round(value, 4) == 13.5275
    call, _ = black_scholes(50, 50, 0.05, 0.35, 10, 0.025)
    assert round(float(call), 4) == 19.1842
    assert value < float(call)


def test_opm_oracle_3():
    common, preferred, ratio = opm_common_preferred(100, 30, 0.30, 3, 0.04, 0.60)
    assert round(common, 4) == 62.7520
    assert round(preferred, 4) == 37.2480
    assert round(ratio, 3) == 0.722
    assert common + preferred == pytest.approx(100.0)


def test_opm_tranches_sum_to_discounted_value():
    tranches = opm_tranches(100, [10, 30, 100, 250], 4, 0.03, 0.7, dividend_yield=0.02)
    assert tranches.sum() == pytest.approx(100 * np.exp(-0.02 * 4))
    assert np.all(tranches >= 0)


def test_pwerm_oracle_4():
    value = pwerm([0.25, 0.35, 0.15, 0.25], [4, 3, 2, 5], [400, 150, 0, 100], 0.25)
    assert round(value, 4) == 76.0320
    with pytest.raises(ValueError, match="sum to"):
        pwerm([0.5, 0.4], [1, 2], [1, 1], 0.1)


SIGMA = np.array([0.3, 0.6, 0.6, 0.6, 0.6, 0.8])
YEARS = np.array([0.5, 0.5, 1, 2, 4, 4])


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (finnerty, [0.0486, 0.0960, 0.1334, 0.1820, 0.2393, 0.2847]),
        (ghaidarov, [0.0489, 0.0982, 0.1396, 0.1993, 0.2869, 0.3918]),
        (chaffe, [0.0741, 0.1566, 0.2121, 0.2789, 0.3475, 0.4619]),
        (longstaff, [0.1808, 0.3860, 0.5759, 0.8772, 1.3739, 2.0486]),
    ],
)
def test_dlom_table_oracle_5(func, expected):
    assert np.round(func(SIGMA, YEARS), 4).tolist() == expected


def test_dlom_limits():
    assert float(finnerty(1.0, 1e6)) == pytest.approx(0.32279, abs=1e-5)
    assert float(longstaff(np.sqrt(0.8861), 1.0)) == pytest.approx(1.0, abs=1e-4)
    assert float(finnerty(0.6, 0.0)) == 0.0
    assert float(dlom("longstaff", 0.8, 4)) == 1.0  # clipped for valuation use


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.05, 1.5),
    st.floats(0.01, 20),
    st.floats(0.001, 5),
    st.sampled_from(["finnerty", "chaffe", "ghaidarov", "longstaff"]),
)
def test_dlom_increases_in_time(sigma, years, extra, model):
    # Chaffe with r > 0 is not monotone at long horizons (the strike is discounted); use r = 0.
    short, long = dlom(model, sigma, [years, years + extra], rate=0.0)
    assert 0.0 <= short <= long <= 1.0


def test_tender_oracles_6():
    assert round(float(prorata_factor(10_000_000, 14_000_000)), 4) == 0.7143
    assert int(1000 * float(prorata_factor(10_000_000, 14_000_000))) == 714
    out = clear_tender([1000, 500, 200], [300, 100, 10], 155, cap_share_of_vested=0.2)
    assert out.capped.tolist() == [200, 100, 10]
    assert float(out.factor) == 0.5
    assert out.allocation.tolist() == [100, 50, 5]


def test_tender_eligibility_and_dollar_cap_vectorized():
    vested = np.array([[1000.0, 500, 200], [1000, 500, 200]])
    out = clear_tender(
        vested, vested, np.array([1e9, 100]), cap_per_person=150, eligible=[True, False, True]
    )
    assert out.capped.tolist() == [[150, 0, 150], [150, 0, 150]]
    assert out.allocation[0].tolist() == [150, 0, 150]
    assert out.allocation[1].sum() == pytest.approx(100)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e6), min_size=1, max_size=20),
    st.floats(0, 1),
    st.floats(0, 1e7),
)
def test_tender_respects_caps_and_capacity(vested, cap, capacity):
    held = np.array(vested)
    out = clear_tender(held, held, capacity, cap_share_of_vested=cap)
    assert np.all(out.allocation <= cap * held + 1e-6)
    assert out.allocation.sum() <= capacity + 1e-6 * max(1.0, capacity)
    assert 0.0 <= float(out.factor) <= 1.0


def test_tender_wait():
    assert tender_wait_years(2, 2, [3.0, 1.0, 0.0], 6).tolist() == [0.5, 1.5, 2.5]
    assert tender_wait_years(2, 10, [0.0], 6).tolist() == [6.0]


def test_vesting_helpers():
    # cliff 1y of 4, quarterly after: no attrition -> always vests
    assert vest_probability(0.0, [4.0], 1.0, 4).tolist() == [1.0]
    # single annual tranche at 1y: survival to 1y
    assert vest_probability(0.11, [1.0], 1.0, 1) == pytest.approx(0.89)
    # brute force of the closed form
    times = np.concatenate([[1.0], 1.0 + np.arange(1, 13) / 4])
    weights = np.concatenate([[0.25], np.full(12, 1 / 16)])
    assert vest_probability(0.11, [4.0], 1.0, 4)[0] == pytest.approx(
        float(np.sum(weights * 0.89**times))
    )
    assert unvested_share([0, 1, 1.3, 2, 4, 5], 4, 1, 4).tolist() == [
        1, 0.75, 0.6875, 0.5, 1, 0.75
    ]


EQUITY = EquityTerms(0.72, 0.6, 4.0, "finnerty", 0.04)


def test_refs_worked_example_without_attrition():
    """refs §1.5: 0.4 M$ cash + 2 M$ equity, ratio 0.722 -> 1.50 M$ (T=4) and 1.71 M$ (T=0.5)."""
    common = dict(annual_attrition=0.0, cliff_years=1.0, vests_per_year=4, comparison_years=4)
    base = package_value(
        [4e5], [2e6], [4.0], [2.0], equity=EquityTerms(0.722, 0.6, 4.0, "finnerty", 0.04), **common
    )
    assert base.stay_value[0] / 1e6 == pytest.approx(1.50, abs=0.005)
    short = EquityTerms(0.722, 0.6, 0.5, "finnerty", 0.04)
    fast = package_value([4e5], [2e6], [4.0], [2.0], equity=short, **common)
    assert fast.stay_value[0] / 1e6 == pytest.approx(1.71, abs=0.005)


def test_tenders_raise_stay_value_and_split_formula():
    tender = TenderTerms(2, 2, 0.2, None, 0.0, 1.0)
    common = dict(annual_attrition=0.11, cliff_years=1.0, vests_per_year=4, comparison_years=4)
    without = package_value([4e5], [2e6], [4.0], [3.0], equity=EQUITY, **common)
    with_t = package_value([4e5], [2e6], [4.0], [3.0], equity=EQUITY, tender=tender, **common)
    p = vest_probability(0.11, [4.0], 1.0, 4)[0]
    # slices of 0.2 at 0.5, 1.0, …, 2.5 years, all filled: the whole vest sells at the price
    assert with_t.tender[0] == pytest.approx(2e6 * 0.72 * p)
    assert with_t.equity[0] == pytest.approx(0.0)
    assert with_t.stay_value[0] > without.stay_value[0]
    # half-filled orders, cap 0.3, liquidity at 1.6 years: slices 0.3 at 0.5, 1.0, 1.5 years,
    # the unsold half of each at its own DLOM, the last 0.1 at DLOM(1.6) (MODEL.md §C)
    half = TenderTerms(2, 2, 0.3, None, 0.0, 0.5)
    soon = EquityTerms(0.72, 0.6, 1.6, "finnerty", 0.04)
    v = package_value([0.0], [1.0], [4.0], [3.0], equity=soon, tender=half, **common)
    keep = [1 - float(finnerty(0.6, t)) for t in (0.5, 1.0, 1.5)]
    by_hand = 0.72 * p * (0.9 * 0.5 + 0.3 * 0.5 * sum(keep) + 0.1 * (1 - float(finnerty(0.6, 1.6))))
    assert v.stay_value[0] == pytest.approx(by_hand)
    assert v.tender[0] == pytest.approx(0.72 * p * 0.9 * 0.5)
    # forfeit: 1.75 years of grant unvested at tenure 3 of a 4-year grant (cliff 1, quarterly)
    unvested = 2e6 * 4 * 0.25 * 0.72
    assert without.forfeit_stock[0] == pytest.approx(unvested * (1 - float(finnerty(0.6, 4))))


def test_offer_value():
    v = offer_value(np.array([[2.0], [3.0]]), [2.4e6], 0.9, 0.2, 0.5, [1e5])
    assert v.shape == (2, 1)
    assert v[0, 0] == pytest.approx(4.8e6 * (0.9 + 0.1 * 0.8) + 5e4)


def test_pwerm_replaces_ratio_and_dlom():
    terms = EquityTerms(0.72, 0.6, 6.0, "finnerty", 0.04, pwerm_per_dollar=0.76032)
    common = dict(annual_attrition=0.11, cliff_years=1.0, vests_per_year=4, comparison_years=4)
    out = package_value([4e5], [2e6], [4.0], [3.0], equity=terms, **common)
    p = vest_probability(0.11, [4.0], 1.0, 4)[0]
    assert out.equity[0] == pytest.approx(2e6 * p * 0.76032)
    assert np.isnan(out.dlom[0])
    assert out.forfeit_stock[0] == pytest.approx(2e6 * 4 * 0.25 * 0.76032)


def test_draw_multiples_lognormal():
    from talentmoat.economics import draw_multiples

    rng = np.random.default_rng(1)
    draws = draw_multiples(rng, 2.5, 0.35, (200, 500))
    assert draws.shape == (200, 500)
    assert np.median(draws) == pytest.approx(2.5, rel=0.01)
    assert draws.mean() == pytest.approx(2.5 * np.exp(0.35**2 / 2), rel=0.01)
    assert np.all(draw_multiples(rng, 2.0, 0.0, 5) == 2.0)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 0.9), st.floats(0.0, 0.9), st.sampled_from([1.0, 2.0, 4.0, 5.0]),
    st.floats(0, 10), st.floats(0, 5e6),
)
def test_package_properties(a_low, extra, vest, tenure, grant):
    a_high = min(a_low + extra, 0.95)
    p_low = vest_probability(a_low, [vest], 1.0, 4)[0]
    p_high = vest_probability(a_high, [vest], 1.0, 4)[0]
    assert 0.0 <= p_high <= p_low <= 1.0 + 1e-12
    assert 0.0 <= unvested_share([tenure], [vest], 1.0, 4)[0] <= 1.0
    common = dict(annual_attrition=a_low, cliff_years=1.0, vests_per_year=4, comparison_years=4)
    small = package_value([3e5], [grant], [vest], [tenure], equity=EQUITY, **common)
    big = package_value([3e5], [grant * 1.5 + 1], [vest], [tenure], equity=EQUITY, **common)
    assert 3e5 <= small.stay_value[0] <= big.stay_value[0]
    tender = TenderTerms(2, 2, 0.25, None, 0.0, 1.0)
    with_t = package_value([3e5], [grant], [vest], [tenure], equity=EQUITY, tender=tender,
                           **common)
    assert with_t.stay_value[0] >= small.stay_value[0] - 1e-6
