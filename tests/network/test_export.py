"""GeoJSON and CSV exports: valid structure, [lon, lat] order, and every record exported once."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from network_fixture import BASE, build, doc, record

from karvan.network.export import (
    LINK_COLUMNS,
    PLACE_COLUMNS,
    Layer,
    to_geojson,
    write_csv,
    write_geojson,
)
from karvan.network.network import Network


def _check_position(position: Any) -> None:
    assert isinstance(position, list) and len(position) == 2
    lon, lat = position
    assert -180 <= lon <= 180 and -90 <= lat <= 90


def assert_valid_geojson(document: dict[str, Any]) -> None:
    """The parts of RFC 7946 an export can get wrong."""
    assert document["type"] == "FeatureCollection"
    for feature in document["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        assert isinstance(feature["id"], str)
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            _check_position(geometry["coordinates"])
        else:
            assert geometry["type"] == "LineString" and len(geometry["coordinates"]) >= 2
            for position in geometry["coordinates"]:
                _check_position(position)


def _roundtrip_geojson(network: Network) -> dict[str, Any]:
    out = io.StringIO()
    count = write_geojson(network, out)
    document: dict[str, Any] = json.loads(out.getvalue())
    assert count == len(document["features"])
    return document


def test_geojson_places_are_points_in_lon_lat_order() -> None:
    network = build()
    document = _roundtrip_geojson(network)
    assert_valid_geojson(document)
    aktau = next(f for f in document["features"] if f["id"] == "KZAAU")
    assert aktau["geometry"] == {"type": "Point", "coordinates": [51.15, 43.65]}
    props = aktau["properties"]
    assert (props["code"], props["name"], props["country"]) == ("KZAAU", "Aktau", "KZ")
    assert props["kinds"] == ["sea_port", "rail_terminal"] and "facilities" in props
    altynkol = next(f for f in document["features"] if f["id"] == "KZ-ALTYN")
    assert altynkol["properties"]["facilities"]["gauge_change"]["capacity_teu_per_day"] == 600


def test_geojson_links_use_geometry_or_a_straight_line() -> None:
    d = doc()
    drawn = [[49.4, 39.95], [46.5, 41.0], [44.78333, 41.71667]]
    record(d, "links", "alat-tbilisi")["geometry"] = drawn
    document = _roundtrip_geojson(build(d))
    assert_valid_geojson(document)
    by_id = {f["id"]: f for f in document["features"]}
    assert by_id["alat-tbilisi"]["geometry"]["coordinates"] == drawn
    straight = by_id["aktau-alat"]
    assert straight["geometry"] == {"type": "LineString", "coordinates": [[51.15, 43.65], [49.4, 39.95]]}
    assert straight["properties"]["mode"] == "ferry" and straight["properties"]["gauge"] is None
    rail = by_id["xia-altyn"]["properties"]
    assert (rail["gauge"], rail["traction"], rail["distance_km"]) == ("1435", "electric", 3400)
    assert rail["source"]
    # Links come first so that a map draws the places on top of them.
    layers = [f["properties"]["layer"] for f in document["features"]]
    assert layers == ["links"] * len(BASE["links"]) + ["places"] * len(BASE["places"])


def test_geojson_of_one_layer() -> None:
    places = to_geojson(build(), [Layer.PLACES])
    assert {f["geometry"]["type"] for f in places["features"]} == {"Point"}


def _read_csv(network: Network, layer: Layer) -> list[dict[str, str]]:
    out = io.StringIO()
    count = write_csv(network, out, layer)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows)
    return rows


def test_csv_places() -> None:
    rows = _read_csv(build(), Layer.PLACES)
    assert tuple(rows[0]) == PLACE_COLUMNS
    by_code = {r["code"]: r for r in rows}
    assert set(by_code) == {p["code"] for p in BASE["places"]}
    xian = by_code["CNXIA"]
    assert (xian["name"], xian["alt_names"], xian["kinds"]) == (
        "Xi'an", "Xi'an International Port", "rail_terminal|dry_port")
    assert float(xian["lat"]) == 34.28333 and float(xian["lon"]) == 108.95
    assert by_code["KZ-ALTYN"]["gauge_change_teu_per_day"] == "600.0"
    assert by_code["KZAAU"]["gauge_change_teu_per_day"] == ""


def test_csv_links_carry_wkt_in_lon_lat_order() -> None:
    rows = {r["id"]: r for r in _read_csv(build(), Layer.LINKS)}
    assert tuple(next(iter(rows.values()))) == LINK_COLUMNS
    assert rows["aktau-alat"]["wkt"] == "LINESTRING (51.15 43.65, 49.4 39.95)"
    assert rows["aktau-alat"]["gauge"] == "" and rows["xia-altyn"]["gauge"] == "1435"


@settings(max_examples=30)
@given(places=st.sets(st.sampled_from([p["code"] for p in BASE["places"]])))
def test_exports_keep_every_record_once(places: set[str]) -> None:
    d = doc()
    d["places"] = [p for p in d["places"] if p["code"] in places]
    d["links"] = [x for x in d["links"] if x["a"] in places and x["b"] in places]
    network = build({"places": d["places"], "links": d["links"]})
    document = _roundtrip_geojson(network)
    ids = [f["id"] for f in document["features"]]
    assert sorted(ids) == sorted([*network.places, *network.links])
    assert [r["code"] for r in _read_csv(network, Layer.PLACES)] == sorted(network.places)
    assert [r["id"] for r in _read_csv(network, Layer.LINKS)] == sorted(network.links)
