"""GS1 EPCIS 2.0 (JSON and JSON-LD): an `EPCISDocument` (`epcisBody.eventList`), an `EPCISQueryDocument`
(`epcisBody.queryResults.resultsBody.eventList`) or one bare event, of any of the five event types.

What an event is about (`parentID`, `epcList`, `childEPCs`, `inputEPCList`, `outputEPCList`) is read in
URN, Digital Link or CURIE form (`formats.epc`): each BIC container gets its own Karvan event, every
other identifier (SSCC, SGTIN...) is kept in `identifiers`; an event naming no container is stored
about its identifiers. An Aggregation or Transaction event whose `parentID` is a container puts its
children in that container (`ADD`, `OBSERVE`) or takes them out (`DELETE`): `details["aggregation"]`.

Every CBV business step is accepted: a step that means a container move maps to its event code
(`codes.EPCIS_STEP_TO_CODE`), any other is stored as `OTHER` with the step in `details["bizStep"]`.
`sensorElementList` is kept, and an event that only reports sensor data is a reefer measurement (a
temperature among the readings) or an IoT detection. Places: a read point or business location id
ending in a UN/LOCODE after `locode:` or `locode/` (`urn:unece:locode:KZAAU`) gives the place, a `geo:`
URI gives coordinates, any other id (an SGLN, say) is kept as the facility. An `errorDeclaration`
retracts the event it is attached to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from karvan.tracking.codes import epcis_step_code
from karvan.tracking.formats.common import FieldError, container_number, time_field
from karvan.tracking.formats.epc import STANDARD_PREFIXES, canonical, container_of, expand, prefixes
from karvan.tracking.model import CODES_BY_TYPE, OTHER, Classifier, ContainerEvent, EventType, Routing

SCHEMA = "epcis-2.0-json-schema"
EVENT_TYPES = frozenset({"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent",
                         "AssociationEvent"})
_LOCODE_ID = re.compile(r"locode[:/]([A-Z]{2}[A-Z2-9]{3})$", re.IGNORECASE)
_GEO = re.compile(r"^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")
_EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_TRANSPORT_CODES = {"ARRI", "DEPA"}
_CBV_BT = "urn:epcglobal:cbv:bt:"
_PARENTS = frozenset({"AggregationEvent", "TransactionEvent", "AssociationEvent"})
_VOCAB = {"BizStep": ("urn:epcglobal:cbv:bizstep:",), "Disp": ("urn:epcglobal:cbv:disp:",),
          "BTT": ("urn:epcglobal:cbv:btt:",)}


def unwrap(document: Any) -> list[Any]:
    """The events of an EPCIS document, of a query document, or the one bare event."""
    if not isinstance(document, dict):
        return []
    if document.get("type") in EVENT_TYPES:
        return [document]
    body = document.get("epcisBody")
    if isinstance(body, dict) and isinstance(body.get("queryResults"), dict):
        results = body["queryResults"].get("resultsBody")
        body = results if isinstance(results, dict) else {}
    events = body.get("eventList") if isinstance(body, dict) else None
    return list(events) if isinstance(events, list) else []


def event_prefix(document: Any) -> str:
    """Where a document's events sit, as a JSON path prefix of the schema's error paths."""
    if isinstance(document, dict) and document.get("type") in EVENT_TYPES:
        return ""
    if isinstance(document, dict) and document.get("type") == "EPCISQueryDocument":
        return "epcisBody.queryResults.resultsBody.eventList"
    return "epcisBody.eventList"


def document_prefixes(document: Any) -> dict[str, str]:
    """The CURIE prefixes a document defines in its `@context`."""
    return prefixes([document.get("@context")] if isinstance(document, dict) else [])


def cbv_term(value: str, vocabulary: str, known: Mapping[str, str] = STANDARD_PREFIXES) -> str:
    """A CBV term (`loading`) from its bare, CURIE, Web URI or URN form; any other URI unchanged."""
    text = expand(value, known)
    for prefix in (f"https://ref.gs1.org/cbv/{vocabulary}-", f"https://gs1.org/voc/{vocabulary}-",
                   *_VOCAB.get(vocabulary, ())):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _identifiers(raw: dict[str, Any], known: Mapping[str, str]) -> list[tuple[str, str]]:
    """(path, canonical identifier) of every EPC the event names, parent first."""
    found: list[tuple[str, str]] = []
    if raw.get("parentID"):
        found.append(("parentID", canonical(str(raw["parentID"]), known)))
    for key in _EPC_FIELDS:
        found += [(f"{key}[{i}]", canonical(str(epc), known)) for i, epc in enumerate(raw.get(key) or [])]
    return found


def _offset_time(raw: dict[str, Any]) -> datetime:
    moment = time_field(raw, "eventTime")
    offset = str(raw["eventTimeZoneOffset"])
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return moment.astimezone(timezone(delta if offset[0] == "+" else -delta))


def _place(raw: dict[str, Any], known: Mapping[str, str]
           ) -> tuple[str | None, str | None, tuple[float, float] | None]:
    locode = facility = None
    point = None
    for key in ("bizLocation", "readPoint"):
        place_id = expand(str((raw.get(key) or {}).get("id") or ""), known)
        match = _LOCODE_ID.search(place_id)
        geo = _GEO.match(place_id)
        if match:
            locode = locode or match.group(1).upper()
        elif geo:
            point = point or (float(geo.group(1)), float(geo.group(2)))
        elif place_id and facility is None:
            facility = place_id
    return str(raw.get("karvan:locode") or "") or locode, facility, point


def readings(raw: dict[str, Any], known: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every sensor report of the event as {type, value, uom, time, ...}, types as bare GS1 terms."""
    found = []
    for element in raw.get("sensorElementList") or []:
        meta = element.get("sensorMetadata") or {}
        for report in element.get("sensorReport") or []:
            reading = {k: v for k, v in report.items() if k != "type"}
            reading["type"] = expand(str(report.get("type", "")), known).removeprefix("https://gs1.org/voc/")
            if "time" not in reading and meta.get("time"):
                reading["time"] = meta["time"]
            found.append(reading)
    return found


def _code(raw: dict[str, Any], step: str, sensor: list[dict[str, Any]]) -> tuple[EventType, str]:
    """The event type and code from `karvan:eventCode` (Karvan's own exports) or the business step."""
    own = raw.get("karvan:eventCode")
    if isinstance(own, str):
        event_type = next((t for t, codes in CODES_BY_TYPE.items() if own in codes), EventType.EQUIPMENT)
        return event_type, own
    if sensor and step in ("", "sensor_reporting"):
        temperature = any(r["type"] == "Temperature" for r in sensor)
        return (EventType.REEFER, "MEAS") if temperature else (EventType.IOT, "DETC")
    code = epcis_step_code(step) if step else None
    if code is None or code == "MEAS":
        return EventType.EQUIPMENT, OTHER
    return (EventType.TRANSPORT if code in _TRANSPORT_CODES else EventType.EQUIPMENT), code


def _transactions(raw: dict[str, Any], known: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    found = []
    for item in raw.get("bizTransactionList") or []:
        kind = cbv_term(str(item.get("type") or "bt"), "BTT", known).rsplit("/", 1)[-1]
        found.append((kind.upper(), str(item["bizTransaction"]).removeprefix(_CBV_BT)))
    return tuple(found)


def _classifier(raw: dict[str, Any]) -> Classifier:
    """EPCIS events are what happened (ACT); Karvan's own exports may mark plans and estimates."""
    try:
        return Classifier(str(raw.get("karvan:classifier") or "ACT"))
    except ValueError:
        raise FieldError("karvan:classifier", "not PLN, EST or ACT") from None


def to_events(raw: dict[str, Any], source: str = "epcis",
              known: Mapping[str, str] = STANDARD_PREFIXES) -> list[ContainerEvent]:
    known = {**known, **prefixes([raw.get("@context")])} if raw.get("@context") else known
    step = cbv_term(str(raw.get("bizStep") or ""), "BizStep", known)
    sensor = readings(raw, known)
    event_type, code = _code(raw, step, sensor)
    identifiers = _identifiers(raw, known)
    containers = [container_number(number, path) for path, epc in identifiers
                  if (number := container_of(epc)) is not None]
    others = tuple(dict.fromkeys(epc for _, epc in identifiers if container_of(epc) is None))
    refs = _transactions(raw, known)
    locode, facility, point = _place(raw, known)
    declaration = raw.get("errorDeclaration")
    details: dict[str, Any] = {"epcisType": raw["type"]}
    if step:
        details["bizStep"] = step
    if raw.get("action"):
        details["action"] = raw["action"]
    if raw.get("disposition"):
        details["disposition"] = cbv_term(str(raw["disposition"]), "Disp", known)
    if sensor:
        details["readings"] = sensor
    parent = container_of(identifiers[0][1]) if identifiers and identifiers[0][0] == "parentID" else None
    if raw["type"] in _PARENTS and parent and others:
        details["aggregation"] = raw.get("action", "OBSERVE")
    base_id = str(raw.get("eventID") or "")
    targets: list[str | None] = [*dict.fromkeys(containers)] or [None]
    return [ContainerEvent(
        event_id=(f"{base_id}#{container}" if base_id and len(targets) > 1 else base_id),
        event_type=event_type,
        code=code,
        classifier=_classifier(raw),
        event_time=_offset_time(raw),
        container=container,
        shipment=refs[0][1] if refs else None,
        references=refs,
        locode=locode,
        facility=facility,
        service=raw.get("karvan:service"),
        departure=raw.get("karvan:departure"),
        operator=raw.get("karvan:operator"),
        updated_at=time_field(declaration, "declarationTime", "errorDeclaration.declarationTime")
        if isinstance(declaration, dict) else None,
        retracted=isinstance(declaration, dict),
        routing=Routing(raw.get("karvan:operator")),
        identifiers=others,
        details=details,
        source_format=source,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        original=raw,
    ) for container in targets]
