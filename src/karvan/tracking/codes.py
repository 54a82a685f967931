"""Event codes: what each means for where a container is, and Karvan's extension codes.

`MOVEMENT` is the one statement of what a code says about a container's position, read by tracking
(state, ETA, exceptions), analytics (dwell, on-time) and the simulation's feed:
- arrived: it has reached the place (ARRI, DISC, XFDS, GTIN, DROP);
- handled: it is being handled at the place and has not left it (XGCT, XCNH, INSP, STUF, STRP, HOLD,
  RELS): a gauge change ends neither an arrival nor a dwell;
- departed: it is on (or loaded onto) the vehicle leaving the place (DEPA, LOAD, XFLD, GTOT, PICK).
Codes not listed (readings, shipment documents) say nothing about position.

Karvan extension codes cover corridor moves that DCSA and EPCIS have no code for.
They are equipment events. Each starts with X so it can never clash with a DCSA code, and each has
an EPCIS business step URI under Karvan's vocabulary. On export to a standard that does not know
them, the event is written with the nearest standard code and keeps the Karvan code alongside
(DCSA: `karvan:eventCode`; EPCIS: `karvan:eventCode`), so nothing is lost on a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

KARVAN_VOCAB = "https://karvan.dev/voc/bizstep/"
CBV = "https://ref.gs1.org/cbv/BizStep-"


class Movement(StrEnum):
    ARRIVED = "arrived"
    HANDLED = "handled"
    DEPARTED = "departed"


MOVEMENT: dict[str, Movement] = {
    **dict.fromkeys(("ARRI", "DISC", "XFDS", "GTIN", "DROP"), Movement.ARRIVED),
    **dict.fromkeys(("XGCT", "XCNH", "INSP", "STUF", "STRP", "HOLD", "RELS"), Movement.HANDLED),
    **dict.fromkeys(("DEPA", "LOAD", "XFLD", "GTOT", "PICK"), Movement.DEPARTED),
}


def codes_meaning(movement: Movement) -> tuple[str, ...]:
    """The event codes that say `movement`, sorted (for SQL filters and docs)."""
    return tuple(sorted(code for code, meaning in MOVEMENT.items() if meaning is movement))


@dataclass(frozen=True)
class ExtensionCode:
    code: str
    meaning: str
    dcsa_code: str
    """Nearest DCSA equipmentEventTypeCode, used on export."""
    epcis_step: str
    """Nearest CBV business step, used on export instead of the Karvan URI when asked."""

    @property
    def epcis_uri(self) -> str:
        return KARVAN_VOCAB + self.code.lower()


EXTENSIONS: dict[str, ExtensionCode] = {e.code: e for e in (
    ExtensionCode("XGCT", "gauge-change transshipment between 1435 mm and 1520 mm wagons "
                  "(Dostyk/Alashankou, Altynkol/Khorgos, Akhalkalaki)", "LOAD", "loading"),
    ExtensionCode("XFLD", "wagon with the container rolled onto a Caspian rail ferry", "LOAD", "loading"),
    ExtensionCode("XFDS", "wagon with the container rolled off a Caspian rail ferry", "DISC", "unloading"),
    ExtensionCode("XCNH", "SMGS/CIM consignment-note handover at a border: custody passes to the next "
                  "railway under the other legal regime", "GTIN", "accepting"),
)}

EPCIS_STEP_TO_CODE: dict[str, str] = {
    "loading": "LOAD", "unloading": "DISC", "departing": "DEPA", "arriving": "ARRI",
    "receiving": "GTIN", "shipping": "GTOT", "accepting": "GTIN", "inspecting": "INSP",
    "packing": "STUF", "unpacking": "STRP", "picking": "PICK", "storing": "DROP",
    "sensor_reporting": "MEAS", "transporting": "DEPA", "consigning": "GTOT",
}
"""CBV business steps read from EPCIS, to DCSA-style codes. Arrive/depart are transport events."""

CODE_TO_EPCIS_STEP: dict[str, str] = {
    "LOAD": "loading", "DISC": "unloading", "DEPA": "departing", "ARRI": "arriving",
    "GTIN": "receiving", "GTOT": "shipping", "INSP": "inspecting", "STUF": "packing",
    "STRP": "unpacking", "PICK": "picking", "DROP": "storing", "MEAS": "sensor_reporting",
}


def epcis_step_code(biz_step: str) -> str | None:
    """The event code for a CBV step given bare, as a CBV URI, or as a Karvan extension URI."""
    if biz_step.startswith(KARVAN_VOCAB):
        code = biz_step[len(KARVAN_VOCAB):].upper()
        return code if code in EXTENSIONS else None
    step = biz_step.removeprefix(CBV).removeprefix("urn:epcglobal:cbv:bizstep:")
    return EPCIS_STEP_TO_CODE.get(step)


def dcsa_code(code: str) -> str:
    """The code to write in a DCSA document: itself, or the nearest standard one for an extension."""
    extension = EXTENSIONS.get(code)
    return extension.dcsa_code if extension else code
