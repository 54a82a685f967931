"""DCSA Track & Trace documents, 2.2 and 3.0.0: which version an event is, and its official schema.

A 2.2 event is flat and must have `eventType` (its schema requires it); a 3.0.0 event has no top-level
`eventType` (it sits in `eventClassification`). So each event is read by the version it is written in:
a bare array (2.2's response), a `{"events": [...]}` body (3.0.0's request and response) or one event.
"""

from __future__ import annotations

from typing import Any

from karvan.tracking import schemas
from karvan.tracking.formats import dcsa22, dcsa30
from karvan.tracking.model import ContainerEvent


def unwrap(document: Any) -> list[Any]:
    """The events of a 2.2 array, a 3.0 `{"events": [...]}` body, or a single event."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        return list(document["events"])
    return [document]


def is_22(raw: Any) -> bool:
    return isinstance(raw, dict) and "eventType" in raw


def schema(raw: Any) -> str:
    """The official schema an event is checked against."""
    if is_22(raw):
        return schemas.DCSA_22_EVENTS.get(str(raw["eventType"]), schemas.DCSA_22_ANY)
    return schemas.DCSA_30_EVENT


def to_events(raw: dict[str, Any], source: str = "dcsa") -> list[ContainerEvent]:
    return dcsa22.to_events(raw) if is_22(raw) else dcsa30.to_events(raw)
