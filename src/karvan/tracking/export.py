"""Writing stored events back out: as DCSA Track & Trace 3.0 events and as an EPCIS 2.0 document.

Karvan extension codes are written with the nearest standard code and the Karvan code alongside
(`karvan:eventCode`), see `karvan.tracking.codes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from karvan.tracking.codes import CBV, CODE_TO_EPCIS_STEP, EXTENSIONS, dcsa_code
from karvan.tracking.model import ContainerEvent, EventType
from karvan.tracking.repository import StoredEvent

_CODE_FIELD = {EventType.EQUIPMENT: ("equipmentDetails", "equipmentEventTypeCode"),
               EventType.TRANSPORT: ("transportDetails", "transportEventTypeCode"),
               EventType.SHIPMENT: ("shipmentDetails", "shipmentEventTypeCode"),
               EventType.IOT: ("iotDetails", "iotEventTypeCode"),
               EventType.REEFER: ("reeferDetails", "reeferEventTypeCode")}


def _party(code: str) -> dict[str, Any]:
    return {"partyName": code, "identifyingCodes": [{"codeListProvider": "KARVAN", "partyCode": code}]}


def to_dcsa(stored: StoredEvent) -> dict[str, Any]:
    event = stored.event
    details_key, code_key = _CODE_FIELD[event.event_type]
    details: dict[str, Any] = {code_key: dcsa_code(event.code)}
    if event.event_type is EventType.EQUIPMENT and event.container:
        details["equipmentReference"] = event.container
    for key in ("ISOEquipmentCode", "emptyIndicatorCode", "movementType", "iotEventCode", "delayReasonCode"):
        if key in event.details:
            details[key] = event.details[key]
    if "measurements" in event.details:
        details["measurements"] = event.details["measurements"]
    if event.event_type is EventType.SHIPMENT and event.shipment:
        details["documentReference"] = event.shipment
    out: dict[str, Any] = {
        "eventID": event.event_id,
        "eventCreatedDateTime": stored.received_at,
        "eventClassifierCode": event.classifier.value,
        "eventDateTime": event.event_time.isoformat(),
        "eventType": event.event_type.value,
        "isRetracted": event.retracted,
        details_key: details,
    }
    if event.updated_at:
        out["eventUpdatedDateTime"] = event.updated_at.isoformat()
    if event.routing.originator or event.routing.forwarders or event.operator:
        out["eventRouting"] = {"originatingParty": _party(event.routing.originator or event.operator or ""),
                               "forwardingParties": [_party(f) for f in event.routing.forwarders]}
    if event.locode or event.facility:
        location: dict[str, Any] = {}
        if event.locode:
            location["UNLocationCode"] = event.locode
        if event.facility:
            location["facility"] = {"facilityCode": event.facility, "facilityCodeListProvider": "KARVAN"}
        out["location"] = location
    if event.service or event.departure or event.mode:
        call = {k: v for k, v in (("carrierServiceCode", event.service),
                                  ("carrierVoyageNumber", event.departure),
                                  ("modeOfTransport", event.mode), ("UNLocationCode", event.locode)) if v}
        if event.event_type is EventType.TRANSPORT:
            details["transportCall"] = call
        else:
            out["transportCall"] = call
    refs = [{"referenceType": k, "referenceValue": v} for k, v in event.references if len(k) <= 3]
    if event.container and event.event_type is not EventType.EQUIPMENT and ("EQ", event.container) not in \
            event.references:
        refs.append({"referenceType": "EQ", "referenceValue": event.container})
    if refs:
        out["references"] = refs
    if event.code in EXTENSIONS:
        out["karvan:eventCode"] = event.code
    return out


def dcsa_document(events: Sequence[StoredEvent]) -> dict[str, Any]:
    return {"events": [to_dcsa(s) for s in events]}


def _offset(event: ContainerEvent) -> str:
    text = event.event_time.isoformat()
    return "+00:00" if text.endswith("+00:00") or text.endswith("Z") else text[-6:]


def to_epcis(stored: StoredEvent) -> dict[str, Any]:
    event = stored.event
    extension = EXTENSIONS.get(event.code)
    step = CBV + (extension.epcis_step if extension else CODE_TO_EPCIS_STEP.get(event.code, "other"))
    out: dict[str, Any] = {
        "type": event.details.get("epcisType", "ObjectEvent"),
        "eventID": event.event_id,
        "eventTime": event.event_time.isoformat(),
        "eventTimeZoneOffset": _offset(event),
        "recordTime": stored.received_at,
        "action": event.details.get("action", "OBSERVE"),
        "bizStep": step,
    }
    epcs = ([f"urn:epc:id:bic:{event.container}"] if event.container else []) + list(event.identifiers)
    if out["type"] in ("AggregationEvent", "AssociationEvent") and epcs:
        out["parentID"], out["childEPCs"] = epcs[0], epcs[1:]
    elif out["type"] == "TransformationEvent":
        out["outputEPCList"] = epcs
        out.pop("action")
    else:
        out["type"] = "ObjectEvent" if out["type"] != "TransactionEvent" else out["type"]
        out["epcList"] = epcs
    if event.locode:
        out["bizLocation"] = {"id": f"urn:unece:locode:{event.locode}"}
    elif event.facility:
        out["bizLocation"] = {"id": event.facility}
    transactions = [(k, v) for k, v in event.references if k != "EQ"]  # containers are EPCs, above
    if transactions:
        out["bizTransactionList"] = [{"type": k.lower(), "bizTransaction": v} for k, v in transactions]
    elif out["type"] == "TransactionEvent":
        out["type"] = "ObjectEvent"
    if event.retracted:
        out["errorDeclaration"] = {"declarationTime": (event.updated_at or event.event_time).isoformat(),
                                   "reason": "incorrect_data"}
    for key, value in (("karvan:eventCode", event.code), ("karvan:classifier", event.classifier.value),
                       ("karvan:service", event.service), ("karvan:departure", event.departure),
                       ("karvan:operator", event.operator)):
        if value:
            out[key] = value
    if extension:
        out["karvan:nearestBizStep"] = step
        out["bizStep"] = extension.epcis_uri
    return out


def epcis_document(events: Sequence[StoredEvent]) -> dict[str, Any]:
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                     {"karvan": "https://karvan.dev/voc/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": datetime.now(UTC).isoformat(),
        "epcisBody": {"eventList": [to_epcis(s) for s in events]},
    }
