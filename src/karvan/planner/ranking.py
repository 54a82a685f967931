"""Ordering Pareto-optimal itineraries by the user's objective and keeping the list diverse.

The Pareto set over (arrival, cost, CO2e) often holds many itineraries that differ by a few dollars or
hours on the same corridor. The list shown keeps the best itinerary of each corridor first, then fills
up by objective, skipping near-duplicates: same corridor and within 12 hours, 2% of cost and 2% of
CO2e of an itinerary already chosen. Ranking works on light candidates so that only the itineraries
shown are assembled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from karvan.planner.request import Objective

NEAR_HOURS = 12.0
NEAR_SHARE = 0.02

SortKey = tuple[float, float, float, str]


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know of an itinerary: its corridor, criteria and a route label."""

    corridor: str
    arrival_s: float
    cost_usd: float
    co2e_kg: float
    route: str


def sort_key(objective: Objective) -> Callable[[Candidate], SortKey]:
    """The objective first, the other criteria breaking ties, then the route for determinism."""
    def key(c: Candidate) -> SortKey:
        if objective is Objective.COST:
            return (c.cost_usd, c.arrival_s, c.co2e_kg, c.route)
        if objective is Objective.CO2:
            return (c.co2e_kg, c.arrival_s, c.cost_usd, c.route)
        return (c.arrival_s, c.cost_usd, c.co2e_kg, c.route)
    return key


def near_duplicate(a: Candidate, b: Candidate) -> bool:
    def close(x: float, y: float) -> bool:
        return abs(x - y) <= NEAR_SHARE * max(abs(x), abs(y), 1e-9)
    return (a.corridor == b.corridor and abs(a.arrival_s - b.arrival_s) <= NEAR_HOURS * 3600
            and close(a.cost_usd, b.cost_usd) and close(a.co2e_kg, b.co2e_kg))


T = TypeVar("T")


def rank(items: Sequence[T], candidate: Callable[[T], Candidate], objective: Objective,
         limit: int) -> list[T]:
    """At most `limit` items: each corridor's best, then the next best that are not near-duplicates."""
    key = sort_key(objective)
    ordered = sorted(items, key=lambda item: key(candidate(item)))
    chosen: list[T] = []
    corridors: set[str] = set()
    for item in ordered:
        if candidate(item).corridor not in corridors and len(chosen) < limit:
            chosen.append(item)
            corridors.add(candidate(item).corridor)
    for item in ordered:
        if len(chosen) >= limit:
            break
        if item not in chosen and not any(near_duplicate(candidate(item), candidate(c)) for c in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda item: key(candidate(item)))
