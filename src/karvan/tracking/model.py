"""The one internal event model every input format maps to, and every export is made from.

A `ContainerEvent` follows the DCSA Track & Trace 3.0 hub design: an `event_id` that stays the same
across versions, `updated_at` ordering the versions (the newest replaces older ones for state, all are
kept), `retracted` marking a withdrawn event, and `routing` naming who originated and forwarded it.
Times are timezone-aware; `event_time` keeps the offset it was reported with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    SHIPMENT = "SHIPMENT"
    TRANSPORT = "TRANSPORT"
    EQUIPMENT = "EQUIPMENT"
    IOT = "IOT"
    REEFER = "REEFER"


class Classifier(StrEnum):
    """DCSA event classifier: planned, estimated or actual."""

    PLN = "PLN"
    EST = "EST"
    ACT = "ACT"


EQUIPMENT_CODES = frozenset({"LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "DROP", "INSP",
                             "RSEA", "RMVD"})
TRANSPORT_CODES = frozenset({"ARRI", "DEPA"})
SHIPMENT_CODES = frozenset({"RECE", "DRFT", "PENA", "PENU", "REJE", "APPR", "ISSU", "SURR", "SUBM",
                            "VOID", "CONF", "REQS", "CMPL", "HOLD", "RELS"})
IOT_CODES = frozenset({"DETC"})
REEFER_CODES = frozenset({"MEAS", "ADJU"})

CODES_BY_TYPE: dict[EventType, frozenset[str]] = {
    EventType.EQUIPMENT: EQUIPMENT_CODES,
    EventType.TRANSPORT: TRANSPORT_CODES,
    EventType.SHIPMENT: SHIPMENT_CODES,
    EventType.IOT: IOT_CODES,
    EventType.REEFER: REEFER_CODES,
}


@dataclass(frozen=True)
class Routing:
    """Who created the event and who passed it on (DCSA 3.0 eventRouting)."""

    originator: str | None = None
    forwarders: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContainerEvent:
    """One reported fact about a container, shipment or transport, in Karvan's own terms.

    `code` is the DCSA event type code (LOAD, DEPA...) or a Karvan extension code (see
    `karvan.tracking.codes`). `container` is an ISO 6346 number; `identifiers` keeps other
    identifiers as given (SSCC, GTIN, EPC URNs). `details` holds type-specific data (reefer
    measurements, IoT codes, EPCIS action) that the state engine does not need.
    """

    event_id: str
    event_type: EventType
    code: str
    classifier: Classifier
    event_time: datetime
    container: str | None = None
    shipment: str | None = None
    references: tuple[tuple[str, str], ...] = ()
    locode: str | None = None
    facility: str | None = None
    service: str | None = None
    departure: str | None = None
    mode: str | None = None
    operator: str | None = None
    updated_at: datetime | None = None
    retracted: bool = False
    routing: Routing = field(default_factory=Routing)
    identifiers: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    source_format: str = "karvan"

    @property
    def event_time_utc(self) -> datetime:
        return self.event_time.astimezone(UTC)

    @property
    def is_actual(self) -> bool:
        return self.classifier is Classifier.ACT


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text (microseconds, 'Z'): sorts as time does, in SQL and in Python."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time that must carry an offset (Z or +hh:mm)."""
    value = datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; add Z or +hh:mm")
    return value
