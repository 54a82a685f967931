"""Rows read from the database (SQLite and PostgreSQL) reach the KPIs, scoped to one organisation."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from karvan.analytics.source import warehouse_from_database
from karvan.store.booking_models import BookingLegRow, BookingRow, QuoteRow
from karvan.store.models import Departure, Organisation
from karvan.store.tracking_models import EventRow

T0 = datetime(2026, 4, 6, 6, 0, tzinfo=UTC)


def _event(n: int, org: str, code: str, hours: float, locode: str, classifier: str = "ACT") -> EventRow:
    at = (T0 + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")
    return EventRow(event_id=f"e{org}{n}", version="", content_key=f"k{org}{n}", event_type="EQUIPMENT",
                    code=code, classifier=classifier, event_time=at, offset_minutes=0,
                    container="MSKU0000001",
                    shipment=f"bkg-{org}", locode=locode, departure=f"dep-{org}", service="CR-XIA-DOS",
                    org_id=org, received_at=at, body="{}")


def _seed(session: Any, org: str, shift_h: float) -> None:
    session.add(Organisation(id=org, name=f"name {org}", kind="shipper"))
    session.flush()
    session.add(Departure(id=f"dep-{org}", org_id=org, operator_code="KTZ", service_id="CR-XIA-DOS",
                          origin="CNXIA", destination="KZDOS", departs_at=T0 + timedelta(hours=shift_h),
                          capacity_teu=100, booked_teu=40))
    session.add(QuoteRow(id=f"quo-{org}", org_id=org, created_by="t", valid_until=T0, request={},
                         itineraries=[{"corridor": "Middle Corridor"}]))
    session.flush()
    session.add(BookingRow(id=f"bkg-{org}", org_id=org, created_by="t", quote_id=f"quo-{org}",
                           itinerary_index=0,
                           status="confirmed", teu=2, reefer_plugs=0, price_usd=1000.0, departs_at=T0,
                           arrives_at=T0 + timedelta(hours=90)))
    session.flush()
    session.add(BookingLegRow(booking_id=f"bkg-{org}", position=0, departure_id=f"dep-{org}",
                              service_id="CR-XIA-DOS", operator_code="CR", origin="CNXIA",
                              destination="KZDOS",
                              departs_at=T0, arrives_at=T0 + timedelta(hours=90)))
    session.add_all([_event(1, org, "LOAD", 0, "CNXIA"), _event(2, org, "DEPA", 1, "CNXIA"),
                     _event(3, org, "DISC", 100, "KZDOS")])


@pytest.fixture
def seeded(api_app: FastAPI) -> FastAPI:
    with api_app.state.db.write_session() as session:
        _seed(session, "org-a", 0)
        _seed(session, "org-b", 24)
        session.commit()
    return api_app


def test_rows_from_the_database_reach_the_kpis(seeded: FastAPI) -> None:
    with seeded.state.db.session() as session:
        warehouse = warehouse_from_database(session, "org-a")
    (volume,) = warehouse.volumes()
    assert (volume["corridor"], volume["teu"]) == ("Middle Corridor", 2)
    (od,) = warehouse.transit_by_od()
    assert (od["origin"], od["destination"], od["p50_hours"]) == ("CNXIA", "KZDOS", 100)
    (on_time,) = warehouse.on_time(tolerance_hours=24)
    assert on_time["on_time"] == 1  # 10 h late, within 24 h
    assert len(warehouse.utilisation()) == 2  # departures are public


def test_api_serves_only_the_callers_rows(seeded: FastAPI, tenant: Callable[..., Any]) -> None:
    shipper = tenant("shipper")
    response = shipper.client.get("/analytics/volumes")
    assert response.status_code == 200 and response.json() == {"kpi": "volumes", "rows": []}
    admin = tenant("corridor_admin")
    rows = admin.client.get("/analytics/volumes").json()["rows"]
    assert rows[0]["teu"] == 4 and rows[0]["bookings"] == 2
    late = admin.client.get("/analytics/on_time", params={"tolerance_hours": 0}).json()["rows"]
    assert late[0]["on_time"] == 0


def test_api_refuses_unknown_kpis_and_bad_values(seeded: FastAPI, tenant: Callable[..., Any]) -> None:
    client = tenant("shipper").client
    bad = client.get("/analytics/nonsense")
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert client.get("/analytics/on_time", params={"tolerance_hours": -1}).status_code == 422
