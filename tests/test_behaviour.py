"""The move decision (MODEL.md §E): logit oracle 7, hazards and monotonicity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentmoat.behaviour import (
    Coefficients,
    annual_attrition,
    offer_utility,
    p_accept,
    quarterly_background_hazard,
    satisfaction_hazard,
)

DEFAULT = Coefficients.from_parity(0.10, 2.5, 0.8, 1.5, 1.0)


def test_logit_oracle_7():
    p = p_accept(DEFAULT, [1.0, 1.5, 2.0, 3.0])
    assert np.round(p, 4).tolist() == [0.1000, 0.2344, 0.3860, 0.6340]


def test_other_terms_enter_with_their_signs():
    base = float(offer_utility(DEFAULT, 2.0))
    assert float(offer_utility(DEFAULT, 2.0, compute_ratio=2.0)) == pytest.approx(
        base + 0.8 * np.log(2)
    )
    assert float(offer_utility(DEFAULT, 2.0, autonomy_gap=0.2)) == pytest.approx(base + 0.3)
    assert float(offer_utility(DEFAULT, 2.0, friction=0.5)) == pytest.approx(base - 0.5)


@settings(max_examples=80, deadline=None)
@given(st.floats(0.01, 50), st.floats(0.001, 10), st.floats(0.05, 20), st.floats(-1, 1))
def test_p_accept_is_a_probability_increasing_in_the_offer(ratio, bump, compute, gap):
    low, high = p_accept(DEFAULT, [ratio, ratio + bump], compute, gap, 0.3)
    assert 0.0 <= low <= high <= 1.0


def test_no_rivals_gives_base_attrition_exactly():
    for base in (0.0, 0.11, 0.2, 0.5):
        h0 = quarterly_background_hazard(base)
        assert float(annual_attrition(h0)) == pytest.approx(base, abs=1e-15)
    # 11 % a year is 2.8713 % a quarter: 1 − 0.89^(1/4)
    assert float(quarterly_background_hazard(0.11)) == pytest.approx(0.0287132, abs=1e-7)


def test_satisfaction_hazard():
    h0 = quarterly_background_hazard(0.11)
    assert float(satisfaction_hazard(h0)) == pytest.approx(float(h0))
    raised = satisfaction_hazard(h0, compute_shortfall=np.log(2), compute_elasticity=1.0)
    assert float(raised) == pytest.approx(1 - (1 - h0) ** 2)
