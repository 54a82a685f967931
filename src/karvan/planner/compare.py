"""`compare`: the corridors between two places side by side.

For each corridor rule, the search runs with the rule's conditions as requirements (like `--via`:
the corridor's countries, modes or links must be passed) and its excluded countries avoided; the
itineraries found that the rules name after that corridor form its row (the first matching rule
names an itinerary, so one meeting an earlier rule's conditions counts there). Each row shows the
corridor's best itinerary by the request's objective, so a corridor appears even where another one
dominates it. Itineraries that leave a country and come back are detours, not corridors, and are left
out of the comparison (`plan` still shows them when they are Pareto-optimal).
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
from karvan.planner.ranking import Candidate, sort_key
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import pareto_labels


class CorridorOption(BaseModel):
    """A corridor's best itinerary and how many other Pareto-optimal itineraries it has."""

    model_config = ConfigDict(frozen=True)

    corridor: str
    best: Itinerary
    alternatives: int


class Comparison(BaseModel):
    model_config = ConfigDict(frozen=True)

    request: PlanRequest
    corridors: tuple[CorridorOption, ...]


def reenters_a_country(itinerary: Itinerary) -> bool:
    """A detour that leaves a country and comes back (e.g. GE > AZ > IR > AZ > GE) is no corridor."""
    return len(set(itinerary.countries)) < len(itinerary.countries)


def compare(network: Network, request: PlanRequest, *, factors: FactorTable | None = None,
            corridors: Corridors | None = None) -> Comparison:
    """One row per corridor with a feasible itinerary, ordered by the request's objective."""
    check_request(network, request)
    corridors = corridors or bundled_corridors()
    by_objective = sort_key(request.optimize)

    def key(it: Itinerary) -> tuple[float, float, float, str]:
        route = "/".join(f"{leg.service}:{leg.origin.locode}-{leg.destination.locode}" for leg in it.legs)
        return by_objective(Candidate(it.corridor, it.arrival.timestamp(), it.cost_usd, it.co2e_kg, route))

    grouped: dict[str, dict[tuple[float, float, float, str], Itinerary]] = {}
    searches = [(rule.name, rule) for rule in corridors.rules] + [(None, None)]
    for name, rule in searches:
        avoid = tuple(dict.fromkeys(request.avoid_countries + (rule.countries_none if rule else ())))
        if {network.places[request.origin].country, network.places[request.destination].country} & set(avoid):
            continue
        rules = Rules(network, request.model_copy(update={"avoid_countries": avoid}), factors)
        labels = pareto_labels(rules, corridors.requirements(rule, rules) if rule else None)
        for it in itineraries(rules, labels, corridors):
            if (name is None or it.corridor == name) and not reenters_a_country(it):
                grouped.setdefault(it.corridor, {})[key(it)] = it
    if not grouped:
        raise NoRouteError(explain(network, request, factors))
    options = [CorridorOption(corridor=name, best=min(group.values(), key=key), alternatives=len(group) - 1)
               for name, group in grouped.items()]
    return Comparison(request=request, corridors=tuple(sorted(options, key=lambda o: key(o.best))))
