"""POST/GET /shipments over HTTP: ISO 6346 numbers, HS codes, dangerous goods, reefers; tenancy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from booking_api import SHIPPER_PARTIES, Tenant, container
from fastapi import FastAPI


def body(*containers: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"reference": "PO-7", "parties": SHIPPER_PARTIES,
            "containers": list(containers) or [container()], **changes}


def test_a_shipment_is_stored_and_found_by_container(tenant: Callable[..., Tenant]) -> None:
    shipper = tenant()
    reefer = container("MSKU1234565", container_type="40RF", reefer_set_point_c=-18,
                       cargo_description="frozen lamb", hs_code="0204.42")
    created = shipper.client.post("/shipments", json=body(container(), reefer))
    assert created.status_code == 201, created.text
    shipment = created.json()
    assert shipment["containers"][1]["hs_code"] == "020442"
    assert shipper.client.get(f"/shipments/{shipment['id']}").json() == shipment
    found = shipper.client.get("/shipments", params={"container": "MSKU1234565"}).json()["items"]
    assert [s["id"] for s in found] == [shipment["id"]]


@pytest.mark.parametrize(("change", "field"), [
    ({"number": "CSQU3054384"}, "containers.0.number"),
    ({"number": "not-a-box"}, "containers.0.number"),
    ({"hs_code": "12"}, "containers.0.hs_code"),
    ({"dangerous_goods_class": "2.9"}, "containers.0.dangerous_goods_class"),
    ({"reefer_set_point_c": -18}, "containers.0"),
    ({"gross_kg": 31_000}, "containers.0.gross_kg"),
    ({"gross_kg": "heavy"}, "containers.0.gross_kg"),
])
def test_invalid_containers_are_422_naming_the_field(tenant: Callable[..., Tenant], change: dict[str, Any],
                                                     field: str) -> None:
    response = tenant().client.post("/shipments", json=body(container(**change)))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_missing_consignee_is_named(tenant: Callable[..., Tenant]) -> None:
    response = tenant().client.post("/shipments", json=body(parties={"shipper": SHIPPER_PARTIES["shipper"]}))
    assert response.status_code == 422 and response.json()["field"] == "parties.consignee"


def test_shipments_of_other_organisations_are_invisible(tenant: Callable[..., Tenant]) -> None:
    mine, theirs = tenant(), tenant()
    shipment = mine.client.post("/shipments", json=body()).json()
    assert theirs.client.get(f"/shipments/{shipment['id']}").status_code == 404
    assert theirs.client.get("/shipments").json()["items"] == []


def test_read_only_keys_cannot_declare_shipments(tenant: Callable[..., Tenant]) -> None:
    reader = tenant(scope="read")
    assert reader.client.post("/shipments", json=body()).status_code == 403
    assert reader.client.get("/shipments").status_code == 200


def test_point_reads_are_served_while_threads_hold_every_pooled_connection(
        api_app: FastAPI, tenant: Callable[..., Tenant], monkeypatch: pytest.MonkeyPatch) -> None:
    """The key check and point reads run on the event loop with a connection of their own, so a main pool
    drained by worker threads (slow writes, analytics) cannot stall them; with the main pool they would
    wait its timeout (1 s here) and fail."""
    shipper = tenant()
    shipment = shipper.client.post("/shipments", json=body()).json()
    pool = api_app.state.db.engine.pool
    monkeypatch.setattr(pool, "_timeout", 1)  # SQLAlchemy's QueuePool has no public setter
    held = [pool.connect() for _ in range(pool.size() + pool._max_overflow)]
    try:
        assert shipper.client.get(f"/shipments/{shipment['id']}").json() == shipment
        waited = shipper.client.get("/shipments")  # a list runs in a worker thread on the main pool
        assert waited.status_code == 503 and waited.headers["retry-after"] == "1", waited.text
    finally:
        for connection in held:
            connection.close()
