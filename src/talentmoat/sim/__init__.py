"""The simulation (MODEL.md §G–H): strategies over quarters, many times, on the same draws.

Names are imported lazily so that ``import talentmoat.sim.engine`` (plain arrays in, arrays out)
does not pull the scenario schema (pydantic, YAML) or NetworkX through this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "Setup": "talentmoat.sim.inputs",
    "HiringParty": "talentmoat.sim.inputs",
    "World": "talentmoat.sim.inputs",
    "Trajectories": "talentmoat.sim.engine",
    "simulate_strategy": "talentmoat.sim.engine",
    "SimulationResult": "talentmoat.sim.runner",
    "simulate": "talentmoat.sim.runner",
    "build_setup": "talentmoat.sim.setup",
    "calibrate_alpha": "talentmoat.sim.setup",
    "initial_lead": "talentmoat.sim.setup",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Import ``name`` from its module on first use."""
    if name not in _HOME:
        raise AttributeError(f"module 'talentmoat.sim' has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)
