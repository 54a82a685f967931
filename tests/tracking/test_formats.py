"""Every supported format reads into the same internal events; bad input names the event and field.

Each standard fixture is checked against the bundled official schema (`official`) before Karvan reads it.
"""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields
from datetime import UTC, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from dcsa_events import dcsa30_event, official
from hypothesis import given
from hypothesis import strategies as st

from karvan.errors import InputError
from karvan.tracking import schemas
from karvan.tracking.formats import Format, from_json, karvan, read
from karvan.tracking.ingest import check
from karvan.tracking.model import OTHER, Classifier, ContainerEvent, EventType

FIXTURES = Path(__file__).parent / "fixtures"
SSCC_451 = "https://id.gs1.org/00/048700120000004510"


def events_of(name: str) -> list[ContainerEvent]:
    good, errors = check(read(official(FIXTURES / name)))
    assert errors == []
    return [event for _, event in good]


@pytest.mark.parametrize(("name", "fmt"), [
    ("dcsa-2.2.json", Format.DCSA), ("dcsa-3.0.json", Format.DCSA), ("epcis-2.0.jsonld", Format.EPCIS),
    ("epcis-query.jsonld", Format.EPCIS), ("epcis-event.jsonld", Format.EPCIS), ("events.csv", Format.CSV)])
def test_fixture_is_detected_and_every_event_is_accepted(name: str, fmt: Format) -> None:
    document = read(official(FIXTURES / name))
    good, errors = check(document)
    assert document.format is fmt
    assert errors == []
    assert {index for index, _ in good} == set(range(len(document.raw_events)))


def test_dcsa_22_links_containers_named_via_eq_references_and_keeps_the_original() -> None:
    events = events_of("dcsa-2.2.json")
    assert {e.event_type for e in events} == {EventType.SHIPMENT, EventType.TRANSPORT, EventType.EQUIPMENT}
    depart = next(e for e in events if e.code == "DEPA")
    assert depart.container == "CSQU3054383" and depart.locode == "CNXIA"  # from references[].EQ
    assert next(e for e in events if e.code == "ARRI").classifier is Classifier.EST
    raw = json.loads((FIXTURES / "dcsa-2.2.json").read_text())
    assert [e.original for e in events] == raw


def test_dcsa_30_has_every_event_type_with_and_without_a_container() -> None:
    events = events_of("dcsa-3.0.json")
    assert {e.event_type for e in events if e.container} == set(EventType)
    assert {e.event_type for e in events if e.container is None} == set(EventType)


def test_dcsa_30_iot_event_with_only_coordinates_keeps_them_and_invents_no_place() -> None:
    [iot] = [e for e in events_of("dcsa-3.0.json") if e.latitude is not None]
    assert (iot.latitude, iot.longitude) == (45.0183, 78.4421)
    assert iot.locode is None and iot.facility is None and iot.container == "CSQU3054383"
    assert iot.details["iotEventCode"] == "LOC"


def test_dcsa_30_reads_nested_classification_routing_transport_and_documents() -> None:
    events = {e.event_id: e for e in events_of("dcsa-3.0.json")}
    arrival = events["KTZ-2026-0004"]  # free-text eventID
    assert arrival.routing.originator == "KTZ" and arrival.routing.forwarders == ("KARVAN",)
    assert arrival.updated_at is not None and arrival.details["delayReasonCodes"] == ["WEA"]
    departure = events["KTZ-2026-0003"]
    assert (departure.service, departure.departure, departure.mode) == (
        "KTZ-DOS-AAU", "KTZ-DOS-AAU-20261107", "RAIL")
    issued = events["KTZ-2026-0002"]  # booking first, the transport document and shipment refs kept
    assert issued.shipment == "KRV-BKG-0001" and ("TRD", "SMGS-77120034") in issued.references
    assert issued.container == "CSQU3054383"  # a shipment reference of type EQ
    assert events["KTZ-2026-0007"].code == "XGCT" and events["KTZ-2026-0007"].facility == "DOSGC1"
    assert events["KTZ-2026-0005"].original["equipmentDetails"]["seals"][0]["number"] == "KZ778812"


def test_dcsa_30_single_event_body_is_accepted() -> None:
    body = json.loads((FIXTURES / "dcsa-3.0.json").read_text())["events"][4]
    good, errors = check(from_json(body))
    assert errors == [] and len(good) == 1


def _load(**changes: Any) -> str:
    event = dcsa30_event("e-1", "EQUIPMENT", "LOAD", "2026-11-03T14:00:00+08:00", container="CSQU3054383",
                         locode="CNXIA")
    assert list(schemas.errors(schemas.DCSA_30_EVENT, event)) == []  # the builder writes the official shape
    event.update(changes)
    return json.dumps({"events": [event]})


@pytest.mark.parametrize(("changes", "field"), [
    ({"eventDateTime": "2026-11-03T14:00:00"}, "eventDateTime"),          # no offset: the schema's format
    ({"eventID": "x" * 501}, "eventID"),                                 # the schema's maxLength
    ({"eventClassification": {"eventTypeCode": "EQUIPMENT", "eventClassifierCode": "ACTUAL",
                              "equipmentEventTypeCode": "LOAD"}}, "eventClassification.eventClassifierCode"),
    ({"eventClassification": {"eventTypeCode": "EQUIPMENT", "eventClassifierCode": "ACT",
                              "transportEventTypeCode": "ARRI"}},
     "eventClassification.transportEventTypeCode"),
    ({"eventClassification": {"eventTypeCode": "EQUIPMENT", "eventClassifierCode": "ACT",
                              "equipmentEventTypeCode": "ARRI"}}, "code"),       # a code of another type
    ({"eventLocation": {"UNLocationCode": "KZQQQ"}}, "locode"),          # well formed, not in UN/LOCODE
    ({"eventDateTime": "2099-01-01T00:00:00Z"}, "eventDateTime"),        # ACT in the future
    ({"equipmentDetails": {"equipmentReference": "CSQU3054384"}}, "equipmentDetails.equipmentReference"),
    ({"equipmentDetails": {}}, "equipmentReference"),                    # an equipment event about nothing
    ({"eventLocation": {"geoCoordinate": {"latitude": "north", "longitude": "78.4"}}},
     "eventLocation.geoCoordinate.latitude"),
])
def test_invalid_event_names_its_field(changes: dict[str, object], field: str) -> None:
    _, errors = check(read(_load(**changes)))
    assert errors and errors[0].index == 0
    assert errors[0].field == field


def test_future_estimate_is_fine_but_future_actual_is_not() -> None:
    estimate = {"eventTypeCode": "EQUIPMENT", "eventClassifierCode": "EST", "equipmentEventTypeCode": "LOAD"}
    good, errors = check(read(_load(eventDateTime="2099-01-01T00:00:00Z", eventClassification=estimate)))
    assert errors == [] and len(good) == 1


def test_epcis_reads_all_five_event_types_about_containers_units_and_trade_items() -> None:
    events = events_of("epcis-2.0.jsonld")
    assert {e.details["epcisType"] for e in events} == {
        "ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}
    packing = next(e for e in events if e.details["epcisType"] == "AggregationEvent")
    assert packing.container == "MSKU1234565" and packing.details["aggregation"] == "ADD"
    # the URN and the Digital Link forms of SSCCs read to one canonical form
    assert packing.identifiers == (SSCC_451, "https://id.gs1.org/00/048700120000004794")
    commissioning = events[0]
    assert commissioning.container is None and commissioning.code == OTHER
    assert commissioning.details["bizStep"] == "commissioning"
    assert commissioning.identifiers == ("https://id.gs1.org/01/04870012345675/21/A7X0031",
                                         "https://id.gs1.org/01/04870012345675/21/A7X0032")


def test_epcis_curie_strings_expand_with_the_documents_context() -> None:
    events = events_of("epcis-2.0.jsonld")
    loading = events[2]  # bizStep cbv:BizStep-loading, disposition cbv:Disp-in_transit, cbv:BTT-bol
    assert (loading.code, loading.container, loading.locode) == ("LOAD", "CSQU3054383", "KZAAU")
    assert loading.details["disposition"] == "in_transit" and loading.references == (("BOL", "KRV-BKG-0001"),)
    pallet = events[-1]  # an EPC and a read point in the document's own almaty: prefix
    assert pallet.identifiers == ("https://almaty-textiles.example/id/pallet-17",)
    assert pallet.facility == "https://almaty-textiles.example/id/warehouse-2"


def test_epcis_sensor_data_is_a_reefer_reading_with_coordinates() -> None:
    [reading] = [e for e in events_of("epcis-2.0.jsonld") if e.event_type is EventType.REEFER]
    assert (reading.code, reading.container) == ("MEAS", "TGHU7654320")
    assert (reading.latitude, reading.longitude) == (44.1692, 80.0144) and reading.locode is None
    assert {(r["type"], r["value"]) for r in reading.details["readings"]} == {
        ("Temperature", -17.9), ("RelativeHumidity", 68)}


def test_epcis_query_document_and_bare_event_are_read() -> None:
    unpacked, received = events_of("epcis-query.jsonld")
    assert unpacked.details["aggregation"] == "DELETE" and unpacked.identifiers == (SSCC_451,)
    assert received.container is None and received.identifiers == (SSCC_451,)
    [departure] = events_of("epcis-event.jsonld")
    assert (departure.event_type, departure.code, departure.container) == (
        EventType.TRANSPORT, "DEPA", "MSKU1234565")


BIZ_STEPS = schemas.load(schemas.EPCIS_20)["definitions"]["bizStep"]["anyOf"][1]["enum"]


@pytest.mark.parametrize("step", BIZ_STEPS)
def test_every_cbv_business_step_is_accepted_and_kept(step: str) -> None:
    event = {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
             "type": "ObjectEvent", "eventTime": "2026-11-05T08:00:00Z", "eventTimeZoneOffset": "+00:00",
             "epcList": ["urn:epc:id:sscc:4870012.0000000451"], "action": "OBSERVE", "bizStep": step}
    assert list(schemas.errors(schemas.EPCIS_20, event)) == []
    good, errors = check(from_json(event))
    assert errors == []
    [(_, stored)] = good
    assert stored.details["bizStep"] == step
    assert stored.code != OTHER or step not in ("loading", "unloading", "departing", "arriving")


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
