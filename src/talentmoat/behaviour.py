"""The move decision: background attrition, the logit acceptance of offers, the α root.

MODEL.md §E. This module is the one home of every formula of the decision: the engine, the
package valuation (:mod:`talentmoat.lab_economics`), the calibration and the investors' calculus
call these functions. The two reasons to leave are kept apart so each can be calibrated: a
quarterly background hazard ``h0_r = 1 − (1 − total_r · (1 − to_parties_r))^(1/4)`` and, for each
offer that arrives, ``P(accept) = 1 / (1 + exp(−ΔU))`` with

``ΔU = α_r + β_comp·ln(offer/stay) + β_compute·ln(A_j/A_i) + β_autonomy·(a_j − a_i)
− β_friction·friction_j``.

``α_r`` is solved per role (:func:`solve_alphas`) so that the baseline's expected first-year
departures to the modelled parties equal ``N_r · total_r · to_parties_r``; the alternative
``α = logit(p_parity)`` makes an offer at parity accepted with probability ``p_parity``
(refs/economics.md §3.1: β_comp = 2.5 and p_parity = 0.10 give 0.386 at 2×). Arrays broadcast;
typical shapes are (people,) or (replications, people).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq, root
from scipy.special import expit, logit

QUARTERS_PER_YEAR = 4

ALPHA_BOUND = 30.0
"""The α root is searched in [−ALPHA_BOUND, ALPHA_BOUND] (P(accept) from ~1e-13 to ~1)."""

ROOT_TOLERANCE = 1e-12
"""Relative tolerance of the α roots (MINPACK's ``xtol``)."""

MISS_TOLERANCE = 1e-9
"""When roles still miss their targets by more (on the logit scale) once the system is solved,
the one driven furthest towards a bound cannot reach its target: it is held at that bound and
the other roles solved again."""


@dataclass(frozen=True)
class Coefficients:
    """Coefficients of the offer utility ``ΔU``.

    Attributes:
        alpha: Intercept (switching cost): one number (``logit(p_parity)``) or one per person,
            shape (people,), when calibrated per role.
        beta_comp: Weight on ``ln(offer_value / stay_value)``.
        beta_compute: Weight on ``ln(A_j / A_i)`` (compute access ratio).
        beta_autonomy: Weight on the autonomy gap ``a_j − a_i``.
        beta_friction: Weight on the rival's friction (enters with a minus sign).
    """

    alpha: float | np.ndarray
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


def utility_rest(
    coefficients: Coefficients,
    compute_ratio: ArrayLike,
    autonomy_gap: ArrayLike,
    friction: ArrayLike,
) -> np.ndarray:
    """``ΔU`` without its pay term: ``α + β_compute·ln(A_j/A_i) + β_autonomy·gap − β_fr·fr``."""
    c = coefficients
    return (
        np.asarray(c.alpha, dtype=float)
        + c.beta_compute * np.log(np.asarray(compute_ratio, dtype=float))
        + c.beta_autonomy * np.asarray(autonomy_gap, dtype=float)
        - c.beta_friction * np.asarray(friction, dtype=float)
    )


def accept_probability(rest: ArrayLike, beta_comp: float, comp_ratio: ArrayLike) -> np.ndarray:
    """``P(accept) = 1 / (1 + exp(−(rest + β_comp · ln(comp_ratio))))``.

    Args:
        rest: ``ΔU`` without its pay term (:func:`utility_rest`), broadcastable.
        beta_comp: ``β_comp``.
        comp_ratio: ``offer_value / stay_value`` (> 0), broadcastable.

    Returns:
        Probability in [0, 1], broadcast shape.
    """
    return expit(np.asarray(rest, dtype=float)
                 + beta_comp * np.log(np.asarray(comp_ratio, dtype=float)))


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
    return (utility_rest(coefficients, compute_ratio, autonomy_gap, friction)
            + coefficients.beta_comp * np.log(np.asarray(comp_ratio, dtype=float)))


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
    return accept_probability(utility_rest(coefficients, compute_ratio, autonomy_gap, friction),
                              coefficients.beta_comp, comp_ratio)


def background_attrition(total: ArrayLike, to_parties: ArrayLike) -> np.ndarray:
    """Annual attrition to parties outside the model: ``total · (1 − to_parties)``."""
    return np.asarray(total, dtype=float) * (1.0 - np.asarray(to_parties, dtype=float))


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


def targeting_weights(visibility: ArrayLike, reach: ArrayLike, standalone: ArrayLike,
                      theta: float) -> np.ndarray:
    """A party's targeting weight ``reach · visibility · B({i})^θ`` per person (MODEL.md §F).

    ``B({i}) = Σ_c w[c] K[i, c]`` is the person's standalone blueprint share. The engine's
    compiled seat update computes the same weight (a test holds them equal).
    """
    b = np.asarray(standalone, dtype=float)
    return (np.asarray(visibility, dtype=float) * np.asarray(reach, dtype=float)
            * np.where(b > 0, np.power(np.maximum(b, 0.0), theta), 0.0))


def inclusion_probabilities(weights: np.ndarray, present: np.ndarray, offers: float) -> np.ndarray:
    """Chance each person receives one of ``offers`` drawn without replacement ``∝ weights``.

    Successive sampling (the engine's targeting) of ``n`` people has inclusion probabilities
    close to Rosén's ``π_i = 1 − exp(−τ w_i)`` with ``τ`` solving ``Σ_k p_k π_k = n``, where
    ``p_k`` is the chance person ``k`` is in post (a mean field). A fractional number of offers
    ``h`` means ``⌊h⌋`` or ``⌊h⌋ + 1`` of them (the engine's Bernoulli draw), so ``π`` mixes the
    two.

    Args:
        weights: Targeting weights, shape (N,), ≥ 0.
        present: Chance each person is in post, shape (N,).
        offers: Expected offers ``h`` this quarter (≥ 0).

    Returns:
        ``π``, shape (N,), in [0, 1].
    """
    w = np.asarray(weights, dtype=float)
    p = np.asarray(present, dtype=float)
    reachable = float(p[w > 0].sum())

    def at(n: int) -> np.ndarray:
        if n <= 0 or reachable <= 0:
            return np.zeros_like(w)
        if n >= reachable:
            return (w > 0).astype(float)
        scale = 1.0 / w[w > 0].min()

        def excess(log_tau: float) -> float:
            return float((p * -np.expm1(-np.exp(log_tau) * scale * w)).sum()) - n

        lo, hi = -60.0, 60.0
        tau = np.exp(brentq(excess, lo, hi, xtol=1e-13)) * scale
        return -np.expm1(-tau * w)

    whole = int(np.floor(offers))
    frac = offers - whole
    pi = at(whole)
    return pi if frac == 0 else (1.0 - frac) * pi + frac * at(whole + 1)


@dataclass(frozen=True)
class PartyOffers:
    """What the expectation of first-year departures needs about one hiring party.

    Attributes:
        offers_per_quarter: Expected offers a quarter ``h_j``.
        weights: Targeting weight per person at the start, shape (N,).
        rest: ``ΔU`` without ``α`` and the pay term, shape (N,).
        comp_ratio: ``offer_value / stay_value`` at each quadrature node of the multiple,
            shape (nodes, N).
        node_weights: Quadrature weights of the multiple, shape (nodes,), sum 1.
    """

    offers_per_quarter: float
    weights: np.ndarray
    rest: np.ndarray
    comp_ratio: np.ndarray
    node_weights: np.ndarray


def expected_departures_to_parties(
    alpha: np.ndarray, parties: list[PartyOffers], beta_comp: float, hazard: np.ndarray,
    quarters: int = QUARTERS_PER_YEAR,
) -> np.ndarray:
    """Expected departures of each person to the modelled parties over the first quarters.

    A mean field of the engine's quarter: party by party, person ``i`` (in post with chance
    ``p_i``) receives an offer with the inclusion probability of
    :func:`inclusion_probabilities` and accepts with ``E_m[P(accept)]`` (quadrature over the
    multiple); then background attrition ``h_i``. Newcomers are left out (a seat refilled in
    the first year starts at ``K_new`` and draws almost no offers).

    Args:
        alpha: ``α`` per person, shape (N,).
        parties: The hiring parties, in the engine's order.
        beta_comp: ``β_comp``.
        hazard: Quarterly background hazard per person, shape (N,).
        quarters: Quarters counted (4: the first year).

    Returns:
        Expected departures to parties per person, shape (N,).
    """
    present = np.ones_like(hazard, dtype=float)
    gone = np.zeros_like(present)
    accept = [party.node_weights @ accept_probability(alpha + party.rest, beta_comp,
                                                      party.comp_ratio)
              for party in parties]
    for _ in range(quarters):
        for party, p_acc in zip(parties, accept, strict=True):
            pi = inclusion_probabilities(party.weights, present, party.offers_per_quarter)
            leave = present * pi * p_acc
            gone += leave
            present = present - leave
        present = present * (1.0 - hazard)
    return gone


def _logit_share(x: np.ndarray, top: np.ndarray) -> np.ndarray:
    """``ln x − ln(top − x)``, kept finite: departures on the scale of ``logit(P(accept))``."""
    tiny = np.finfo(float).tiny
    return np.log(np.maximum(x, tiny)) - np.log(np.maximum(top - x, tiny))


def solve_alphas(
    departures: Callable[[np.ndarray], np.ndarray], targets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``α_r`` per role so that expected departures by role equal the targets.

    One system for all roles (they interact through targeting: when one role leaves, the rest
    draw more offers), solved by MINPACK's hybrid Powell method (:func:`scipy.optimize.root`)
    on the scale of ``logit(P(accept))``: ``ln D_r − ln(top_r − D_r)`` against the same of
    ``target_r``, where ``top_r`` is role ``r``'s departures with every ``α`` at its upper
    bound. On that scale departures are close to linear in ``α`` with slope 1 both where
    acceptance is rare (``D ∝ e^α``) and where it saturates, so Newton-like steps do not stall.
    A role whose target is 0 gets ``−ALPHA_BOUND``; a role whose target lies beyond what ``α``
    in ``[−ALPHA_BOUND, ALPHA_BOUND]`` reaches is held at that bound and the rest are solved
    again (:data:`MISS_TOLERANCE`).

    Args:
        departures: Expected departures by role for given ``α`` by role, shapes (roles,);
            increasing in every ``α``.
        targets: Target departures by role, shape (roles,).

    Returns:
        ``(alpha, reachable, achieved)`` by role: the roots, the largest departures reachable
        (at ``α = ALPHA_BOUND`` for that role, the others at their roots) and the departures
        the roots give. Where ``reachable < target`` the root is ``ALPHA_BOUND`` and the
        caller reports the role.
    """
    targets = np.asarray(targets, dtype=float)
    n = len(targets)
    alpha = np.full(n, -ALPHA_BOUND)
    top = np.asarray(departures(np.full(n, ALPHA_BOUND)), dtype=float)
    free = (targets > 0) & (top > targets)
    alpha[(targets > 0) & ~free] = ALPHA_BOUND
    while free.any():
        def miss(x: np.ndarray, free: np.ndarray = free) -> np.ndarray:
            trial = alpha.copy()
            trial[free] = x
            got = np.asarray(departures(trial), dtype=float)[free]
            return _logit_share(got, top[free]) - _logit_share(targets[free], top[free])

        x = root(miss, np.zeros(int(free.sum())), method="hybr",
                 options={"xtol": ROOT_TOLERANCE}).x
        alpha[free] = np.clip(x, -ALPHA_BOUND, ALPHA_BOUND)
        off = np.zeros(n)
        off[free] = miss(alpha[free])
        short = np.abs(off) > MISS_TOLERANCE
        if not short.any():
            break
        r = int(np.argmax(np.where(short, np.abs(alpha), -1.0)))  # the one driven furthest
        alpha[r] = ALPHA_BOUND if off[r] < 0 else -ALPHA_BOUND
        free[r] = False
    reachable = np.array([departures(np.where(np.arange(n) == r, ALPHA_BOUND, alpha))[r]
                          for r in range(n)])
    return alpha, reachable, np.asarray(departures(alpha), dtype=float)
