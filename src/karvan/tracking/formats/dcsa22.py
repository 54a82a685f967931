"""DCSA Track & Trace 2.2 events: flat objects, `eventType` SHIPMENT, TRANSPORT or EQUIPMENT, each type
with its own `*EventTypeCode`; places in `eventLocation` or `transportCall`, containers in
`equipmentReference` or in a `references` entry of type `EQ`. (2.2 has no IoT or reefer
events: its schema refuses them.)
"""

from __future__ import annotations

from typing import Any

from karvan.tracking.formats.common import FieldError, container_number, optional_time, time_field
from karvan.tracking.model import Classifier, ContainerEvent, EventType, Routing

_CODE_FIELDS = {
    EventType.EQUIPMENT: "equipmentEventTypeCode",
    EventType.TRANSPORT: "transportEventTypeCode",
    EventType.SHIPMENT: "shipmentEventTypeCode",
    EventType.IOT: "iotEventTypeCode",
    EventType.REEFER: "reeferEventTypeCode",
}
_MODES = {"VESSEL": "VESSEL", "RAIL": "RAIL", "TRUCK": "TRUCK", "BARGE": "BARGE"}


def _flat(raw: dict[str, Any]) -> dict[str, Any]:
    flat = dict(raw)
    if "documentReference" in flat and "documentID" not in flat:
        flat["documentID"] = flat["documentReference"]
    return flat


def _event_type(flat: dict[str, Any]) -> EventType:
    if flat.get("eventType"):
        return EventType(flat["eventType"])
    present = [t for t, key in _CODE_FIELDS.items() if flat.get(key)]
    if len(present) != 1:
        raise FieldError("eventType", "give eventType, or exactly one of the *EventTypeCode fields")
    return present[0]


def _party_code(party: Any) -> str | None:
    if not isinstance(party, dict):
        return None
    codes = party.get("identifyingCodes") or []
    if codes and isinstance(codes[0], dict) and codes[0].get("partyCode"):
        return str(codes[0]["partyCode"])
    name = party.get("partyName")
    return str(name) if name else None


def _place(flat: dict[str, Any]) -> tuple[str | None, str | None]:
    call = flat.get("transportCall") or {}
    candidates = [flat.get("location") or {}, flat.get("eventLocation") or {}, call,
                  call.get("location") or {}]
    locode = next((c["UNLocationCode"] for c in candidates if c.get("UNLocationCode")), None)
    facility = next((c.get("facilityCode") or (c.get("facility") or {}).get("facilityCode")
                     for c in candidates if c.get("facilityCode") or (c.get("facility") or {})
                     .get("facilityCode")), None)
    return locode, facility


def _references(flat: dict[str, Any]) -> list[tuple[str, str]]:
    refs = [(str(r["referenceType"]), str(r["referenceValue"])) for r in flat.get("references") or []]
    refs += [(str(r["documentReferenceType"]), str(r["documentReferenceValue"]))
             for r in flat.get("documentReferences") or []]
    if flat.get("documentID") and flat.get("documentTypeCode"):
        refs.append((str(flat["documentTypeCode"]), str(flat["documentID"])))
    return refs


def _container(flat: dict[str, Any], refs: list[tuple[str, str]]) -> str | None:
    if flat.get("equipmentReference"):
        return container_number(str(flat["equipmentReference"]), "equipmentReference")
    for position, (kind, value) in enumerate(refs):
        if kind == "EQ":
            return container_number(value, f"references[{position}].referenceValue")
    return None


def to_events(raw: dict[str, Any], source: str = "dcsa-2.2.0") -> list[ContainerEvent]:
    flat = _flat(raw)
    event_type = _event_type(flat)
    code_field = _CODE_FIELDS[event_type]
    code = flat.get(code_field)
    if not code:
        raise FieldError(code_field, f"a {event_type.value} event needs {code_field}")
    refs = _references(flat)
    shipment = next((v for k, v in refs if k in ("BKG", "CBR", "TRD", "BL")), None) or (
        str(flat["documentID"]) if flat.get("documentID") else None)
    locode, facility = _place(flat)
    call = flat.get("transportCall") or {}
    routing = flat.get("eventRouting") or {}
    originator = _party_code(routing.get("originatingParty"))
    forwarders = tuple(c for c in (_party_code(p) for p in routing.get("forwardingParties") or []) if c)
    retracted_id = flat.get("retractedEventID")
    details = {k: flat[k] for k in ("ISOEquipmentCode", "emptyIndicatorCode", "delayReasonCode",
                                    "iotEventCode", "movementType", "changeRemark") if flat.get(k)}
    measurements = flat.get("measurements") or flat.get("reeferMeasurements")
    if measurements:
        details["measurements"] = measurements
    return [ContainerEvent(
        event_id=str(retracted_id or flat.get("eventID") or ""),
        event_type=event_type,
        code=str(code),
        classifier=Classifier(flat["eventClassifierCode"]),
        event_time=time_field(flat, "eventDateTime"),
        container=_container(flat, refs),
        shipment=shipment,
        references=tuple(refs),
        locode=locode,
        facility=facility,
        service=call.get("carrierServiceCode"),
        departure=call.get("carrierVoyageNumber") or call.get("exportVoyageNumber"),
        mode=_MODES.get(str(call.get("modeOfTransport", ""))),
        operator=originator,
        updated_at=optional_time(flat, "eventUpdatedDateTime") or (
            optional_time(flat, "eventCreatedDateTime") if retracted_id else None),
        retracted=bool(flat.get("isRetracted")) or bool(retracted_id),
        routing=Routing(originator, forwarders),
        details=details,
        source_format=source,
        original=raw,
    )]
