"""The lab's value model: blueprint shares, what walks out, the moving frontier, lead and value.

MODEL.md §A ("what walks out") and §G. This module is the one home of these formulas; the
engine, the knowledge report and the investors' calculus call them. Pure NumPy functions with no
I/O. Arrays over components have their components on the last axis, shape (..., C); leading axes
are replications or parties and broadcast.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

QUARTERS_PER_YEAR = 4


def lab_share(weights: ArrayLike, tacit: ArrayLike, cov_in_post: ArrayLike) -> np.ndarray:
    """``B_lab = Σ_c w[c] · [(1 − tacit[c]) + tacit[c] · cov_in_post[c]]``, shape (...).

    The lab keeps the documented part of every component; of the tacit part it keeps what the
    people in post cover.
    """
    t = np.asarray(tacit, dtype=float)
    return (np.asarray(weights) * ((1.0 - t) + t * np.asarray(cov_in_post))).sum(axis=-1)


def lab_coverage(tacit: ArrayLike, cov_in_post: ArrayLike) -> np.ndarray:
    """The lab's coverage of each component: ``(1 − tacit) + tacit · cov_in_post``, (..., C)."""
    t = np.asarray(tacit, dtype=float)
    return (1.0 - t) + t * np.asarray(cov_in_post)


def tacit_in_post(weights: ArrayLike, tacit: ArrayLike, cov_in_post: ArrayLike) -> np.ndarray:
    """``T_t = Σ_c w[c] · tacit[c] · cov_in_post[c]``: the tacit know-how in post, (...)."""
    return (np.asarray(weights) * np.asarray(tacit) * np.asarray(cov_in_post)).sum(axis=-1)


def carry(tacit: ArrayLike, cov_set: ArrayLike) -> np.ndarray:
    """What walks out with a set: ``carry_S[c] = tacit[c] · cov_S[c]``, shape (..., C).

    ``cov_S`` is the noisy-OR coverage of the set, so a set never carries more than the tacit
    share of a component (MODEL.md §A).
    """
    return np.asarray(tacit) * np.asarray(cov_set)


def bypassed_rd(cost: ArrayLike, tacit: ArrayLike, cov_set: ArrayLike) -> np.ndarray:
    """R&D a party skips by hiring a set: ``Σ_c cost[c] · carry_S[c]`` (USD), shape (...)."""
    return (np.asarray(cost) * carry(tacit, cov_set)).sum(axis=-1)


def party_coverage(own: ArrayLike, tacit: ArrayLike, hired: ArrayLike) -> np.ndarray:
    """``cov_j = 1 − (1 − own_j) · (1 − tacit · hired_j)``, shape (..., C).

    ``own_j`` is the party's own research, ``hired_j`` the (stale-adjusted) noisy-OR coverage of
    the people it has absorbed; they bring the tacit part (:func:`carry`).
    """
    return 1.0 - (1.0 - np.asarray(own)) * (1.0 - carry(tacit, hired))


def blueprint_share(weights: ArrayLike, coverage: ArrayLike) -> np.ndarray:
    """``B = Σ_c w[c] · cov[c]``, shape (...)."""
    return (np.asarray(weights) * np.asarray(coverage)).sum(axis=-1)


def advance(a0: float, tacit_ratio: ArrayLike, gamma: float, directed_ratio: float,
            kappa: float, exploration_gain: float, blue_sky_share: float,
            drag: float) -> np.ndarray:
    """The lab's advance a quarter (MODEL.md §G.1), shape of ``tacit_ratio``.

    ``a_t = a0 · (T_t/T_0)^γ · (D_t/D_0)^κ · (1 + exploration_gain · b) · (1 − drag)``,
    capped below 1.

    Args:
        a0: Advance with the full roster and no policy.
        tacit_ratio: ``T_t / T_0``, the tacit know-how in post against the start.
        gamma: ``γ``.
        directed_ratio: ``D_t / D_0``, directed compute per researcher against the baseline.
        kappa: ``κ``.
        exploration_gain: Gain per unit of blue-sky share.
        blue_sky_share: ``b``.
        drag: Coordination drag of compartmentalization, a share of ``a_t``.
    """
    a = (a0 * np.power(np.asarray(tacit_ratio, dtype=float), gamma)
         * directed_ratio ** kappa * (1.0 + exploration_gain * blue_sky_share) * (1.0 - drag))
    return np.minimum(a, 1.0)


def stale(coverage: ArrayLike, a: ArrayLike) -> np.ndarray:
    """What others know goes stale: ``coverage · (1 − a_t)`` (``a`` broadcast on the left)."""
    a_t = np.asarray(a, dtype=float)
    return np.asarray(coverage) * (1.0 - a_t.reshape(a_t.shape + (1,) * (np.ndim(coverage)
                                                                        - a_t.ndim)))


def rebuild(own: ArrayLike, rate: ArrayLike) -> np.ndarray:
    """A party's own research: ``min(1, own + rebuild_rate · focus / cost)``, shape (..., C)."""
    return np.minimum(1.0, np.asarray(own) + np.asarray(rate))


def diffuse(own: ArrayLike, cov_party: ArrayLike, cov_lab: ArrayLike, d_pub: float) -> np.ndarray:
    """Learning from what the lab publishes: ``own + d_pub · (cov_lab − cov_j)⁺``, capped at 1."""
    gap = np.maximum(0.0, np.asarray(cov_lab) - np.asarray(cov_party))
    return np.minimum(1.0, np.asarray(own) + d_pub * gap)


def absorb(hired: ArrayLike, arrived: ArrayLike) -> np.ndarray:
    """Noisy-OR of what a party had hired and what newly settled hires cover, (..., C)."""
    return 1.0 - (1.0 - np.asarray(hired)) * (1.0 - np.asarray(arrived))


def lead(b_lab: ArrayLike, b_parties: ArrayLike) -> np.ndarray:
    """``lead = B_lab − max_j B_j`` (parties on the last axis; ``B_lab`` with no parties)."""
    b = np.asarray(b_parties, dtype=float)
    if b.shape[-1] == 0:
        return np.asarray(b_lab, dtype=float).copy()
    return np.asarray(b_lab) - b.max(axis=-1)


def lab_value(valuation: float, financial: float, lead_t: ArrayLike, lead0: float) -> np.ndarray:
    """``V_t = V_0 · (φ_fin + φ_int · max(0, lead_t) / lead_0)`` with ``φ_int = 1 − φ_fin``."""
    return valuation * (financial + (1.0 - financial) * np.maximum(0.0, np.asarray(lead_t))
                        / lead0)


def discount_factors(annual_rate: float, quarters: int) -> np.ndarray:
    """``1 / (1 + r_q)^t`` for quarters t = 1..T, ``r_q = (1 + r)^(1/4) − 1``; shape (T,)."""
    return (1.0 + annual_rate) ** (-np.arange(1, quarters + 1) / QUARTERS_PER_YEAR)


def discounted_mean(values: ArrayLike, annual_rate: float) -> np.ndarray:
    """Discount-weighted mean over the horizon (last axis): ``Σ_t df_t V_t / Σ_t df_t``.

    A value in the units of ``V_t`` (USD), comparable with dollars of cost (MODEL.md §G.6
    writes the unnormalised sum, T times larger; ``docs/model.md`` says why this departs).
    """
    v = np.asarray(values, dtype=float)
    df = discount_factors(annual_rate, v.shape[-1])
    return (v * df).sum(axis=-1) / df.sum()


def discounted_total(flows: ArrayLike, annual_rate: float) -> np.ndarray:
    """Present value of quarterly flows (last axis): ``Σ_t df_t · flow_t`` (USD)."""
    f = np.asarray(flows, dtype=float)
    return (f * discount_factors(annual_rate, f.shape[-1])).sum(axis=-1)


def steady_state_own(rate: ArrayLike, d_pub: float, a: float, cov_lab: ArrayLike) -> np.ndarray:
    """A party's own coverage per component in the steady state with no hires, shape (C,).

    The engine's order each quarter is stale, rebuild, diffuse:
    ``own ← (1 − a) own``, ``s = min(1, own + ρ)``, ``own ← s + d (L − s)⁺``. Where the lab is
    ahead (``L > s``) the fixed point is ``own* = ((1 − d) ρ + d L) / (1 − (1 − d)(1 − a))``;
    where it is not, ``own* = ρ / a``; capped at 1.
    """
    rho = np.asarray(rate, dtype=float)
    L = np.asarray(cov_lab, dtype=float)
    ahead = ((1.0 - d_pub) * rho + d_pub * L) / (1.0 - (1.0 - d_pub) * (1.0 - a))
    behind = rho / a if a > 0 else np.full_like(rho, np.inf)
    s = np.minimum(1.0, (1.0 - a) * ahead + rho)
    return np.minimum(1.0, np.where(L > s, ahead, behind))
