"""The move decision: background attrition and the logit acceptance of rival offers.

MODEL.md §E. The two reasons to leave are kept apart so each can be calibrated: a quarterly
background hazard ``h0 = 1 − (1 − base_attrition)^(1/4)`` and, for each offer that arrives,
``P(accept) = 1 / (1 + exp(−ΔU))`` with

``ΔU = α + β_comp·ln(offer/stay) + β_compute·ln(A_j/A_i) + β_autonomy·(a_j − a_i)
− β_friction·friction_j``.

``α = logit(p_parity)`` so that an offer at parity on every term is accepted with probability
``p_parity`` (refs/economics.md §3.1: β_comp = 2.5 and p_parity = 0.10 give 0.386 at 2×).
Arrays broadcast; typical shapes are (people,) or (replications, people).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, logit

QUARTERS_PER_YEAR = 4


@dataclass(frozen=True)
class Coefficients:
    """Coefficients of the offer utility ``ΔU``.

    Attributes:
        alpha: Intercept (switching cost), ``logit(p_parity)``.
        beta_comp: Weight on ``ln(offer_value / stay_value)``.
        beta_compute: Weight on ``ln(A_j / A_i)`` (compute access ratio).
        beta_autonomy: Weight on the autonomy gap ``a_j − a_i``.
        beta_friction: Weight on the rival's friction (enters with a minus sign).
    """

    alpha: float
    beta_comp: float
    beta_compute: float
    beta_autonomy: float
    beta_friction: float

    @classmethod
    def from_parity(
        cls,
        p_accept_at_parity: float,
        beta_comp: float,
        beta_compute: float,
        beta_autonomy: float,
        beta_friction: float,
    ) -> Coefficients:
        """Set ``α`` so that an offer at parity on every term is accepted with the given chance."""
        return cls(
            float(logit(p_accept_at_parity)), beta_comp, beta_compute, beta_autonomy,
            beta_friction,
        )


def offer_utility(
    coefficients: Coefficients,
    comp_ratio: ArrayLike,
    compute_ratio: ArrayLike = 1.0,
    autonomy_gap: ArrayLike = 0.0,
    friction: ArrayLike = 0.0,
) -> np.ndarray:
    """Utility gain ``ΔU`` of accepting an offer.

    Args:
        coefficients: ``α`` and the β's.
        comp_ratio: ``offer_value / stay_value`` (> 0).
        compute_ratio: ``A_j / A_i``, GPU-hours per researcher at the rival over here (> 0).
        autonomy_gap: ``a_j − a_i`` on the 0–1 autonomy scale.
        friction: The rival's friction in [0, 1] (relocation, visas, restrictions).

    Returns:
        ``ΔU``, broadcast shape.
    """
    c = coefficients
    return (
        c.alpha
        + c.beta_comp * np.log(np.asarray(comp_ratio, dtype=float))
        + c.beta_compute * np.log(np.asarray(compute_ratio, dtype=float))
        + c.beta_autonomy * np.asarray(autonomy_gap, dtype=float)
        - c.beta_friction * np.asarray(friction, dtype=float)
    )


def p_accept(
    coefficients: Coefficients,
    comp_ratio: ArrayLike,
    compute_ratio: ArrayLike = 1.0,
    autonomy_gap: ArrayLike = 0.0,
    friction: ArrayLike = 0.0,
) -> np.ndarray:
    """Probability of accepting an offer, ``1 / (1 + exp(−ΔU))``.

    Args:
        coefficients: ``α`` and the β's.
        comp_ratio: ``offer_value / stay_value``.
        compute_ratio: ``A_j / A_i``.
        autonomy_gap: ``a_j − a_i``.
        friction: The rival's friction.

    Returns:
        Probability in [0, 1], broadcast shape.
    """
    return expit(offer_utility(coefficients, comp_ratio, compute_ratio, autonomy_gap, friction))


def quarterly_background_hazard(base_attrition: ArrayLike) -> np.ndarray:
    """Quarterly background hazard ``h0 = 1 − (1 − base_attrition)^(1/4)``.

    Args:
        base_attrition: Annual background attrition in [0, 1).

    Returns:
        Quarterly hazard, same shape.
    """
    return 1.0 - (1.0 - np.asarray(base_attrition, dtype=float)) ** (1.0 / QUARTERS_PER_YEAR)


def satisfaction_hazard(
    h0: ArrayLike,
    compute_shortfall: ArrayLike = 0.0,
    autonomy_shortfall: ArrayLike = 0.0,
    compute_elasticity: float = 0.0,
    autonomy_elasticity: float = 0.0,
) -> np.ndarray:
    """Background hazard raised by dissatisfaction (MODEL.md §E, item 1).

    ``h = 1 − (1 − h0)^{exp(e_c·shortfall_c + e_a·shortfall_a)}``: the survival exponent scales
    with the shortfalls, so zero shortfall leaves ``h0`` unchanged and ``h`` stays in [0, 1].

    Args:
        h0: Quarterly background hazard.
        compute_shortfall: ``max(0, ln(wanted / A_i))`` per person (≥ 0).
        autonomy_shortfall: ``max(0, wanted − a_i)`` per person (≥ 0).
        compute_elasticity: Elasticity ``e_c`` on the compute shortfall.
        autonomy_elasticity: Elasticity ``e_a`` on the autonomy shortfall.

    Returns:
        Quarterly hazard, broadcast shape.
    """
    scale = np.exp(
        compute_elasticity * np.asarray(compute_shortfall, dtype=float)
        + autonomy_elasticity * np.asarray(autonomy_shortfall, dtype=float)
    )
    return 1.0 - (1.0 - np.asarray(h0, dtype=float)) ** scale


def annual_attrition(quarterly_leave: ArrayLike) -> np.ndarray:
    """Annual attrition implied by a constant quarterly leave probability: ``1 − (1 − q)^4``."""
    return 1.0 - (1.0 - np.asarray(quarterly_leave, dtype=float)) ** QUARTERS_PER_YEAR
