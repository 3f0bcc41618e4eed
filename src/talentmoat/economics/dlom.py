"""Discounts for lack of marketability (DLOM) from put-option models.

Formulas and oracles: ``refs/economics.md`` §1.5. Each function returns the discount as a share
of the marketable value, vectorized over any broadcastable shapes of ``sigma`` and ``years``.
Write ``s = σ²T``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr

DlomModel = Literal["finnerty", "chaffe", "ghaidarov", "longstaff"]
DLOM_MODELS: tuple[DlomModel, ...] = ("finnerty", "chaffe", "ghaidarov", "longstaff")
"""The supported models; Finnerty (2012) is the default (refs/economics.md §8)."""

SERIES_BELOW = 1e-2
"""Below this ``s = σ²T`` a Taylor series replaces ``e^s − s − 1`` (avoids cancellation)."""


def _variance(sigma: ArrayLike, years: ArrayLike) -> np.ndarray:
    s = np.asarray(sigma, dtype=float) ** 2 * np.asarray(years, dtype=float)
    if np.any(s < 0):
        raise ValueError("sigma²·T must be non-negative")
    return s


def _log_expm1_minus_s(s: np.ndarray) -> np.ndarray:
    """``ln(e^s − s − 1)`` for ``s > 0``, accurate for tiny ``s`` and free of overflow for large.

    Below :data:`SERIES_BELOW` the Taylor series ``s²/2·(1 + s/3 + s²/12 + s³/60 + s⁴/360)``
    replaces the cancelling difference.
    """
    tiny = np.clip(s, 1e-300, SERIES_BELOW)
    series = 2.0 * np.log(tiny) - np.log(2.0) + np.log1p(
        tiny / 3.0 + tiny**2 / 12.0 + tiny**3 / 60.0 + tiny**4 / 360.0
    )
    mid = np.clip(s, SERIES_BELOW, 1.0)
    direct = np.log(np.expm1(mid) - mid)
    large = np.maximum(s, 1.0)
    asymptotic = large + np.log1p(-(large + 1.0) * np.exp(-large))
    return np.where(s < SERIES_BELOW, series, np.where(s <= 1.0, direct, asymptotic))


def _log_expm1(s: np.ndarray) -> np.ndarray:
    """``ln(e^s − 1)`` for ``s > 0``, without overflow for large ``s``."""
    return s + np.log(-np.expm1(-s))


def _average_strike(v2: np.ndarray, years: ArrayLike, dividend_yield: ArrayLike) -> np.ndarray:
    v = np.sqrt(np.maximum(v2, 0.0))
    q = np.asarray(dividend_yield, dtype=float)
    return np.exp(-q * np.asarray(years, dtype=float)) * (ndtr(v / 2.0) - ndtr(-v / 2.0))


def finnerty(sigma: ArrayLike, years: ArrayLike, dividend_yield: ArrayLike = 0.0) -> np.ndarray:
    """Finnerty (2012) average-strike put DLOM.

    ``D = e^{−qT}[N(v/2) − N(−v/2)]``, ``v² = s + ln(2(e^s − s − 1)) − 2 ln(e^s − 1)``.
    Bounded above by ``e^{−qT}·erf(√ln2 / (2√2)) ≈ 0.32279``.

    Args:
        sigma: Volatility per √year.
        years: Expected time to liquidity (years); 0 gives no discount.
        dividend_yield: Continuous yield ``q``.

    Returns:
        Discount in [0, 1), broadcast shape.
    """
    s = _variance(sigma, years)
    safe = np.where(s > 0, s, 1.0)
    v2 = safe + np.log(2.0) + _log_expm1_minus_s(safe) - 2.0 * _log_expm1(safe)
    return np.where(s > 0, _average_strike(v2, years, dividend_yield), 0.0)


def ghaidarov(sigma: ArrayLike, years: ArrayLike, dividend_yield: ArrayLike = 0.0) -> np.ndarray:
    """Ghaidarov (2009) average-strike put DLOM: ``v² = ln(2(e^s − s − 1)) − 2 ln s``.

    Args:
        sigma: Volatility per √year.
        years: Expected time to liquidity (years).
        dividend_yield: Continuous yield ``q``.

    Returns:
        Discount, broadcast shape.
    """
    s = _variance(sigma, years)
    safe = np.where(s > 0, s, 1.0)
    v2 = np.log(2.0) + _log_expm1_minus_s(safe) - 2.0 * np.log(safe)
    return np.where(s > 0, _average_strike(v2, years, dividend_yield), 0.0)


def chaffe(
    sigma: ArrayLike, years: ArrayLike, rate: ArrayLike = 0.04, dividend_yield: ArrayLike = 0.0
) -> np.ndarray:
    """Chaffe (1993) at-the-money European put DLOM.

    ``D = e^{−rT}N(−d2) − e^{−qT}N(−d1)``, ``d1 = ((r − q)T + s/2)/√s``, ``d2 = d1 − √s``.

    Args:
        sigma: Volatility per √year.
        years: Expected time to liquidity (years).
        rate: Risk-free rate per year (the refs' table uses 0.04).
        dividend_yield: Continuous yield ``q``.

    Returns:
        Discount, broadcast shape.
    """
    s = _variance(sigma, years)
    t = np.asarray(years, dtype=float)
    r = np.asarray(rate, dtype=float)
    q = np.asarray(dividend_yield, dtype=float)
    root = np.sqrt(np.where(s > 0, s, 1.0))
    d1 = ((r - q) * t + s / 2.0) / root
    d2 = d1 - root
    put = np.exp(-r * t) * ndtr(-d2) - np.exp(-q * t) * ndtr(-d1)
    return np.where(s > 0, put, 0.0)


def longstaff(sigma: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Longstaff (1995) lookback-put DLOM, an upper bound (can exceed 1 for large ``s``).

    ``D = (2 + s/2)·N(√s/2) + √(s/2π)·e^{−s/8} − 1``.

    Args:
        sigma: Volatility per √year.
        years: Expected time to liquidity (years).

    Returns:
        Discount, broadcast shape.
    """
    s = _variance(sigma, years)
    return (2.0 + s / 2.0) * ndtr(np.sqrt(s) / 2.0) + np.sqrt(s / (2.0 * np.pi)) * np.exp(
        -s / 8.0
    ) - 1.0


def dlom(
    model: DlomModel,
    sigma: ArrayLike,
    years: ArrayLike,
    rate: float = 0.04,
    dividend_yield: float = 0.0,
) -> np.ndarray:
    """DLOM by the named model (dispatch used by the package valuation).

    Args:
        model: One of :data:`DLOM_MODELS`.
        sigma: Volatility per √year.
        years: Expected time to liquidity (years).
        rate: Risk-free rate (Chaffe only).
        dividend_yield: Continuous yield ``q`` (not used by Longstaff).

    Returns:
        Discount, broadcast shape, clipped to [0, 1] (a discount above 100 % is meaningless for
        a valuation; call :func:`longstaff` directly for the raw bound).
    """
    if model == "finnerty":
        out = finnerty(sigma, years, dividend_yield)
    elif model == "ghaidarov":
        out = ghaidarov(sigma, years, dividend_yield)
    elif model == "chaffe":
        out = chaffe(sigma, years, rate, dividend_yield)
    elif model == "longstaff":
        out = longstaff(sigma, years)
    else:
        raise ValueError(f"unknown DLOM model {model!r}; expected one of {DLOM_MODELS}")
    return np.clip(out, 0.0, 1.0)
