"""Rules the standards' schemas cannot express, checked on every mapped event.

- the place is a real UN/LOCODE (the full code list, `karvan.network.unlocode`);
- an actual (ACT) event is not in the future (a clock-skew allowance of `FUTURE_TOLERANCE`);
- the event type agrees with its fields: the code is one of that type's codes, equipment, IoT and
  reefer events name a container, shipment events name a shipment or document and are ACT, transport
  events name a place.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from karvan.network import unlocode
from karvan.tracking.codes import EXTENSIONS
from karvan.tracking.formats.common import FieldError
from karvan.tracking.model import CODES_BY_TYPE, Classifier, ContainerEvent, EventType

FUTURE_TOLERANCE = timedelta(minutes=5)
"""Reporters' clocks drift; an ACT event up to five minutes ahead of ours is accepted."""


def problems(event: ContainerEvent, now: datetime | None = None) -> Iterator[FieldError]:
    now = now or datetime.now(UTC)
    if event.locode is not None and not unlocode.exists(event.locode):
        yield FieldError("locode", f"{event.locode} is not in the UN/LOCODE list")
    if event.classifier is Classifier.ACT and event.event_time > now + FUTURE_TOLERANCE:
        yield FieldError("eventDateTime", f"an actual (ACT) event cannot be in the future "
                                          f"({event.event_time.isoformat()}); send it as EST or PLN")
    allowed = CODES_BY_TYPE[event.event_type]
    if event.code not in allowed and not (event.event_type is EventType.EQUIPMENT
                                          and event.code in EXTENSIONS):
        yield FieldError("code", f"{event.code} is not a {event.event_type.value} event code "
                                 f"(one of {', '.join(sorted(allowed))})")
    needs_container = event.event_type in (EventType.EQUIPMENT, EventType.IOT, EventType.REEFER)
    if needs_container and event.container is None:
        yield FieldError("equipmentReference", f"a {event.event_type.value} event must name a container")
    if event.event_type is EventType.SHIPMENT:
        if event.shipment is None:
            yield FieldError("documentReferences", "a SHIPMENT event must name a booking or document")
        if event.classifier is not Classifier.ACT:
            yield FieldError("eventClassifierCode", "SHIPMENT events are always actual (ACT)")
    if event.event_type is EventType.TRANSPORT and event.locode is None and event.facility is None:
        yield FieldError("transportCall", "a TRANSPORT event must say where (UN/LOCODE or facility)")
