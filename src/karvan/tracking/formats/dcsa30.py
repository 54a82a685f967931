"""DCSA Track & Trace 3.0.0 events: nested objects, every field optional in the schema.

`eventClassification` says what happened (`eventTypeCode`, `eventClassifierCode` and the type's own
code), `eventLocation` where (UN/LOCODE, facility, address, or only a `geoCoordinate`), and the details
objects what it is about: `equipmentDetails` (the container), `shipmentDetails` (booking and transport
document references), `transportDetails.transportCall` (service, voyage, mode), `iotDetails`,
`reeferDetails`. `eventRouting.originatingParty` is the reporter. `eventID` is free text.
A retraction (`isRetracted`) may carry nothing but `eventID`: its other fields come from the stored
event it withdraws (`details["retractionOnly"]`, completed by `tracking.ingest`).
"""

from __future__ import annotations

from typing import Any

from karvan.tracking.codes import EXTENSIONS
from karvan.tracking.formats.common import FieldError, container_number, optional_time, time_field
from karvan.tracking.model import OTHER, Classifier, ContainerEvent, EventType, Routing

CODE_FIELDS = {
    EventType.EQUIPMENT: "equipmentEventTypeCode",
    EventType.TRANSPORT: "transportEventTypeCode",
    EventType.SHIPMENT: "shipmentEventTypeCode",
    EventType.IOT: "iotEventTypeCode",
    EventType.REEFER: "reeferEventTypeCode",
}
_MODES = frozenset({"VESSEL", "RAIL", "TRUCK", "BARGE", "MULTIMODAL"})
_SHIPMENT_TYPES = ("BKG", "CBR", "TRD")
"""Document reference types that name the shipment an event belongs to, booking first."""


def _object(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def _classification(raw: dict[str, Any]) -> tuple[EventType, str, Classifier]:
    classification = _object(raw, "eventClassification")
    where = "eventClassification"
    type_text = classification.get("eventTypeCode")
    if type_text not in EventType.__members__:
        raise FieldError(f"{where}.eventTypeCode", f"{type_text!r} is not SHIPMENT, TRANSPORT, EQUIPMENT, "
                                                   "IOT or REEFER")
    event_type = EventType(str(type_text))
    code_field = CODE_FIELDS[event_type]
    for other_type, other_field in CODE_FIELDS.items():
        if other_type is not event_type and classification.get(other_field):
            raise FieldError(f"{where}.{other_field}",
                             f"a {event_type.value} event cannot carry {other_field}")
    own = raw.get("karvan:eventCode")  # Karvan's own exports: an extension code or OTHER, kept alongside
    code = own if own == OTHER or own in EXTENSIONS else classification.get(code_field)
    if not code:
        raise FieldError(f"{where}.{code_field}", f"a {event_type.value} event needs {code_field}")
    classifier = classification.get("eventClassifierCode")
    if classifier not in Classifier.__members__:
        raise FieldError(f"{where}.eventClassifierCode", f"{classifier!r} is not PLN, EST or ACT")
    return event_type, str(code), Classifier(str(classifier))


def _coordinate(location: dict[str, Any]) -> tuple[float | None, float | None]:
    point = _object(location, "geoCoordinate")
    if not point:
        return None, None
    values = []
    for key, limit in (("latitude", 90.0), ("longitude", 180.0)):
        path = f"eventLocation.geoCoordinate.{key}"
        try:
            value = float(point[key])
        except (KeyError, ValueError):
            raise FieldError(path, f"{key} must be a decimal number of degrees") from None
        if not -limit <= value <= limit:
            raise FieldError(path, f"{value} is outside -{limit:g}..{limit:g} degrees")
        values.append(value)
    return values[0], values[1]


def _documents(shipment: dict[str, Any]) -> list[dict[str, Any]]:
    """The booking and transport document references, the main one first."""
    listed = [_object(shipment, "documentReference"), *(shipment.get("additionalDocumentReferences") or [])]
    return [d for d in listed if isinstance(d, dict) and d.get("reference")]


def _references(shipment: dict[str, Any]) -> list[tuple[str, str]]:
    documents = _documents(shipment)
    refs = [(str(d.get("typeCode") or ""), str(d["reference"])) for d in documents]
    refs += [(str(r.get("typeCode") or ""), str(r["reference"])) for r in shipment.get("shipmentReferences")
             or [] if r.get("reference")]
    return refs


def _shipment(refs: list[tuple[str, str]], document_count: int) -> str | None:
    documents = refs[:document_count]
    for kind in _SHIPMENT_TYPES:
        found = next((value for k, value in documents if k == kind), None)
        if found:
            return found
    return documents[0][1] if documents else None


def _container(raw: dict[str, Any], refs: list[tuple[str, str]]) -> str | None:
    equipment = _object(raw, "equipmentDetails")
    if equipment.get("equipmentReference"):
        return container_number(str(equipment["equipmentReference"]), "equipmentDetails.equipmentReference")
    for position, (kind, value) in enumerate(refs):
        if kind == "EQ":
            return container_number(value, f"shipmentDetails.shipmentReferences[{position}].reference")
    return None


def _transport(raw: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(service, departure, mode) from the transport call."""
    call = _object(_object(raw, "transportDetails"), "transportCall")
    service = _object(call, "serviceCodeOrReference")
    voyage = _object(call, "exportVoyageNumberOrReference") or _object(call, "importVoyageNumberOrReference")
    rail = _object(call, "railTransport")
    mode = call.get("modeOfTransport")
    return (service.get("carrierServiceCode") or service.get("universalServiceReference"),
            rail.get("departureID") or voyage.get("carrierVoyageNumber")
            or voyage.get("universalVoyageReference"),
            str(mode) if mode in _MODES else None)


def _details(raw: dict[str, Any]) -> dict[str, Any]:
    """What the state and the Track page show besides the columns: IoT code, reefer readings, delays."""
    details: dict[str, Any] = {}
    if _object(raw, "iotDetails").get("iotEventCode"):
        details["iotEventCode"] = raw["iotDetails"]["iotEventCode"]
    if _object(raw, "reeferDetails"):
        details["reefer"] = raw["reeferDetails"]
    transport = _object(raw, "transportDetails")
    if transport.get("delayReasonCodes"):
        details["delayReasonCodes"] = transport["delayReasonCodes"]
    return details


def _retraction(raw: dict[str, Any], source: str) -> ContainerEvent:
    """A retraction that says only which event it withdraws; `tracking.ingest` fills in the rest."""
    updated = time_field(raw, "eventUpdatedDateTime")
    return ContainerEvent(
        event_id=str(raw.get("eventID") or ""), event_type=EventType.EQUIPMENT, code="",
        classifier=Classifier.ACT, event_time=updated, updated_at=updated, retracted=True,
        details={"retractionOnly": True}, source_format=source, original=raw)


def to_events(raw: dict[str, Any], source: str = "dcsa-3.0.0") -> list[ContainerEvent]:
    if raw.get("isRetracted") and not raw.get("eventClassification"):
        return [_retraction(raw, source)]
    event_type, code, classifier = _classification(raw)
    shipment_details = _object(raw, "shipmentDetails")
    refs = _references(shipment_details)
    documents = len(_documents(shipment_details))
    location = _object(raw, "eventLocation")
    facility = _object(location, "facility").get("facilityCode")
    latitude, longitude = _coordinate(location)
    service, departure, mode = _transport(raw)
    routing = _object(raw, "eventRouting")
    originator = _object(routing, "originatingParty").get("partyCode")
    forwarders = tuple(str(p["partyCode"]) for p in routing.get("forwardingParties") or []
                       if isinstance(p, dict) and p.get("partyCode"))
    return [ContainerEvent(
        event_id=str(raw.get("eventID") or ""),
        event_type=event_type,
        code=code,
        classifier=classifier,
        event_time=time_field(raw, "eventDateTime"),
        container=_container(raw, refs),
        shipment=_shipment(refs, documents),
        references=tuple(refs),
        locode=location.get("UNLocationCode") or None,
        facility=str(facility) if facility else None,
        service=service,
        departure=departure,
        mode=mode,
        operator=str(originator) if originator else None,
        updated_at=optional_time(raw, "eventUpdatedDateTime"),
        retracted=bool(raw.get("isRetracted")),
        routing=Routing(str(originator) if originator else None, forwarders),
        details=_details(raw),
        source_format=source,
        latitude=latitude,
        longitude=longitude,
        original=raw,
    )]
