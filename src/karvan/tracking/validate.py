"""Rules the standards' schemas cannot express, checked on every mapped event.

- the place is a real UN/LOCODE (the full code list, `karvan.network.unlocode`);
- an actual (ACT) event is not in the future (a clock-skew allowance of `FUTURE_TOLERANCE`);
- the event type agrees with its fields: the code is one of that type's codes, equipment, IoT and
  reefer events name a container, shipment events name a shipment or document and are ACT, transport
  events name a place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from karvan.network import unlocode
from karvan.tracking.codes import EXTENSIONS
from karvan.tracking.formats.common import FieldError
from karvan.tracking.model import CODES_BY_TYPE, Classifier, ContainerEvent, EventType

FUTURE_TOLERANCE = timedelta(minutes=5)
"""Reporters' clocks drift; an ACT event up to five minutes ahead of ours is accepted."""


_ALLOWED: dict[EventType, frozenset[str]] = {
    **CODES_BY_TYPE, EventType.EQUIPMENT: CODES_BY_TYPE[EventType.EQUIPMENT] | frozenset(EXTENSIONS)}
"""Codes each event type may carry: its DCSA codes; equipment events also Karvan's extensions."""
_NEEDS_CONTAINER = frozenset({EventType.EQUIPMENT, EventType.IOT, EventType.REEFER})


def problems(event: ContainerEvent, now: datetime | None = None) -> list[FieldError]:
    return checker(now or datetime.now(UTC))(event)


def checker(now: datetime) -> Callable[[ContainerEvent], list[FieldError]]:
    """`problems` with the clock read once: a bulk import checks every event against the same instant."""
    latest_act = now + FUTURE_TOLERANCE
    exists = unlocode.exists

    def check(event: ContainerEvent) -> list[FieldError]:
        found: list[FieldError] = []
        add = found.append
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
        if event_type in _NEEDS_CONTAINER and event.container is None:
            add(FieldError("equipmentReference", f"a {event_type.value} event must name a container"))
        if event_type is EventType.SHIPMENT:
            if event.shipment is None:
                add(FieldError("documentReferences", "a SHIPMENT event must name a booking or document"))
            if event.classifier is not Classifier.ACT:
                add(FieldError("eventClassifierCode", "SHIPMENT events are always actual (ACT)"))
        if event_type is EventType.TRANSPORT and event.locode is None and event.facility is None:
            add(FieldError("transportCall", "a TRANSPORT event must say where (UN/LOCODE or facility)"))
        return found

    return check
