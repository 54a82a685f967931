"""Routes from the planner: its fastest itinerary for an origin-destination, as simulation steps.

Used when a scenario says `routing: planner`. The itinerary's legs become rides (matched to stop
positions of the leg's service) and its handlings become dwell steps at their places, in order, so a
simulated container meets exactly the dwells the planner promised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from karvan.errors import NoRouteError
from karvan.network.model import Mode
from karvan.network.network import Network
from karvan.planner import Itinerary, Objective, PlanRequest, plan
from karvan.simulation.routing import DwellTime, Handle, Ride, Route, Step


def route_from_itinerary(network: Network, itinerary: Itinerary) -> Route:
    rides = []
    for leg in itinerary.legs:
        service = network.services[leg.service]
        board = service.stops.index(leg.origin.locode)
        alight = service.stops.index(leg.destination.locode, board + 1)
        rides.append(Ride(leg.service, board, alight))
    boundaries = [itinerary.legs[0].origin.locode] + [leg.destination.locode for leg in itinerary.legs]
    at: dict[int, list[DwellTime]] = {}
    position = 0
    for handling in itinerary.handlings:
        while boundaries[position] != handling.place.locode:
            position += 1
        at.setdefault(position, []).append(DwellTime(handling.kind, handling.p50_hours, handling.p90_hours))
    steps: list[Step] = []
    for index, place in enumerate(boundaries):
        if index in at:
            steps.append(Handle(place, tuple(at[index])))
        if index < len(rides):
            steps.append(rides[index])
    return tuple(steps)


def planned_itineraries(network: Network, origin: str, destination: str, depart: date,
                        via: Sequence[str] = (), modes: Sequence[Mode] = ()) -> tuple[Itinerary, ...]:
    request = PlanRequest(origin=origin, destination=destination, depart=depart, via=tuple(via),
                          modes=tuple(modes), optimize=Objective.TIME)
    result = plan(network, request)
    if not result.itineraries:
        raise NoRouteError(f"the planner found no itinerary from {origin} to {destination}")
    return result.itineraries


def planned_route(network: Network, origin: str, destination: str, depart: date,
                  via: Sequence[str] = (), modes: Sequence[Mode] = ()) -> Route:
    """The planner's fastest itinerary departing on `depart`, as a simulation route."""
    return route_from_itinerary(network, planned_itineraries(network, origin, destination, depart, via,
                                                             modes)[0])
