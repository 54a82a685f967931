"""Departures: operators publish and change only their own services' departures; everyone reads them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from conftest import Tenant
from fastapi import FastAPI
from fastapi.testclient import TestClient

from karvan.api.app import create_app
from karvan.network.model import Link, Operator, Place, Service
from karvan.network.network import Network
from karvan.store.models import Departure

SOURCE = "test fixture"


@pytest.fixture
def api_network() -> Network:
    """Aktau -ferry- Alat, a KTZ train Monday and Thursday 08:00 Aktau time, an ASCO ferry 2 a week."""
    places = [
        Place(code="KZAAU", name="Aktau", country="KZ", lat=43.65, lon=51.15, timezone="Asia/Aqtau",
              kinds=("sea_port",), source=SOURCE),
        Place(code="AZALA", name="Alat", country="AZ", lat=39.95, lon=49.4, timezone="Asia/Baku",
              kinds=("sea_port",), source=SOURCE),
    ]
    link = Link(id="aktau-alat", a="KZAAU", b="AZALA", mode="ferry", distance_km=470, source=SOURCE)

    def service(id_: str, operator: str, schedule: dict[str, Any]) -> Service:
        return Service.model_validate({
            "id": id_, "name": id_, "operator": operator, "kind": "caspian_ferry", "mode": "ferry",
            "stops": ["KZAAU", "AZALA"], "run_hours": [24], "schedule": schedule, "capacity_teu": 60,
            "reefer_plugs": 10, "tariff_usd": {"40HC": 900}, "source": SOURCE})

    services = [service("ktz-ferry", "KTZ", {"weekdays": [0, 3], "departure_time": "08:00"}),
                service("asco-ferry", "ASCO", {"departures_per_week": 2})]
    operators = [Operator(code=c, name=c, kind="ferry_line", country="KZ", source=SOURCE)
                 for c in ("KTZ", "ASCO")]
    return Network.from_records(places, [link], services, operators=operators)


@pytest.fixture
def ktz(tenant: Callable[..., Tenant]) -> Tenant:
    return tenant("railway", operators=["KTZ"], scope="write")


@pytest.fixture
def asco(tenant: Callable[..., Tenant]) -> Tenant:
    return tenant("ferry_line", operators=["ASCO"], scope="write")


def _publish(client: TestClient, **body: Any) -> Any:
    default = {"service_id": "ktz-ferry", "departs_at": "2026-05-04T08:00:00+05:00"}
    return client.post("/departures", json={**default, **body})


def _count(app: FastAPI) -> int:
    with app.state.db.session() as session:
        return session.query(Departure).count()


def test_operator_publishes_its_service(ktz: Tenant) -> None:
    response = _publish(ktz.client, capacity_teu=40)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["service_id"] == "ktz-ferry"
    assert body["operator"] == "KTZ"
    assert datetime.fromisoformat(body["departs_at"]) == datetime.fromisoformat("2026-05-04T03:00:00+00:00")
    assert body["departs_at_local"].endswith("+05:00")
    assert (body["capacity_teu"], body["booked_teu"], body["available_teu"]) == (40, 0, 40)
    assert body["utilisation"] == 0
    assert body["reefer_plugs"] == 10  # the service's default
    assert ktz.client.get(f"/departures/{body['id']}").json() == body


def test_operator_cannot_publish_another_operators_service(ktz: Tenant, api_app: FastAPI) -> None:
    response = _publish(ktz.client, service_id="asco-ferry")
    assert response.status_code == 403
    assert "ASCO" in response.json()["detail"]
    assert _count(api_app) == 0


def test_shipper_and_read_only_keys_cannot_publish(tenant: Callable[..., Tenant], api_app: FastAPI) -> None:
    assert _publish(tenant("shipper").client).status_code == 403
    assert _publish(tenant("railway", operators=["KTZ"], scope="read").client).status_code == 403
    assert _count(api_app) == 0


def test_same_service_and_time_twice_is_a_conflict(ktz: Tenant, api_app: FastAPI) -> None:
    assert _publish(ktz.client).status_code == 201
    again = _publish(ktz.client, departs_at="2026-05-04T03:00:00Z")  # the same instant, other offset
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert _count(api_app) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"service_id": "no-such"}, "service_id"),
    ({"departs_at": "2026-05-04T08:00:00"}, "departs_at"),
    ({"departs_at": "4 May"}, "departs_at"),
    ({"capacity_teu": -1}, "capacity_teu"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_fields_are_named(ktz: Tenant, api_app: FastAPI, body: dict[str, Any], field: str) -> None:
    response = _publish(ktz.client, **body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert _count(api_app) == 0


def test_malformed_json_is_400(ktz: Tenant) -> None:
    response = ktz.client.post("/departures", content=b'{"service_id": ',
                               headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/malformed-json"


def test_oversize_body_is_413(database_url: str, api_network: Network, tenant: Callable[..., Tenant]) -> None:
    key = tenant("railway", operators=["KTZ"]).key
    small = TestClient(create_app(database_url, network=api_network, max_body_bytes=1000),
                       headers={"Authorization": f"Bearer {key}"})
    response = small.post("/departures", json={"service_id": "ktz-ferry", "pad": "x" * 2000})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def _weekday_count(first: date, last: date, weekdays: set[int]) -> int:
    return sum((first + timedelta(days=i)).weekday() in weekdays for i in range((last - first).days + 1))


def test_generate_follows_the_timetable_and_is_repeatable(ktz: Tenant) -> None:
    body = {"service_id": "ktz-ferry", "from_date": "2026-05-01", "to_date": "2026-05-31"}
    first = ktz.client.post("/departures/generate", json=body)
    assert first.status_code == 201, first.text
    expected = _weekday_count(date(2026, 5, 1), date(2026, 5, 31), {0, 3})
    assert first.json()["created"] == expected
    for item in first.json()["items"]:
        local = datetime.fromisoformat(item["departs_at_local"])
        assert (local.weekday() in (0, 3), local.hour, local.utcoffset()) == (True, 8, timedelta(hours=5))
    again = ktz.client.post("/departures/generate", json=body).json()
    assert (again["created"], again["existing"]) == (0, expected)


def test_generate_frequency_service_evenly(asco: Tenant) -> None:
    body = {"service_id": "asco-ferry", "from_date": "2026-06-01", "to_date": "2026-06-28"}  # four weeks
    items = asco.client.post("/departures/generate", json=body).json()["items"]
    assert len(items) == 8
    times = sorted(datetime.fromisoformat(i["departs_at"]) for i in items)
    assert {b - a for a, b in pairwise(times)} == {timedelta(hours=84)}


def test_generate_refuses_backwards_or_huge_ranges(ktz: Tenant) -> None:
    backwards = ktz.client.post("/departures/generate", json={
        "service_id": "ktz-ferry", "from_date": "2026-05-10", "to_date": "2026-05-01"})
    assert (backwards.status_code, backwards.json()["field"]) == (422, "to_date")
    huge = ktz.client.post("/departures/generate", json={
        "service_id": "ktz-ferry", "from_date": "2026-01-01", "to_date": "2028-01-01"})
    assert (huge.status_code, huge.json()["field"]) == (422, "to_date")


def test_everyone_reads_departures_with_filters_and_cursor(ktz: Tenant, asco: Tenant,
                                                           tenant: Callable[..., Tenant]) -> None:
    ktz.client.post("/departures/generate", json={"service_id": "ktz-ferry", "from_date": "2026-05-01",
                                                  "to_date": "2026-05-31"})
    asco.client.post("/departures/generate", json={"service_id": "asco-ferry", "from_date": "2026-05-01",
                                                   "to_date": "2026-05-31"})
    shipper = tenant("shipper", scope="read").client
    seen: list[dict[str, Any]] = []
    url = "/departures?operator=KTZ&limit=3"
    while True:
        page = shipper.get(url).json()
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        url = f"/departures?operator=KTZ&limit=3&cursor={page['next_cursor']}"
    assert len(seen) == _weekday_count(date(2026, 5, 1), date(2026, 5, 31), {0, 3})
    assert len({d["id"] for d in seen}) == len(seen)
    assert [d["departs_at"] for d in seen] == sorted(d["departs_at"] for d in seen)
    assert {d["operator"] for d in seen} == {"KTZ"}
    window = shipper.get("/departures", params={"from": "2026-05-10T00:00:00+05:00",
                                                "before": "2026-05-17T00:00:00+05:00"}).json()["items"]
    assert all("2026-05-09T19:00:00" <= d["departs_at"][:19] < "2026-05-16T19:00:00" for d in window)
    assert {d["operator"] for d in window} == {"KTZ", "ASCO"}
    mine = asco.client.get("/departures?mine=true&limit=500").json()["items"]
    assert mine and {d["org_id"] for d in mine} == {asco.org_id}


def test_tampered_cursor_is_422(ktz: Tenant) -> None:
    response = ktz.client.get("/departures?cursor=bm9wZQ")
    assert (response.status_code, response.json()["field"]) == (422, "cursor")


def _book(app: FastAPI, departure_id: str, teu: int) -> None:
    """Stand-in for the booking capability's atomic counter update."""
    with app.state.db.write_session() as session:
        departure = session.get(Departure, departure_id)
        assert departure is not None
        departure.booked_teu = teu
        session.commit()


def test_utilisation_and_capacity_never_below_booked(ktz: Tenant, api_app: FastAPI) -> None:
    departure = _publish(ktz.client, capacity_teu=50).json()
    _book(api_app, departure["id"], 20)
    shown = ktz.client.get(f"/departures/{departure['id']}").json()
    assert (shown["booked_teu"], shown["available_teu"], shown["utilisation"]) == (20, 30, 0.4)
    too_low = ktz.client.patch(f"/departures/{departure['id']}", json={"capacity_teu": 19})
    assert too_low.status_code == 409
    assert ktz.client.get(f"/departures/{departure['id']}").json()["capacity_teu"] == 50
    assert ktz.client.patch(f"/departures/{departure['id']}", json={"status": "cancelled"}).status_code == 409
    ok = ktz.client.patch(f"/departures/{departure['id']}", json={"capacity_teu": 20})
    assert (ok.status_code, ok.json()["utilisation"]) == (200, 1.0)


def test_other_operator_cannot_change_a_departure(ktz: Tenant, asco: Tenant) -> None:
    departure = _publish(ktz.client).json()
    response = asco.client.patch(f"/departures/{departure['id']}", json={"status": "cancelled"})
    assert response.status_code == 403
    assert ktz.client.get(f"/departures/{departure['id']}").json()["status"] == "scheduled"
    cancelled = ktz.client.patch(f"/departures/{departure['id']}", json={"status": "cancelled"})
    assert cancelled.json()["status"] == "cancelled"


def test_unknown_departure_is_404(ktz: Tenant) -> None:
    assert ktz.client.get("/departures/dep_nope").status_code == 404
    assert ktz.client.patch("/departures/dep_nope", json={"capacity_teu": 1}).status_code == 404


def test_idempotency_key_replays_and_rejects_a_different_body(ktz: Tenant, api_app: FastAPI) -> None:
    headers = {"Idempotency-Key": "a1b2c3"}
    first = ktz.client.post("/departures", headers=headers, json={
        "service_id": "ktz-ferry", "departs_at": "2026-05-04T08:00:00+05:00"})
    retry = ktz.client.post("/departures", headers=headers, json={
        "departs_at": "2026-05-04T08:00:00+05:00", "service_id": "ktz-ferry"})  # same body, other key order
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    different = ktz.client.post("/departures", headers=headers, json={
        "service_id": "ktz-ferry", "departs_at": "2026-05-07T08:00:00+05:00"})
    assert (different.status_code, different.json()["field"]) == (422, "Idempotency-Key")
    assert _count(api_app) == 1


def test_idempotency_keys_are_per_organisation(ktz: Tenant, asco: Tenant, api_app: FastAPI) -> None:
    headers = {"Idempotency-Key": "shared-key"}
    assert ktz.client.post("/departures", headers=headers, json={
        "service_id": "ktz-ferry", "departs_at": "2026-05-04T08:00:00+05:00"}).status_code == 201
    theirs = asco.client.post("/departures", headers=headers, json={
        "service_id": "asco-ferry", "departs_at": "2026-05-04T08:00:00+05:00"})
    assert theirs.status_code == 201
    assert theirs.json()["operator"] == "ASCO"
    assert _count(api_app) == 2


def test_concurrent_retries_with_one_key_create_one_departure(ktz: Tenant, api_app: FastAPI) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = {"service_id": "ktz-ferry", "departs_at": "2026-05-04T08:00:00+05:00"}

    def post(_: int) -> Any:
        return ktz.client.post("/departures", json=body, headers={"Idempotency-Key": "race"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert _count(api_app) == 1


def test_concurrent_writers_all_succeed(ktz: Tenant, api_app: FastAPI) -> None:
    """SQLite write sessions queue on the busy timeout instead of failing with 'database is locked'."""
    from concurrent.futures import ThreadPoolExecutor

    def post(day: int) -> Any:
        return _publish(ktz.client, departs_at=f"2026-05-{day:02d}T08:00:00+05:00")

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(1, 13)))
    assert [r.status_code for r in responses] == [201] * 12
    assert _count(api_app) == 12


def test_generate_keeps_a_departure_published_by_hand(ktz: Tenant) -> None:
    monday_8am_aktau = "2026-05-04T03:00:00Z"
    by_hand = _publish(ktz.client, departs_at=monday_8am_aktau, capacity_teu=7).json()
    result = ktz.client.post("/departures/generate", json={
        "service_id": "ktz-ferry", "from_date": "2026-05-04", "to_date": "2026-05-10"}).json()
    assert (result["created"], result["existing"]) == (1, 1)  # Thursday created, Monday kept
    assert ktz.client.get(f"/departures/{by_hand['id']}").json()["capacity_teu"] == 7


def test_a_filter_time_beyond_the_calendar_is_a_problem_not_a_server_error(ktz: Tenant) -> None:
    """0001-01-01 at +05:00 is a valid ISO 8601 time that has no UTC equivalent a database can hold."""
    response = ktz.client.get("/departures", params={"from": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "out of range" in response.json()["detail"]
