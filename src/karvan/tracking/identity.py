"""When two reported events are the same event.

Rule (pinned, tested): two events are one if they have the same `event_id` and version time, or the
same *content key*. The content key is a SHA-256 over what the event says happened, leaving out who
sent it, when it was sent, its id and the format it came in:
type, code, classifier, event time in UTC to the microsecond, container, shipment, sorted references,
place, facility, service, departure, mode, retracted flag and version time in UTC; and, only when
the event has them (so keys of events without them never change), its coordinates, the other
identifiers it names (SSCC, SGTIN...), and for an `OTHER` event its business step.
So one instant written with two offsets (10:00+05:00 and 05:00Z) is one event, and the same fact sent
as DCSA and as EPCIS is stored once. The key keeps 128 bits of the hash (32 hex characters): enough
to make an accidental collision negligible, and a smaller index to insert into on bulk import.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from karvan.tracking.model import OTHER, ContainerEvent, utc_text

_NAMESPACE = uuid.UUID("6f1f1c39-4c59-4a43-9c9a-2d1f3b0a7e11")


def content_key(event: ContainerEvent, event_time_text: str | None = None) -> str:
    """The key; `event_time_text` is `utc_text(event.event_time)` when the caller has it already."""
    refs = json.dumps(sorted(event.references), separators=(",", ":")) if event.references else ""
    fields: tuple[str, ...] = (
        str(event.event_type), event.code, str(event.classifier),  # StrEnum: str() is the value
        event_time_text or utc_text(event.event_time),
        event.container or "", event.shipment or "", refs, event.locode or "", event.facility or "",
        event.service or "", event.departure or "", event.mode or "", "R" if event.retracted else "",
        utc_text(event.updated_at) if event.updated_at else "",
    )
    if event.latitude is not None or event.longitude is not None or event.identifiers or event.code == OTHER:
        fields += (repr(event.latitude), repr(event.longitude), *sorted(event.identifiers),
                   str(event.details.get("bizStep", "")) if event.code == OTHER else "")
    # repr of a tuple of strings quotes and escapes each one, so no two tuples give the same text
    return hashlib.sha256(repr(fields).encode()).hexdigest()[:32]


def derived_event_id(key: str) -> str:
    """An id for events that came without one: a UUID derived from the content, so re-imports agree."""
    return str(uuid.uuid5(_NAMESPACE, key))


def version_text(event: ContainerEvent) -> str:
    """The version part of an event's identity; '' for an event never updated."""
    return utc_text(event.updated_at) if event.updated_at else ""
