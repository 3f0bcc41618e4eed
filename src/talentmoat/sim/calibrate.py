"""The acceptance intercepts ``α_r``, calibrated to the observed attrition (MODEL.md §E).

``α_r`` is solved per role so that the baseline strategy's expected first-year departures to
the modelled parties equal ``N_r · total_r · to_parties_r``. How the expectation is taken:

1. a smooth surrogate first — the mean field of
   :func:`talentmoat.behaviour.expected_departures_to_parties` (targeting by successive-sampling
   inclusion probabilities, the multiple by Gauss–Hermite quadrature) — whose roots
   :func:`talentmoat.behaviour.solve_alphas` finds for all roles at once;
2. then the engine's own draws: the baseline's first four quarters are simulated on
   :data:`CALIBRATION_REPLICATIONS` replications of the scenario's seed and each
   ``α_r`` is moved by ``ln(target_r / simulated_r)`` (acceptance is far from 1, so departures
   scale with ``e^α``), :data:`CORRECTION_ROUNDS` times. The surrogate misses by up to ~10 %
   (successive sampling and the mean field are approximations); the rounds remove that bias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logit

from talentmoat.behaviour import (
    PartyOffers,
    expected_departures_to_parties,
    solve_alphas,
    targeting_weights,
)
from talentmoat.errors import InputError
from talentmoat.lab_economics import multiple_nodes, require_firm, role_values
from talentmoat.loader import Lab
from talentmoat.memo import Memo, arrays_key, content_key
from talentmoat.scenario import ConstantMultiple, LognormalMultiple
from talentmoat.sim.draws import Draws, draw
from talentmoat.sim.engine import simulate_strategy, slots
from talentmoat.sim.inputs import HiringParty, Setup
from talentmoat.sim.setup import build_setup, make_world

PARITY_BAND = (0.5, 2.0)
"""Under ``behaviour.alpha: parity``, validation warns when the baseline's expected first-year
attrition is outside this multiple of the stated total."""

CALIBRATION_REPLICATIONS = 1000
"""Replications of the engine's first year used to correct the surrogate's roots."""

CORRECTION_ROUNDS = 2
"""Corrections on the engine's own draws."""

FIRST_YEAR = 4
"""Quarters of the first year."""

CACHE_SIZE = 16
"""Calibrations kept per process (one per scenario content and routing)."""


@dataclass(frozen=True)
class Calibration:
    """The acceptance intercepts by role and how well they meet the observed attrition.

    Attributes:
        roles: Role names.
        mode: ``calibrated`` or ``parity`` (``behaviour.alpha``).
        alpha: ``α_r`` by role.
        target: ``N_r · total_r · to_parties_r``, expected first-year departures to parties.
        expected: First-year departures to parties at ``alpha`` in the baseline: the engine's
            mean over ``CALIBRATION_REPLICATIONS`` (the surrogate's under ``parity``).
        reachable: The most departures each role can reach (``α_r`` at its upper bound).
        total_target: ``N_r · total_r``, all first-year departures observed.
        expected_total: Expected first-year departures of all kinds at ``alpha``.
    """

    roles: tuple[str, ...]
    mode: str
    alpha: np.ndarray
    target: np.ndarray
    expected: np.ndarray
    reachable: np.ndarray
    total_target: np.ndarray
    expected_total: np.ndarray

    def per_person(self, lab: Lab) -> np.ndarray:
        """``α`` per person, shape (N,)."""
        return self.alpha[[self.roles.index(r) for r in lab.roster.roles]]

    def warnings(self) -> list[str]:
        """Under ``parity``, roles whose first-year attrition is outside 0.5–2× the total."""
        if self.mode != "parity":
            return []
        low, high = PARITY_BAND
        out = []
        for r, want, got in zip(self.roles, self.total_target, self.expected_total,
                                strict=True):
            if want > 0 and not low * want <= got <= high * want:
                out.append(f"behaviour.alpha: parity gives role {r} {got:.1f} expected "
                           f"first-year departures against an observed {want:.1f} "
                           f"(outside {low:g}–{high:g}×)")
        return out


_memo: Memo[Calibration] = Memo(CACHE_SIZE)


def _party_offers(setup: Setup, party: HiringParty, alpha: np.ndarray,
                  weights: np.ndarray) -> PartyOffers:
    """What the first-year expectation needs about one party (``α`` taken out of its rest)."""
    dist = (ConstantMultiple(dist="constant", value=party.multiple_median)
            if party.multiple_sigma == 0 else
            LognormalMultiple(dist="lognormal", median=party.multiple_median,
                              sigma=party.multiple_sigma))
    nodes, node_weights, _, _ = multiple_nodes(dist)
    offer = nodes[:, None] * party.offer_face + party.buyout
    return PartyOffers(
        offers_per_quarter=party.offers_per_quarter,
        weights=targeting_weights(setup.visibility, party.reach, setup.K @ weights,
                                  party.theta),
        rest=party.utility_rest - alpha,
        comp_ratio=offer / setup.stay_value,
        node_weights=node_weights,
    )


def calibrate_alpha(lab: Lab, value_loss: np.ndarray | None = None) -> Calibration:
    """``α_r`` per role so the baseline's expected first-year departures to parties match.

    ``value_loss`` routes the portfolio companies' offers as in
    :func:`talentmoat.sim.setup.build_setup` (None: the investors' value-model ``ΔV_lab``).

    The expectation is the mean field of :func:`talentmoat.behaviour.
    expected_departures_to_parties` (targeting by successive-sampling inclusion
    probabilities, the multiple by Gauss–Hermite quadrature), on the baseline strategy's
    packages, hazards and hiring parties. Under ``behaviour.alpha: parity`` every role gets
    ``logit(p_accept_at_parity)`` and the expectation is only reported.

    Memoised per process on the scenario's content and the routing (whom each party reaches,
    and how often), the only thing ``value_loss`` changes: the valuation's rounds, the run and
    the report's shocks share one calibration per routing.

    Raises:
        InputError: When a role's target cannot be reached (too few offers reach it), naming
            the role, the target and the largest reachable value.
    """
    scenario = lab.scenario
    base = build_setup(lab, scenario.simulation.baseline,
                       scenario.strategies[scenario.simulation.baseline],
                       alpha=np.zeros(lab.roster.size), value_loss=value_loss)
    routing = arrays_key(*(p.reach for p in base.parties),
                         extra=[(p.name, p.offers_per_quarter) for p in base.parties])
    return _memo.get(content_key(lab) + routing, lambda: _calibrate(lab, base))


def _calibrate(lab: Lab, base: Setup) -> Calibration:
    """:func:`calibrate_alpha` on the baseline's setup built with ``α = 0``."""
    scenario = lab.scenario
    firm = require_firm(lab)
    roles = tuple(sorted(set(lab.roster.roles), key=lab.roster.roles.index))
    role_of = np.array([roles.index(r) for r in lab.roster.roles])
    n_roles = len(roles)
    zero = np.zeros(lab.roster.size)
    w = scenario.blueprint.weights
    offers = [_party_offers(base, party, zero, w) for party in base.parties]
    total = role_values(lab, firm.attrition.total, 0.0)
    to_parties = role_values(lab, firm.attrition.to_parties, 0.0)
    counts = np.bincount(role_of, minlength=n_roles).astype(float)
    by_role = np.bincount(role_of, weights=total, minlength=n_roles) / counts
    share = np.bincount(role_of, weights=to_parties, minlength=n_roles) / counts
    target = counts * by_role * share
    hazard = base.hazard

    def departures(alpha_roles: np.ndarray) -> np.ndarray:
        gone = expected_departures_to_parties(alpha_roles[role_of], offers, base.beta_comp,
                                              hazard)
        return np.bincount(role_of, weights=gone, minlength=n_roles)

    if scenario.behaviour.alpha == "parity":
        alpha = np.full(n_roles, float(logit(scenario.behaviour.p_accept_at_parity)))
        reachable = np.full(n_roles, np.nan)
        expected = departures(alpha)
    else:
        alpha, reachable, expected = solve_alphas(departures, target)
        short = [r for r in range(n_roles) if reachable[r] < target[r] * (1 - 1e-9)]
        if short:
            r = short[0]
            raise InputError.single(
                lab.source, f"firm.attrition.to_parties.{roles[r]}",
                f"role {roles[r]}: the target of {target[r]:.2f} first-year departures to the "
                f"modelled parties cannot be reached; at most {reachable[r]:.2f} are (too few "
                "offers reach this role: lower to_parties or add hiring parties)",
            )
        alpha, expected = _corrected(lab, base, alpha, target)
    background = 1.0 - (1.0 - hazard) ** 4
    expected_total = expected + np.bincount(role_of, weights=background, minlength=n_roles)
    arrays = dict(alpha=alpha, target=target, expected=expected, reachable=reachable,
                  total_target=counts * by_role, expected_total=expected_total)
    for a in arrays.values():
        a.flags.writeable = False  # memoised: shared by every caller
    return Calibration(roles=roles, mode=scenario.behaviour.alpha, **arrays)


def simulated_first_year(lab: Lab, base: Setup, alpha_by_role: np.ndarray,
                         replications: int = CALIBRATION_REPLICATIONS,
                         draws: Draws | None = None) -> np.ndarray:
    """Mean first-year departures to parties by role in the engine, shape (roles,).

    ``draws`` (from :func:`first_year_draws`) lets successive calls share one set of numbers.
    """
    world, _ = make_world(lab)
    if draws is None:
        draws = first_year_draws(lab, base, replications)
    tr = simulate_strategy(_usual(base, alpha_by_role[world.role_of]), world, draws)
    return tr.to_parties_by_role.sum(axis=1).mean(axis=0)


def first_year_draws(lab: Lab, base: Setup,
                     replications: int = CALIBRATION_REPLICATIONS) -> Draws:
    """The calibration's random numbers: the scenario seed's first ``replications``, one year.

    Their offer slots are those of the usual offers (a raid's do not count, as in
    :func:`_with_alpha`).
    """
    return draw(lab.scenario.seed, range(replications), FIRST_YEAR, len(base.stay_value),
                len(base.parties), slots([_usual(base, np.zeros(len(base.stay_value)))]))


def _usual(base: Setup, alpha: np.ndarray) -> Setup:
    """The base setup with ``α`` (N,) added to every party's utility and no raids."""
    return Setup(**{**base.__dict__, "parties": [_with_alpha(p, alpha) for p in base.parties]})


def _with_alpha(party: HiringParty, alpha: np.ndarray) -> HiringParty:
    """The party with ``α`` added to its utility (the base setup was built with ``α = 0``).

    Its raids are left out: ``α`` matches the usual attrition, and a raid is a stress on top of
    it (MODEL.md §I), so a raid scenario keeps the intercepts of the same scenario without it.
    """
    return HiringParty(**{**party.__dict__, "utility_rest": party.utility_rest + alpha,
                          "raids": ()})


def _corrected(lab: Lab, base: Setup, alpha: np.ndarray,
               target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move each ``α_r`` by ``ln(target / simulated)`` on the engine's own draws.

    Returns:
        The corrected ``α`` by role and the engine's first-year departures at it.
    """
    out = alpha.copy()
    draws = first_year_draws(lab, base)
    got = simulated_first_year(lab, base, out, draws=draws)
    for _ in range(CORRECTION_ROUNDS):
        ok = (target > 0) & (got > 0)
        out[ok] += np.log(target[ok] / got[ok])
        got = simulated_first_year(lab, base, out, draws=draws)
    return out, got
