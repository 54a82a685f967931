"""The planner as the booking capability sees it: itineraries whose legs name the dated service runs
(departure rows) they ride."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from karvan.booking.cargo import CargoLine
from karvan.network.model import Service
from karvan.network.network import Network
from karvan.planner import plan
from karvan.planner.itinerary import Itinerary, Leg
from karvan.planner.request import Cargo, PlanRequest
from karvan.planner.timetable import Calendar


@dataclass(frozen=True)
class PlannedLeg:
    leg: Leg
    service: Service
    run_departs_at: datetime
    """when the service's run left its first stop: the key of the departure whose slots the leg takes"""


def run_start(network: Network, service: Service, leg: Leg) -> datetime:
    """The run of `service` that a leg boarding at `leg.origin` at `leg.departure` rides.

    It is the last scheduled departure from the first stop at or before the boarding time less the run
    time to the boarding stop (any dwell at intermediate stops only moves the boarding time later).
    """
    boarding = service.stops.index(leg.origin.locode)
    expected = leg.departure - timedelta(hours=sum(service.run_hours[:boarding]))
    at = int(expected.timestamp())
    calendar = Calendar(service.schedule, network.place(service.stops[0]).timezone)
    start = calendar.last_at_or_before(at + 60, at - 7 * 86_400)
    return expected.astimezone(UTC) if start is None else datetime.fromtimestamp(start, UTC)


def plan_itineraries(network: Network, origin: str, destination: str, depart: date | datetime,
                     cargo: CargoLine, limit: int = 5) -> list[tuple[Itinerary, list[PlannedLeg]]]:
    """The planner's itineraries for one cargo line, each with its legs' service runs."""
    request = PlanRequest(
        origin=origin, destination=destination, depart=depart,
        cargo=Cargo(container_type=cargo.container_type, count=cargo.count),
        dangerous_goods=cargo.dangerous_goods, weight_kg=cargo.gross_kg_per_container, limit=limit)
    result = plan(network, request)
    return [
        (itinerary, [
            PlannedLeg(leg=leg, service=network.services[leg.service],
                       run_departs_at=run_start(network, network.services[leg.service], leg))
            for leg in itinerary.legs])
        for itinerary in result.itineraries
    ]
