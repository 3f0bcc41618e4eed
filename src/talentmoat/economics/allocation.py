"""Allocating a company's equity value to share classes: OPM breakpoints and PWERM.

Formulas and oracles: ``refs/economics.md`` §1.3–1.4 (AICPA practice aid). Money in USD, times
in years.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from talentmoat.economics.options import black_scholes


def opm_tranches(
    equity_value: float,
    breakpoints: ArrayLike,
    years: float,
    rate: float,
    sigma: float,
    dividend_yield: float = 0.0,
) -> np.ndarray:
    """Values of the call-spread tranches between OPM breakpoints.

    Tranche ``k`` is the equity value between breakpoint ``b_k`` and ``b_{k+1}``, worth
    ``C(b_k) − C(b_{k+1})`` with ``C(0) = V·e^{−qT}`` and ``C(∞) = 0``.

    Args:
        equity_value: Total equity value ``V`` (USD).
        breakpoints: Increasing positive breakpoints (USD), shape (B,).
        years: Expected term to liquidity (years).
        rate: Risk-free rate per year.
        sigma: Equity volatility per √year.
        dividend_yield: Continuous yield ``q``.

    Returns:
        Tranche values, shape (B + 1,): below the first breakpoint, between each pair, above the
        last. They sum to ``V·e^{−qT}``.
    """
    b = np.asarray(breakpoints, dtype=float)
    calls, _ = black_scholes(equity_value, b, rate, sigma, years, dividend_yield)
    full = np.concatenate([[equity_value * np.exp(-dividend_yield * years)], calls, [0.0]])
    return full[:-1] - full[1:]


def opm_allocate(
    equity_value: float,
    breakpoints: ArrayLike,
    participation: ArrayLike,
    years: float,
    rate: float,
    sigma: float,
    dividend_yield: float = 0.0,
) -> np.ndarray:
    """Allocate equity value to share classes by OPM breakpoints.

    Args:
        equity_value: Total equity value ``V`` (USD).
        breakpoints: Increasing breakpoints (USD), shape (B,).
        participation: Share of each tranche going to each class, shape (B + 1, classes); each
            row sums to 1.
        years: Expected term (years).
        rate: Risk-free rate per year.
        sigma: Volatility per √year.
        dividend_yield: Continuous yield ``q``.

    Returns:
        Value of each class (USD), shape (classes,).
    """
    tranches = opm_tranches(equity_value, breakpoints, years, rate, sigma, dividend_yield)
    return tranches @ np.asarray(participation, dtype=float)


def opm_common_preferred(
    equity_value: float,
    preference: float,
    conversion_share: float,
    years: float,
    rate: float,
    sigma: float,
) -> tuple[float, float, float]:
    """Common and preferred values for one 1× non-participating convertible preferred class.

    Breakpoints are the liquidation preference ``P`` and the conversion point ``P / s``, where
    ``s`` is the preferred's share of equity after conversion.

    Args:
        equity_value: Total equity value ``V`` (USD).
        preference: Liquidation preference ``P`` (USD).
        conversion_share: Preferred share of equity once converted, in (0, 1).
        years: Expected term (years).
        rate: Risk-free rate per year.
        sigma: Volatility per √year.

    Returns:
        ``(common, preferred, ratio)``: class values (USD) and the per-share common/preferred
        value ratio.
    """
    s = conversion_share
    participation = np.array([[0.0, 1.0], [1.0, 0.0], [1.0 - s, s]])
    common, preferred = opm_allocate(
        equity_value, [preference, preference / s], participation, years, rate, sigma
    )
    ratio = (common / (1.0 - s)) / (preferred / s)
    return float(common), float(preferred), float(ratio)


def pwerm(
    probabilities: ArrayLike, years: ArrayLike, payoffs: ArrayLike, discount_rate: float
) -> float:
    """Probability-weighted expected return: ``Σ p_s · payoff_s / (1 + k)^{t_s}``.

    Args:
        probabilities: Scenario probabilities, shape (S,), summing to 1.
        years: Years to each scenario's payoff, shape (S,).
        payoffs: Payoff to the class in each scenario (USD), shape (S,).
        discount_rate: Annual discount rate ``k`` (annually compounded).

    Returns:
        Present value (USD).

    Raises:
        ValueError: If the probabilities do not sum to 1.
    """
    p = np.asarray(probabilities, dtype=float)
    if not np.isclose(p.sum(), 1.0):
        raise ValueError(f"scenario probabilities sum to {p.sum():.6g}, expected 1")
    t = np.asarray(years, dtype=float)
    return float(np.sum(p * np.asarray(payoffs, dtype=float) / (1.0 + discount_rate) ** t))
