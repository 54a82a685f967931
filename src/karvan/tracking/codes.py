"""Event codes: what each means for a container's status and position, and Karvan's extension codes.

`MEANING` is the one table of what each code says: the customer-facing status word (or that the code
does not change the status: customs decisions, document steps, readings) and what it says about the
container's position. `MOVEMENT`, its position column, is read by tracking (state, ETA, exceptions),
analytics (dwell, on-time) and the simulation's feed:
- arrived: it has reached the place (ARRI, DISC, XFDS, GTIN, DROP);
- handled: it is being handled at the place and has not left it (XGCT, XCNH, INSP, STUF, STRP, HOLD,
  RELS): a gauge change ends neither an arrival nor a dwell;
- departed: it is on (or loaded onto) the vehicle leaving the place (DEPA, LOAD, XFLD, GTOT, PICK).
Other codes (customs decisions, readings, shipment documents...) say nothing about position.

Karvan extension codes cover corridor moves that DCSA and EPCIS have no code for.
They are equipment events. Each starts with X so it can never clash with a DCSA code, and each has
an EPCIS business step URI under Karvan's vocabulary. On export to a standard that does not know
them, the event is written with the nearest standard code and keeps the Karvan code alongside
(DCSA: `karvan:eventCode`; EPCIS: `karvan:eventCode`), so nothing is lost on a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

KARVAN_VOCAB = "https://karvan.dev/voc/bizstep/"
CBV = "https://ref.gs1.org/cbv/BizStep-"


class Movement(StrEnum):
    ARRIVED = "arrived"
    HANDLED = "handled"
    DEPARTED = "departed"


class Meaning(NamedTuple):
    status: str | None
    """the customer-facing status word; None: the code does not change the status"""
    movement: Movement | None = None
    """what it says about position; None: nothing"""


_A, _H, _D = Movement.ARRIVED, Movement.HANDLED, Movement.DEPARTED
_DOCUMENT_ONLY = ("AMCF", "AMCN", "AMDC", "AMPR", "AMRE", "APPR", "CACF", "CADC", "CANC", "CARE", "CMPL",
                  "DECL", "DRFT", "ISSU", "PENA", "PENM", "PENU", "PSAM", "PSDL", "REJE", "REQS", "SUAM",
                  "SUBM", "SUDL", "SURR", "UPCF", "UPCN", "UPDC", "UPDT", "UPRE", "VOID")

MEANING: dict[str, Meaning] = {
    # transport
    "ARRI": Meaning("arrived", _A), "DEPA": Meaning("in_transit", _D),
    # equipment
    "GTIN": Meaning("gated_in", _A), "DISC": Meaning("discharged", _A), "DROP": Meaning("delivered", _A),
    "LOAD": Meaning("loaded", _D), "GTOT": Meaning("gated_out", _D), "PICK": Meaning("picked_up", _D),
    "INSP": Meaning("inspected", _H), "STUF": Meaning("stuffed", _H), "STRP": Meaning("stripped", _H),
    "AVPU": Meaning("available_for_pickup"), "AVDO": Meaning("available_for_drop_off"),
    "CROS": Meaning("crossed_border"), "RMVD": Meaning("removed"),
    **dict.fromkeys(("CUSI", "CUSS", "CUSR"), Meaning(None)),  # customs decisions, not moves
    "RSEA": Meaning(None),  # a new seal: neither a move nor a step of the journey
    # shipment: booking receipt and carrier hold/release speak to the container, the rest to documents
    "RECE": Meaning("booked"), "CONF": Meaning("booked"),
    "HOLD": Meaning("on_hold", _H), "RELS": Meaning("released", _H),
    **dict.fromkeys(_DOCUMENT_ONLY, Meaning(None)),
    # readings (IoT, reefer)
    **dict.fromkeys(("DETC", "MEAS", "ADJU"), Meaning(None)),
    # Karvan extensions
    "XGCT": Meaning("gauge_change", _H), "XCNH": Meaning("border_handover", _H),
    "XFLD": Meaning("on_ferry", _D), "XFDS": Meaning("discharged", _A),
}
"""What every code says: each DCSA 3.0.0 code (equipment, transport, shipment, IoT, reefer) and each
Karvan extension. A code whose status is None leaves the status at the previous event that set one."""

MOVEMENT: dict[str, Movement] = {code: m.movement for code, m in MEANING.items() if m.movement}


def status_of(code: str) -> str | None:
    """The status word `code` sets, or None when it leaves the status as it was (`OTHER` included)."""
    meaning = MEANING.get(code)
    return meaning.status if meaning else None


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
