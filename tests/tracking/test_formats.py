"""Every supported format reads into the same internal events; bad input names the event and field."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.errors import InputError
from karvan.tracking.formats import Format, from_json, karvan, read
from karvan.tracking.ingest import check
from karvan.tracking.model import Classifier, ContainerEvent, EventType

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("name", "fmt", "count"), [
    ("dcsa-2.2.json", Format.DCSA, 6), ("dcsa-3.0.json", Format.DCSA, 3),
    ("epcis-2.0.jsonld", Format.EPCIS, 5), ("events.csv", Format.CSV, 4)])
def test_fixture_is_detected_and_every_event_is_valid(name: str, fmt: Format, count: int) -> None:
    document = read((FIXTURES / name).read_text())
    good, errors = check(document)
    assert document.format is fmt
    assert errors == []
    assert len(good) == count


def test_dcsa_22_covers_all_event_types_and_links_containers_named_via_eq_references() -> None:
    good, _ = check(read((FIXTURES / "dcsa-2.2.json").read_text()))
    events = [e for _, e in good]
    assert {e.event_type for e in events} == set(EventType)
    depart = next(e for e in events if e.code == "DEPA")
    assert depart.container == "CSQU3054383"  # from references[].referenceType == EQ
    assert depart.service == "XIA-DOS" and depart.locode == "CNXIA"
    assert next(e for e in events if e.code == "ARRI").classifier is Classifier.EST


def test_dcsa_30_reads_details_objects_routing_and_extension_codes() -> None:
    good, _ = check(read((FIXTURES / "dcsa-3.0.json").read_text()))
    arrival, gauge_change, hold = (e for _, e in good)
    assert arrival.routing.originator == "KTZ" and arrival.routing.forwarders == ("KARVAN",)
    assert arrival.updated_at is not None
    assert gauge_change.code == "XGCT" and gauge_change.facility == "DOS-GCT"
    assert hold.shipment == "KRV-BKG-0001"


def test_dcsa_30_single_event_body_is_accepted() -> None:
    body = json.loads((FIXTURES / "dcsa-3.0.json").read_text())["events"][0]
    good, errors = check(from_json(body))
    assert errors == [] and len(good) == 1


def test_epcis_reads_all_five_event_types_with_bic_containers_and_keeps_other_identifiers() -> None:
    good, _ = check(read((FIXTURES / "epcis-2.0.jsonld").read_text()))
    events = [e for _, e in good]
    assert {e.details["epcisType"] for e in events} == {
        "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}
    aggregation = next(e for e in events if e.details["epcisType"] == "AggregationEvent")
    assert aggregation.container == "MSKU1234565"
    assert aggregation.identifiers == ("urn:epc:id:sscc:4012345.0000000011",)
    assert events[0].code == "XFLD" and events[0].locode == "KZAAU"


def _dcsa(**changes: object) -> str:
    event = {"eventID": "e-1", "eventType": "EQUIPMENT", "eventClassifierCode": "ACT",
             "eventDateTime": "2026-11-03T14:00:00+08:00", "equipmentEventTypeCode": "LOAD",
             "equipmentReference": "CSQU3054383", "eventLocation": {"UNLocationCode": "CNXIA"}}
    event.update(changes)
    return json.dumps([event])


@pytest.mark.parametrize(("changes", "field"), [
    ({"eventDateTime": "2026-11-03T14:00:00"}, "eventDateTime"),          # no offset: FormatChecker
    ({"eventClassifierCode": "ACTUAL"}, "eventClassifierCode"),
    ({"eventLocation": {"UNLocationCode": "KZQQQ"}}, "locode"),          # well formed, not in UN/LOCODE
    ({"eventDateTime": "2099-01-01T00:00:00Z"}, "eventDateTime"),        # ACT in the future
    ({"equipmentEventTypeCode": "ARRI"}, "equipmentEventTypeCode"),      # code of another type
    ({"equipmentReference": "CSQU3054384"}, "equipmentReference"),       # wrong ISO 6346 check digit
    ({"equipmentReference": None}, "equipmentReference"),
])
def test_invalid_event_names_its_field(changes: dict[str, object], field: str) -> None:
    _, errors = check(read(_dcsa(**changes)))
    assert errors and errors[0].index == 0
    assert field in errors[0].field


def test_future_estimate_is_fine_but_future_actual_is_not() -> None:
    good, errors = check(read(_dcsa(eventDateTime="2099-01-01T00:00:00Z", eventClassifierCode="EST")))
    assert errors == [] and len(good) == 1


def test_unrecognisable_document_is_refused_in_one_line() -> None:
    with pytest.raises(InputError, match="format"):
        read('{"hello": 1}')
    with pytest.raises(InputError, match="not JSON"):
        read("{nope")


@given(st.fixed_dictionaries(
    {"type": st.sampled_from(["EQUIPMENT", "TRANSPORT"]), "code": st.sampled_from(["LOAD", "DEPA"]),
     "classifier": st.sampled_from(["ACT", "EST"]),
     "time": st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=5))])).map(
         lambda t: t.isoformat())},
    optional={"eventId": st.text(min_size=1, max_size=8), "container": st.just("CSQU3054383"),
              "locode": st.just("KZAAU"), "operator": st.sampled_from(["KTZ", ""]),
              "updatedAt": st.just("2026-11-03T06:00:00+04:00"), "retracted": st.booleans(),
              "references": st.just([{"type": "EQ", "value": "TGHU7654320"}]),
              "details": st.just({"temperature": 4})}))
def test_mapped_events_equal_events_built_by_the_dataclass_constructor(raw: dict[str, Any]) -> None:
    """The mapper skips the frozen dataclass's __init__ for speed; the events must be the same."""
    [event] = karvan.to_events(raw, "csv")
    rebuilt = ContainerEvent(**{f.name: getattr(event, f.name) for f in fields(ContainerEvent)})
    assert event == rebuilt and event.details == rebuilt.details and hash(event) == hash(rebuilt)
    assert list(vars(event)) == [f.name for f in fields(ContainerEvent)]
    with pytest.raises(FrozenInstanceError):
        event.code = "DISC"  # type: ignore[misc]
