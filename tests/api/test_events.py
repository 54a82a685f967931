"""POST /events and GET /events: formats, batch policy, authorisation and visibility."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dcsa_events import dcsa30_event, official
from fastapi import FastAPI

from karvan.store.booking_models import ShipmentContainerRow, ShipmentRow
from karvan.tracking import schemas

FIXTURES = Path(__file__).parent.parent / "tracking" / "fixtures"
CONTAINER = "CSQU3054383"


def ktz_event(index: int = 0, **changes: Any) -> dict[str, Any]:
    """A KTZ train arriving at Dostyk with the container, reported in DCSA 3.0.0 shape."""
    return dcsa30_event(f"ktz-{index}", "TRANSPORT", "ARRI", f"2026-11-07T08:{index % 60:02d}:00+05:00",
                        container=CONTAINER, locode="KZDOS", service="KTZ-DOS-AAU", **changes)


def add_shipment(app: FastAPI, org_id: str, container: str = CONTAINER) -> str:
    with app.state.db.write_session() as session:
        shipment = ShipmentRow(org_id=org_id, created_by="test", reference="", parties={})
        session.add(shipment)
        session.flush()
        session.add(ShipmentContainerRow(shipment_id=shipment.id, position=0, number=container,
                                         container_type="40HC", gross_kg=20000, cargo_description="parts",
                                         hs_code="8708"))
        session.commit()
        return shipment.id


def test_operator_posts_dcsa_30_once_and_again_as_duplicates(tenant: Callable[..., Any]) -> None:
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    body = {"events": [ktz_event(i) for i in range(3)]}
    first = ktz.client.post("/events", json=body)
    again = ktz.client.post("/events", json=body)
    assert first.status_code == 200, first.text
    assert (first.json()["accepted"], first.json()["duplicates"]) == (3, 0)
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 3)


@pytest.mark.parametrize("name", ["dcsa-2.2.json", "dcsa-3.0.json", "epcis-2.0.jsonld", "epcis-query.jsonld",
                                  "epcis-event.jsonld", "events.csv"])
def test_admin_posts_every_format(tenant: Callable[..., Any], name: str) -> None:
    admin = tenant("corridor_admin", scope="write")
    content = official(FIXTURES / name)
    headers = {"Content-Type": "text/csv" if name.endswith(".csv") else "application/json"}
    response = admin.client.post("/events", content=content, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] > 0 and response.json()["rejected"] == 0


def test_invalid_event_refuses_whole_batch_naming_event_and_field(tenant: Callable[..., Any]) -> None:
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    bad = ktz_event(1, eventDateTime="2026-11-07T08:01:00")  # no offset
    response = ktz.client.post("/events", json={"events": [ktz_event(0), bad]})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["errors"][0]["index"] == 1 and problem["errors"][0]["field"] == "eventDateTime"
    assert ktz.client.get("/events").json()["events"] == []
    partial = ktz.client.post("/events?partial=true", json={"events": [ktz_event(0), bad]})
    assert (partial.json()["accepted"], partial.json()["rejected"]) == (1, 1)


def test_operator_cannot_report_for_another_operator_and_nothing_is_half_stored(
        tenant: Callable[..., Any]) -> None:
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    foreign = ktz_event(1, eventLocation={"UNLocationCode": "GEPTI"}, transportDetails={"transportCall": {
        "serviceCodeOrReference": {"carrierServiceCode": "GR-GAR-PTI"}}})
    response = ktz.client.post("/events", json={"events": [ktz_event(0), foreign]})
    assert response.status_code == 403
    assert "event 1" in response.json()["detail"]
    assert ktz.client.get("/events").json()["events"] == []
    shipper = tenant("shipper", scope="write")
    assert shipper.client.post("/events", json={"events": [ktz_event(0)]}).status_code == 403


def test_customer_reads_only_containers_on_its_shipments(api_app: FastAPI,
                                                        tenant: Callable[..., Any]) -> None:
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    other = ktz_event(5, equipmentDetails={"equipmentReference": "MSKU1234565"})
    assert ktz.client.post("/events", json={"events": [ktz_event(0), other]}).status_code == 200
    owner, stranger = tenant("shipper", scope="read"), tenant("forwarder", scope="read")
    shipment_id = add_shipment(api_app, owner.org_id)
    mine = owner.client.get("/events").json()["events"]
    assert [e["equipmentDetails"]["equipmentReference"] for e in mine] == [CONTAINER]
    assert stranger.client.get("/events").json()["events"] == []
    by_shipment = owner.client.get("/events", params={"shipment": shipment_id}).json()["events"]
    assert len(by_shipment) == 1
    assert owner.client.get(f"/track/{CONTAINER}").status_code == 200
    assert stranger.client.get(f"/track/{CONTAINER}").status_code == 404
    assert owner.client.get(f"/track/shipments/{shipment_id}").json()["containers"][0]["status"] == "arrived"


def test_get_events_pages_with_a_cursor_and_exports_epcis(tenant: Callable[..., Any]) -> None:
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    ktz.client.post("/events", json={"events": [ktz_event(i) for i in range(5)]})
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = ktz.client.get("/events", params=params).json()
        seen += [e["eventID"] for e in page["events"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"ktz-{i}" for i in range(5)]
    epcis = ktz.client.get("/events", params={"format": "epcis", "UNLocationCode": "KZDOS"}).json()
    assert epcis["type"] == "EPCISDocument" and len(epcis["epcisBody"]["eventList"]) == 5
    assert epcis["epcisBody"]["eventList"][0]["bizStep"].endswith("arriving")
    assert ktz.client.get("/events", params={"eventTypes": "NOPE"}).status_code == 422


def test_exported_documents_import_again_as_the_same_events(tenant: Callable[..., Any]) -> None:
    admin = tenant("corridor_admin", scope="write")
    admin.client.post("/events", content=official(FIXTURES / "dcsa-3.0.json"),
                      headers={"Content-Type": "application/json"})
    for fmt in ("dcsa", "epcis"):
        exported = admin.client.get("/events", params={"format": fmt}).json()
        exported.pop("next_cursor", None)
        exported.pop("karvan:nextCursor", None)
        again = admin.client.post("/events", content=json.dumps(exported),
                                  headers={"Content-Type": "application/json"})
        assert again.status_code == 200, again.text
        if fmt == "dcsa":
            assert again.json()["accepted"] == 0  # same content: duplicates
        assert again.json()["rejected"] == 0


def test_exports_validate_against_the_official_schemas(tenant: Callable[..., Any]) -> None:
    admin = tenant("corridor_admin", scope="write")
    for name in ("dcsa-2.2.json", "dcsa-3.0.json", "epcis-2.0.jsonld", "epcis-query.jsonld", "events.csv"):
        headers = {"Content-Type": "text/csv" if name.endswith(".csv") else "application/json"}
        posted = admin.client.post("/events", content=official(FIXTURES / name), headers=headers)
        assert posted.status_code == 200
    events = admin.client.get("/events", params={"limit": 1000}).json()["events"]
    assert events and all(list(schemas.errors(schemas.DCSA_30_EVENT, e)) == [] for e in events)
    epcis = admin.client.get("/events", params={"format": "epcis", "limit": 1000}).json()
    assert list(schemas.errors(schemas.EPCIS_20, epcis)) == []


def test_track_by_sscc_shows_the_container_it_travels_in_and_by_booking_reference(
        tenant: Callable[..., Any]) -> None:
    admin = tenant("corridor_admin", scope="write")
    assert admin.client.post("/events", content=official(FIXTURES / "epcis-2.0.jsonld"),
                             headers={"Content-Type": "application/json"}).status_code == 200
    unit = admin.client.get("/track/048700120000004794").json()  # put into MSKU1234565 by an AggregationEvent
    assert unit["kind"] == "unit" and unit["in_container"] == "MSKU1234565"
    assert [c["container"] for c in unit["containers"]] == ["MSKU1234565"]
    by_urn = admin.client.get("/track/urn:epc:id:sscc:4870012.0000000479").json()
    assert by_urn["unit"] == unit["unit"]
    booking = admin.client.get("/track/KRV-BKG-0001").json()  # the EPCIS bill of lading names it
    assert booking["kind"] == "reference" and "CSQU3054383" in [c["container"] for c in booking["containers"]]
    assert admin.client.get("/track/NO-SUCH-REF").status_code == 404
    stranger = tenant("shipper", scope="read")
    assert stranger.client.get("/track/048700120000004794").status_code == 404
