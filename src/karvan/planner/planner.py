"""`plan`: the Pareto-optimal itineraries for one request, ranked by its objective."""

from __future__ import annotations

from karvan.emissions.factors import FactorTable
from karvan.errors import InputError, NoRouteError
from karvan.network.network import Network
from karvan.planner.assemble import assemble
from karvan.planner.corridors import Corridors, bundled_corridors
from karvan.planner.diagnose import explain
from karvan.planner.itinerary import Itinerary, PlanResult
from karvan.planner.patterns import timed_earliest, timed_latest
from karvan.planner.ranking import rank
from karvan.planner.request import PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import Label, Signature, pareto_labels, rides_of


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


def itineraries(rules: Rules, labels: list[Label], corridors: Corridors,
                signature: Signature | None = None) -> list[Itinerary]:
    """Assemble destination labels into itineraries, each named by its corridor."""
    signature = signature or corridors.signature(rules)
    out = []
    for label in labels:
        rides = rides_of(label)
        timed = timed_earliest(rules, rides)
        assert timed is not None and timed.arrival_s == label.time
        name = corridors.name(corridors.bits_of(signature, rules.request.origin, rides))
        out.append(assemble(rules, timed_latest(rules, timed), name))
    return out


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
    found = itineraries(rules, labels, corridors or bundled_corridors())
    return PlanResult(request=request, itineraries=rank(found, request.optimize, request.limit),
                      pareto_count=len(found))
