"""The row shapes analytics reads: plain records, independent of how the database stores them.

`karvan.analytics.source` fills them from the tracking, booking and departure tables; tests build
them directly. All times are timezone-aware or UTC; they are normalised to UTC before analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def utc(value: datetime) -> datetime:
    """A naive UTC datetime (DuckDB TIMESTAMP); naive input is taken as UTC already."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


@dataclass(frozen=True)
class EventFact:
    """One tracking event (DCSA-style code, classifier ACT/EST/PLN) for one container."""

    event_time: datetime
    code: str
    classifier: str = "ACT"
    container: str | None = None
    shipment: str | None = None
    locode: str | None = None
    service: str | None = None
    departure: str | None = None
    mode: str | None = None
    received_at: datetime | None = None
    """when Karvan received it: for estimates, when the estimate was made."""


@dataclass(frozen=True)
class BookingFact:
    """A booking: its planned departure and arrival, size, corridor and the references events carry."""

    booking_id: str
    status: str
    teu: int
    origin: str
    destination: str
    departs_at: datetime
    arrives_at: datetime
    corridor: str = "unknown"
    shipment_id: str | None = None


@dataclass(frozen=True)
class DepartureFact:
    departure_id: str
    service_id: str
    origin: str
    destination: str
    departs_at: datetime
    capacity_teu: int
    booked_teu: int
    status: str = "scheduled"
