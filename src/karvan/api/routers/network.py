"""Read-only network endpoints the maps and forms need: GeoJSON of the corridors, place search, details."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from karvan.api.deps import get_network
from karvan.network.export import to_geojson
from karvan.network.network import Network
from karvan.network.search import search_places
from karvan.web.place_info import place_details, service_summary

router = APIRouter(tags=["network"])


@router.get("/network.geojson", summary="Every link and place of the network as GeoJSON")
def get_network_geojson(network: Network = Depends(get_network)) -> dict[str, Any]:
    return to_geojson(network)


@router.get("/network/places", summary="Places matching a name or UN/LOCODE, best first")
def get_places(q: str = Query(min_length=1, max_length=100, description="name, alternative name or code"),
               limit: int = Query(10, ge=1, le=50),
               network: Network = Depends(get_network)) -> list[dict[str, Any]]:
    return [
        {"code": m.place.code, "name": m.place.name, "country": m.place.country,
         "kinds": [k.value for k in m.place.kinds], "score": m.score, "matched": m.matched}
        for m in search_places(network, q, limit=limit)
    ]


@router.get("/network/places/{code}", summary="A place's facilities, services and dwell times")
def get_place(code: str, network: Network = Depends(get_network)) -> dict[str, Any]:
    return place_details(network, code.upper())


@router.get("/network/services", summary="Services, optionally of one operator, with their weekly frequency")
def get_services(operator: str | None = Query(None, max_length=40, description="operator code, e.g. KTZ"),
                 network: Network = Depends(get_network)) -> list[dict[str, Any]]:
    return [service_summary(s) for s in sorted(network.services.values(), key=lambda s: s.id)
            if operator is None or s.operator == operator.upper()]
