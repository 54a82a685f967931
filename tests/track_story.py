"""The tracking story that API and browser tests tell: one container booked Dostyk -> Aktau (rail) ->
Alat (ferry) from 5 October 2026, its moves as DCSA 3.0 events, and the tracking clock pinned to the
story's time (the ETA and its re-plan follow the clock)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from dcsa_events import dcsa30_event
from fastapi import FastAPI

from karvan.store.booking_models import (
    BookingLegRow,
    BookingRow,
    QuoteRow,
    ShipmentContainerRow,
    ShipmentRow,
)
from karvan.store.db import Database
from karvan.store.models import Departure

CONTAINER = "CSQU3054383"
T0 = datetime(2026, 10, 5, 6, tzinfo=UTC)
LEGS = (("KTZ-DOS-AAU", "KTZ", "KZDOS", "KZAAU", 0, 100),
        ("KMTF-AAU-ALA", "KMTF", "KZAAU", "AZALA", 200, 240))
"""service, operator, origin, destination, departure and arrival in hours after T0"""


def book(db: Database, org_id: str, operator_org: str) -> tuple[str, str]:
    """A confirmed booking of CONTAINER on LEGS, valid as the API reads it back; returns (shipment id,
    booking id)."""
    with db.write_session() as session:
        parties = {"shipper": {"name": "Khorgos Parts LLP", "country": "KZ"},
                   "consignee": {"name": "Baku Motors LLC", "country": "AZ"}}
        shipment = ShipmentRow(org_id=org_id, created_by="test", reference="", parties=parties)
        quote = QuoteRow(org_id=org_id, created_by="test", valid_until=T0, request={}, itineraries=[])
        session.add_all([shipment, quote])
        session.flush()
        session.add(ShipmentContainerRow(shipment_id=shipment.id, position=0, number=CONTAINER,
                                         container_type="40HC", gross_kg=20000, cargo_description="parts",
                                         hs_code="870899"))
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
        ids = shipment.id, booking.id
        session.commit()
    return ids


def move(code: str, locode: str, hours: float) -> dict[str, Any]:
    """An actual DCSA 3.0 transport event of CONTAINER on the train, `hours` after T0."""
    moment = (T0 + timedelta(hours=hours)).isoformat()
    return dcsa30_event(f"{code}-{locode}", "TRANSPORT", code, moment, container=CONTAINER, locode=locode,
                        service="KTZ-DOS-AAU")


class Clock(datetime):
    """The tracking route's clock (`karvan.api.routers.track.datetime`), pinned to `Clock.at`."""

    at = T0

    @classmethod
    def now(cls, tz: Any = None) -> Clock:
        return cls.fromtimestamp(cls.at.timestamp(), tz)


def pinned_app() -> FastAPI:
    """`uvicorn --factory track_story:pinned_app`: the app whose tracking clock stands still at
    $KARVAN_TEST_NOW (ISO 8601), for browser tests that run the server in its own process."""
    from karvan.api.app import create_app
    from karvan.api.routers import track

    Clock.at = datetime.fromisoformat(os.environ["KARVAN_TEST_NOW"])
    track.datetime = Clock  # type: ignore[attr-defined]
    return create_app()
