"""Reading analytics rows from Karvan's database (SQLite or PostgreSQL) through SQLAlchemy, read only.

DuckDB's own SQLite and PostgreSQL scanners are extensions it downloads at run time, which an
offline installation cannot do, so rows are selected here and copied into DuckDB by `Warehouse`.
Bookings and events are limited to one organisation unless `org_id` is None (the operator of the
installation at the command line); departures are public timetable facts and always included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.analytics.rows import BookingFact, DepartureFact, EventFact
from karvan.analytics.warehouse import Warehouse
from karvan.store.booking_models import BookingLegRow, BookingRow, QuoteRow
from karvan.store.models import Departure
from karvan.store.tracking_models import EventRow


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_events(session: Session, org_id: str | None = None) -> list[EventFact]:
    query = select(EventRow).where(EventRow.retracted.is_(False))
    if org_id is not None:
        query = query.where(EventRow.org_id == org_id)
    facts = []
    for row in session.scalars(query):
        at = _parse_time(row.event_time)
        if at is None:
            continue
        facts.append(EventFact(
            event_time=at, code=row.code, classifier=row.classifier, container=row.container,
            shipment=row.shipment, locode=row.locode, service=row.service, departure=row.departure,
            mode=row.mode, received_at=_parse_time(row.received_at)))
    return facts


def _corridor(itineraries: list[dict[str, Any]] | None, index: int) -> str:
    if itineraries and 0 <= index < len(itineraries):
        return str(itineraries[index].get("corridor") or "unknown")
    return "unknown"


def read_bookings(session: Session, org_id: str | None = None) -> list[BookingFact]:
    query = select(BookingRow, QuoteRow.itineraries).join(QuoteRow, QuoteRow.id == BookingRow.quote_id)
    if org_id is not None:
        query = query.where(BookingRow.org_id == org_id)
    ends: dict[str, tuple[str, str]] = {}
    legs = select(BookingLegRow).order_by(BookingLegRow.booking_id, BookingLegRow.position)
    for leg in session.scalars(legs):
        first = ends.get(leg.booking_id, (leg.origin, leg.destination))[0]
        ends[leg.booking_id] = (first, leg.destination)
    facts = []
    for booking, itineraries in session.execute(query):
        origin, destination = ends.get(booking.id, ("", ""))
        facts.append(BookingFact(
            booking_id=booking.id, status=booking.status, teu=booking.teu, origin=origin,
            destination=destination, departs_at=booking.departs_at, arrives_at=booking.arrives_at,
            corridor=_corridor(itineraries, booking.itinerary_index), shipment_id=booking.shipment_id))
    return facts


def read_departures(session: Session) -> list[DepartureFact]:
    return [DepartureFact(d.id, d.service_id, d.origin, d.destination, d.departs_at, d.capacity_teu,
                          d.booked_teu, d.status) for d in session.scalars(select(Departure))]


def warehouse_from_database(session: Session, org_id: str | None = None) -> Warehouse:
    """A DuckDB snapshot of the organisation's events and bookings and all departures."""
    return Warehouse(read_events(session, org_id), read_bookings(session, org_id), read_departures(session))

