"""Each network rule, shown by breaking one thing in an otherwise sound fixture network."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from network_fixture import SOURCE, Doc, build, doc, record

from karvan.errors import NetworkValidationError
from karvan.network.model import Place
from karvan.network.validate import (
    Problem,
    check,
    components,
    great_circle_km,
    source_problem,
    validate,
)


def test_the_fixture_network_is_sound() -> None:
    assert validate(build()) == []
    check(build())


def _set(section: str, key: str, **changes: object) -> Callable[[Doc], None]:
    def change(d: Doc) -> None:
        record(d, section, key).update(changes)
    return change


def _add_place(d: Doc) -> None:
    d["places"].append({"code": "GEPTI", "name": "Poti", "country": "GE", "lat": 42.15, "lon": 41.67,
                        "timezone": "Asia/Tbilisi", "kinds": ["sea_port"], "source": SOURCE})


def _local_code_for_a_listed_place(d: Doc) -> None:
    # Aktogay is in UN/LOCODE as KZAGY "Aqtoghay".
    d["places"].append({"code": "KZ-AKTOG", "name": "Aktogay", "country": "KZ", "lat": 46.95, "lon": 79.67,
                        "timezone": "Asia/Almaty", "kinds": ["rail_terminal"], "source": SOURCE})
    d["links"].append({"id": "aktog-altyn", "a": "KZ-AKTOG", "b": "KZ-ALTYN", "mode": "rail",
                       "gauge": "1520", "traction": "diesel", "distance_km": 330, "source": SOURCE})


def _gauge_break(d: Doc) -> None:
    del record(d, "places", "KZ-ALTYN")["facilities"]


def _service_over_two_legs(d: Doc) -> None:
    # Aktau to Tbilisi by rail: there is no direct rail link, the ferry is in between.
    record(d, "services", "train-az").update(stops=["KZAAU", "GETBS"])


def _service_across_gauges(d: Doc) -> None:
    record(d, "services", "train-cn").update(stops=["CNXIA", "KZ-ALTYN", "KZAAU"], run_hours=[90, 80])


def _unknown_stop(d: Doc) -> None:
    record(d, "services", "ferry").update(stops=["KZAAU", "TMTMZ"])


def _link_to_nowhere(d: Doc) -> None:
    d["links"].append({"id": "to-nowhere", "a": "GETBS", "b": "GE-NOWHR", "mode": "road",
                       "distance_km": 100, "source": SOURCE})


def _dwell_nowhere(d: Doc) -> None:
    d["dwell"].append({"place": "TRKSY", "kind": "border", "p50_hours": 5, "p90_hours": 9,
                       "source": SOURCE})


def _geometry_reversed(d: Doc) -> None:
    # Alat to Tbilisi, but written from Tbilisi to Alat.
    record(d, "links", "alat-tbilisi")["geometry"] = [[44.78, 41.72], [46.0, 41.0], [49.4, 39.95]]


def _geometry_off_globe(d: Doc) -> None:
    record(d, "links", "alat-tbilisi")["geometry"] = [[49.4, 39.95], [41.0, 200.0], [44.78, 41.72]]


BREAKS: list[tuple[str, Callable[[Doc], None], str, str, str]] = [
    ("unknown UN/LOCODE", _set("places", "GETBS", code="GEZZZ"), "code-unknown", "place GEZZZ", "code"),
    ("unknown country", _set("places", "KZ-ALTYN", code="QQ-ALTYN", country="QQ"), "country-unknown",
     "place QQ-ALTYN", "country"),
    ("local code for a listed place", _local_code_for_a_listed_place, "code-local", "place KZ-AKTOG",
     "code"),
    ("code of another place", _set("places", "GETBS", code="GEPTI"), "code-name", "place GEPTI", "code"),
    ("far from the official coordinates", _set("places", "KZAAU", lat=43.65, lon=52.5), "coordinates-far",
     "place KZAAU", "lat/lon"),
    ("lat and lon swapped", _set("places", "CNXIA", lat=34.28333, lon=34.28333), "coordinates-far",
     "place CNXIA", "lat/lon"),
    ("geometry off the globe", _geometry_off_globe, "coordinates-range", "link alat-tbilisi", "geometry[1]"),
    ("geometry from b to a", _geometry_reversed, "link-geometry", "link alat-tbilisi", "geometry"),
    ("link to an unknown place", _link_to_nowhere, "link-unknown-place", "link to-nowhere", "b"),
    ("link shorter than the crow flies", _set("links", "aktau-alat", distance_km=300), "link-too-short",
     "link aktau-alat", "distance_km"),
    ("link over twice the distance", _set("links", "alat-tbilisi", distance_km=1200), "link-detour",
     "link alat-tbilisi", "distance_km"),
    ("gauges meet without a gauge change", _gauge_break, "gauge-break", "place KZ-ALTYN",
     "facilities.gauge_change"),
    ("service stops not directly linked", _service_over_two_legs, "service-link", "service train-az",
     "stops[0:2]"),
    ("service stops linked by another mode", _set("services", "ferry", mode="rail", kind="rail_ferry"),
     "service-link", "service ferry", "stops[0:2]"),
    ("rail service across a gauge change", _service_across_gauges, "service-gauge", "service train-cn",
     "stops"),
    ("ferry TEU beyond its wagons", _set("services", "ferry", capacity_wagons=10, capacity_teu=80),
     "ferry-wagons", "service ferry", "capacity_teu"),
    ("run time in days, not hours", _set("services", "ferry", run_hours=[1]),
     "service-speed", "service ferry", "run_hours[0]"),
    ("ferry link to an inland place", _set("places", "AZALA", kinds=["rail_terminal"]), "link-port",
     "link aktau-alat", "b"),
    ("gauge-change dwell without the facility", _gauge_break, "dwell-gauge-change",
     "dwell KZ-ALTYN/gauge_change", "kind"),
    ("service at an unknown stop", _unknown_stop, "service-unknown-stop", "service ferry", "stops"),
    ("unknown operator", _set("services", "ferry", operator="NOPE"), "service-operator", "service ferry",
     "operator"),
    ("dwell at an unknown place", _dwell_nowhere, "dwell-unknown-place", "dwell TRKSY/border", "place"),
    ("estimate without basis", _set("links", "aktau-alat", source="estimate"), "source", "link aktau-alat",
     "source"),
    ("placeholder source", _set("operators", "OPX", source="TBD"), "source", "operator OPX", "source"),
    ("place without links", _add_place, "unreachable", "place GEPTI", "links"),
]


@pytest.mark.parametrize(("what", "breaks", "rule", "record_name", "field"), BREAKS,
                         ids=[b[0] for b in BREAKS])
def test_each_rule_names_record_field_and_fix(what: str, breaks: Callable[[Doc], None], rule: str,
                                               record_name: str, field: str) -> None:
    d = doc()
    breaks(d)
    problems = validate(build(d))
    assert (rule, record_name, field) in [(p.rule, p.record, p.field) for p in problems], problems
    problem = next(p for p in problems if p.rule == rule)
    assert problem.fix and problem.message
    assert record_name in str(problem) and problem.fix in str(problem)


def test_malformed_records_bypassing_the_model_are_still_caught() -> None:
    d = doc()
    good = build(d)
    bad = Place.model_construct(**{**record(d, "places", "GETBS"), "code": "ge-tbs", "country": "GE"})
    mismatched = Place.model_construct(**{**record(d, "places", "AZALA"), "country": "GE"})
    off_globe = Place.model_construct(**{**record(d, "places", "KZAAU"), "lat": 143.65})
    network = type(good)(places={**good.places, "GETBS": bad, "AZALA": mismatched, "KZAAU": off_globe},
                         links=good.links, services=good.services, dwells=good.dwells,
                         operators=good.operators)
    rules = {(p.rule, p.record) for p in validate(network)}
    assert {("code-format", "place ge-tbs"), ("code-country", "place AZALA"),
            ("coordinates-range", "place KZAAU")} <= rules


def test_a_short_link_within_the_stated_tolerance_passes() -> None:
    d = doc()
    record(d, "links", "aktau-alat")["distance_km"] = 420  # 436 km great circle: within 5 % + 10 km
    assert validate(build(d)) == []


def test_a_long_link_with_a_detour_reason_passes() -> None:
    d = doc()
    record(d, "links", "alat-tbilisi").update(distance_km=1200, detour_reason="around a mountain range")
    assert validate(build(d)) == []


def test_unreachable_reports_every_place_of_the_detached_group() -> None:
    d = doc()
    _add_place(d)
    d["places"].append({"code": "TRKSY", "name": "Kars", "country": "TR", "lat": 40.6, "lon": 43.1,
                        "timezone": "Europe/Istanbul", "kinds": ["rail_terminal"], "source": SOURCE})
    d["links"].append({"id": "poti-kars", "a": "GEPTI", "b": "TRKSY", "mode": "road", "distance_km": 300,
                       "source": SOURCE})
    network = build(d)
    assert [len(g) for g in components(network)] == [5, 2]
    assert {p.record for p in validate(network) if p.rule == "unreachable"} == {"place GEPTI", "place TRKSY"}


def test_check_raises_the_first_problem() -> None:
    d = doc()
    record(d, "services", "ferry")["operator"] = "NOPE"
    with pytest.raises(NetworkValidationError) as raised:
        check(build(d))
    assert raised.value.record == "service ferry" and raised.value.field == "operator"
    assert "NOPE" in str(raised.value)


@pytest.mark.parametrize("source", ["estimate", "Estimate:", "estimated", "estimate: ?", "n/a", "TBD", "???"])
def test_sources_that_are_no_source(source: str) -> None:
    assert source_problem(source) is not None


@pytest.mark.parametrize("source", ["UN/LOCODE 2024-1", "estimate: great-circle distance x 1.1",
                                    "KTZ annual report 2023, p. 12"])
def test_real_sources(source: str) -> None:
    assert source_problem(source) is None


def test_great_circle_of_a_known_pair() -> None:
    # One degree of latitude along a meridian is 111.2 km on the mean-radius sphere.
    assert great_circle_km(40.0, 50.0, 41.0, 50.0) == pytest.approx(111.2, abs=0.1)


coords = st.tuples(st.floats(-89, 89), st.floats(-180, 180))


@given(coords, coords, coords)
def test_great_circle_is_a_metric(p: tuple[float, float], q: tuple[float, float],
                                  r: tuple[float, float]) -> None:
    pq, qp = great_circle_km(*p, *q), great_circle_km(*q, *p)
    assert pq == pytest.approx(qp, abs=1e-6)
    assert 0 <= pq <= 20_016  # half the circumference
    assert pq <= great_circle_km(*p, *r) + great_circle_km(*r, *q) + 1e-6


def test_problem_as_error_keeps_record_and_field() -> None:
    problem = Problem("link-detour", "link x", "distance_km", "too long", "say why in detour_reason")
    error = problem.to_error()
    assert (error.record, error.field, error.fix) == ("link x", "distance_km", "say why in detour_reason")
