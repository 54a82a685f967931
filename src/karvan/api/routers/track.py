"""`GET /track/{container}`: status, last place, current leg, ETA band and exceptions of a container;
`GET /track/shipments/{id}`: the same for every container of a shipment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from karvan import iso6346
from karvan.api.auth import require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.errors import NotFoundError
from karvan.network.network import Network
from karvan.store.booking_models import ShipmentRow
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import links, service

router = APIRouter(prefix="/track", tags=["tracking"], responses=PROBLEM_RESPONSES)


@router.get("/shipments/{shipment_id}", summary="Tracking state of every container of a shipment")
def track_shipment(shipment_id: str, principal: Principal = Depends(require_scope("read")),
                   db: Database = Depends(get_db),
                   network: Network = Depends(get_network)) -> dict[str, Any]:
    with db.session() as session:
        shipment = session.get(ShipmentRow, shipment_id)
        if shipment is None or not (principal.is_corridor_admin or shipment.org_id == principal.org_id):
            raise NotFoundError(f"no shipment {shipment_id}")
        containers = []
        for number in links.containers_of_shipment(session, shipment_id):
            try:
                containers.append(service.state_json(service.track(session, number, principal, network)))
            except NotFoundError:
                containers.append({"container": number, "status": "no_events", "events": []})
        return {"shipment": shipment_id, "containers": containers}


@router.get("/{container}", summary="Tracking state of a container")
def track_container(container: str, principal: Principal = Depends(require_scope("read")),
                    db: Database = Depends(get_db),
                    network: Network = Depends(get_network)) -> dict[str, Any]:
    number = iso6346.validate(container, field="container")
    with db.session() as session:
        return service.state_json(service.track(session, number, principal, network))
