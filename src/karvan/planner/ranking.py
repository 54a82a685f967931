"""Ordering Pareto-optimal itineraries by the user's objective and keeping the list diverse.

The Pareto set over (arrival, cost, CO2e) often holds many itineraries that differ by a few dollars or
hours on the same corridor. The list shown keeps the best itinerary of each corridor first, then fills
up by objective, skipping near-duplicates: same corridor and within 12 hours, 2% of cost and 2% of
CO2e of an itinerary already chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from karvan.planner.itinerary import Itinerary
from karvan.planner.request import Objective

NEAR_HOURS = 12.0
NEAR_SHARE = 0.02

SortKey = tuple[float, float, float, str]


def objective_key(objective: Objective) -> Callable[[Itinerary], SortKey]:
    """Sort key: the objective first, the other criteria breaking ties, then the route for determinism."""
    def key(it: Itinerary) -> SortKey:
        arrival = it.arrival.timestamp()
        route = "/".join(f"{leg.service}:{leg.origin.locode}-{leg.destination.locode}" for leg in it.legs)
        if objective is Objective.COST:
            return (it.cost_usd, arrival, it.co2e_kg, route)
        if objective is Objective.CO2:
            return (it.co2e_kg, arrival, it.cost_usd, route)
        return (arrival, it.cost_usd, it.co2e_kg, route)
    return key


def near_duplicate(a: Itinerary, b: Itinerary) -> bool:
    def close(x: float, y: float) -> bool:
        return abs(x - y) <= NEAR_SHARE * max(abs(x), abs(y), 1e-9)
    return (a.corridor == b.corridor
            and abs((a.arrival - b.arrival).total_seconds()) <= NEAR_HOURS * 3600
            and close(a.cost_usd, b.cost_usd) and close(a.co2e_kg, b.co2e_kg))


def rank(itineraries: Sequence[Itinerary], objective: Objective, limit: int) -> tuple[Itinerary, ...]:
    ordered = sorted(itineraries, key=objective_key(objective))
    chosen: list[Itinerary] = []
    corridors: set[str] = set()
    for it in ordered:
        if it.corridor not in corridors and len(chosen) < limit:
            chosen.append(it)
            corridors.add(it.corridor)
    for it in ordered:
        if len(chosen) >= limit:
            break
        if it not in chosen and not any(near_duplicate(it, c) for c in chosen):
            chosen.append(it)
    return tuple(sorted(chosen, key=objective_key(objective)))
