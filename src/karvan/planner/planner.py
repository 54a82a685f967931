"""`plan`: the Pareto-optimal itineraries for one request, ranked by its objective."""

from __future__ import annotations

from dataclasses import dataclass

from karvan.emissions.factors import FactorTable
from karvan.errors import InputError, NoRouteError
from karvan.network.network import Network
from karvan.planner.assemble import assemble
from karvan.planner.corridors import Corridors, bundled_corridors
from karvan.planner.diagnose import explain
from karvan.planner.itinerary import Itinerary, PlanResult
from karvan.planner.patterns import Ride, timed_earliest, timed_latest
from karvan.planner.ranking import Candidate, rank
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import Label, pareto_labels, rides_of


def check_request(network: Network, request: PlanRequest) -> None:
    """Reject requests that name unknown places or contradict themselves (InputError)."""
    for field, code in (("origin", request.origin), ("destination", request.destination),
                        *(("via", v) for v in request.via)):
        if code not in network.places:
            raise InputError(f"no place with code {code!r} in the network", field=field,
                             fix="use a UN/LOCODE or local code listed by 'karvan places search'")
    if request.origin == request.destination:
        raise InputError("origin and destination are the same place", field="destination",
                         fix="choose a different destination")
    for field, code in (("origin", request.origin), ("destination", request.destination)):
        country = network.places[code].country
        if country in request.avoid_countries:
            raise InputError(f"{field} {code} is in {country}, which the request avoids",
                             field="avoid_countries", fix=f"drop {country} from the avoided countries")


@dataclass(frozen=True)
class Found:
    """A destination label with its ride pattern and ranking summary, before assembly."""

    rides: tuple[Ride, ...]
    candidate: Candidate


def found_of(rules: Rules, labels: list[Label], corridors: Corridors) -> list[Found]:
    out = []
    for label in labels:
        rides = rides_of(label)
        route = "/".join(f"{rules.lines[r.line].service.id}:{r.board}-{r.alight}" for r in rides)
        out.append(Found(rides, Candidate(corridors.name_of(rules, rides), label.time, label.cost / 100,
                                          label.co2 / 1000, route)))
    return out


def assemble_found(rules: Rules, found: Found) -> Itinerary:
    timed = timed_earliest(rules, found.rides)
    assert timed is not None
    return assemble(rules, timed_latest(rules, timed), found.candidate.corridor)


def itineraries(rules: Rules, labels: list[Label], corridors: Corridors) -> list[Itinerary]:
    """Assemble destination labels into itineraries, each named by its corridor."""
    return [assemble_found(rules, f) for f in found_of(rules, labels, corridors)]


def plan(network: Network, request: PlanRequest, *, factors: FactorTable | None = None,
         corridors: Corridors | None = None) -> PlanResult:
    """Pareto-optimal itineraries over (arrival time, cost, CO2e), best first by `request.optimize`.

    Raises InputError for unknown places or contradictions, NoRouteError (saying which constraint or
    missing link prevents a route) when nothing satisfies the request.
    """
    check_request(network, request)
    rules = Rules(network, request, factors)
    labels = pareto_labels(rules)
    if not labels:
        raise NoRouteError(explain(network, request, factors))
    found = found_of(rules, labels, corridors or bundled_corridors())
    chosen = rank(found, lambda f: f.candidate, request.optimize, request.limit)
    return PlanResult(request=request, itineraries=tuple(assemble_found(rules, f) for f in chosen),
                      pareto_count=len(found))
