"""SSE per shipment: a reconnecting client with Last-Event-ID gets what it missed, only its own."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dcsa_events import dcsa30_event
from fastapi import FastAPI
from fastapi.testclient import TestClient

from karvan.store.booking_models import ShipmentContainerRow, ShipmentRow


def _event(i: int, container: str) -> dict[str, Any]:
    return dcsa30_event(f"s-{i}", "EQUIPMENT", "DISC", f"2026-11-07T09:{i:02d}:00+05:00", container=container,
                        locode="KZAAU")


def _shipment(app: FastAPI, org_id: str, container: str) -> str:
    with app.state.db.write_session() as session:
        shipment = ShipmentRow(org_id=org_id, created_by="test", reference="", parties={})
        session.add(shipment)
        session.flush()
        session.add(ShipmentContainerRow(shipment_id=shipment.id, position=0, number=container,
                                         container_type="40HC", gross_kg=20000, cargo_description="parts",
                                         hs_code="8708"))
        session.commit()
        return str(shipment.id)


def test_shipment_stream_replays_missed_events_of_its_containers_only(
        api_app: FastAPI, tenant: Callable[..., Any]) -> None:
    admin = tenant("corridor_admin", scope="write")
    owner, stranger = tenant("shipper", scope="read"), tenant("shipper", scope="read")
    shipment_id = _shipment(api_app, owner.org_id, "CSQU3054383")
    events = [_event(0, "CSQU3054383"), _event(1, "MSKU1234565"), _event(2, "CSQU3054383")]
    assert admin.client.post("/events", json={"events": events}).status_code == 200
    assert stranger.client.get(f"/stream/shipments/{shipment_id}").status_code == 404
    headers = {"Authorization": f"Bearer {owner.key}", "Last-Event-ID": "0"}
    with TestClient(api_app, headers=headers) as client, \
            client.stream("GET", f"/stream/shipments/{shipment_id}") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        received: list[str] = []
        for line in response.iter_lines():
            if line.startswith("data: "):
                received.append(json.loads(line[6:])["eventID"])
            if len(received) == 2:
                break
    assert received == ["s-0", "s-2"]
