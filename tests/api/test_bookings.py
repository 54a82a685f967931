"""POST/GET /bookings over HTTP: confirmed or rejected at once, idempotent, never overbooked when 50
clients race for the last slots, cancelled with slots released, moved along by operators only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from booking_api import SHIPPER_PARTIES, Tenant, booked_teu, container, fill, operator_tenants, quote
from fastapi import FastAPI
from fastapi.testclient import TestClient


def _book(client: TestClient, quoted: dict[str, Any], **extra: Any) -> Any:
    return client.post("/bookings", json={"quote_id": quoted["id"], "itinerary": 0, **extra},
                       headers=extra.pop("headers", None) or {})


def _departures(booking: dict[str, Any]) -> list[str]:
    return [leg["departure_id"] for leg in booking["legs"]]


def test_booking_a_quote_with_its_shipment_is_confirmed(tenant: Callable[..., Tenant],
                                                        api_app: FastAPI) -> None:
    shipper = tenant()
    quoted = quote(shipper.client, count=1)
    operator_tenants(tenant, quoted)
    shipment = shipper.client.post("/shipments", json={"parties": SHIPPER_PARTIES,
                                                      "containers": [container()]}).json()
    response = _book(shipper.client, quoted, shipment_id=shipment["id"])
    assert response.status_code == 201, response.text
    booking = response.json()
    assert booking["status"] == "confirmed" and booking["shipment_id"] == shipment["id"]
    assert [leg["service_id"] for leg in booking["legs"]] == \
        [leg["service_id"] for leg in quoted["itineraries"][0]["legs"]]
    assert all(b == 2 for b, _cap in booked_teu(api_app.state.db, _departures(booking)).values())
    assert shipper.client.get(f"/bookings/{booking['id']}").json() == booking


def test_a_retried_booking_never_books_twice(tenant: Callable[..., Tenant], api_app: FastAPI) -> None:
    shipper = tenant()
    quoted = quote(shipper.client)
    operator_tenants(tenant, quoted)
    headers = {"Idempotency-Key": "book-once"}
    first = shipper.client.post("/bookings", json={"quote_id": quoted["id"]}, headers=headers)
    again = shipper.client.post("/bookings", json={"quote_id": quoted["id"]}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert len(shipper.client.get("/bookings").json()["items"]) == 1
    assert all(b == 2 for b, _cap in booked_teu(api_app.state.db, _departures(first.json())).values())


def test_fifty_clients_racing_for_the_last_slots_book_exactly_the_capacity(
        tenant: Callable[..., Tenant], api_app: FastAPI, api_client: Callable[..., TestClient]) -> None:
    shipper = tenant()
    quoted = quote(shipper.client, count=1, container_type="20GP")
    operator_tenants(tenant, quoted)
    probe = _book(shipper.client, quoted).json()
    departures = _departures(probe)
    fill(api_app.state.db, departures, leave_teu=3)
    statuses: list[int] = []
    barrier = threading.Barrier(50)

    def client() -> None:
        http = api_client(shipper.key)  # not entered: entering runs the app's lifespan, which disposes the db
        barrier.wait()
        statuses.append(_book(http, quoted).status_code)

    threads = [threading.Thread(target=client) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [201, 409] and statuses.count(201) == 3
    assert all(b == cap for b, cap in booked_teu(api_app.state.db, departures).values())
    rejected = shipper.client.get("/bookings", params={"status": "rejected", "limit": 100}).json()["items"]
    assert len(rejected) == 47 and "TEU free" in rejected[0]["status_reason"]


def test_cancelling_releases_the_slots_and_only_once(tenant: Callable[..., Tenant],
                                                     api_app: FastAPI) -> None:
    shipper = tenant()
    quoted = quote(shipper.client, count=2)
    operator_tenants(tenant, quoted)
    booking = _book(shipper.client, quoted).json()
    cancel = shipper.client.post(f"/bookings/{booking['id']}/status", json={"status": "cancelled"})
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert all(b == 0 for b, _cap in booked_teu(api_app.state.db, _departures(booking)).values())
    again = shipper.client.post(f"/bookings/{booking['id']}/status", json={"status": "cancelled"})
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"


def test_operators_report_progress_and_others_cannot(tenant: Callable[..., Tenant]) -> None:
    shipper, stranger = tenant(), tenant()
    quoted = quote(shipper.client)
    operators = operator_tenants(tenant, quoted)
    booking = _book(shipper.client, quoted).json()
    path = f"/bookings/{booking['id']}/status"
    assert shipper.client.post(path, json={"status": "in_transit"}).status_code == 403
    assert stranger.client.post(path, json={"status": "cancelled"}).status_code == 404
    assert stranger.client.get(f"/bookings/{booking['id']}").status_code == 404
    first_operator = operators[booking["legs"][0]["operator"]]
    moved = first_operator.client.post(path, json={"status": "in_transit", "reason": "train left"})
    assert moved.status_code == 200 and moved.json()["status"] == "in_transit"
    operated = first_operator.client.get("/bookings", params={"operated": "true"}).json()["items"]
    assert [b["id"] for b in operated] == [booking["id"]]
    assert shipper.client.post(path, json={"status": "cancelled"}).status_code == 409
    assert shipper.client.get(f"/bookings/{booking['id']}").json()["status"] == "in_transit"


def test_booking_someone_elses_quote_is_404_and_books_nothing(tenant: Callable[..., Tenant]) -> None:
    shipper, stranger = tenant(), tenant()
    quoted = quote(shipper.client)
    operator_tenants(tenant, quoted)
    assert _book(stranger.client, quoted).status_code == 404
    assert stranger.client.get("/bookings").json()["items"] == []


def test_bad_booking_requests_name_the_field(tenant: Callable[..., Tenant]) -> None:
    shipper = tenant()
    quoted = quote(shipper.client)
    assert _book(shipper.client, quoted, itinerary=40).json()["field"] == "itinerary"
    assert shipper.client.post("/bookings", json={"quote_id": 7}).json()["field"] == "quote_id"
    bad_status = shipper.client.post("/bookings/bkg_" + "0" * 32 + "/status", json={"status": "delivered!"})
    assert bad_status.status_code == 422 and bad_status.json()["field"] == "status"
    assert shipper.client.get("/bookings", params={"status": "lost"}).json()["field"] == "status"
    assert shipper.client.get("/bookings", params={"departs_after": "2030-01-01T00:00"}).status_code == 422
