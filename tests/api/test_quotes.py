"""POST/GET /quotes over HTTP: priced itineraries, bad input as problem+json, tenancy, idempotency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from booking_api import Tenant, quote, quote_body


def test_a_quote_prices_itineraries_and_can_be_read_back(tenant: Callable[..., Tenant]) -> None:
    shipper = tenant()
    created = quote(shipper.client, count=2)
    best = created["itineraries"][0]
    assert created["teu"] == 4 and created["valid_until"] > created["created_at"]
    assert best["price_usd"] == pytest.approx(sum(leg["price_usd"] for leg in best["legs"]), rel=0.5)
    assert best["legs"][0]["origin"] == "CNXIA" and best["legs"][-1]["destination"] == "KZAAU"
    assert shipper.client.get(f"/quotes/{created['id']}").json() == created


def test_quote_list_paginates_newest_first(tenant: Callable[..., Tenant]) -> None:
    shipper = tenant()
    ids = [quote(shipper.client)["id"] for _ in range(3)]
    first = shipper.client.get("/quotes", params={"limit": 2}).json()
    second = shipper.client.get("/quotes", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [q["id"] for q in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None


def test_other_organisations_do_not_see_a_quote(tenant: Callable[..., Tenant]) -> None:
    mine, theirs = tenant(), tenant()
    created = quote(mine.client)
    assert theirs.client.get(f"/quotes/{created['id']}").status_code == 404
    assert theirs.client.get("/quotes").json()["items"] == []


def test_a_retried_quote_is_created_once(tenant: Callable[..., Tenant]) -> None:
    shipper = tenant()
    headers = {"Idempotency-Key": "quote-1"}
    first = shipper.client.post("/quotes", json=quote_body(), headers=headers)
    again = shipper.client.post("/quotes", json=quote_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert len(shipper.client.get("/quotes").json()["items"]) == 1


@pytest.mark.parametrize(("body", "status", "field"), [
    (quote_body(destination="Atlantis"), 422, "destination"),
    (quote_body(departure_date=(date.today() - timedelta(days=3)).isoformat()), 422, "departure_date"),
    (quote_body(departure_date="2026-13-45"), 422, "departure_date"),
    (quote_body(count="two"), 422, "cargo.count"),
    (quote_body(count=500), 422, "cargo.count"),
    (quote_body(container_type="45XX"), 422, "cargo.container_type"),
    ({**quote_body(), "cargo": {"container_type": "40HC", "count": 1, "gross_kg_per_container": 40_000}},
     422, "cargo.gross_kg_per_container"),
    ({**quote_body(), "surprise": 1}, 422, "surprise"),
])
def test_bad_requests_are_problems_naming_the_field(tenant: Callable[..., Tenant], body: dict[str, object],
                                                    status: int, field: str) -> None:
    response = tenant().client.post("/quotes", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_malformed_json_and_oversize_bodies_are_4xx(tenant: Callable[..., Tenant]) -> None:
    client = tenant().client
    json_type = {"Content-Type": "application/json"}
    malformed = client.post("/quotes", content=b'{"origin": "CNXIA",', headers=json_type)
    assert malformed.status_code == 400 and malformed.json()["field"] == "body"
    huge = client.post("/quotes", content=b" " * (11 * 1024 * 1024), headers=json_type)
    assert huge.status_code == 413
