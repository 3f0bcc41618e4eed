"""Secondary tender windows: clearing with caps and pro-rata, and their effect on valuation.

Mechanics and oracles: ``refs/economics.md`` §2 and MODEL.md §C (firewall 2). Share counts or
USD amounts may be used for holdings as long as they are consistent; arrays are shaped
``(..., people)`` and windows are cleared along the last axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class TenderClearing:
    """The outcome of one tender window.

    Attributes:
        capped: Each seller's request after eligibility and caps, shape (..., people).
        factor: Pro-rata factor ``min(1, capacity / Σ capped)``, shape (...).
        allocation: What each seller sells, ``capped · factor``, shape (..., people).
    """

    capped: np.ndarray
    factor: np.ndarray
    allocation: np.ndarray


def prorata_factor(capacity: ArrayLike, tendered: ArrayLike) -> np.ndarray:
    """Pro-rata fill factor: ``accepted / tendered = min(1, capacity / tendered)``.

    Args:
        capacity: What the buyer will take (shares or USD), any shape.
        tendered: What holders offer, same units, broadcastable.

    Returns:
        Factor in [0, 1]; 1 when nothing is tendered.
    """
    cap = np.asarray(capacity, dtype=float)
    ten = np.asarray(tendered, dtype=float)
    safe = np.where(ten > 0, ten, 1.0)
    with np.errstate(over="ignore"):
        return np.where(ten > 0, np.minimum(1.0, cap / safe), 1.0)


def clear_tender(
    vested: ArrayLike,
    requests: ArrayLike,
    capacity: ArrayLike,
    cap_share_of_vested: float | None = None,
    cap_per_person: float | None = None,
    eligible: ArrayLike | None = None,
) -> TenderClearing:
    """Clear one tender window.

    Rules in order (refs/economics.md §2): eligibility (holding period), a per-person cap (share
    of vested holdings and/or an absolute cap in the same units), then pro-rata scaling when
    oversubscribed.

    Args:
        vested: Vested holdings per person, shape (..., people).
        requests: What each person asks to sell, shape (..., people).
        capacity: What the buyer takes in this window, shape (...) or scalar.
        cap_share_of_vested: Cap as a share of vested holdings, or None for no such cap.
        cap_per_person: Absolute cap per person (same units), or None.
        eligible: Boolean mask of holders past the holding period, shape (..., people); all
            eligible when None.

    Returns:
        The clearing: capped requests, factor and allocation.
    """
    held = np.asarray(vested, dtype=float)
    capped = np.minimum(np.asarray(requests, dtype=float), held)
    if cap_share_of_vested is not None:
        capped = np.minimum(capped, cap_share_of_vested * held)
    if cap_per_person is not None:
        capped = np.minimum(capped, cap_per_person)
    if eligible is not None:
        capped = np.where(np.asarray(eligible, dtype=bool), capped, 0.0)
    factor = prorata_factor(capacity, capped.sum(axis=-1))
    return TenderClearing(capped, factor, capped * factor[..., None])


def tender_wait_years(
    windows_per_year: float,
    holding_years: float,
    tenure_years: ArrayLike,
    time_to_liquidity_years: float,
) -> np.ndarray:
    """Expected wait until equity can be sold when tender windows run.

    ``wait = max(holding − tenure, 0) + 1 / windows_per_year``, never longer than the wait for a
    liquidity event. With two windows a year and the holding period served this is 0.5 years
    (MODEL.md §C; refs/economics.md §1.5).

    Args:
        windows_per_year: Tender windows per year, > 0.
        holding_years: Holding (tenure) period before a holder may sell (years).
        tenure_years: Each person's tenure (years), shape (people,) or broadcastable.
        time_to_liquidity_years: Expected time to an IPO or sale without tenders (years).

    Returns:
        Wait in years, broadcast shape.
    """
    tenure = np.asarray(tenure_years, dtype=float)
    wait = np.maximum(holding_years - tenure, 0.0) + 1.0 / windows_per_year
    return np.minimum(wait, time_to_liquidity_years)


def sellable_share(
    cap_share_of_vested: float,
    annual_vest_at_tender_price: ArrayLike,
    windows_per_year: float,
    cap_per_person_per_window: float | None = None,
) -> np.ndarray:
    """Share of each year's vested equity a holder may sell through tenders.

    The share cap applies to each year's vest once; an absolute cap per window (USD) limits the
    year's sales to ``windows_per_year · cap`` dollars.

    Args:
        cap_share_of_vested: Share-of-vested cap, in [0, 1].
        annual_vest_at_tender_price: Each person's yearly vest valued at the tender price (USD),
            shape (people,).
        windows_per_year: Tender windows per year.
        cap_per_person_per_window: Absolute cap per person and window (USD), or None.

    Returns:
        Sellable share in [0, 1], shape (people,).
    """
    annual = np.asarray(annual_vest_at_tender_price, dtype=float)
    share = np.full(annual.shape, float(cap_share_of_vested))
    if cap_per_person_per_window is not None:
        room = windows_per_year * cap_per_person_per_window
        share = np.minimum(share, np.where(annual > 0, room / np.where(annual > 0, annual, 1), 1))
    return np.clip(share, 0.0, 1.0)


def tender_slices(
    cap_share: ArrayLike, windows_per_year: float, first_wait_years: ArrayLike,
    time_to_liquidity_years: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The slices in which one vested holding is sold, and when (MODEL.md §C).

    Slice ``s = 1, 2, …`` of a holding, ``min(cap, 1 − (s − 1) · cap)`` of it, is sold at window
    ``s``, ``t_s = first_wait + (s − 1) / windows_per_year`` years from now, while
    ``t_s < T_liq``; what is left then waits for the liquidity event.

    Args:
        cap_share: Share of the holding sellable per window, in (0, 1], shape (people,).
        windows_per_year: Windows a year (> 0).
        first_wait_years: Wait until the first window the holder may use, shape (people,)
            (:func:`tender_wait_years`).
        time_to_liquidity_years: ``T_liq`` (years).

    Returns:
        ``(shares, times)``, each shape (people, S): the share of the holding sold in each
        slice (0 past ``T_liq``) and its time in years.
    """
    cap = np.asarray(cap_share, dtype=float)
    first = np.broadcast_to(np.asarray(first_wait_years, dtype=float), cap.shape)
    positive = cap[cap > 0]
    n_slices = int(np.ceil(1.0 / positive.min() - 1e-12)) if positive.size else 1
    s = np.arange(n_slices)
    shares = np.clip(1.0 - s * cap[..., None], 0.0, cap[..., None])
    times = first[..., None] + s / windows_per_year
    return np.where(times < time_to_liquidity_years, shares, 0.0), times
