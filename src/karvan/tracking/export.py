"""Writing stored events back out: as DCSA Track & Trace 3.0.0 events (nested) and as an EPCIS 2.0
document, each valid against the bundled official schema (tests check it over random events).

An event that came in the same standard is written from what was received (`original`), with Karvan's
identity and version fields on top, so nothing the reporter sent is lost; any other event is built from
the model. Karvan extension codes are written with the nearest standard code and the Karvan code
alongside (`karvan:eventCode`), see `karvan.tracking.codes`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from karvan.tracking.codes import CBV, CODE_TO_EPCIS_STEP, EXTENSIONS, dcsa_code
from karvan.tracking.formats.dcsa30 import CODE_FIELDS
from karvan.tracking.formats.epc import BIC
from karvan.tracking.model import OTHER, ContainerEvent
from karvan.tracking.repository import StoredEvent

EPCIS_CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                 {"karvan": "https://karvan.dev/voc/"}]
_DOCUMENT_TYPES = frozenset({"BKG", "CBR", "TRD", "AMF", "ARN", "CAS", "CEA", "CEO", "CQU", "CRO", "CUC",
                             "DEI", "DEO", "DGD", "FCE", "HCE", "ICE", "INV", "OOG", "PCE", "PFD", "SHI",
                             "TRO", "VCE", "VGM"})
"""DCSA 3.0.0 `DocumentReference.typeCode` values; other references are shipment references."""
_EPCIS_KEYS = {
    "ObjectEvent": ("quantityList", "persistentDisposition", "sourceList", "destinationList",
                    "sensorElementList", "ilmd", "readPoint", "disposition"),
    "AggregationEvent": ("childQuantityList", "sourceList", "destinationList", "sensorElementList",
                         "readPoint", "disposition"),
    "TransactionEvent": ("quantityList", "sourceList", "destinationList", "sensorElementList", "readPoint",
                         "disposition"),
    "TransformationEvent": ("inputQuantityList", "outputQuantityList", "transformationID",
                            "persistentDisposition", "sourceList", "destinationList", "sensorElementList",
                            "ilmd", "readPoint", "disposition"),
    "AssociationEvent": ("childQuantityList", "sourceList", "destinationList", "sensorElementList",
                         "readPoint", "disposition"),
}
"""Fields of a received EPCIS event that the model does not hold, copied through on export by type."""


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """`base` with `top` written over it, objects merged key by key."""
    merged = dict(base)
    for key, value in top.items():
        below = merged.get(key)
        merged[key] = _merge(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return merged


def _text(moment: datetime) -> str:
    """ISO 8601 with its offset, to the millisecond at most (DCSA allows 30 characters)."""
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_EPCIS_BTT = frozenset({"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
                        "testprd", "testres", "upevt"})


def _transaction_type(kind: str) -> str:
    """A CBV business transaction type as its bare term; DCSA's document types under Karvan's vocabulary."""
    bare = kind.lower()
    return bare if bare in _EPCIS_BTT else "https://karvan.dev/voc/btt/" + quote(kind, safe="")


def _uri(text: str, namespace: str) -> str:
    """`text` when it is an absolute URI (EPCIS needs URIs for ids), else made one under `namespace`."""
    return text if _URI.match(text) else namespace + quote(text, safe="")


def _location(event: ContainerEvent) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if event.locode:
        location["UNLocationCode"] = event.locode
    if event.facility and len(event.facility) <= 6:
        location["facility"] = {"facilityCode": event.facility}
    elif event.facility and len(event.facility) <= 100:
        location["locationName"] = event.facility
    if event.latitude is not None and event.longitude is not None:
        location["geoCoordinate"] = {"latitude": f"{event.latitude:.6f}"[:20],
                                     "longitude": f"{event.longitude:.6f}"[:20]}
    return location


def _shipment_details(event: ContainerEvent) -> dict[str, Any]:
    documents = [{"typeCode": k, "reference": v[:100]} for k, v in event.references if k in _DOCUMENT_TYPES]
    others = [{"typeCode": k, "reference": v[:100]} for k, v in event.references if k not in _DOCUMENT_TYPES]
    if event.shipment and not any(d["reference"] == event.shipment[:100] for d in documents):
        documents.insert(0, {"typeCode": "BKG", "reference": event.shipment[:100]})
    details: dict[str, Any] = {}
    if documents:
        details["documentReference"] = documents[0]
        if documents[1:]:
            details["additionalDocumentReferences"] = documents[1:]
    if others:
        details["shipmentReferences"] = others
    return details


def to_dcsa(stored: StoredEvent) -> dict[str, Any]:
    """One stored event as a DCSA 3.0.0 `Event`."""
    event = stored.event
    classification: dict[str, Any] = {"eventTypeCode": event.event_type.value,
                                      "eventClassifierCode": event.classifier.value}
    if event.code != OTHER:
        classification[CODE_FIELDS[event.event_type]] = dcsa_code(event.code)
    out: dict[str, Any] = {
        "eventID": event.event_id,
        "eventDateTime": _text(event.event_time),
        "isRetracted": event.retracted,
        "eventClassification": classification,
    }
    if event.updated_at:  # only a version the reporter gave: a re-import must be the same event
        out["eventUpdatedDateTime"] = _text(event.updated_at)
    if location := _location(event):
        out["eventLocation"] = location
    if event.container:
        out["equipmentDetails"] = {"equipmentReference": event.container}
    if shipment := _shipment_details(event):
        out["shipmentDetails"] = shipment
    call: dict[str, Any] = {"modeOfTransport": event.mode} if event.mode else {}
    if event.service:
        call["serviceCodeOrReference"] = {"carrierServiceCode": event.service}
    if event.departure:
        call["exportVoyageNumberOrReference"] = {"carrierVoyageNumber": event.departure}
    if call:
        out["transportDetails"] = {"transportCall": call}
    originator = event.routing.originator or event.operator
    if originator or event.routing.forwarders:
        routing: dict[str, Any] = {"originatingParty": {"partyCode": originator or "",
                                                        "codeListProvider": "ZZZ"}}
        if event.routing.forwarders:
            routing["forwardingParties"] = [{"partyCode": f, "codeListProvider": "ZZZ"}
                                            for f in event.routing.forwarders]
        out["eventRouting"] = routing
    if event.code in EXTENSIONS or event.code == OTHER:
        out["karvan:eventCode"] = event.code
    if event.source_format == "dcsa-3.0.0" and event.original:
        return _merge(event.original, out)
    return out


def dcsa_document(events: Sequence[StoredEvent]) -> dict[str, Any]:
    return {"events": [to_dcsa(s) for s in events]}


def _offset(event: ContainerEvent) -> str:
    text = event.event_time.isoformat()
    return "+00:00" if text.endswith("+00:00") or text.endswith("Z") else text[-6:]


def _step(event: ContainerEvent) -> tuple[str, str | None]:
    """(bizStep, nearest CBV step when the step is a Karvan extension URI)."""
    extension = EXTENSIONS.get(event.code)
    if extension:
        return extension.epcis_uri, CBV + extension.epcis_step
    if event.code == OTHER:
        return str(event.details.get("bizStep") or "other"), None
    return CBV + CODE_TO_EPCIS_STEP.get(event.code, "other"), None


def to_epcis(stored: StoredEvent) -> dict[str, Any]:
    """One stored event as an EPCIS 2.0 event (the type it came as, else an ObjectEvent)."""
    event = stored.event
    kind = str(event.details.get("epcisType", "ObjectEvent"))
    transactions = [(k, v) for k, v in event.references if k != "EQ"]  # containers are EPCs, below
    if kind == "TransactionEvent" and not transactions:
        kind = "ObjectEvent"
    step, nearest = _step(event)
    out: dict[str, Any] = {
        "type": kind,
        "eventID": _uri(event.event_id, "urn:karvan:event:"),
        "eventTime": _text(event.event_time),
        "eventTimeZoneOffset": _offset(event),
        "recordTime": stored.received_at,
        "action": event.details.get("action", "OBSERVE"),
        "bizStep": step,
    }
    epcs = ([f"{BIC}{event.container}"] if event.container else []) + list(event.identifiers)
    original = event.original if event.source_format == "epcis" and event.original else {}
    inputs = original.get("inputEPCList") or original.get("inputQuantityList")
    outputs = original.get("outputEPCList") or original.get("outputQuantityList")
    if kind == "TransformationEvent" and (original.get("transformationID") or (inputs and outputs)):
        out.pop("action")
        out.update({k: original[k] for k in ("inputEPCList", "outputEPCList") if original.get(k)})
    elif kind in ("AggregationEvent", "AssociationEvent") and len(epcs) > 1:
        out["parentID"], out["childEPCs"] = epcs[0], epcs[1:]
    else:
        out["type"] = kind = "TransactionEvent" if kind == "TransactionEvent" else "ObjectEvent"
        out["epcList"] = epcs
    if event.locode:
        out["bizLocation"] = {"id": f"urn:unece:locode:{event.locode}"}
    elif event.facility:
        out["bizLocation"] = {"id": _uri(event.facility, "https://karvan.dev/voc/facility/")}
    if event.latitude is not None and event.longitude is not None:
        out["readPoint"] = {"id": f"geo:{event.latitude},{event.longitude}"}
    if transactions:
        out["bizTransactionList"] = [
            {"type": _transaction_type(k), "bizTransaction": _uri(v, "urn:epcglobal:cbv:bt:")}
            for k, v in transactions]
    if event.retracted:
        out["errorDeclaration"] = {"declarationTime": _text(event.updated_at or event.event_time),
                                   "reason": "incorrect_data"}
    for key, value in (("karvan:eventCode", event.code), ("karvan:classifier", event.classifier.value),
                       ("karvan:service", event.service), ("karvan:departure", event.departure),
                       ("karvan:operator", event.operator), ("karvan:nearestBizStep", nearest)):
        if value:
            out[key] = value
    if original.get("type") == kind:
        out.update({k: original[k] for k in _EPCIS_KEYS[kind] if k in original and k not in out})
    return out


def epcis_document(events: Sequence[StoredEvent], created: datetime) -> dict[str, Any]:
    return {
        "@context": EPCIS_CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _text(created),
        "epcisBody": {"eventList": [to_epcis(s) for s in events]},
    }
