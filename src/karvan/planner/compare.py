"""`compare`: the corridors between two places side by side.

The search keeps labels with different corridor signatures apart, so each corridor the network
supports gets its own Pareto set even where another corridor dominates it; each row shows that
corridor's best itinerary by the request's objective.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from karvan.emissions.factors import FactorTable
from karvan.errors import NoRouteError
from karvan.network.network import Network
from karvan.planner.corridors import Corridors, bundled_corridors
from karvan.planner.diagnose import explain
from karvan.planner.itinerary import Itinerary
from karvan.planner.planner import check_request, itineraries
from karvan.planner.ranking import objective_key
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import pareto_labels


class CorridorOption(BaseModel):
    """A corridor's best itinerary and how many Pareto-optimal alternatives it has."""

    model_config = ConfigDict(frozen=True)

    corridor: str
    best: Itinerary
    alternatives: int


class Comparison(BaseModel):
    model_config = ConfigDict(frozen=True)

    request: PlanRequest
    corridors: tuple[CorridorOption, ...]


def compare(network: Network, request: PlanRequest, *, factors: FactorTable | None = None,
            corridors: Corridors | None = None) -> Comparison:
    """One row per corridor with a feasible itinerary, ordered by the request's objective."""
    check_request(network, request)
    corridors = corridors or bundled_corridors()
    rules = Rules(network, request, factors)
    signature = corridors.signature(rules)
    labels = pareto_labels(rules, signature)
    if not labels:
        raise NoRouteError(explain(network, request, factors))
    key = objective_key(request.optimize)
    grouped: dict[str, list[Itinerary]] = {}
    for it in itineraries(rules, labels, corridors, signature):
        grouped.setdefault(it.corridor, []).append(it)
    options = [CorridorOption(corridor=name, best=min(group, key=key), alternatives=len(group) - 1)
               for name, group in grouped.items()]
    return Comparison(request=request, corridors=tuple(sorted(options, key=lambda o: key(o.best))))
