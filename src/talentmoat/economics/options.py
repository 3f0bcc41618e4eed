"""Option values: Black–Scholes–Merton and the Hull–White employee-option lattice.

Formulas and oracles: ``refs/economics.md`` §1.1–1.2. Money amounts are in the unit of the
underlying price (USD per share); times in years; rates continuously compounded per year.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr

HULL_WHITE_STEPS_PER_YEAR = 25
"""Default lattice resolution; the published Hull–White table is matched at 25 steps a year."""

VESTING_TOLERANCE = 1e-9
"""Relative slack when comparing a lattice time with the vesting date (vesting is strict)."""


def black_scholes(
    spot: ArrayLike,
    strike: ArrayLike,
    rate: ArrayLike,
    sigma: ArrayLike,
    years: ArrayLike,
    dividend_yield: ArrayLike = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """European call and put prices under Black–Scholes–Merton.

    All arguments broadcast against each other (any shape).

    Args:
        spot: Price of the underlying ``S`` (USD).
        strike: Strike ``K`` (USD), > 0.
        rate: Risk-free rate ``r`` per year, continuously compounded.
        sigma: Volatility ``σ`` per √year, > 0.
        years: Time to expiry ``T`` in years, > 0.
        dividend_yield: Continuous dividend yield ``q`` per year.

    Returns:
        ``(call, put)`` arrays of the broadcast shape (USD).
    """
    s, k, r, v, t, q = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (spot, strike, rate, sigma, years, dividend_yield))
    )
    root = v * np.sqrt(t)
    d1 = (np.log(s / k) + (r - q + 0.5 * v**2) * t) / root
    d2 = d1 - root
    disc_s = s * np.exp(-q * t)
    disc_k = k * np.exp(-r * t)
    call = disc_s * ndtr(d1) - disc_k * ndtr(d2)
    put = call - disc_s + disc_k
    return call, put


def hull_white_option(
    spot: float,
    strike: float,
    years: float,
    vesting_years: float,
    rate: float,
    sigma: float,
    dividend_yield: float,
    exit_rate: float,
    exercise_multiple: float,
    steps_per_year: int = HULL_WHITE_STEPS_PER_YEAR,
) -> float:
    """Value of one employee stock option on the Hull–White (2004) lattice.

    A CRR binomial tree with step ``Δt = 1/steps_per_year``. Before vesting (strictly: a node at
    ``t = vesting_years`` is still unvested) the holder leaves with probability ``exit_rate·Δt``
    per step and forfeits the option; after vesting a leaver exercises at once, and the holder
    exercises early when the price reaches ``exercise_multiple · strike``.

    Args:
        spot: Share price today (USD).
        strike: Exercise price (USD).
        years: Contractual life ``T`` (years).
        vesting_years: Vesting period (years).
        rate: Risk-free rate per year, continuously compounded.
        sigma: Volatility per √year.
        dividend_yield: Continuous dividend yield per year.
        exit_rate: Employee exit rate per year (probability per step is ``exit_rate / n``).
        exercise_multiple: Early-exercise trigger ``M`` as a multiple of the strike.
        steps_per_year: Lattice steps per year ``n``.

    Returns:
        Option value (USD per option).
    """
    dt = 1.0 / steps_per_year
    steps = round(years * steps_per_year)
    up = np.exp(sigma * np.sqrt(dt))
    down = 1.0 / up
    p_up = (np.exp((rate - dividend_yield) * dt) - down) / (up - down)
    discount = np.exp(-rate * dt)
    exit_step = exit_rate * dt
    j = np.arange(steps + 1)
    value = np.maximum(spot * up ** (2.0 * j - steps) - strike, 0.0)
    for i in range(steps - 1, -1, -1):
        price = spot * up ** (2.0 * j[: i + 1] - i)
        cont = discount * (p_up * value[1 : i + 2] + (1.0 - p_up) * value[: i + 1])
        if i * dt > vesting_years * (1.0 + VESTING_TOLERANCE):
            intrinsic = np.maximum(price - strike, 0.0)
            kept = exit_step * intrinsic + (1.0 - exit_step) * cont
            value = np.where(price >= exercise_multiple * strike, intrinsic, kept)
        else:
            value = (1.0 - exit_step) * cont
    return float(value[0])
