"""Which services a simulated container rides, and which dwells it meets on the way.

A route is a sequence of `Ride` (one service from one stop to a later one) and `Handle` (dwells at
one place, each a p50/p90 pair). Routes come from the planner when it can plan the origin-destination
(`karvan.simulation.planned`); otherwise from `find_route` here, which applies the planner's dwell
rules so that both agree:

- boarding a ferry or ship at the origin, or leaving one at the destination: port handling;
- at a change of service exactly one of: gauge change (rail to rail, 1435 to 1520 mm or back), port
  handling (a ferry or ship on either side), transshipment; plus the border dwell (or, without one,
  customs) when the arriving or departing section crosses a border;
- a through service's border stops are inside its timetabled run times, so a vehicle does not dwell
  at its intermediate stops (it only queues for capacity there, see `engine`);
- a place without a dwell record gets the planner's default (data/handling.yaml, an estimate).

`find_route` picks the route with the least expected hours: half the average headway of each service
boarded, p50 run times and p50 dwells.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import count, pairwise

from karvan.errors import NoRouteError
from karvan.network.model import DwellKind, Gauge, Mode, Service
from karvan.network.network import Network

HOURS_PER_WEEK = 168.0
WATER = (Mode.FERRY, Mode.SEA)


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


def departures_per_week(service: Service) -> float:
    schedule = service.schedule
    if schedule.weekdays is not None:
        return float(len(schedule.weekdays))
    return float(schedule.departures_per_week or 0.0)


@lru_cache(maxsize=1)
def _defaults() -> dict[DwellKind, tuple[float, float]]:
    from karvan.planner.rules import handling_table  # the planner owns the default dwell figures

    return {kind: (d.p50_hours, d.p90_hours) for kind, d in handling_table().dwell_defaults.items()}


def dwell_time(network: Network, place: str, kind: DwellKind) -> DwellTime:
    record = network.dwell(place, kind)
    if record is None and kind is DwellKind.BORDER:
        record = network.dwell(place, DwellKind.CUSTOMS)
    if record is not None:
        return DwellTime(kind, record.p50_hours, record.p90_hours)
    p50, p90 = _defaults().get(kind, (0.0, 0.0))
    return DwellTime(kind, p50, p90)


def section_gauge(network: Network, service: Service, section: int) -> Gauge | None:
    """Gauge of the shortest link of the service's mode between two consecutive stops."""
    a, b = service.stops[section], service.stops[section + 1]
    links = sorted((lk for lk in network.links_between(a, b) if lk.mode is service.mode),
                   key=lambda lk: (lk.distance_km, lk.id))
    return links[0].gauge if links else None


def crosses_border(network: Network, service: Service, section: int) -> bool:
    a, b = service.stops[section], service.stops[section + 1]
    return network.places[a].country != network.places[b].country


def transfer(network: Network, place: str, before: Ride, after: Ride) -> Handle:
    """Dwells of a container leaving `before` and boarding `after` at `place`."""
    came, going = network.services[before.service], network.services[after.service]
    came_gauge = section_gauge(network, came, before.alight - 1)
    gauge = section_gauge(network, going, after.board)
    if came.mode is Mode.RAIL and going.mode is Mode.RAIL and None not in (came_gauge, gauge) \
            and came_gauge != gauge:
        kind = DwellKind.GAUGE_CHANGE
    elif came.mode in WATER or going.mode in WATER:
        kind = DwellKind.PORT_HANDLING
    else:
        kind = DwellKind.TRANSSHIPMENT
    dwells = [dwell_time(network, place, kind)]
    if crosses_border(network, came, before.alight - 1) or crosses_border(network, going, after.board):
        dwells.append(dwell_time(network, place, DwellKind.BORDER))
    return Handle(place, tuple(dwells))


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
        route.append(Handle(place, (dwell_time(network, place, DwellKind.PORT_HANDLING),)))
    return tuple(route)


def _expected_wait(service: Service) -> float:
    per_week = departures_per_week(service)
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

