"""The firewalls and counter-moves a strategy combines, as small composable objects.

Each policy holds its documented parameters (the scenario's ``policies.<name>`` section, or its
defaults) and adjusts a strategy's :class:`~talentmoat.sim.setup.Setup` in :meth:`Policy.apply`.
Package policies (``acts_on_package``) also change the packages, compute access and hazards, which
:func:`talentmoat.lab_economics.assess` values with them in force before any ``apply`` runs.

- ``liquidity`` (:class:`Tenders`): the package (tendered slice as cash, shorter DLOM); tender
  cash paid to staff.
- ``synthetic_equity`` (:class:`SyntheticEquity`): the package; unit payouts that scale with the
  share of the starting lead still held.
- ``compute`` (:class:`BlueSky`): compute access and autonomy; the reserve's GPU-hours cost.
- ``compartmentalize`` (:class:`Compartmentalize`): seats start from (and newcomers learn up to)
  the plan; the organisation documents what it holds; coordination overhead.
- ``retention_grant`` (:class:`RetentionGrant`): counter-offers, paid when the person stays.
- ``nonpoach_request`` (:class:`NonpoachRequest`): investors that agreed weigh their deterrent
  before facilitating a hire into their portfolio (:mod:`talentmoat.investors`); the hiring
  parties are built with it in force.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from talentmoat.knowledge import Plan, plan_compartments
from talentmoat.scenario import (
    CompartmentalizePolicy,
    ComputePolicy,
    LiquidityPolicy,
    RetentionGrantPolicy,
    Scenario,
    SyntheticEquityPolicy,
)

if TYPE_CHECKING:
    from talentmoat.lab_economics import Assessment
    from talentmoat.loader import Lab
    from talentmoat.sim.setup import Setup

QUARTERS_PER_YEAR = 4

PLAN_CACHE_SIZE = 16
"""Compartmentalization plans kept per process: a sweep's points mostly share one plan."""

_plans: dict[bytes, Plan] = {}


def cached_plan(K: np.ndarray, w: np.ndarray, org: np.ndarray, **options: float) -> Plan:
    """:func:`~talentmoat.knowledge.plan_compartments`, memoised on the exact inputs.

    The plan is a pure function of ``K`` (N, C), the weights ``w`` (C,), the org-held mask
    (C,) and the planner options, so points of a sweep that leave them unchanged share it.
    """
    key = hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() + repr(a.shape).encode()
                                  for a in (K, w, org))
                         + repr(sorted(options.items())).encode()).digest()
    if key not in _plans:
        if len(_plans) >= PLAN_CACHE_SIZE:
            _plans.pop(next(iter(_plans)))
        _plans[key] = plan_compartments(K, w, org_holds=org, **options)
    return _plans[key]


class Policy:
    """Base of every policy: a name, its parameters, and how it adjusts a setup."""

    name: ClassVar[str]
    acts_on_package: ClassVar[bool] = False

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Return the setup with this policy in force (the default changes nothing)."""
        return setup


@dataclasses.dataclass(frozen=True)
class Tenders(Policy):
    """Biannual (or more) tender windows, firewall 2 (MODEL.md §C)."""

    spec: LiquidityPolicy
    name: ClassVar[str] = "liquidity"
    acts_on_package: ClassVar[bool] = True

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Tender proceeds per seat a quarter; a lab cost only when the company buys."""
        return dataclasses.replace(
            setup,
            tender_cash_per_seat=assessment.package.tender / QUARTERS_PER_YEAR,
            tender_is_lab_cost=self.spec.buyer == "company",
        )


@dataclasses.dataclass(frozen=True)
class SyntheticEquity(Policy):
    """Performance units vesting on model metrics, firewall 2 (MODEL.md §C)."""

    spec: SyntheticEquityPolicy
    name: ClassVar[str] = "synthetic_equity"
    acts_on_package: ClassVar[bool] = True

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Unit payout per seat a quarter at a full metric hit (the engine scales it)."""
        hit = self.spec.metric_hit if self.spec.metric_hit > 0 else 1.0
        return dataclasses.replace(
            setup, units_per_seat=assessment.package.synthetic / hit / QUARTERS_PER_YEAR
        )


@dataclasses.dataclass(frozen=True)
class BlueSky(Policy):
    """The compute token economy with a blue-sky reserve, firewall 3 (MODEL.md §D)."""

    spec: ComputePolicy
    name: ClassVar[str] = "compute"
    acts_on_package: ClassVar[bool] = True

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """The reserve's GPU-hours at the scenario's price, a quarter."""
        cost = assessment.compute.reserve_cost if assessment.compute is not None else 0.0
        return dataclasses.replace(setup, fixed_cost=setup.fixed_cost + float(cost))


@dataclasses.dataclass(frozen=True)
class Compartmentalize(Policy):
    """Firewall 1: the plan of ``knowledge.plan`` decides who keeps deep access (MODEL.md §A)."""

    spec: CompartmentalizePolicy
    name: ClassVar[str] = "compartmentalize"

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Seats start (and newcomers learn up to) the plan; org-held components documented."""
        scenario = lab.scenario
        plan_spec = scenario.knowledge.plan
        org = np.isin(scenario.blueprint.ids, plan_spec.org_holds)
        plan = cached_plan(
            setup.K, scenario.blueprint.weights, org, max_components=plan_spec.max_components,
            redundancy=plan_spec.redundancy, hold_threshold=scenario.knowledge.hold_threshold,
            residual=plan_spec.residual, time_limit_s=plan_spec.time_budget_s,
        )
        overhead = (plan.revoked.any(axis=1) * self.spec.overhead_share
                    * assessment.pay.cash / QUARTERS_PER_YEAR)
        return dataclasses.replace(
            setup, K=plan.K_after, target=plan.K_after,
            tacit=np.where(org, 0.0, setup.tacit),
            cost_per_seat=setup.cost_per_seat + overhead,
        )


@dataclasses.dataclass(frozen=True)
class RetentionGrant(Policy):
    """Counter-offers that close part of an offer's gap."""

    spec: RetentionGrantPolicy
    name: ClassVar[str] = "retention_grant"

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Match share and cap per seat (eligible roles only), and the years paid."""
        roles = self.spec.roles
        eligible = np.array([not roles or r in roles for r in lab.roster.roles])
        cap = self.spec.max_per_person_usd
        return dataclasses.replace(
            setup,
            counter_share=np.where(eligible, self.spec.match_share, 0.0),
            counter_cap=np.full(len(eligible), np.inf if cap is None else cap),
            counter_years=self.spec.grant_years,
        )


@dataclasses.dataclass(frozen=True)
class NonpoachRequest(Policy):
    """The informal request that investors not poach (MODEL.md §F); never a formal pact.

    It has no parameters of its own: each investor's answer and deterrent live in
    ``investors.syndicate``.
    """

    name: ClassVar[str] = "nonpoach_request"

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Mark the request in force; the portfolio companies' offer rates follow from it."""
        return dataclasses.replace(setup, nonpoach_request=True)


_KINDS: dict[str, tuple[type, type | None]] = {
    "nonpoach_request": (NonpoachRequest, None),
    "liquidity": (Tenders, LiquidityPolicy),
    "synthetic_equity": (SyntheticEquity, SyntheticEquityPolicy),
    "compute": (BlueSky, ComputePolicy),
    "compartmentalize": (Compartmentalize, CompartmentalizePolicy),
    "retention_grant": (RetentionGrant, RetentionGrantPolicy),
}


def make_policy(name: str, scenario: Scenario) -> Policy:
    """The policy called ``name`` with the scenario's parameters (or their defaults)."""
    kind, spec_type = _KINDS[name]
    if spec_type is None:
        return kind()
    return kind(getattr(scenario.policies, name) or spec_type())
