"""Which services a simulated container rides, and which dwells it meets on the way.

A route is a sequence of `Ride` (one service from one stop to a later one) and `Handle` (dwells at
one place, each a p50/p90 pair). Routes come from the planner when it can plan the origin-destination
(`karvan.simulation.planned`); otherwise from `find_route` here. Both take their dwells from the
corridor's rules (`karvan.network.rules`: which handlings at a change, customs borders, port handling
by direction), with the ports' calm-season figures. A through service's border stops are inside its
timetabled run times, so a vehicle does not dwell at its intermediate stops (it only queues for
capacity there, see `engine`).

`find_route` picks the route with the least expected hours: half the average headway of each service
boarded, p50 run times and p50 dwells.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import count, pairwise

from karvan.errors import NoRouteError
from karvan.network.model import DwellKind, Gauge, Mode, Service
from karvan.network.network import Network
from karvan.network.rules import (
    WATER,
    Direction,
    Side,
    change_kinds,
    corridor_rules,
    departures_per_week,
    dwell,
)

HOURS_PER_WEEK = 168.0


@dataclass(frozen=True, slots=True)
class Ride:
    service: str
    board: int
    alight: int


@dataclass(frozen=True, slots=True)
class DwellTime:
    kind: DwellKind
    p50_hours: float
    p90_hours: float


@dataclass(frozen=True, slots=True)
class Handle:
    place: str
    dwells: tuple[DwellTime, ...]

    @property
    def p50_hours(self) -> float:
        return sum(d.p50_hours for d in self.dwells)


Step = Ride | Handle
Route = tuple[Step, ...]


def dwell_time(network: Network, place: str, kind: DwellKind,
               direction: Direction = Direction.LOAD) -> DwellTime:
    figure = dwell(network, place, kind, direction=direction)
    return DwellTime(kind, figure.p50_hours, figure.p90_hours)


def section_gauge(network: Network, service: Service, section: int) -> Gauge | None:
    """Gauge of the shortest link of the service's mode between two consecutive stops."""
    a, b = service.stops[section], service.stops[section + 1]
    links = sorted((lk for lk in network.links_between(a, b) if lk.mode is service.mode),
                   key=lambda lk: (lk.distance_km, lk.id))
    return links[0].gauge if links else None


def _side(network: Network, service: Service, section: int) -> Side:
    a, b = service.stops[section], service.stops[section + 1]
    countries = (network.places[a].country, network.places[b].country)
    return Side(service.mode, section_gauge(network, service, section), service.operator,
                corridor_rules().crosses_customs(countries))


def transfer(network: Network, place: str, before: Ride, after: Ride) -> Handle:
    """Dwells of a container leaving `before` and boarding `after` at `place`."""
    came, going = network.services[before.service], network.services[after.service]
    direction = Direction.LOAD if going.mode in WATER else Direction.DISCHARGE
    kinds = change_kinds(_side(network, came, before.alight - 1), _side(network, going, after.board))
    return Handle(place, tuple(dwell_time(network, place, kind, direction) for kind in kinds))


def with_handling(network: Network, rides: Sequence[Ride]) -> Route:
    """The rides with the dwells between them and at the ends, by the rules above."""
    route: list[Step] = []
    first, last = network.services[rides[0].service], network.services[rides[-1].service]
    if first.mode in WATER:
        route.append(Handle(first.stops[rides[0].board], (dwell_time(
            network, first.stops[rides[0].board], DwellKind.PORT_HANDLING),)))
    for i, ride in enumerate(rides):
        if i:
            place = network.services[ride.service].stops[ride.board]
            route.append(transfer(network, place, rides[i - 1], ride))
        route.append(ride)
    if last.mode in WATER:
        place = last.stops[rides[-1].alight]
        unloading = dwell_time(network, place, DwellKind.PORT_HANDLING, Direction.DISCHARGE)
        route.append(Handle(place, (unloading,)))
    return tuple(route)


def _expected_wait(service: Service) -> float:
    per_week = departures_per_week(service.schedule)
    return HOURS_PER_WEEK / (2 * per_week) if per_week > 0 else float("inf")


def find_route(network: Network, origin: str, destination: str,
               modes: Collection[Mode] = (Mode.RAIL, Mode.FERRY, Mode.SEA)) -> Route:
    """The route with the least expected hours from origin to destination (Dijkstra over rides)."""
    for code in (origin, destination):
        if code not in network.places:
            raise NoRouteError(f"{code} is not a place of the simulated network")
    tie = count()
    queue: list[tuple[float, int, str, tuple[Ride, ...]]] = [(0.0, next(tie), origin, ())]
    settled: set[tuple[str, str | None]] = set()
    while queue:
        hours, _, place, rides = heapq.heappop(queue)
        if place == destination and rides:
            return with_handling(network, rides)
        last = rides[-1] if rides else None
        if (place, last.service if last else None) in settled:
            continue
        settled.add((place, last.service if last else None))
        for service in network.services_at.get(place, ()):
            if (last is not None and service.id == last.service) or service.mode not in modes:
                continue
            for board, stop in enumerate(service.stops):
                if stop != place:
                    continue
                for alight in range(board + 1, len(service.stops)):
                    ride = Ride(service.id, board, alight)
                    extra = transfer(network, place, last, ride).p50_hours if last else 0.0
                    cost = hours + extra + _expected_wait(service) + sum(service.run_hours[board:alight])
                    heapq.heappush(queue, (cost, next(tie), service.stops[alight], (*rides, ride)))
    raise NoRouteError(f"no sequence of services joins {origin} to {destination}")


def route_via(network: Network, origin: str, destination: str, via: Sequence[str] = (),
              modes: Collection[Mode] = (Mode.RAIL, Mode.FERRY, Mode.SEA)) -> Route:
    """A route through the `via` places in order (each part found on its own)."""
    points = [origin, *via, destination]
    rides: list[Ride] = []
    for start, end in pairwise(points):
        rides.extend(step for step in find_route(network, start, end, modes) if isinstance(step, Ride))
    return with_handling(network, rides)

