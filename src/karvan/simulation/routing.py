"""Which services a simulated container rides, and which dwells it meets on the way.

A route is a sequence of `Ride` (one service from one stop to a later one) and `Transfer` (the
dwells between two rides at one place). The dwell rules, shared by the router and the engine:

- a vehicle arriving at a stop other than its first waits out the place's border and customs dwells;
  at an intermediate stop of a rail service with a gauge-change facility the whole train is
  gauge-changed as well (a through block train);
- a container moving from one service to another at a place meets the gauge change (rail to rail at a
  gauge-change place), otherwise the transshipment dwell, plus port handling when a ferry or ship is
  on either side.

The router picks, per origin-destination, the route with the least expected door time: half the
average headway of each service boarded, p50 run times and p50 dwells.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from karvan.errors import NoRouteError
from karvan.network.model import DwellKind, Mode, Service
from karvan.network.network import Network

HOURS_PER_WEEK = 168.0
WATER = (Mode.FERRY, Mode.SEA)


@dataclass(frozen=True, slots=True)
class Ride:
    service: str
    board: int
    alight: int


@dataclass(frozen=True, slots=True)
class Transfer:
    place: str
    kinds: tuple[DwellKind, ...]


Step = Ride | Transfer
Route = tuple[Step, ...]


def departures_per_week(service: Service) -> float:
    schedule = service.schedule
    if schedule.weekdays is not None:
        return float(len(schedule.weekdays))
    return float(schedule.departures_per_week or 0.0)


def has_gauge_change(network: Network, place: str) -> bool:
    facility = network.places[place].facilities.gauge_change if place in network.places else None
    return facility is not None or network.dwell(place, DwellKind.GAUGE_CHANGE) is not None


def stop_kinds(network: Network, place: str, service: Service, intermediate: bool) -> tuple[DwellKind, ...]:
    """Dwells a vehicle of `service` waits out on arriving at `place`."""
    kinds = [k for k in (DwellKind.BORDER, DwellKind.CUSTOMS) if network.dwell(place, k) is not None]
    if intermediate and service.mode is Mode.RAIL and has_gauge_change(network, place):
        kinds.append(DwellKind.GAUGE_CHANGE)
    return tuple(kinds)


def transfer_kinds(network: Network, place: str, before: Service, after: Service) -> tuple[DwellKind, ...]:
    """Dwells a container meets when it moves from `before` to `after` at `place`."""
    kinds: list[DwellKind] = []
    if before.mode is Mode.RAIL and after.mode is Mode.RAIL and has_gauge_change(network, place):
        kinds.append(DwellKind.GAUGE_CHANGE)
    elif network.dwell(place, DwellKind.TRANSSHIPMENT) is not None:
        kinds.append(DwellKind.TRANSSHIPMENT)
    if (before.mode in WATER or after.mode in WATER) and network.dwell(place, DwellKind.PORT_HANDLING):
        kinds.append(DwellKind.PORT_HANDLING)
    return tuple(kinds)


def p50_dwell(network: Network, place: str, kinds: Sequence[DwellKind]) -> float:
    total = 0.0
    for kind in kinds:
        dwell = network.dwell(place, kind)
        total += dwell.p50_hours if dwell else 0.0
    return total


def _ride_hours(network: Network, service: Service, board: int, alight: int) -> float:
    hours = sum(service.run_hours[board:alight])
    for stop in range(board + 1, alight + 1):
        hours += p50_dwell(network, service.stops[stop],
                           stop_kinds(network, service.stops[stop], service, stop < alight))
    return hours


def _expected_wait(service: Service) -> float:
    per_week = departures_per_week(service)
    return HOURS_PER_WEEK / (2 * per_week) if per_week > 0 else float("inf")


def find_route(network: Network, origin: str, destination: str) -> Route:
    """The route with the least expected hours from origin to destination (Dijkstra over rides)."""
    for code in (origin, destination):
        if code not in network.places:
            raise NoRouteError(f"{code} is not a place of the simulated network")
    tie = count()
    queue: list[tuple[float, int, str, str | None, Route]] = [(0.0, next(tie), origin, None, ())]
    settled: set[tuple[str, str | None]] = set()
    while queue:
        hours, _, place, last, route = heapq.heappop(queue)
        if place == destination:
            return route
        if (place, last) in settled:
            continue
        settled.add((place, last))
        for service in network.services_at.get(place, ()):
            if service.id == last:
                continue
            transfer: Route = ()
            extra = 0.0
            if last is not None:
                kinds = transfer_kinds(network, place, network.services[last], service)
                transfer = (Transfer(place, kinds),)
                extra = p50_dwell(network, place, kinds)
            wait = _expected_wait(service)
            for board, stop in enumerate(service.stops):
                if stop != place:
                    continue
                for alight in range(board + 1, len(service.stops)):
                    ride = Ride(service.id, board, alight)
                    cost = hours + extra + wait + _ride_hours(network, service, board, alight)
                    heapq.heappush(queue, (cost, next(tie), service.stops[alight], service.id,
                                           (*route, *transfer, ride)))
    raise NoRouteError(f"no sequence of services joins {origin} to {destination}")


def route_via(network: Network, origin: str, destination: str, via: Sequence[str] = ()) -> Route:
    """A route through the `via` places in order (each part routed on its own, joined by a transfer)."""
    points = [origin, *via, destination]
    route: list[Step] = []
    previous: Ride | None = None
    for start, end in zip(points, points[1:], strict=False):
        part = find_route(network, start, end)
        first = next(step for step in part if isinstance(step, Ride))
        if previous is not None:
            kinds = transfer_kinds(network, start, network.services[previous.service],
                                   network.services[first.service])
            route.append(Transfer(start, kinds))
        route.extend(part)
        previous = [step for step in part if isinstance(step, Ride)][-1]
    return tuple(route)


def places_of(network: Network, route: Route) -> tuple[str, ...]:
    """Every place the route touches, in order, without repeats."""
    seen: dict[str, None] = {}
    for step in route:
        if isinstance(step, Ride):
            for stop in network.services[step.service].stops[step.board:step.alight + 1]:
                seen[stop] = None
        else:
            seen[step.place] = None
    return tuple(seen)
