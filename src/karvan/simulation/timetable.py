"""Timetables of a scenario: the network with its capacity changes, and each service's departures."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from karvan.errors import InputError
from karvan.network.model import Schedule, Service
from karvan.network.network import Network
from karvan.simulation.scenario import Scenario


def apply_capacity_changes(network: Network, scenario: Scenario) -> Network:
    """The network with the scenario's service changes and added services."""
    services = dict(network.services)
    for change in scenario.capacity.services:
        if change.service not in services:
            raise InputError(f"no service {change.service!r} in the network", record=scenario.name,
                             field="capacity.services.service", fix="use a service id of the network")
        if change.remove:
            del services[change.service]
            continue
        update: dict[str, Any] = {}
        if change.capacity_teu is not None:
            update["capacity_teu"] = change.capacity_teu
        if change.departures_per_week is not None:
            old = services[change.service].schedule
            update["schedule"] = Schedule(departures_per_week=change.departures_per_week,
                                          departure_time=old.departure_time)
        services[change.service] = services[change.service].model_copy(update=update)
    for added in scenario.capacity.add_services:
        services[added.id] = added
    return Network(places=network.places, links=network.links, services=services,
                   dwells=network.dwells, operators=network.operators)


def departure_hours(service: Service, network: Network, scenario: Scenario) -> list[float]:
    """Departure times (hours from the scenario start, UTC) of a service within the horizon."""
    place = network.places[service.stops[0]]
    start = datetime.combine(scenario.start, time(0), ZoneInfo("UTC"))
    local = start.astimezone(ZoneInfo(place.timezone))
    offset_h = (local.utcoffset() or timedelta(0)).total_seconds() / 3600
    schedule = service.schedule
    clock_h = schedule.departure_time.hour + schedule.departure_time.minute / 60
    first_h = -scenario.start.weekday() * 24.0 + clock_h - offset_h
    end_h = scenario.horizon_days * 24.0
    if schedule.weekdays is not None:
        offsets = sorted(day * 24.0 for day in schedule.weekdays)
        period_h = 168.0
    else:
        offsets = [0.0]
        period_h = 168.0 / (schedule.departures_per_week or 1.0)
    times: list[float] = []
    base = first_h
    while base < end_h:
        times.extend(base + o for o in offsets if 0 <= base + o < end_h)
        base += period_h
    return times
