"""Timetabled multi-criteria route planning: Pareto-optimal itineraries over time, cost and CO2e.

    from karvan.network import load_network
    from karvan.planner import PlanRequest, plan
    result = plan(load_network(), PlanRequest(origin="CNXIA", destination="DEDUI", depart="2026-12-01"))
"""

from karvan.planner.compare import Comparison, CorridorOption, compare
from karvan.planner.itinerary import Handling, Itinerary, Leg, PlaceRef, PlanResult
from karvan.planner.planner import plan
from karvan.planner.request import Cargo, Objective, PlanRequest

__all__ = [
    "Cargo",
    "Comparison",
    "CorridorOption",
    "Handling",
    "Itinerary",
    "Leg",
    "Objective",
    "PlaceRef",
    "PlanRequest",
    "PlanResult",
    "compare",
    "plan",
]
