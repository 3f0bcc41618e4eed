"""A strategy's static inputs to the engine, as arrays over seats (MODEL.md §C–G).

A strategy is a set of policies (:mod:`talentmoat.policies`). Building its
:class:`~talentmoat.sim.inputs.Setup` values the packages, offers, compute access and hazards with
the policies' terms in force (:func:`talentmoat.lab_economics.assess`), lets each policy adjust
the setup in turn, and then builds the hiring parties from the knowledge the policies leave: the
rivals, then one ``portfolio:<name>`` party per portfolio company of the syndicate
(:mod:`talentmoat.investors`). Every strategy of a scenario has the same hiring parties, so
strategies share their draws; a party that the non-poach request silences has offer rate 0.
The investors route offers by ``ΔV_lab(i → p)``, which the simulation itself prices
(:mod:`talentmoat.investors.valuation`, a fixed point over the baseline; cached per scenario).

The acceptance intercepts ``α_r`` are calibrated once per scenario, on the baseline strategy
(:func:`talentmoat.sim.calibrate.calibrate_alpha`), and every strategy uses them: the
calibrate-then-perturb design of MODEL.md §E. The engine then only moves arrays.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from talentmoat.behaviour import quarterly_background_hazard, utility_rest
from talentmoat.economics import nominal_package, offer_value
from talentmoat.errors import InputError
from talentmoat.investors.syndicate import assess_syndicate
from talentmoat.lab_economics import Assessment, assess, require_firm, role_values
from talentmoat.lab_value import blueprint_share, lab_coverage, lab_share, steady_state_own
from talentmoat.loader import Lab
from talentmoat.policies import make_policies
from talentmoat.scenario import ConstantMultiple, LognormalMultiple, Rival
from talentmoat.sim.inputs import HiringParty, RaidTerms, Setup, World


def _by_component(lab: Lab, value: float | dict[str, float], default: float) -> np.ndarray:
    ids = lab.scenario.blueprint.ids
    if isinstance(value, dict):
        return np.array([value.get(c, default) for c in ids], dtype=float)
    return np.full(len(ids), float(value))


def rival_rebuild(lab: Lab, rival: Rival) -> np.ndarray:
    """Growth of a rival's own coverage a quarter, shape (C,), from its spend and focus."""
    bp = lab.scenario.blueprint
    focus = _by_component(lab, rival.rebuild_focus, 0.0) if rival.rebuild_focus else bp.weights
    share = focus / focus.sum() if focus.sum() > 0 else np.zeros_like(focus)
    spend = rival.rebuild_rate_per_quarter * share
    cost = bp.replication_costs
    return np.where(cost > 0, spend / np.where(cost > 0, cost, 1.0), np.where(spend > 0, 1.0, 0.0))


def rival_initial(lab: Lab, rival: Rival) -> np.ndarray:
    """A rival's own coverage at the start, shape (C,)."""
    return _by_component(lab, rival.initial_coverage, 0.0)


def initial_lead(lab: Lab) -> float:
    """``lead_0 = B_lab − max_j B_j`` at the start, with every person in post.

    Raises:
        InputError: When the lab does not start ahead (MODEL.md §G requires ``lead_0 > 0``).
    """
    bp = lab.scenario.blueprint
    b_lab = float(lab_share(bp.weights, bp.tacit, 1.0 - np.prod(1.0 - lab.roster.K, axis=0)))
    b_rivals = [float(blueprint_share(bp.weights, rival_initial(lab, r)))
                for r in lab.scenario.rivals]
    lead = b_lab - max(b_rivals, default=0.0)
    if lead <= 0:
        raise InputError.single(
            lab.source, "rivals[].initial_coverage",
            f"the lab must start ahead of every rival (a frontier lab); its blueprint share is "
            f"{b_lab:.3f} but a rival starts at {max(b_rivals):.3f}",
        )
    return lead


def _median_sigma(m: LognormalMultiple | ConstantMultiple) -> tuple[float, float]:
    return (m.value, 0.0) if isinstance(m, ConstantMultiple) else (m.median, m.sigma)


def hiring_parties(lab: Lab, a: Assessment, setup: Setup,
                   value_loss: np.ndarray | None = None) -> list[HiringParty]:
    """The parties that make offers: the rivals, then the syndicate's portfolio companies.

    Built from the knowledge the policies leave (``setup.K``): whom a portfolio company can
    reach, and how hungry it is, depend on what each person holds, on what their departure to
    it costs the lab (``value_loss``, ``ΔV_lab(i → p)`` in USD, shape (P, N), NaN where not
    valued; None: :func:`talentmoat.investors.valuation.value_losses`) and on whether the
    non-poach request is in force (:func:`talentmoat.investors.assess_syndicate`).
    """
    scenario = lab.scenario
    n = lab.roster.size
    nominal = nominal_package(a.pay.cash, a.pay.equity_grant_per_year)
    raids = {r.name: tuple(RaidTerms(x.start_quarter, x.quarters, x.hires_per_quarter,
                                     x.offer_multiple_scale) for x in r.raids)
             for r in scenario.rivals}
    parties = [(rival, offers.compute_ratio, offers.autonomy_gap, np.ones(n))
               for rival, offers in zip(scenario.rivals, a.offers, strict=True)]
    if scenario.investors.syndicate:
        if value_loss is None:
            # A cycle by nature: the valuation simulates setups built here (with its own ΔV).
            from talentmoat.investors.valuation import value_losses

            value_loss = value_losses(lab).loss
        syn = assess_syndicate(lab, setup.K, value_loss, setup.nonpoach_request)
        parties = [(rival, ratio, gap, reach) for (rival, ratio, gap, _), reach
                   in zip(parties, syn.rival_reach, strict=True)]
        for company, rate, access in zip(syn.companies, syn.company_rate, syn.access,
                                         strict=True):
            party = Rival(
                name=f"portfolio:{company.name}", hires_per_quarter=rate,
                offer_multiple=company.offer_multiple, liquid_share=company.liquid_share,
                illiquid_discount=company.illiquid_discount, friction=company.friction,
                targeting_exponent=company.targeting_exponent,
            )
            parties.append((party, 1.0, 0.0, access))
    out = []
    for rival, compute_ratio, autonomy_gap, reach in parties:
        median, sigma = _median_sigma(rival.offer_multiple)
        out.append(HiringParty(
            name=rival.name,
            offers_per_quarter=rival.hires_per_quarter,
            multiple_median=median,
            multiple_sigma=sigma,
            offer_face=offer_value(1.0, nominal, rival.liquid_share, rival.illiquid_discount,
                                   0.0, a.package.forfeit),
            buyout=offer_value(0.0, nominal, rival.liquid_share, rival.illiquid_discount,
                               rival.buyout_share, a.package.forfeit),
            utility_rest=np.broadcast_to(utility_rest(a.coefficients, compute_ratio,
                                                      autonomy_gap, rival.friction), (n,)),
            theta=rival.targeting_exponent,
            reach=reach,
            rebuild_per_quarter=rival_rebuild(lab, rival),
            initial_own=rival_initial(lab, rival),
            raids=raids.get(rival.name, ()),
        ))
    return out


def build_setup(lab: Lab, name: str, policies: list[str],
                alpha: np.ndarray | None = None,
                value_loss: np.ndarray | None = None) -> Setup:
    """The static inputs of one strategy.

    Args:
        lab: The loaded scenario (needs ``firm``).
        name: Strategy name.
        policies: Policies in force (names from ``STRATEGY_POLICIES``).
        alpha: ``α`` per person (:func:`talentmoat.sim.calibrate.calibrate_alpha`); parity's
            when None.
        value_loss: The investors' ``ΔV_lab(i → p)`` (USD, shape (P, N)); None: the value
            model's (:func:`hiring_parties`).
    """
    scenario = lab.scenario
    firm = require_firm(lab)
    n = lab.roster.size
    a = assess(lab, tuple(policies), alpha=alpha)
    zeros = np.zeros(n)
    setup = Setup(
        name=name,
        policies=tuple(policies),
        K=lab.roster.K,
        tacit=scenario.blueprint.tacit,
        target=lab.roster.K,
        visibility=role_values(lab, firm.visibility, 1.0),
        stay_value=a.package.stay_value,
        beta_comp=a.coefficients.beta_comp,
        hazard=quarterly_background_hazard(a.background_attrition),
        parties=[],
        counter_share=zeros,
        counter_cap=np.full(n, np.inf),
        counter_years=0.0,
        cost_per_seat=zeros,
        units_per_seat=zeros,
        unit_payout_per_seat=zeros,
        tender_cash_per_seat=zeros,
        tender_is_lab_cost=False,
        fixed_cost=0.0,
        one_off_cost=0.0,
        nonpoach_request=False,
        blue_sky_share=0.0,
        directed_ratio=1.0,
        drag=0.0,
        diffusion=getattr(firm.frontier.diffusion, firm.publication),
    )
    for policy in make_policies(policies, scenario):
        setup = policy.apply(setup, lab, a)
    return replace(setup, parties=hiring_parties(lab, a, setup, value_loss))


def make_world(lab: Lab) -> tuple[World, tuple[str, ...]]:
    """The shared inputs of a simulation, and the role names."""
    firm = require_firm(lab)
    bp = lab.scenario.blueprint
    roles = tuple(sorted(set(lab.roster.roles), key=lab.roster.roles.index))
    role_of = np.array([roles.index(r) for r in lab.roster.roles])
    world = World(
        weights=bp.weights, replication_cost=bp.replication_costs,
        valuation=firm.valuation, financial_moat=firm.moat.financial, lead0=initial_lead(lab),
        backfill_quarters=firm.backfill_quarters, learning_rate=firm.learning_rate,
        newcomer_knowledge=firm.newcomer_knowledge, role_of=role_of, n_roles=len(roles),
        a0=firm.frontier.a0, gamma=firm.frontier.gamma, kappa=firm.frontier.kappa,
        exploration_gain=firm.frontier.exploration_gain,
        absorption_quarters=firm.frontier.absorption_quarters,
        discount_rate=firm.discount_rate,
    )
    return world, roles




def rival_shares(lab: Lab) -> list[tuple[str, float, float]]:
    """Each rival's blueprint share at the start and in its steady state with no hires.

    The steady state is :func:`talentmoat.lab_value.steady_state_own` with the lab's advance at
    ``a0`` (everyone in post), the diffusion of ``firm.publication`` and the lab's coverage at
    the start; scenario authors set ``rebuild_rate_per_quarter`` and ``initial_coverage`` with it
    in view (MODEL.md §G).

    Returns:
        ``(name, initial B_j, steady-state B_j)`` per rival.
    """
    firm = require_firm(lab)
    bp = lab.scenario.blueprint
    cov_lab = lab_coverage(bp.tacit, 1.0 - np.prod(1.0 - lab.roster.K, axis=0))
    d_pub = getattr(firm.frontier.diffusion, firm.publication)
    return [(r.name, float(blueprint_share(bp.weights, rival_initial(lab, r))),
             float(blueprint_share(bp.weights, steady_state_own(
                 rival_rebuild(lab, r), d_pub, firm.frontier.a0, cov_lab))))
            for r in lab.scenario.rivals]
