"""Standard documents for tests: DCSA Track & Trace 3.0.0 events in the official nested shape (tests
across packages post them; `tests/tracking/test_formats.py` checks the builder against the bundled
schema), and fixture files checked against the bundled official schemas before use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from karvan.tracking import schemas

_CODE_FIELDS = {"EQUIPMENT": "equipmentEventTypeCode", "TRANSPORT": "transportEventTypeCode",
                "SHIPMENT": "shipmentEventTypeCode", "IOT": "iotEventTypeCode",
                "REEFER": "reeferEventTypeCode"}


def dcsa30_event(event_id: str, event_type: str, code: str, moment: str, *, container: str | None = None,
                 locode: str | None = None, service: str | None = None, classifier: str = "ACT",
                 booking: str | None = None, **extra: Any) -> dict[str, Any]:
    """One event: what happened, when, where, to which container, on which service and booking."""
    event: dict[str, Any] = {
        "eventID": event_id, "eventDateTime": moment,
        "eventClassification": {"eventTypeCode": event_type, "eventClassifierCode": classifier,
                                _CODE_FIELDS[event_type]: code}}
    if locode:
        event["eventLocation"] = {"UNLocationCode": locode}
    if container:
        event["equipmentDetails"] = {"equipmentReference": container}
    if service:
        call = {"modeOfTransport": "RAIL", "serviceCodeOrReference": {"carrierServiceCode": service}}
        event["transportDetails"] = {"transportCall": call}
    if booking:
        event["shipmentDetails"] = {"documentReference": {"typeCode": "BKG", "reference": booking}}
    event.update(extra)
    return event


def official(path: Path) -> str:
    """The text of a standard document fixture, after checking it against the bundled official schema
    (each DCSA event against its version's event schema, an EPCIS document as a whole), so a fixture in
    a wrong shape fails loudly before Karvan reads it."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        return text
    document = json.loads(text)
    if path.suffix == ".jsonld":
        problems = list(schemas.errors(schemas.EPCIS_20, document))
    else:
        events = document if isinstance(document, list) else document.get("events", [document])
        problems = [(f"[{i}]{where}", message) for i, event in enumerate(events)
                    for where, message in schemas.errors(_schema(event), event)]
    assert problems == [], f"{path.name} breaks the official schema: {problems}"
    return text


def _schema(event: dict[str, Any]) -> str:
    if "eventType" in event:  # 2.2 requires it; 3.0 has no such field
        return schemas.DCSA_22_EVENTS[event["eventType"]]
    return schemas.DCSA_30_EVENT
