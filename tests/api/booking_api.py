"""Helpers for the booking API tests: a short two-leg trip on the bundled network and the railway
organisations that manage its operators (so its departures can be booked)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Protocol

from fastapi.testclient import TestClient
from sqlalchemy import update

from karvan.store.db import Database
from karvan.store.models import Departure

ORIGIN, DESTINATION = "CNXIA", "KZAAU"


class Tenant(Protocol):
    """What the suite's `tenant` fixture returns (tests/conftest.py's Tenant), named here so that these
    tests do not import a module called `conftest`, which another directory's conftest may shadow."""

    org_id: str
    key: str
    client: TestClient


def departure_date() -> str:
    return (date.today() + timedelta(days=10)).isoformat()


def quote_body(count: int = 1, container_type: str = "40HC", **changes: Any) -> dict[str, Any]:
    return {"origin": ORIGIN, "destination": DESTINATION, "departure_date": departure_date(),
            "cargo": {"container_type": container_type, "count": count}, **changes}


def quote(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/quotes", json=quote_body(**body))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def operator_tenants(tenant: Callable[..., Tenant], quoted: dict[str, Any]) -> dict[str, Tenant]:
    """One railway organisation per operator of the quote's first itinerary, keyed by operator code."""
    codes = sorted({leg["operator"] for leg in quoted["itineraries"][0]["legs"]})
    return {code: tenant("railway", operators=[code]) for code in codes}


def fill(db: Database, departure_ids: list[str], leave_teu: int) -> None:
    """Book a departure up to `leave_teu` below capacity, as earlier bookings would have."""
    with db.write_session() as session:
        session.execute(update(Departure).where(Departure.id.in_(departure_ids))
                        .values(booked_teu=Departure.capacity_teu - leave_teu))
        session.commit()


def booked_teu(db: Database, departure_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(booked, capacity) per departure id."""
    with db.session() as session:
        rows = [session.get(Departure, d) for d in departure_ids]
        return {r.id: (r.booked_teu, r.capacity_teu) for r in rows if r is not None}


SHIPPER_PARTIES = {"shipper": {"name": "Xi'an Electronics Co.", "country": "CN"},
                   "consignee": {"name": "Aktau Trading LLP", "country": "KZ"}}


def container(number: str = "CSQU3054383", **changes: Any) -> dict[str, Any]:
    return {"number": number, "container_type": "40HC", "gross_kg": 18_000,
            "cargo_description": "laptop computers", "hs_code": "847130", **changes}
