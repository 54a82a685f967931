"""Karvan's own JSON event form (`{"events": [...]}`), also the shape each CSV row is read into."""

from __future__ import annotations

from typing import Any

from karvan.tracking.formats.common import FieldError, container_number, optional_time, time_field
from karvan.tracking.model import Classifier, ContainerEvent, EventType, Routing

SCHEMA = "karvan-event"
_TYPES = {t.value: t for t in EventType}
_CLASSIFIERS = {c.value: c for c in Classifier}
_NO_ROUTING = Routing()


def schema(_raw: Any) -> str:
    return SCHEMA


def unwrap(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        return list(document["events"])
    return [document]


def _event(**values: Any) -> ContainerEvent:
    """`ContainerEvent(**values)` given every field, without the frozen dataclass's `object.__setattr__`
    per field: a third of mapping a CSV row on a bulk import. The event is as frozen as any other
    (test_formats checks the two constructions give equal events with the same fields)."""
    event = object.__new__(ContainerEvent)
    event.__dict__.update(values)
    return event


def to_events(raw: dict[str, Any], source: str = "karvan") -> list[ContainerEvent]:
    listed = raw.get("references")
    refs = tuple((str(r["type"]), str(r["value"])) for r in listed) if listed else ()
    container = raw.get("container")
    if container:
        container = container_number(str(container), "container")
    else:
        eq = [(i, v) for i, (k, v) in enumerate(refs) if k == "EQ"]
        container = container_number(eq[0][1], f"references[{eq[0][0]}].value") if eq else None
    event_type = _TYPES.get(raw.get("type", ""))
    classifier = _CLASSIFIERS.get(raw.get("classifier", ""))
    if event_type is None or classifier is None:
        raise FieldError("type" if event_type is None else "classifier",
                         "not a known event type or classifier")
    operator = raw.get("operator")
    details = raw.get("details")
    return [_event(
        event_id=str(raw.get("eventId") or ""),
        event_type=event_type,
        code=str(raw["code"]),
        classifier=classifier,
        event_time=time_field(raw, "time"),
        container=container,
        shipment=raw.get("shipment") or None,
        references=refs,
        locode=raw.get("locode") or None,
        facility=raw.get("facility") or None,
        service=raw.get("service") or None,
        departure=raw.get("departure") or None,
        mode=raw.get("mode") or None,
        operator=operator or None,
        updated_at=optional_time(raw, "updatedAt"),
        retracted=bool(raw.get("retracted")),
        routing=Routing(operator) if operator else _NO_ROUTING,
        identifiers=(),
        details=dict(details) if details else {},
        source_format=source,
        latitude=None,
        longitude=None,
        original=None,
    )]
