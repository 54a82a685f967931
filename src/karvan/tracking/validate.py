"""Rules the standards' schemas cannot express, checked on every mapped event.

- the place is a real UN/LOCODE (the full code list, `karvan.network.unlocode`);
- an actual (ACT) event is not in the future (a clock-skew allowance of `FUTURE_TOLERANCE`);
- the event type agrees with its fields: the code is one of that type's codes; equipment, IoT and
  reefer events name what they are about (a container, a booking or document, or for EPCIS another
  EPC such as an SSCC);
  shipment events name a booking, document or shipment reference; a retraction withdraws a stored event.
The ISO 6346 check digit is checked where a container number is read (`formats.common`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from karvan.network import unlocode
from karvan.tracking.codes import EXTENSIONS
from karvan.tracking.formats.common import FieldError
from karvan.tracking.model import CODES_BY_TYPE, OTHER, Classifier, ContainerEvent, EventType

FUTURE_TOLERANCE = timedelta(minutes=5)
"""Reporters' clocks drift; an ACT event up to five minutes ahead of ours is accepted."""


_ALLOWED: dict[EventType, frozenset[str]] = {
    **CODES_BY_TYPE,
    EventType.EQUIPMENT: CODES_BY_TYPE[EventType.EQUIPMENT] | frozenset(EXTENSIONS) | {OTHER}}
"""Codes each event type may carry: its DCSA codes; equipment events also Karvan's extensions and OTHER
(an EPCIS business step that is not a container move)."""
NEEDS_CONTAINER = frozenset({EventType.EQUIPMENT, EventType.IOT, EventType.REEFER})
"""Event types about equipment: they must name a container (or what stands for one)."""


def allowed_codes(event_type: EventType) -> frozenset[str]:
    return _ALLOWED[event_type]


def problems(event: ContainerEvent, now: datetime | None = None) -> list[FieldError]:
    return checker(now or datetime.now(UTC))(event)


def checker(now: datetime) -> Callable[[ContainerEvent], list[FieldError]]:
    """`problems` with the clock read once: a bulk import checks every event against the same instant."""
    latest_act = now + FUTURE_TOLERANCE
    exists = unlocode.exists

    def check(event: ContainerEvent) -> list[FieldError]:
        found: list[FieldError] = []
        add = found.append
        if event.details.get("retractionOnly"):
            return [FieldError("eventID", f"isRetracted withdraws event {event.event_id!r}, which is not "
                                          "stored; send the retraction after the event")]
        event_type = event.event_type
        if event.locode is not None and not exists(event.locode):
            add(FieldError("locode", f"{event.locode} is not in the UN/LOCODE list"))
        if event.classifier is Classifier.ACT and event.event_time > latest_act:
            add(FieldError("eventDateTime", f"an actual (ACT) event cannot be in the future "
                                            f"({event.event_time.isoformat()}); send it as EST or PLN"))
        if event.code not in _ALLOWED[event_type]:
            allowed = CODES_BY_TYPE[event_type]
            add(FieldError("code", f"{event.code} is not a {event_type.value} event code "
                                   f"(one of {', '.join(sorted(allowed))})"))
        if event_type in NEEDS_CONTAINER and not (event.container or event.identifiers or event.references):
            add(FieldError("equipmentReference", f"a {event_type.value} event must name what it is about: "
                                                 "a container, a booking or document, or (EPCIS) an EPC"))
        if event_type is EventType.SHIPMENT and event.shipment is None and not event.references:
            add(FieldError("documentReference", "a SHIPMENT event must name a booking, transport document "
                                                "or shipment reference"))
        return found

    return check
