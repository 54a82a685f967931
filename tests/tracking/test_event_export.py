"""Exports are valid DCSA 3.0.0 events and EPCIS 2.0 documents for any stored event (the bundled official
schemas decide), and an EPCIS export reads back as the same events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from karvan.tracking import schemas
from karvan.tracking.codes import EXTENSIONS
from karvan.tracking.export import epcis_document, to_dcsa
from karvan.tracking.formats import read
from karvan.tracking.identity import content_key
from karvan.tracking.ingest import check
from karvan.tracking.model import CODES_BY_TYPE, OTHER, Classifier, ContainerEvent, EventType, Routing
from karvan.tracking.repository import StoredEvent

FIXTURES = Path(__file__).parent / "fixtures"
CREATED = datetime(2026, 12, 1, tzinfo=UTC)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30)


@st.composite
def stored_events(draw: st.DrawFn) -> StoredEvent:
    event_type = draw(st.sampled_from(list(EventType)))
    codes = sorted(CODES_BY_TYPE[event_type]) + ([*sorted(EXTENSIONS), OTHER]
                                                 if event_type is EventType.EQUIPMENT else [])
    moment = draw(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                               timezones=st.sampled_from([UTC, timezone(timedelta(hours=5)),
                                                          timezone(timedelta(hours=-3, minutes=-30))])))
    point = draw(st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180)))
    event = ContainerEvent(
        event_id=draw(TEXT), event_type=event_type, code=draw(st.sampled_from(codes)),
        classifier=draw(st.sampled_from(list(Classifier))), event_time=moment,
        container=draw(st.none() | st.just("CSQU3054383")), shipment=draw(st.none() | TEXT),
        references=tuple(draw(st.lists(st.tuples(st.sampled_from(["BKG", "TRD", "EQ", "PO", "BOL"]), TEXT),
                                       max_size=3))),
        locode=draw(st.none() | st.sampled_from(["KZAAU", "AZALA"])), facility=draw(st.none() | TEXT),
        service=draw(st.none() | TEXT), departure=draw(st.none() | TEXT),
        mode=draw(st.none() | st.sampled_from(["RAIL", "VESSEL"])), operator=draw(st.none() | TEXT),
        updated_at=draw(st.none() | st.just(moment + timedelta(hours=1))), retracted=draw(st.booleans()),
        routing=Routing(draw(st.none() | TEXT), tuple(draw(st.lists(TEXT, max_size=2)))),
        identifiers=tuple(draw(st.lists(st.sampled_from([
            "https://id.gs1.org/00/048700120000004510", "urn:epc:id:giai:4870012.S1"]), unique=True))),
        details={"epcisType": draw(st.sampled_from(["ObjectEvent", "AggregationEvent", "TransactionEvent",
                                                    "TransformationEvent", "AssociationEvent"]))},
        latitude=point[0] if point else None, longitude=point[1] if point else None)
    return StoredEvent(draw(st.integers(1, 10**6)), event, "2026-12-01T00:00:00.000000Z")


@settings(max_examples=150, deadline=None)
@given(st.lists(stored_events(), min_size=1, max_size=4))
def test_any_stored_event_exports_valid_dcsa_30_and_epcis_20(events: list[StoredEvent]) -> None:
    for stored in events:
        assert list(schemas.errors(schemas.DCSA_30_EVENT, to_dcsa(stored))) == []
    assert list(schemas.errors(schemas.EPCIS_20, epcis_document(events, CREATED))) == []


def test_epcis_export_of_epcis_documents_reads_back_as_the_same_events() -> None:
    events = [StoredEvent(i + 1, e, "2026-12-01T00:00:00.000000Z")
              for name in ("epcis-2.0.jsonld", "epcis-query.jsonld", "epcis-event.jsonld")
              for i, (_, e) in enumerate(check(read((FIXTURES / name).read_text()))[0])]
    good, errors = check(read(json.dumps(epcis_document(events, CREATED))))
    assert errors == []
    assert [content_key(e) for _, e in good] == [content_key(s.event) for s in events]
