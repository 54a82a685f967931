"""The network endpoints the maps and forms use: GeoJSON, place search and place details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from karvan.web import TILE_URL_ENV


def test_geojson_has_every_link_and_place(tenant: Callable[..., Any], api_network: Any) -> None:
    client = tenant().client
    features = client.get("/network.geojson").json()["features"]
    assert {f["id"] for f in features if f["properties"]["layer"] == "links"} == set(api_network.links)
    assert {f["id"] for f in features if f["properties"]["layer"] == "places"} == set(api_network.places)


def test_place_search_finds_a_code_and_a_name(tenant: Callable[..., Any], api_network: Any) -> None:
    client = tenant().client
    place = next(iter(api_network.places.values()))
    by_code = client.get("/network/places", params={"q": place.code}).json()
    assert by_code[0]["code"] == place.code
    by_name = client.get("/network/places", params={"q": place.name}).json()
    assert place.code in [p["code"] for p in by_name]


def test_place_details_and_unknown_place(tenant: Callable[..., Any], api_network: Any) -> None:
    client = tenant().client
    code = next(iter(api_network.places))
    assert client.get(f"/network/places/{code.lower()}").json()["code"] == code
    missing = client.get("/network/places/XXNOPE")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_search_needs_text_and_a_key(tenant: Callable[..., Any], api_client: Callable[..., Any]) -> None:
    assert tenant().client.get("/network/places", params={"q": ""}).status_code == 422
    assert api_client().get("/network.geojson").status_code == 401


def test_pages_are_served_without_a_key(api_client: Callable[..., Any]) -> None:
    client = api_client()
    index = client.get("/")
    assert index.status_code == 200
    assert "<title>Karvan</title>" in index.text
    script = index.text.split('src="')[1].split('"')[0]
    assert client.get(script).status_code == 200
    assert client.get("/web-config.json").json()["tile_url"] is None


def test_services_of_one_operator(tenant: Callable[..., Any], api_network: Any) -> None:
    client = tenant().client
    operator = next(iter(api_network.services.values())).operator
    services = client.get("/network/services", params={"operator": operator.lower()}).json()
    expected = {s.id for s in api_network.services.values() if s.operator == operator}
    assert {s["id"] for s in services} == expected
    assert len(client.get("/network/services").json()) == len(api_network.services)


def test_a_configured_tile_server_reaches_the_pages(api_client: Callable[..., Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TILE_URL_ENV, "http://127.0.0.1:8080/{z}/{x}/{y}.png")
    config = api_client().get("/web-config.json").json()
    assert config["tile_url"] == "http://127.0.0.1:8080/{z}/{x}/{y}.png"
