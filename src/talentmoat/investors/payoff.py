"""The investor's calculus: does facilitating a hire out of the lab pay? (MODEL.md §F; refs §6).

An investor ``v`` holds a stake ``s_v`` in the lab and stakes ``s_vp`` in portfolio companies
``p`` that want AI hires. Facilitating a hire of person ``i`` into ``p`` pays

``payoff[p, i] = s_vp · uplift_p − s_v · ΔV_lab(i → p) − honours_v · reputation_cost_v`` (USD),

where ``ΔV_lab(i → p)`` is the expected loss of the lab's discounted value when ``i`` leaves to
``p`` at the start (the one-person shock of MODEL.md §I on the value model of §G, computed by
:mod:`talentmoat.investors.valuation`). The investor defects for ``i`` when the payoff is
positive. A pair nobody valued has ``ΔV = NaN``: its payoff is NaN and facilitating it never
"pays" (the investors act only on the people they can price, those on the talent map).
Companies are listed flat, each with the index of its investor, so arrays are (companies,
people) and per investor (investors,).

Pure NumPy; no I/O.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def facilitation_gain(
    lab_stake: ArrayLike,
    company_stake: ArrayLike,
    uplift: ArrayLike,
    investor_of: ArrayLike,
    value_loss: ArrayLike,
) -> np.ndarray:
    """``s_vp · uplift_p − s_v · ΔV_lab(i → p)``: the gain before any reputation cost (USD).

    Args:
        lab_stake: ``s_v`` per investor, shape (V,).
        company_stake: ``s_vp`` per company, shape (P,).
        uplift: Value a hire adds to the company (USD per hire), shape (P,).
        investor_of: Index of each company's investor, shape (P,).
        value_loss: ``ΔV_lab(i → p)`` (USD; NaN where not valued), shape (P, N).

    Returns:
        Shape (P, N); NaN where ``value_loss`` is.
    """
    s_v = np.asarray(lab_stake, dtype=float)[np.asarray(investor_of, dtype=int)]
    own = np.asarray(company_stake, dtype=float) * np.asarray(uplift, dtype=float)
    return own[:, None] - s_v[:, None] * np.asarray(value_loss, dtype=float)


def facilitation_payoff(
    gain: np.ndarray, investor_of: ArrayLike, honours: ArrayLike, reputation_cost: ArrayLike
) -> np.ndarray:
    """``gain − honours_v · reputation_cost_v`` per company and person (USD), shape (P, N).

    Args:
        gain: :func:`facilitation_gain`, shape (P, N).
        investor_of: Index of each company's investor, shape (P,).
        honours: 1 where the investor was asked and agreed to the request, shape (V,).
        reputation_cost: What breaking its word costs the investor (USD), shape (V,).
    """
    v = np.asarray(investor_of, dtype=int)
    cost = np.asarray(honours, dtype=float)[v] * np.asarray(reputation_cost, dtype=float)[v]
    return gain - cost[:, None]


def defects(payoff: np.ndarray) -> np.ndarray:
    """Whether facilitating pays (``payoff > 0``; False where NaN), shape (P, N)."""
    return payoff > 0


def self_enforcing_cost(gain: np.ndarray, investor_of: ArrayLike, n_investors: int) -> np.ndarray:
    """The least reputation cost that makes honouring self-enforcing, per investor (USD).

    Honouring is self-enforcing when no facilitation pays, i.e. the reputation cost is at least
    the largest gain over the investor's companies and the valued people they could move (0 when
    none gains; NaN gains, pairs nobody valued, are left out).

    Args:
        gain: :func:`facilitation_gain`, shape (P, N).
        investor_of: Index of each company's investor, shape (P,).
        n_investors: ``V``.

    Returns:
        Shape (V,).
    """
    out = np.zeros(n_investors)
    if gain.size:
        known = np.where(np.isnan(gain), -np.inf, gain)
        np.maximum.at(out, np.asarray(investor_of, dtype=int), known.max(axis=1))
    return out


def cooperation_sustainable(
    gain: ArrayLike, discount_factor: ArrayLike, deal_flow_loss: ArrayLike
) -> np.ndarray:
    """Grim-trigger condition for honouring: ``g ≤ δ / (1 − δ) · L`` (refs §6, implication 3).

    Args:
        gain: One-shot gain ``g`` of defecting (USD).
        discount_factor: ``δ`` per period, in [0, 1).
        deal_flow_loss: ``L``, deal flow lost per period once punished (USD).
    """
    d = np.asarray(discount_factor, dtype=float)
    return np.asarray(gain, dtype=float) <= d / (1.0 - d) * np.asarray(deal_flow_loss, dtype=float)


def repeated_game_threshold(discount_factor: ArrayLike, deal_flow_loss: ArrayLike) -> np.ndarray:
    """``δ / (1 − δ) · L`` (USD): the largest one-shot gain the repeated game deters."""
    d = np.asarray(discount_factor, dtype=float)
    return d / (1.0 - d) * np.asarray(deal_flow_loss, dtype=float)
