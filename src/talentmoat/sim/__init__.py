"""The simulation (MODEL.md §G–H): strategies over quarters, many times, on the same draws."""

from talentmoat.sim.engine import Trajectories, World, simulate_strategy
from talentmoat.sim.runner import SimulationResult, simulate
from talentmoat.sim.setup import Setup, build_setup, initial_lead

__all__ = [
    "Setup",
    "SimulationResult",
    "Trajectories",
    "World",
    "build_setup",
    "initial_lead",
    "simulate",
    "simulate_strategy",
]
