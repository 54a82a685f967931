"""What the network map shows when a place is chosen: facilities, the services calling, dwell times.

A plain function of a `Network`, so the API router stays a thin layer and tests need no server.
"""

from __future__ import annotations

from typing import Any

from karvan.network.model import Service
from karvan.network.network import Network
from karvan.network.rules import departures_per_week


def service_summary(service: Service) -> dict[str, Any]:
    return {
        "id": service.id, "name": service.name, "operator": service.operator, "mode": service.mode.value,
        "kind": service.kind.value, "stops": list(service.stops), "capacity_teu": service.capacity_teu,
        "departures_per_week": departures_per_week(service.schedule),
    }


def place_details(network: Network, code: str) -> dict[str, Any]:
    """A place with its facilities, the services calling there and its dwell distributions."""
    place = network.place(code)
    return {
        **place.model_dump(mode="json"),
        "services": [service_summary(s) for s in network.services_at.get(code, ())],
        "dwells": [d.model_dump(mode="json") for d in network.dwells_at(code)],
        "links": [link.id for link in network.links_at.get(code, ())],
    }
