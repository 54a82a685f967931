"""GET /track with a booked itinerary: progress, ETA from the plan, a missed connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dcsa_events import dcsa30_event
from fastapi import FastAPI

from karvan.store.booking_models import (
    BookingLegRow,
    BookingRow,
    QuoteRow,
    ShipmentContainerRow,
    ShipmentRow,
)
from karvan.store.models import Departure

CONTAINER = "CSQU3054383"
T0 = datetime(2026, 10, 5, 6, tzinfo=UTC)
LEGS = (("KTZ-DOS-AAU", "KTZ", "KZDOS", "KZAAU", 0, 100),
        ("KMTF-AAU-ALA", "KMTF", "KZAAU", "AZALA", 200, 240))


def _book(app: FastAPI, org_id: str, operator_org: str) -> None:
    """A shipment of one container booked Dostyk -> Aktau (rail) -> Alat (ferry)."""
    with app.state.db.write_session() as session:
        shipment = ShipmentRow(org_id=org_id, created_by="test", reference="", parties={})
        quote = QuoteRow(org_id=org_id, created_by="test", valid_until=T0, request={}, itineraries=[])
        session.add_all([shipment, quote])
        session.flush()
        session.add(ShipmentContainerRow(shipment_id=shipment.id, position=0, number=CONTAINER,
                                         container_type="40HC", gross_kg=20000, cargo_description="parts",
                                         hs_code="8708"))
        booking = BookingRow(org_id=org_id, created_by="test", quote_id=quote.id, itinerary_index=0,
                             shipment_id=shipment.id, status="confirmed", teu=2, reefer_plugs=0,
                             price_usd=1000.0, departs_at=T0, arrives_at=T0 + timedelta(hours=240))
        session.add(booking)
        session.flush()
        for position, (service, operator, origin, destination, dep_h, arr_h) in enumerate(LEGS):
            departure = Departure(org_id=operator_org, operator_code=operator, service_id=service,
                                  origin=origin, destination=destination,
                                  departs_at=T0 + timedelta(hours=dep_h), capacity_teu=100)
            session.add(departure)
            session.flush()
            session.add(BookingLegRow(booking_id=booking.id, position=position, departure_id=departure.id,
                                      service_id=service, operator_code=operator, origin=origin,
                                      destination=destination, departs_at=T0 + timedelta(hours=dep_h),
                                      arrives_at=T0 + timedelta(hours=arr_h)))
        session.commit()


def _move(code: str, locode: str, hours: float) -> dict[str, Any]:
    moment = (T0 + timedelta(hours=hours)).isoformat()
    return dcsa30_event(f"{code}-{locode}", "TRANSPORT", code, moment, container=CONTAINER, locode=locode,
                        service="KTZ-DOS-AAU")


class _Clock(datetime):
    """The tracking service's clock, pinned to the story's time (the ETA follows the clock)."""

    at = T0

    @classmethod
    def now(cls, tz: Any = None) -> _Clock:  # type: ignore[override]
        return cls.fromtimestamp(cls.at.timestamp(), tz)


def test_track_follows_the_booked_plan_and_flags_a_missed_connection(
        api_app: FastAPI, tenant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karvan.api.routers.track.datetime", _Clock)
    monkeypatch.setattr(_Clock, "at", T0)
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    owner = tenant("shipper", scope="read")
    _book(api_app, owner.org_id, ktz.org_id)
    assert ktz.client.post("/events", json={"events": [_move("DEPA", "KZDOS", 0)]}).status_code == 200
    on_time = owner.client.get(f"/track/{CONTAINER}").json()
    assert on_time["status"] == "in_transit" and on_time["eta"]["basis"] == "plan"
    assert on_time["progress"] == {"current_leg": 0, "legs": 2, "places_reached": 1, "places": 3}
    assert not [e for e in on_time["exceptions"] if e["kind"] == "missed_connection"]
    # the train arrives at Aktau after the ferry's planned departure
    assert ktz.client.post("/events", json={"events": [_move("ARRI", "KZAAU", 250)]}).status_code == 200
    _Clock.at = T0 + timedelta(hours=250)
    late = owner.client.get(f"/track/{CONTAINER}").json()
    assert late["last_event"]["locode"] == "KZAAU" and late["progress"]["current_leg"] == 1
    missed = [e for e in late["exceptions"] if e["kind"] == "missed_connection"]
    assert len(missed) == 1 and missed[0]["locode"] == "KZAAU"
    assert late["eta"]["p50"] > on_time["eta"]["p50"] and late["eta"]["p90"] >= late["eta"]["p50"]


def test_a_missed_connection_is_raised_once_when_the_late_arrival_is_stored(
        api_app: FastAPI, tenant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karvan.api.routers.track.datetime", _Clock)
    monkeypatch.setattr("karvan.tracking.service.datetime", _Clock)
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    owner = tenant("shipper", scope="read")
    _book(api_app, owner.org_id, ktz.org_id)
    monkeypatch.setattr(_Clock, "at", T0)
    assert ktz.client.post("/events", json={"events": [_move("DEPA", "KZDOS", 0)]}).status_code == 200
    assert not owner.client.get(f"/track/{CONTAINER}").json()["exceptions"]
    monkeypatch.setattr(_Clock, "at", T0 + timedelta(hours=250))
    assert ktz.client.post("/events", json={"events": [_move("ARRI", "KZAAU", 250)]}).status_code == 200
    first = [e for e in owner.client.get(f"/track/{CONTAINER}").json()["exceptions"]
             if e["kind"] == "missed_connection"]
    assert len(first) == 1 and first[0]["raised_at"] == (T0 + timedelta(hours=250)).isoformat()
    # read later, and another report stored: the same cause, still the first raising (the message
    # follows the current re-plan)
    monkeypatch.setattr(_Clock, "at", T0 + timedelta(hours=260))
    discharged = dcsa30_event("DISC-KZAAU", "EQUIPMENT", "DISC", (T0 + timedelta(hours=255)).isoformat(),
                              container=CONTAINER, locode="KZAAU")
    assert ktz.client.post("/events", json={"events": [discharged]}).status_code == 200
    again = [e for e in owner.client.get(f"/track/{CONTAINER}").json()["exceptions"]
             if e["kind"] == "missed_connection"]
    assert [(e["cause"], e["raised_at"]) for e in again] == [(e["cause"], e["raised_at"]) for e in first]
