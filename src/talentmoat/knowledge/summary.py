"""The knowledge report of a roster: totals, key people, truck factor and poach-k exposure.

Composes the pure measures of this package into one result object; presentation (tables, JSON)
is the CLI's job.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from talentmoat.knowledge.coverage import (
    blueprint_share,
    bypassed_rd,
    marginal_loss,
    mask,
    standalone_share,
)
from talentmoat.knowledge.exposure import Selection, exact_max_coverage, greedy
from talentmoat.knowledge.truckfactor import TruckFactor, truck_factor


@dataclass(frozen=True)
class ExposureRow:
    """Poach-k exposure for one k.

    Attributes:
        k: Number of people a rival hires.
        greedy: Greedy's selection.
        upper_bound: Proven upper bound on the optimum (blueprint share).
        exact: The proven optimum, or None if the time budget ran out.
        bypassed_rd: USD of R&D the best known set lets a rival skip.
    """

    k: int
    greedy: Selection
    upper_bound: float
    exact: Selection | None
    bypassed_rd: float

    @property
    def best(self) -> Selection:
        """The best selection known: the exact one when available."""
        return self.exact if self.exact is not None else self.greedy

    @property
    def gap(self) -> float:
        """Relative gap of greedy: ``(optimum − greedy) / optimum``.

        The upper bound stands in for the optimum when the optimum is unknown.
        """
        ref = self.exact.value if self.exact is not None else self.upper_bound
        return 0.0 if ref <= 0 else (ref - self.greedy.value) / ref


@dataclass(frozen=True)
class KnowledgeSummary:
    r"""Everything ``talentmoat knowledge`` reports.

    Attributes:
        blueprint_total: ``B(everyone)``, the share the whole roster holds.
        standalone: ``B({i})`` per person, shape (N,).
        marginal: ``B(all) − B(all \ {i})`` per person, shape (N,).
        truck: The truck factor result.
        exposure: One row per k = 1..k_max.
    """

    blueprint_total: float
    standalone: np.ndarray
    marginal: np.ndarray
    truck: TruckFactor
    exposure: list[ExposureRow]

    def key_people(self, top: int) -> np.ndarray:
        """Indices of the ``top`` key people, most important first.

        Ranked by what a rival gains hiring them alone, then by what the lab loses (with many
        shallow holders the noisy-OR loss is tiny for everyone).
        """
        order = np.lexsort((-self.marginal, -self.standalone))
        return order[:top]


def _left(deadline: float) -> float:
    """Seconds until ``deadline`` (a ``time.perf_counter`` value), never negative."""
    return max(0.0, deadline - time.perf_counter())


def poach_exposure(
    K: np.ndarray,
    w: np.ndarray,
    cost: np.ndarray,
    tacit: np.ndarray,
    k_max: int,
    time_budget_s: float,
) -> list[ExposureRow]:
    """Poach-k exposure for k = 1..k_max: greedy, bound, exact when in budget, bypassed R&D.

    The exact searches share one wall-clock budget: each k gets an equal part of what the
    smaller k left, so all of them together never run longer than ``time_budget_s`` (a k whose
    search runs out keeps greedy's selection and the proven upper bound).

    Args:
        K: Knowledge, shape (N, C).
        w: Weights, shape (C,).
        cost: Replication cost per component in USD, shape (C,).
        tacit: Tacit share per component, shape (C,).
        k_max: Largest k (clamped to N).
        time_budget_s: Budget for all the exact searches together, in seconds.
    """
    n = K.shape[0]
    run = greedy(K, w, k_max)
    rows = []
    ks = range(1, min(k_max, n) + 1)
    deadline = time.perf_counter() + time_budget_s
    for k in ks:
        guess = run.selection(k)
        share = _left(deadline) / (ks.stop - k)
        exact = exact_max_coverage(K, w, k, incumbent=guess, time_budget_s=share)
        best = exact if exact is not None else guess
        bound = float(run.bounds[k - 1])
        if exact is not None:
            bound = exact.value  # the optimum is its own tightest bound
        rows.append(
            ExposureRow(
                k=k,
                greedy=guess,
                upper_bound=bound,
                exact=exact,
                bypassed_rd=float(bypassed_rd(K, cost, tacit, mask(n, best.people))),
            )
        )
    return rows


def summarize(
    K: np.ndarray,
    w: np.ndarray,
    cost: np.ndarray,
    tacit: np.ndarray,
    *,
    hold_threshold: float,
    k_max: int,
    time_budget_s: float,
) -> KnowledgeSummary:
    """The full knowledge report of a roster (see :class:`KnowledgeSummary`).

    ``time_budget_s`` (seconds) bounds the exact searches together: the truck factor may use
    half of it, the poach-k optima share what it leaves.
    """
    n = K.shape[0]
    deadline = time.perf_counter() + time_budget_s
    truck = truck_factor(K, w, hold_threshold, time_limit_s=time_budget_s / 2)
    return KnowledgeSummary(
        blueprint_total=float(blueprint_share(K, w, np.ones(n, dtype=bool))),
        standalone=standalone_share(K, w),
        marginal=marginal_loss(K, w),
        truck=truck,
        exposure=poach_exposure(K, w, cost, tacit, k_max, _left(deadline)),
    )


@dataclass(frozen=True)
class PlanEffect:
    """What a compartmentalization plan changes: exposure and truck factor, before and after.

    Attributes:
        before: Poach-k exposure of today's roster, one row per k.
        after: Poach-k exposure under the plan, one row per k.
        truck_before: Truck factor of today's roster.
        truck_after: Truck factor under the plan (fewer deep holders: usually lower).
    """

    before: list[ExposureRow]
    after: list[ExposureRow]
    truck_before: TruckFactor
    truck_after: TruckFactor


def plan_effect(
    K: np.ndarray,
    K_after: np.ndarray,
    w: np.ndarray,
    cost: np.ndarray,
    tacit: np.ndarray,
    *,
    hold_threshold: float,
    k_max: int,
    time_budget_s: float,
) -> PlanEffect:
    """Exposure and truck factor of a roster before (``K``) and after (``K_after``) a plan.

    ``time_budget_s`` (seconds) bounds the exact searches together: each truck factor may use
    a quarter of it, the poach-k optima before and after share what they leave.
    """
    deadline = time.perf_counter() + time_budget_s
    truck_before = truck_factor(K, w, hold_threshold, time_limit_s=time_budget_s / 4)
    truck_after = truck_factor(K_after, w, hold_threshold, time_limit_s=time_budget_s / 4)
    before = poach_exposure(K, w, cost, tacit, k_max, _left(deadline) / 2)
    return PlanEffect(
        before=before,
        after=poach_exposure(K_after, w, cost, tacit, k_max, _left(deadline)),
        truck_before=truck_before,
        truck_after=truck_after,
    )
