"""The network as the maps draw it: GeoJSON features for links and places, and a place's details.

Plain functions of a `Network`, so the API router stays a thin layer and tests need no server.
"""

from __future__ import annotations

from typing import Any

from karvan.network.model import Link, Place, Schedule, Service
from karvan.network.network import Network

Feature = dict[str, Any]


def link_coordinates(link: Link, network: Network) -> list[list[float]]:
    """(lon, lat) points from end a to end b; a straight line when the link has no geometry."""
    if link.geometry:
        return [[lon, lat] for lon, lat in link.geometry]
    a, b = network.place(link.a), network.place(link.b)
    return [[a.lon, a.lat], [b.lon, b.lat]]


def link_feature(link: Link, network: Network) -> Feature:
    return {
        "type": "Feature",
        "id": link.id,
        "geometry": {"type": "LineString", "coordinates": link_coordinates(link, network)},
        "properties": {
            "kind": "link", "id": link.id, "a": link.a, "b": link.b, "mode": link.mode.value,
            "gauge": link.gauge.value if link.gauge else None,
            "traction": link.traction.value if link.traction else None,
            "distance_km": link.distance_km, "source": link.source,
        },
    }


def place_feature(place: Place) -> Feature:
    return {
        "type": "Feature",
        "id": place.code,
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {
            "kind": "place", "code": place.code, "name": place.name, "country": place.country,
            "kinds": [k.value for k in place.kinds],
            "gauge_change": place.facilities.gauge_change is not None,
        },
    }


def network_geojson(network: Network) -> dict[str, Any]:
    """One FeatureCollection: links first (drawn under), then places."""
    features = [link_feature(link, network) for link in network.links.values()]
    features += [place_feature(place) for place in network.places.values()]
    return {"type": "FeatureCollection", "features": features}


def departures_per_week(schedule: Schedule) -> float:
    if schedule.weekdays is not None:
        return float(len(schedule.weekdays))
    assert schedule.departures_per_week is not None
    return schedule.departures_per_week


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
