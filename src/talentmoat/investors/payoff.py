"""The investor's calculus: does facilitating a hire out of the lab pay? (MODEL.md §F; refs §6).

An investor ``v`` holds a stake ``s_v`` in the lab and stakes ``s_vp`` in portfolio companies
``p`` that want AI hires. Facilitating a hire of person ``i`` into ``p`` pays

``payoff[p, i] = s_vp · uplift_p − s_v · ΔV_lab(i) − honours_v · reputation_cost_v``  (USD),

where ``ΔV_lab(i)`` is the lab-value loss if ``i`` leaves (first order, MODEL.md §G):
``ΔV_lab(i) = V_0 · φ_int · ΔB_i / lead_0`` with ``ΔB_i`` the lab's blueprint loss. The investor
defects for ``i`` when the payoff is positive. Companies are listed flat, each with the index of
its investor, so arrays are (companies, people) and per investor (investors,).

Pure NumPy; no I/O.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from talentmoat.knowledge import marginal_loss


def lab_blueprint_loss(K: np.ndarray, weights: np.ndarray, tacit: np.ndarray) -> np.ndarray:
    """``ΔB_i``: the lab's blueprint share lost if only ``i`` leaves, shape (N,).

    The lab keeps the documented part of every component whoever leaves (MODEL.md §G:
    ``cov_lab[c] = (1 − tacit[c]) + tacit[c] · cov[c]``), so only the tacit part of ``i``'s
    marginal coverage is lost: ``ΔB_i = Σ_c w[c] · tacit[c] · (cov_all[c] − cov_{all∖i}[c])``.

    Args:
        K: Knowledge, shape (N, C).
        weights: Component weights ``w``, shape (C,).
        tacit: Tacit shares, shape (C,).
    """
    return marginal_loss(K, np.asarray(weights) * np.asarray(tacit))


def lab_value_loss(
    blueprint_loss: ArrayLike, valuation: float, intellectual_share: float, lead0: float
) -> np.ndarray:
    """``ΔV_lab(i) = V_0 · φ_int · ΔB_i / lead_0`` (USD), the first-order value loss.

    Args:
        blueprint_loss: ``ΔB_i``, shape (N,).
        valuation: ``V_0`` (USD).
        intellectual_share: ``φ_int`` in [0, 1].
        lead0: The lab's starting lead ``lead_0 > 0``.
    """
    return valuation * intellectual_share * np.asarray(blueprint_loss, dtype=float) / lead0


def facilitation_gain(
    lab_stake: ArrayLike,
    company_stake: ArrayLike,
    uplift: ArrayLike,
    investor_of: ArrayLike,
    value_loss: ArrayLike,
) -> np.ndarray:
    """``s_vp · uplift_p − s_v · ΔV_lab(i)``: the gain before any reputation cost (USD).

    Args:
        lab_stake: ``s_v`` per investor, shape (V,).
        company_stake: ``s_vp`` per company, shape (P,).
        uplift: Value a hire adds to the company (USD per hire), shape (P,).
        investor_of: Index of each company's investor, shape (P,).
        value_loss: ``ΔV_lab(i)`` (USD), shape (N,).

    Returns:
        Shape (P, N).
    """
    s_v = np.asarray(lab_stake, dtype=float)[np.asarray(investor_of, dtype=int)]
    own = np.asarray(company_stake, dtype=float) * np.asarray(uplift, dtype=float)
    return own[:, None] - s_v[:, None] * np.asarray(value_loss, dtype=float)[None, :]


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
    """Whether facilitating pays (``payoff > 0``), per company and person, shape (P, N)."""
    return payoff > 0


def self_enforcing_cost(gain: np.ndarray, investor_of: ArrayLike, n_investors: int) -> np.ndarray:
    """The least reputation cost that makes honouring self-enforcing, per investor (USD).

    Honouring is self-enforcing when no facilitation pays, i.e. the reputation cost is at least
    the largest gain over the investor's companies and the people they could move (0 when none
    gains).

    Args:
        gain: :func:`facilitation_gain`, shape (P, N).
        investor_of: Index of each company's investor, shape (P,).
        n_investors: ``V``.

    Returns:
        Shape (V,).
    """
    out = np.zeros(n_investors)
    if gain.size:
        np.maximum.at(out, np.asarray(investor_of, dtype=int), gain.max(axis=1))
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
