"""The scenario schema: what a scenario file may say, validated with pydantic v2.

A scenario is one YAML file (read with ``yaml.safe_load``) plus, optionally, a roster CSV beside
it. Each section maps to a part of the model in ``docs/model.md``; later sections (firm, rivals,
behaviour, investors, strategies) extend this schema rather than replace it.

Loading and error reporting live in :mod:`talentmoat.loader`; this module only declares shapes
and the rules between fields.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

WEIGHT_TOLERANCE = 1e-6
"""How far the component weights may sum from 1."""

ComponentId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Strict(BaseModel):
    """Base for every section: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(_Strict):
    """One part of the blueprint (MODEL.md §A).

    Attributes:
        id: Identifier, lower-case letters, digits and underscores (e.g. ``data_curation``).
        weight: Share of the blueprint's value, in [0, 1]; all weights sum to 1.
        replication_cost: R&D dollars a rival spends to rebuild it without insiders (USD).
        tacit: Share of the component that lives only in people's heads, in [0, 1].
    """

    id: ComponentId
    weight: float = Field(ge=0.0, le=1.0)
    replication_cost: float = Field(ge=0.0)
    tacit: float = Field(ge=0.0, le=1.0)


class Blueprint(_Strict):
    """The lab's blueprint as weighted components."""

    components: list[Component] = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _weights_and_ids(self) -> Blueprint:
        ids = [c.id for c in self.components]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"component ids must be unique; repeated: {', '.join(dupes)}")
        total = sum(c.weight for c in self.components)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise ValueError(
                f"component weights sum to {total:.6g}; they must sum to 1 (±{WEIGHT_TOLERANCE:g})"
            )
        return self

    @property
    def ids(self) -> list[str]:
        """Component ids in file order (the column order of every knowledge matrix)."""
        return [c.id for c in self.components]

    @property
    def weights(self) -> np.ndarray:
        """Weights ``w``, shape (C,)."""
        return np.array([c.weight for c in self.components])

    @property
    def replication_costs(self) -> np.ndarray:
        """Replication costs in USD, shape (C,)."""
        return np.array([c.replication_cost for c in self.components])

    @property
    def tacit(self) -> np.ndarray:
        """Tacit shares, shape (C,)."""
        return np.array([c.tacit for c in self.components])


class Beta(_Strict):
    """Knowledge drawn from Beta(a, b); mean a / (a + b)."""

    dist: Literal["beta"]
    a: float = Field(gt=0.0)
    b: float = Field(gt=0.0)


class Uniform(_Strict):
    """Knowledge drawn uniformly from [low, high] ⊆ [0, 1]."""

    dist: Literal["uniform"]
    low: float = Field(ge=0.0, le=1.0)
    high: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self


class Constant(_Strict):
    """The same knowledge level for everyone in the cohort."""

    dist: Literal["constant"]
    value: float = Field(ge=0.0, le=1.0)


Distribution = Annotated[Beta | Uniform | Constant, Field(discriminator="dist")]


class Specialties(_Strict):
    """Deep knowledge of a few components per person, chosen at random.

    Each person in the cohort gets ``count`` distinct components drawn uniformly from ``among``
    (all components if empty); on those, knowledge is drawn from ``knowledge`` instead of the
    cohort's per-component distribution.
    """

    count: int = Field(ge=1, le=64)
    among: list[ComponentId] = Field(default_factory=list)
    knowledge: Distribution


class Cohort(_Strict):
    """A group of people generated deterministically from the scenario seed.

    Attributes:
        role: Role label shared by the cohort (e.g. ``core``).
        count: Number of people.
        knowledge: Distribution of ``K[i, c]`` per component id; the key ``default`` covers the
            components not named.
        specialties: Optional deep specialisms per person (overrides ``knowledge`` on them).
    """

    role: str = Field(min_length=1, max_length=64)
    count: int = Field(ge=1, le=1_000_000)
    knowledge: dict[str, Distribution]
    specialties: Specialties | None = None


class Roster(_Strict):
    """Who works at the lab: a CSV file (path relative to the scenario) or generated cohorts."""

    csv: str | None = None
    cohorts: list[Cohort] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Roster:
        if (self.csv is None) == (self.cohorts is None):
            raise ValueError("give exactly one of 'csv' (a roster file) or 'cohorts'")
        return self


class Plan(_Strict):
    """Defaults of the compartmentalization planner (MODEL.md §A, firewall 1).

    Attributes:
        max_components: Cap ``m`` on the components one person may hold deeply.
        redundancy: Floor ``r`` on the deep holders each component keeps.
        residual: Knowledge left to a person who loses deep access to a component (below the
            hold threshold): ``K' = min(K, residual)``.
        org_holds: Components the organisation holds in documents and systems; under the plan
            nobody keeps deep access to them (capped at ``residual``) and no floor applies.
    """

    max_components: int = Field(default=2, ge=1, le=64)
    redundancy: int = Field(default=3, ge=1, le=1000)
    residual: float = Field(default=0.1, ge=0.0, le=1.0)
    org_holds: list[ComponentId] = Field(default_factory=list)


class KnowledgeSettings(_Strict):
    """Parameters of the knowledge measures.

    Attributes:
        hold_threshold: A person holds a component when ``K >= hold_threshold``.
        exact_time_budget_s: Wall-clock budget for the exact poach-k optimum, in seconds.
        plan: Planner defaults.
    """

    hold_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    exact_time_budget_s: float = Field(default=5.0, ge=0.0, le=3600.0)
    plan: Plan = Plan()


class Scenario(_Strict):
    """A whole scenario file.

    Attributes:
        name: Short name shown in reports.
        description: Free text, including where the numbers come from.
        seed: Root of every random draw (cohort generation, later the simulation).
        currency: Currency of every money amount (informational).
        blueprint: The weighted components.
        roster: The people.
        knowledge: Parameters of the knowledge measures.
    """

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    seed: int = Field(ge=0, lt=2**63)
    currency: str = "USD"
    blueprint: Blueprint
    roster: Roster
    knowledge: KnowledgeSettings = KnowledgeSettings()

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        known = set(self.blueprint.ids)
        roles = [c.role for c in self.roster.cohorts or []]
        repeated = sorted({r for r in roles if roles.count(r) > 1})
        if repeated:
            raise ValueError(f"roster.cohorts: each role once; repeated: {', '.join(repeated)}")
        for n, cohort in enumerate(self.roster.cohorts or []):
            for key in cohort.knowledge:
                if key != "default" and key not in known:
                    raise ValueError(
                        f"roster.cohorts[{n}].knowledge: unknown component '{key}' "
                        f"(known: {', '.join(sorted(known))}, or 'default')"
                    )
            missing = [c for c in self.blueprint.ids if c not in cohort.knowledge]
            if missing and "default" not in cohort.knowledge:
                raise ValueError(
                    f"roster.cohorts[{n}].knowledge: no distribution for {', '.join(missing)} "
                    "and no 'default'"
                )
            spec = cohort.specialties
            if spec is not None:
                pool = spec.among or self.blueprint.ids
                unknown = [c for c in pool if c not in known]
                if unknown:
                    raise ValueError(
                        f"roster.cohorts[{n}].specialties.among: unknown component(s) "
                        f"{', '.join(unknown)}"
                    )
                if spec.count > len(set(pool)):
                    raise ValueError(
                        f"roster.cohorts[{n}].specialties.count is {spec.count} but only "
                        f"{len(set(pool))} components are eligible"
                    )
        plan = self.knowledge.plan
        unknown = [c for c in plan.org_holds if c not in known]
        if unknown:
            raise ValueError(f"knowledge.plan.org_holds: unknown component(s) {', '.join(unknown)}")
        if plan.residual >= self.knowledge.hold_threshold:
            raise ValueError(
                f"knowledge.plan.residual ({plan.residual}) must be below "
                f"knowledge.hold_threshold ({self.knowledge.hold_threshold})"
            )
        return self
