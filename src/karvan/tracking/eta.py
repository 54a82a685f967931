"""Arrival estimates (p50 and p90) from the remaining plan, the observed delay and network figures.

The remaining journey is walked twice from the container's last actual event: once with median
(p50) run and dwell times, once with p90 ones. Each leg departs at its planned time or, when the
container is not ready by then (a missed connection), at the next departure of that service
(planned time plus whole headways). So delays propagate, early arrivals do not make trains leave
early, and a missed weekly ferry shows up as a week in the estimate. Run times come from the
network service when it knows the leg (p50 and p90), else from the plan (p90 = p50 x
`RUN_P90_FACTOR`); dwell times from the network's dwell distributions at each place.
Without a plan, the latest estimated (EST, else PLN) arrival event gives the estimate, as long as
it lies after the last actual event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from karvan.network.network import Network
from karvan.tracking.model import Classifier, ContainerEvent
from karvan.tracking.plan import Plan, PlannedLeg
from karvan.tracking.repository import StoredEvent, last_actual

RUN_P90_FACTOR = 1.2
"""estimate: p90/p50 run-time ratio when the network has no figure for a leg (typical of the
corridor services in the bundled network, whose p90 run times are 10-30 % above their medians)."""
DEFAULT_HEADWAY = timedelta(days=7)
"""Time to the next departure after a missed one when the service's frequency is unknown: weekly."""
NO_PLAN_SPREAD = 0.2
"""Without a plan, p90 = p50 + 20 % of the time still to go (at least 12 h): estimate."""

_DEPARTED = {"DEPA", "LOAD", "XFLD", "GTOT"}
_ARRIVED = {"ARRI", "DISC", "XFDS", "GTIN", "XGCT", "XCNH", "INSP"}


@dataclass(frozen=True)
class Eta:
    p50: datetime
    p90: datetime
    destination: str | None
    basis: str
    """'plan' (walked from the booked itinerary) or 'reported' (EST/PLN arrival events)."""


def _run_hours(leg: PlannedLeg, network: Network | None, quantile: str) -> float:
    service = network.services.get(leg.service) if network and leg.service else None
    if service and leg.origin in service.stops and leg.destination in service.stops:
        a, b = service.stops.index(leg.origin), service.stops.index(leg.destination)
        if a < b:
            hours = service.run_hours if quantile == "p50" else service.p90_hours
            return sum(hours[a:b])
    return leg.run_hours * (1.0 if quantile == "p50" else RUN_P90_FACTOR)


def _headway(leg: PlannedLeg, network: Network | None) -> timedelta:
    service = network.services.get(leg.service) if network and leg.service else None
    if service is None:
        return DEFAULT_HEADWAY
    per_week = service.schedule.departures_per_week or len(service.schedule.weekdays or ()) or 1
    return timedelta(hours=168 / per_week)


def _dwell(place: str, network: Network | None, quantile: str) -> timedelta:
    if network is None:
        return timedelta()
    hours = sum(d.p50_hours if quantile == "p50" else d.p90_hours for d in network.dwells_at(place))
    return timedelta(hours=hours)


def _position(plan: Plan, last: ContainerEvent | None) -> tuple[int, str]:
    """(leg index, 'waiting' | 'running') the last actual event puts the container at."""
    if last is None or last.locode is None:
        return 0, "waiting"
    for index in range(len(plan.legs) - 1, -1, -1):
        leg = plan.legs[index]
        if last.locode == leg.destination and last.code in _ARRIVED | {"STRP", "DROP"}:
            return index + 1, "waiting"
        if last.locode == leg.origin:
            return index, "running" if last.code in _DEPARTED else "waiting"
    return 0, "waiting"


def walk(plan: Plan, last: ContainerEvent | None, network: Network | None, now: datetime,
         quantile: str) -> tuple[datetime, list[int]]:
    """Arrival at the destination, and the indexes of legs whose planned departure is missed."""
    index, phase = _position(plan, last)
    missed: list[int] = []
    if index >= len(plan.legs):
        assert last is not None
        return last.event_time, missed
    if phase == "running" and last is not None:
        ready = last.event_time + timedelta(hours=_run_hours(plan.legs[index], network, quantile))
        if index == len(plan.legs) - 1:
            return ready, missed
        ready += _dwell(plan.legs[index].destination, network, quantile)
        index += 1
    else:
        ready = last.event_time if last is not None else plan.legs[0].departs_at
        if last is not None and last.locode:
            ready += _dwell(last.locode, network, quantile)
    arrival = ready
    for position in range(index, len(plan.legs)):
        leg = plan.legs[position]
        departs = leg.departs_at
        if ready > departs:
            missed.append(position)
            headway = _headway(leg, network)
            departs += headway * -(-(ready - departs) // headway)
        arrival = departs + timedelta(hours=_run_hours(leg, network, quantile))
        ready = arrival + (_dwell(leg.destination, network, quantile) if position < len(plan.legs) - 1
                           else timedelta())
    return max(arrival, now) if last is None or last.locode != plan.destination else arrival, missed


def _latest_reported(events: Sequence[StoredEvent], place: str | None) -> ContainerEvent | None:
    for classifier in (Classifier.EST, Classifier.PLN):
        found = [s for s in events if s.event.classifier is classifier and s.event.code == "ARRI"
                 and (place is None or s.event.locode == place)]
        if found:
            return max(found, key=lambda s: (s.event.updated_at or s.event.event_time, s.seq)).event
    return None


def estimate(events: Sequence[StoredEvent], *, plan: Plan | None, network: Network | None,
             now: datetime) -> Eta | None:
    last = last_actual(events)
    if plan is not None:
        p50, _ = walk(plan, last, network, now, "p50")
        p90, _ = walk(plan, last, network, now, "p90")
        reported = _latest_reported(events, plan.destination)
        if reported is not None and (last is None or reported.event_time > last.event_time):
            p90, p50 = max(p90, reported.event_time + (p90 - p50)), reported.event_time
        return Eta(p50, max(p50, p90), plan.destination, "plan")
    reported = _latest_reported(events, None)
    if reported is None or (last is not None and reported.event_time <= last.event_time):
        return None  # an estimate the container has already outlived says nothing
    start = last.event_time if last is not None else now
    spread = max(timedelta(hours=12), (reported.event_time - start) * NO_PLAN_SPREAD)
    return Eta(reported.event_time, reported.event_time + spread, reported.locode, "reported")
