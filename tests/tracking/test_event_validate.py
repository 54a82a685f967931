"""The rules every mapped event must pass (tracking/validate.py), one event per broken rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from karvan.tracking import validate
from karvan.tracking.codes import EXTENSIONS
from karvan.tracking.model import CODES_BY_TYPE, OTHER, Classifier, ContainerEvent, EventType

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)
LOAD = ContainerEvent(event_id="ev-1", event_type=EventType.EQUIPMENT, code="LOAD", classifier=Classifier.ACT,
                      event_time=NOW - timedelta(hours=1), container="CSQU3054383", locode="KZAAU")


def fields(event: ContainerEvent) -> list[str]:
    return [p.field for p in validate.problems(event, NOW)]


def test_a_plain_actual_event_passes() -> None:
    assert fields(LOAD) == []


def test_each_broken_rule_is_named_by_its_field() -> None:
    assert fields(replace(LOAD, locode="KZQQQ")) == ["locode"]
    assert fields(replace(LOAD, code="DEPA")) == ["code"]
    assert fields(replace(LOAD, container=None)) == ["equipmentReference"]
    shipment = replace(LOAD, event_type=EventType.SHIPMENT, code="RECE", container=None)
    assert fields(shipment) == ["documentReference"]
    assert fields(replace(LOAD, code=OTHER, event_type=EventType.TRANSPORT)) == ["code"]
    retraction = replace(LOAD, details={"retractionOnly": True})
    assert fields(retraction) == ["eventID"]


def test_events_without_a_container_pass_when_they_name_what_they_are_about() -> None:
    """DCSA 3.0 allows events without equipment: a booking, a unit or a place says what they concern."""
    bare = replace(LOAD, container=None)
    assert fields(replace(bare, references=(("BKG", "KRV-BKG-0001"),), shipment="KRV-BKG-0001")) == []
    assert fields(replace(bare, identifiers=("https://id.gs1.org/00/048700120000004510",))) == []
    assert fields(replace(bare, event_type=EventType.TRANSPORT, code="DEPA", locode=None)) == []
    assert fields(replace(bare, code=OTHER, identifiers=("urn:epc:id:giai:4870012.S1",))) == []


def test_act_events_may_be_ahead_by_the_clock_skew_allowance_only() -> None:
    edge = NOW + validate.FUTURE_TOLERANCE
    assert fields(replace(LOAD, event_time=edge)) == []
    assert fields(replace(LOAD, event_time=edge + timedelta(microseconds=1))) == ["eventDateTime"]
    assert fields(replace(LOAD, event_time=edge + timedelta(days=1), classifier=Classifier.EST)) == []


def test_extension_codes_belong_to_equipment_events_only() -> None:
    for code in EXTENSIONS:
        assert fields(replace(LOAD, code=code)) == []
        assert fields(replace(LOAD, event_type=EventType.TRANSPORT, code=code)) == ["code"]


ALL_CODES = sorted({c for codes in CODES_BY_TYPE.values() for c in codes})


@given(st.sampled_from(list(EventType)), st.sampled_from(ALL_CODES),
       st.sampled_from(list(Classifier)), st.integers(-10**6, 10**6))
def test_code_and_future_rules_hold_for_any_event(event_type: EventType, code: str,
                                                  classifier: Classifier, seconds: int) -> None:
    event = replace(LOAD, event_type=event_type, code=code, classifier=classifier,
                    event_time=NOW + timedelta(seconds=seconds))
    found = [p.field for p in validate.checker(NOW)(event)]
    assert ("code" in found) == (code not in CODES_BY_TYPE[event_type])
    assert ("eventDateTime" in found) == (classifier is Classifier.ACT and seconds > 300)
