"""Corridor simulation: scenarios of demand, capacity and disruption played through the network (SimPy)."""

from karvan.simulation.runner import simulate
from karvan.simulation.scenario import Scenario, load_scenario

__all__ = ["Scenario", "load_scenario", "simulate"]
