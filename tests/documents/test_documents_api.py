"""The documents API: draft, issue, PDF and the public verification page; a missing-data problem lists
every item; readers by organisation kind and place; every call but verification is authenticated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from doc_corridor import instructions_json, seed_booking
from fastapi.testclient import TestClient

from karvan.documents import notes, transit
from karvan.store.models import OrgKind
from karvan.tenancy.principal import Principal

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
NOTES = "/documents/consignment-notes"
COMPLETE_DETAILS = {"lrn": "KRV1", "office_of_departure": "BG005800", "office_of_destination": "BG001000",
                    "holder_eori": "BG123456789", "holder_city": "Sofia", "guarantee_type": "1",
                    "guarantee_reference": "30BG0000000000001", "access_code": "AB12"}


def _issue(tenant: Callable[..., Any], api_app: Any) -> tuple[Any, str]:
    shipper = tenant()
    booking_id = seed_booking(api_app.state.db, shipper.org_id)
    drafted = shipper.client.post(NOTES, json={"booking_id": booking_id, "instructions": instructions_json()})
    assert drafted.status_code == 201, drafted.text
    number = drafted.json()["note_number"]
    issued = shipper.client.post(f"{NOTES}/{number}/issue")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    return shipper, number


def test_draft_issue_pdf_and_public_verification(tenant: Callable[..., Any], api_app: Any,
                                                 api_client: Callable[..., TestClient]) -> None:
    shipper, number = _issue(tenant, api_app)
    pdf = shipper.client.get(f"{NOTES}/{number}/pdf", params={"language": "ka"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    public = api_client().get(f"/verify/{number}")
    assert public.status_code == 200
    assert public.json()["valid"] is True and "note" not in public.json()
    page = api_client().get(f"/verify/{number}", headers={"Accept": "text/html"})
    assert "Consignment note valid" in page.text and public.json()["sha256"] in page.text
    as_owner = shipper.client.get(f"/verify/{number}")
    assert as_owner.json()["note"]["consignor"]["name"] == "Xi'an Electronics Co."


def test_missing_data_is_one_problem_listing_every_item(tenant: Callable[..., Any], api_app: Any) -> None:
    shipper = tenant()
    booking_id = seed_booking(api_app.state.db, shipper.org_id, addresses=False)
    response = shipper.client.post(NOTES, json={"booking_id": booking_id,
                                                "instructions": instructions_json(incoterm=None)})
    assert response.status_code == 422
    problem = response.json()
    assert {e["field"] for e in problem["errors"]} == {
        "instructions.incoterm", "shipment.parties.shipper.address", "shipment.parties.consignee.address"}


def test_customs_reads_only_consignments_passing_its_places(tenant: Callable[..., Any], api_app: Any) -> None:
    _, number = _issue(tenant, api_app)
    on_route, elsewhere = tenant(OrgKind.CUSTOMS), tenant(OrgKind.CUSTOMS)
    with api_app.state.db.write_session() as session:
        notes.add_reader_place(session, Principal.system(), on_route.org_id, "AZBAK", OrgKind.CUSTOMS)
        session.commit()
    assert on_route.client.get(f"{NOTES}/{number}").status_code == 200
    assert on_route.client.get(NOTES).json() == [number]
    booking_id = on_route.client.get(f"{NOTES}/{number}").json()["consignment"]["booking_id"]
    assert on_route.client.get(NOTES, params={"booking_id": booking_id}).json() == [number]
    assert on_route.client.get(NOTES, params={"booking_id": "bkg_" + "0" * 32}).json() == []
    assert elsewhere.client.get(f"{NOTES}/{number}").status_code == 404
    assert "note" not in elsewhere.client.get(f"/verify/{number}").json()


def test_every_documents_route_needs_a_key(api_client: Callable[..., TestClient]) -> None:
    anonymous = api_client()
    assert anonymous.get(f"{NOTES}/schema").status_code == 401
    assert anonymous.get(NOTES).status_code == 401
    assert anonymous.post(NOTES, json={}).status_code == 401


def test_the_schema_is_published(tenant: Callable[..., Any]) -> None:
    schema = tenant().client.get(f"{NOTES}/schema").json()
    assert {"consignor", "carrier_sections", "transport_equipment"} <= set(schema["properties"])


def test_the_transit_declaration_lists_missing_items_and_never_returns_unvalidated_xml(
        tenant: Callable[..., Any], api_app: Any) -> None:
    shipper, number = _issue(tenant, api_app)
    url = f"{NOTES}/{number}/transit-declaration"
    partial = shipper.client.post(url, json={"lrn": "KRV1", "office_of_departure": "BG005800"})
    assert partial.status_code == 422
    assert "transit.guarantee_reference" in {e["field"] for e in partial.json()["errors"]}
    complete = shipper.client.post(url, json=COMPLETE_DETAILS)
    assert complete.status_code == 200, complete.text
    assert complete.headers["content-type"].startswith("application/xml")
    assert transit.validation_errors(complete.content) == []


def test_without_the_schemas_the_declaration_is_503_not_unvalidated_xml(
        tenant: Callable[..., Any], api_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipper, number = _issue(tenant, api_app)
    monkeypatch.setattr(transit, "schema_dir", lambda: tmp_path)
    refused = shipper.client.post(f"{NOTES}/{number}/transit-declaration", json=COMPLETE_DETAILS)
    assert refused.status_code == 503 and refused.json()["type"].endswith("schema-unavailable")
