"""The knowledge engine (MODEL.md §A): who holds the blueprint and what a rival gets.

Pure NumPy/SciPy functions on the knowledge matrix ``K`` (shape (N, C)); no I/O.
"""

from talentmoat.knowledge.coverage import (
    blueprint_share,
    bypassed_rd,
    coverage,
    marginal_loss,
    mask,
    standalone_share,
)
from talentmoat.knowledge.exposure import (
    GreedyRun,
    Selection,
    component_bound,
    exact_max_coverage,
    greedy,
)
from talentmoat.knowledge.planner import Plan, plan_compartments
from talentmoat.knowledge.summary import (
    ExposureRow,
    KnowledgeSummary,
    PlanEffect,
    plan_effect,
    poach_exposure,
    summarize,
)
from talentmoat.knowledge.truckfactor import TruckFactor, holders, truck_factor

__all__ = [
    "ExposureRow",
    "GreedyRun",
    "KnowledgeSummary",
    "Plan",
    "PlanEffect",
    "Selection",
    "TruckFactor",
    "blueprint_share",
    "bypassed_rd",
    "component_bound",
    "coverage",
    "exact_max_coverage",
    "greedy",
    "holders",
    "marginal_loss",
    "mask",
    "plan_compartments",
    "plan_effect",
    "poach_exposure",
    "standalone_share",
    "summarize",
    "truck_factor",
]
