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


# The code lists of DCSA Track & Trace 3.0.0 (`EventClassification`), which include every 2.2 code.
EQUIPMENT_CODES = frozenset({"AVDO", "AVPU", "CROS", "CUSI", "CUSR", "CUSS", "DISC", "DROP", "GTIN", "GTOT",
                             "INSP", "LOAD", "PICK", "RMVD", "RSEA", "STRP", "STUF"})
TRANSPORT_CODES = frozenset({"ARRI", "DEPA"})
SHIPMENT_CODES = frozenset({"AMCF", "AMCN", "AMDC", "AMPR", "AMRE", "APPR", "CACF", "CADC", "CANC", "CARE",
                            "CMPL", "CONF", "DECL", "DRFT", "HOLD", "ISSU", "PENA", "PENM", "PENU", "PSAM",
                            "PSDL", "RECE", "REJE", "RELS", "REQS", "SUAM", "SUBM", "SUDL", "SURR", "UPCF",
                            "UPCN", "UPDC", "UPDT", "UPRE", "VOID"})
IOT_CODES = frozenset({"DETC"})
REEFER_CODES = frozenset({"MEAS", "ADJU"})
OTHER = "OTHER"
"""The code of an EPCIS event whose business step is not a container move (commissioning, assembling...);
the step itself is kept in `details["bizStep"]`. Such events never set a container's status."""

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

    `code` is the DCSA event type code (LOAD, DEPA...), a Karvan extension code (see
    `karvan.tracking.codes`) or `OTHER`. `container` is an ISO 6346 number; `identifiers` keeps the
    other things the event is about (SSCC logistic units and SGTIN trade items as canonical GS1 Digital
    Link URIs, any other EPC as given). `latitude`/`longitude` are where it happened when the reporter
    gave coordinates. `details` holds type-specific data (reefer measurements, IoT codes, EPCIS action)
    that the state engine does not need; `original` is the event exactly as the standard document gave it.
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
    latitude: float | None = None
    longitude: float | None = None
    original: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def event_time_utc(self) -> datetime:
        return self.event_time.astimezone(UTC)

    @property
    def is_actual(self) -> bool:
        return self.classifier is Classifier.ACT


def utc_text(moment: datetime) -> str:
    """Fixed-width UTC text (microseconds, 'Z'): sorts as time does, in SQL and in Python."""
    # the UTC time's isoformat ends in "+00:00"; cutting it is half the cost of dropping the tzinfo first
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def parse_time(text: str) -> datetime:
    """An ISO 8601 date-time that must carry an offset (Z or +hh:mm)."""
    value = datetime.fromisoformat(text.replace("z", "Z"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; add Z or +hh:mm")
    return value
