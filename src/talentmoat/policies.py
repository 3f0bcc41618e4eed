"""The firewalls and counter-moves a strategy combines, as small composable objects.

Each policy has ONE name, used alike as the strategy entry, the policy's ``name``, the schema key
``policies.<name>`` and (in CamelCase) the class: ``tenders`` (:class:`Tenders`),
``synthetic_equity`` (:class:`SyntheticEquity`), ``blue_sky`` (:class:`BlueSky`),
``compartmentalize`` (:class:`Compartmentalize`), ``retention_grant`` (:class:`RetentionGrant`),
``nonpoach_request`` (:class:`NonpoachRequest`) and ``open_science`` (:class:`OpenScience`).

A policy owns its whole effect, in two places and nowhere else:

- :meth:`Policy.terms` adjusts the :class:`~talentmoat.lab_economics.PackageTerms` with which
  :func:`talentmoat.lab_economics.assess` values packages, compute access and autonomy;
- :meth:`Policy.apply` adjusts the strategy's :class:`~talentmoat.sim.inputs.Setup` (costs,
  knowledge, the frontier's drag and diffusion).

Constructors only hold the scenario's parameters (``policies.<name>``, or their defaults).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from talentmoat.knowledge import Plan, plan_compartments
from talentmoat.memo import Memo, arrays_key
from talentmoat.scenario import (
    BlueSkySpec,
    CompartmentalizeSpec,
    RetentionGrantSpec,
    Scenario,
    SyntheticEquitySpec,
    TendersSpec,
)

if TYPE_CHECKING:
    from talentmoat.lab_economics import Assessment, PackageTerms
    from talentmoat.loader import Lab
    from talentmoat.sim.inputs import Setup

QUARTERS_PER_YEAR = 4

PLAN_CACHE_SIZE = 16
"""Compartmentalization plans kept per process: a sweep's points mostly share one plan."""

_plans: Memo[Plan] = Memo(PLAN_CACHE_SIZE)


def cached_plan(K: np.ndarray, w: np.ndarray, org: np.ndarray, **options: float) -> Plan:
    """:func:`~talentmoat.knowledge.plan_compartments`, memoised on the exact inputs.

    The plan is a pure function of ``K`` (N, C), the weights ``w`` (C,), the org-held mask
    (C,) and the planner options, so points of a sweep that leave them unchanged share it.
    """
    key = arrays_key(K, w, org, extra=sorted(options.items()))
    return _plans.get(key, lambda: plan_compartments(K, w, org_holds=org, **options))


class Policy:
    """Base of every policy: a name, its parameters, and its two adjustments."""

    name: ClassVar[str]
    spec_type: ClassVar[type | None] = None

    def terms(self, terms: PackageTerms) -> PackageTerms:
        """The package terms with this policy in force (the default changes nothing)."""
        return terms

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """The setup with this policy in force (the default changes nothing)."""
        return setup


@dataclasses.dataclass(frozen=True)
class Tenders(Policy):
    """Tender windows in slices (MODEL.md §C): the package, and tender cash paid to staff."""

    spec: TendersSpec
    name: ClassVar[str] = "tenders"
    spec_type: ClassVar[type] = TendersSpec

    def terms(self, terms: PackageTerms) -> PackageTerms:
        """Value the equity with these tender windows."""
        return dataclasses.replace(terms, tenders=self.spec)

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Tender proceeds per seat a quarter; a lab cost only when the company buys."""
        return dataclasses.replace(
            setup,
            tender_cash_per_seat=assessment.package.tender_proceeds / QUARTERS_PER_YEAR,
            tender_is_lab_cost=self.spec.buyer == "company",
        )


@dataclasses.dataclass(frozen=True)
class SyntheticEquity(Policy):
    """Performance units (MODEL.md §C), costed at grant-date fair value."""

    spec: SyntheticEquitySpec
    name: ClassVar[str] = "synthetic_equity"
    spec_type: ClassVar[type] = SyntheticEquitySpec

    def terms(self, terms: PackageTerms) -> PackageTerms:
        """Add the units to the packages."""
        return dataclasses.replace(terms, synthetic_equity=self.spec)

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Cost ``pool · V_0 · metric_hit`` a year over seats in post; payout at a full hit."""
        grant = assessment.synthetic_grant / QUARTERS_PER_YEAR
        hit = self.spec.metric_hit
        return dataclasses.replace(
            setup, units_per_seat=grant,
            unit_payout_per_seat=grant / hit if hit > 0 else np.zeros_like(grant),
        )


@dataclasses.dataclass(frozen=True)
class BlueSky(Policy):
    """A blue-sky compute reserve allocated by tokens (MODEL.md §D, §G.1)."""

    spec: BlueSkySpec
    name: ClassVar[str] = "blue_sky"
    spec_type: ClassVar[type] = BlueSkySpec

    def terms(self, terms: PackageTerms) -> PackageTerms:
        """Carve out the reserve and give its tokens to the research roles."""
        return dataclasses.replace(terms, blue_sky=self.spec)

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Exploration share; directed compute falls by ``b`` unless capacity is bought."""
        b = self.spec.reserve_share
        bought = self.spec.buy_capacity
        compute = assessment.compute
        cash = compute.reserve_cost if (bought and compute is not None) else 0.0
        return dataclasses.replace(
            setup, blue_sky_share=b, directed_ratio=setup.directed_ratio * (1.0 if bought
                                                                          else 1.0 - b),
            fixed_cost=setup.fixed_cost + float(cash),
        )


@dataclasses.dataclass(frozen=True)
class Compartmentalize(Policy):
    """The plan of ``knowledge.plan`` decides who keeps deep access (MODEL.md §A, §G)."""

    spec: CompartmentalizeSpec
    name: ClassVar[str] = "compartmentalize"
    spec_type: ClassVar[type] = CompartmentalizeSpec

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Seats start (and newcomers learn up to) the plan; the org documents what it holds.

        The documented components keep ``documented_tacit`` of their tacit share; writing them
        down costs ``documentation_quarters`` of the cash pay of their current deep holders
        once; those who lose deep access cost ``overhead_share`` of their cash pay; and the
        compartments slow the lab's advance by ``coordination_drag``.
        """
        scenario = lab.scenario
        plan_spec = scenario.knowledge.plan
        org = np.isin(scenario.blueprint.ids, plan_spec.org_holds)
        plan = cached_plan(
            setup.K, scenario.blueprint.weights, org, max_components=plan_spec.max_components,
            redundancy=plan_spec.redundancy, hold_threshold=scenario.knowledge.hold_threshold,
            residual=plan_spec.residual, time_limit_s=plan_spec.time_budget_s,
        )
        cash_quarter = assessment.pay.cash / QUARTERS_PER_YEAR
        overhead = plan.revoked.any(axis=1) * self.spec.overhead_share * cash_quarter
        holders = (setup.K[:, org] >= scenario.knowledge.hold_threshold).any(axis=1)
        documentation = self.spec.documentation_quarters * float(cash_quarter[holders].sum())
        return dataclasses.replace(
            setup, K=plan.K_after, target=plan.K_after,
            tacit=np.where(org, self.spec.documented_tacit * setup.tacit, setup.tacit),
            cost_per_seat=setup.cost_per_seat + overhead,
            one_off_cost=setup.one_off_cost + documentation,
            drag=1.0 - (1.0 - setup.drag) * (1.0 - self.spec.coordination_drag),
        )


@dataclasses.dataclass(frozen=True)
class RetentionGrant(Policy):
    """Counter-offers that close part of an offer's gap."""

    spec: RetentionGrantSpec
    name: ClassVar[str] = "retention_grant"
    spec_type: ClassVar[type] = RetentionGrantSpec

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
    ``investors.syndicate``; the hiring parties are built with it in force.
    """

    name: ClassVar[str] = "nonpoach_request"

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Mark the request in force; the portfolio companies' offer rates follow from it."""
        return dataclasses.replace(setup, nonpoach_request=True)


@dataclasses.dataclass(frozen=True)
class OpenScience(Policy):
    """Publish openly (MODEL.md §G.3): more autonomy for researchers, more diffusion to rivals."""

    name: ClassVar[str] = "open_science"

    def terms(self, terms: PackageTerms) -> PackageTerms:
        """Autonomy under an ``open`` publication policy."""
        return dataclasses.replace(terms, publication="open")

    def apply(self, setup: Setup, lab: Lab, assessment: Assessment) -> Setup:
        """Rivals learn ``firm.frontier.diffusion.open`` of the lab's lead a quarter."""
        firm = lab.scenario.firm
        assert firm is not None  # a setup needs the firm section
        return dataclasses.replace(setup, diffusion=firm.frontier.diffusion.open)


KINDS: dict[str, type[Policy]] = {
    kind.name: kind for kind in (Tenders, SyntheticEquity, BlueSky, Compartmentalize,
                                 RetentionGrant, NonpoachRequest, OpenScience)
}
"""Every policy by its one name."""


def make_policy(name: str, scenario: Scenario) -> Policy:
    """The policy called ``name`` with the scenario's parameters (or their defaults)."""
    kind = KINDS[name]
    if kind.spec_type is None:
        return kind()
    return kind(getattr(scenario.policies, name) or kind.spec_type())


def make_policies(names: tuple[str, ...] | list[str], scenario: Scenario) -> tuple[Policy, ...]:
    """The named policies, in order."""
    return tuple(make_policy(n, scenario) for n in names)
