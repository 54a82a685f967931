"""The network in formats other tools read: GeoJSON (maps, GIS) and CSV (spreadsheets).

GeoJSON (RFC 7946): one FeatureCollection, links first so that maps draw places on top; positions
are [lon, lat]; a link without drawn geometry is a straight line between its places. CSV: one table
per layer (places or links); lists are joined with '|'; links carry a WKT column that GIS tools load
as the geometry.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TextIO, TypeVar

from karvan.network.model import Link, Place
from karvan.network.network import Network

Feature = dict[str, Any]
_T = TypeVar("_T")


class Layer(StrEnum):
    PLACES = "places"
    LINKS = "links"


ALL_LAYERS = (Layer.LINKS, Layer.PLACES)

PLACE_COLUMNS = ("code", "name", "alt_names", "country", "lat", "lon", "timezone", "kinds",
                 "gauge_change_teu_per_day", "gauge_change_method", "customs", "container_yard",
                 "ferry_berth", "reefer_plugs", "source")
LINK_COLUMNS = ("id", "a", "b", "mode", "gauge", "traction", "distance_km", "detour_reason", "source",
                "wkt")


def link_positions(network: Network, link: Link) -> list[list[float]]:
    """[lon, lat] positions from end a to end b: the drawn geometry, else a straight line."""
    if link.geometry:
        return [[lon, lat] for lon, lat in link.geometry]
    a, b = network.place(link.a), network.place(link.b)
    return [[a.lon, a.lat], [b.lon, b.lat]]


def place_feature(place: Place) -> Feature:
    return {
        "type": "Feature",
        "id": place.code,
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {
            "layer": Layer.PLACES.value, "code": place.code, "name": place.name,
            "alt_names": list(place.alt_names), "country": place.country, "timezone": place.timezone,
            "kinds": [kind.value for kind in place.kinds],
            "facilities": place.facilities.model_dump(mode="json"), "source": place.source,
        },
    }


def link_feature(network: Network, link: Link) -> Feature:
    return {
        "type": "Feature",
        "id": link.id,
        "geometry": {"type": "LineString", "coordinates": link_positions(network, link)},
        "properties": {
            "layer": Layer.LINKS.value, "id": link.id, "a": link.a, "b": link.b, "mode": link.mode.value,
            "gauge": link.gauge.value if link.gauge else None,
            "traction": link.traction.value if link.traction else None,
            "distance_km": link.distance_km, "detour_reason": link.detour_reason, "source": link.source,
        },
    }


def to_geojson(network: Network, layers: Iterable[Layer] = ALL_LAYERS) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the chosen layers (links before places)."""
    chosen = set(layers)
    features: list[Feature] = []
    if Layer.LINKS in chosen:
        features += [link_feature(network, link) for link in _sorted(network.links)]
    if Layer.PLACES in chosen:
        features += [place_feature(place) for place in _sorted(network.places)]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(network: Network, out: TextIO, layers: Iterable[Layer] = ALL_LAYERS) -> int:
    """Write GeoJSON to `out`; returns the number of features."""
    document = to_geojson(network, layers)
    json.dump(document, out, ensure_ascii=False, allow_nan=False, indent=1)
    out.write("\n")
    return len(document["features"])


def _sorted(records: Mapping[str, _T]) -> list[_T]:
    """Records in key order, so that exports are stable from run to run."""
    return [records[key] for key in sorted(records)]


def _joined(values: Sequence[str]) -> str:
    return "|".join(values)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def place_row(place: Place) -> dict[str, str | float | int]:
    facilities, change = place.facilities, place.facilities.gauge_change
    return {
        "code": place.code, "name": place.name, "alt_names": _joined(place.alt_names),
        "country": place.country, "lat": place.lat, "lon": place.lon, "timezone": place.timezone,
        "kinds": _joined([kind.value for kind in place.kinds]),
        "gauge_change_teu_per_day": change.capacity_teu_per_day if change else "",
        "gauge_change_method": change.method if change else "",
        "customs": _flag(facilities.customs), "container_yard": _flag(facilities.container_yard),
        "ferry_berth": _flag(facilities.ferry_berth), "reefer_plugs": facilities.reefer_plugs,
        "source": place.source,
    }


def link_row(network: Network, link: Link) -> dict[str, str | float]:
    points = ", ".join(f"{lon} {lat}" for lon, lat in link_positions(network, link))
    return {
        "id": link.id, "a": link.a, "b": link.b, "mode": link.mode.value,
        "gauge": link.gauge.value if link.gauge else "",
        "traction": link.traction.value if link.traction else "",
        "distance_km": link.distance_km, "detour_reason": link.detour_reason or "", "source": link.source,
        "wkt": f"LINESTRING ({points})",
    }


def write_csv(network: Network, out: TextIO, layer: Layer) -> int:
    """Write one layer as CSV with a header row; returns the number of data rows."""
    if layer is Layer.PLACES:
        writer = csv.DictWriter(out, fieldnames=PLACE_COLUMNS, lineterminator="\n")
        rows: list[dict[str, Any]] = [place_row(place) for place in _sorted(network.places)]
    else:
        writer = csv.DictWriter(out, fieldnames=LINK_COLUMNS, lineterminator="\n")
        rows = [link_row(network, link) for link in _sorted(network.links)]
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)
