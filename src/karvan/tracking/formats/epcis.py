"""GS1 EPCIS 2.0 documents (JSON and JSON-LD): `epcisBody.eventList` with the five event types.

Containers are the `urn:epc:id:bic:` identifiers among an event's EPCs; an EPCIS event naming several
containers becomes one Karvan event per container. Other identifiers (SSCC logistic units, SGTINs...)
are kept as given. Places: a read point or business location whose id ends in a UN/LOCODE after
`locode:` or `locode/` (Karvan's convention, e.g. `urn:unece:locode:KZAAU`) gives the place; any other id
(an SGLN, say) is kept as the facility. An `errorDeclaration` retracts the event it is attached to.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from karvan.tracking.codes import epcis_step_code
from karvan.tracking.formats.common import FieldError, container_number, time_field
from karvan.tracking.model import CODES_BY_TYPE, Classifier, ContainerEvent, EventType, Routing

SCHEMA = "epcis-2.0-document"
BIC = "urn:epc:id:bic:"
SSCC = "urn:epc:id:sscc:"
_LOCODE_ID = re.compile(r"locode[:/]([A-Z]{2}[A-Z2-9]{3})$", re.IGNORECASE)
_EPC_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_TRANSPORT_CODES = {"ARRI", "DEPA"}
_CBV_BT = "urn:epcglobal:cbv:bt:"


def unwrap(document: Any) -> list[Any]:
    body = document.get("epcisBody") if isinstance(document, dict) else None
    events = body.get("eventList") if isinstance(body, dict) else None
    return list(events) if isinstance(events, list) else []


def _identifiers(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, identifier) of every EPC the event names, parent first."""
    found: list[tuple[str, str]] = []
    if raw.get("parentID"):
        found.append(("parentID", str(raw["parentID"])))
    for key in _EPC_FIELDS:
        found += [(f"{key}[{i}]", str(epc)) for i, epc in enumerate(raw.get(key) or [])]
    return found


def _offset_time(raw: dict[str, Any]) -> datetime:
    moment = time_field(raw, "eventTime")
    sign, hours, minutes = raw["eventTimeZoneOffset"][0], raw["eventTimeZoneOffset"][1:3], \
        raw["eventTimeZoneOffset"][4:6]
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return moment.astimezone(timezone(delta if sign == "+" else -delta))


def _place(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    locode = facility = None
    for key in ("bizLocation", "readPoint"):
        place_id = str((raw.get(key) or {}).get("id") or "")
        match = _LOCODE_ID.search(place_id)
        if match and locode is None:
            locode = match.group(1).upper()
        elif place_id and not match and facility is None:
            facility = place_id
    return str(raw.get("karvan:locode") or "") or locode, facility


def _code(raw: dict[str, Any]) -> tuple[EventType, str]:
    """The event code from `karvan:eventCode` (Karvan's own exports) or the business step."""
    own = raw.get("karvan:eventCode")
    if isinstance(own, str):
        event_type = next((t for t, codes in CODES_BY_TYPE.items() if own in codes), EventType.EQUIPMENT)
        return event_type, own
    if raw.get("sensorElementList") and not raw.get("bizStep"):
        return EventType.REEFER, "MEAS"
    step = str(raw.get("bizStep") or "")
    code = epcis_step_code(step) if step else None
    if code is None:
        raise FieldError("bizStep", f"no Karvan event for business step {step!r}; use a CBV step such as "
                                    "loading, unloading, departing, arriving, receiving, shipping, "
                                    "or a Karvan extension step")
    if code == "MEAS":
        return EventType.REEFER, code
    return (EventType.TRANSPORT if code in _TRANSPORT_CODES else EventType.EQUIPMENT), code


def to_events(raw: dict[str, Any], source: str = "epcis") -> list[ContainerEvent]:
    event_type, code = _code(raw)
    identifiers = _identifiers(raw)
    containers = [container_number(epc[len(BIC):], path) for path, epc in identifiers
                  if epc.startswith(BIC)]
    others = tuple(epc for _, epc in identifiers if not epc.startswith(BIC))
    transactions = [(str(t.get("type", "")).rsplit("-", 1)[-1].rsplit("/", 1)[-1] or "BT",
                     str(t["bizTransaction"]).removeprefix(_CBV_BT))
                    for t in raw.get("bizTransactionList") or []]
    refs = tuple((kind.upper()[:3], value) for kind, value in transactions)
    locode, facility = _place(raw)
    declaration = raw.get("errorDeclaration")
    details: dict[str, Any] = {"epcisType": raw["type"]}
    for key in ("action", "disposition", "sensorElementList"):
        if raw.get(key):
            details[key] = raw[key]
    base_id = str(raw.get("eventID") or "")
    targets: list[str | None] = [*containers] or [None]
    return [ContainerEvent(
        event_id=(f"{base_id}#{container}" if base_id and len(containers) > 1 else base_id),
        event_type=event_type,
        code=code,
        classifier=Classifier(str(raw.get("karvan:classifier") or "ACT")),
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
    ) for container in targets]
