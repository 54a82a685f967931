"""Every code DCSA T&T 3.0.0 defines says something readable about status, or says it leaves it alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest
import yaml

from karvan.tracking.codes import MEANING, MOVEMENT
from karvan.tracking.model import CODES_BY_TYPE, Classifier, ContainerEvent, EventType
from karvan.tracking.repository import StoredEvent
from karvan.tracking.state import derive

T0 = datetime(2026, 11, 3, 6, tzinfo=UTC)


def _schema_codes() -> dict[str, EventType]:
    """The codes the bundled OpenAPI lists in each `*EventTypeCode` description (3.0.0 has no enums)."""
    text = resources.files("karvan.data").joinpath("schemas/dcsa-tnt-3.0.0.yaml").read_text(encoding="utf-8")
    fields = yaml.safe_load(text)["components"]["schemas"]["EventClassification"]["properties"]
    found: dict[str, EventType] = {}
    for event_type in EventType:
        description = fields[f"{event_type.value.lower()}EventTypeCode"]["description"]
        found |= dict.fromkeys(re.findall(r"^- `([A-Z]{4})` - ", description, re.MULTILINE), event_type)
    return found


SCHEMA_CODES = _schema_codes()


def test_schema_lists_the_codes_karvan_validates_with() -> None:
    assert len(SCHEMA_CODES) == 35 + 2 + 17 + 1 + 2  # shipment, transport, equipment, IoT, reefer
    assert {code for codes in CODES_BY_TYPE.values() for code in codes} == set(SCHEMA_CODES)


@pytest.mark.parametrize("code", sorted(SCHEMA_CODES))
def test_every_schema_code_has_a_status_or_leaves_it(code: str) -> None:
    """After a departure, an actual event with `code` sets its word or the status stays in_transit."""
    depart = ContainerEvent("e1", EventType.TRANSPORT, "DEPA", Classifier.ACT, T0, container="CSQU3054383",
                            locode="CNXIA")
    later = ContainerEvent("e2", SCHEMA_CODES[code], code, Classifier.ACT, T0 + timedelta(hours=5),
                           container="CSQU3054383", shipment="bkg_1", locode="KZDOS")
    state = derive("CSQU3054383", [StoredEvent(1, depart, ""), StoredEvent(2, later, "")],
                   now=T0 + timedelta(days=1))
    assert code in MEANING
    expected = MEANING[code].status or "in_transit"
    assert state.status == expected and re.fullmatch(r"[a-z]+(_[a-z]+)*", expected)
    assert state.status != code.lower()


def test_customs_release_is_not_a_move_and_keeps_the_status() -> None:
    assert MEANING["CUSR"].status is None and "CUSR" not in MOVEMENT
    discharged = ContainerEvent("e1", EventType.EQUIPMENT, "DISC", Classifier.ACT, T0,
                                container="CSQU3054383", locode="AZBAK")
    released = ContainerEvent("e2", EventType.EQUIPMENT, "CUSR", Classifier.ACT, T0 + timedelta(hours=3),
                              container="CSQU3054383", locode="AZBAK")
    state = derive("CSQU3054383", [StoredEvent(1, discharged, ""), StoredEvent(2, released, "")],
                   now=T0 + timedelta(days=1))
    assert state.status == "discharged" and state.last_event == released
