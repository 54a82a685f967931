"""`GET /track/{query}`: status, last place, current leg, ETA band and exceptions of a container, or of
the containers of a logistic unit (SSCC) or a booking reference; `GET /track/shipments/{id}`: the same
for every container of a shipment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends

from karvan.api.auth import require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.errors import NotFoundError
from karvan.network.network import Network
from karvan.store.booking_models import ShipmentRow
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import links, lookup, service

router = APIRouter(prefix="/track", tags=["tracking"], responses=PROBLEM_RESPONSES)


def _now() -> datetime:
    """The routes' one clock read (tests pin this module's `datetime`)."""
    return datetime.now(UTC)


@router.get("/shipments/{shipment_id}", summary="Tracking state of every container of a shipment")
def track_shipment(shipment_id: str, principal: Principal = Depends(require_scope("read")),
                   db: Database = Depends(get_db),
                   network: Network = Depends(get_network)) -> dict[str, Any]:
    with db.session() as session:
        shipment = session.get(ShipmentRow, shipment_id)
        if shipment is None or not (principal.is_corridor_admin or shipment.org_id == principal.org_id):
            raise NotFoundError(f"no shipment {shipment_id}")
        containers, now = [], _now()
        for number in links.containers_of_shipment(session, shipment_id):
            try:
                containers.append(service.state_json(service.track(session, number, principal, network, now)))
            except NotFoundError:
                containers.append({"container": number, "status": "no_events", "events": []})
        return {"shipment": shipment_id, "containers": containers}


@router.get("/{query:path}", summary="Tracking state of a container, a logistic unit (SSCC) or a booking")
def track_any(query: str, principal: Principal = Depends(require_scope("read")),
              db: Database = Depends(get_db), network: Network = Depends(get_network)) -> dict[str, Any]:
    """A container number gives its state as before; an SSCC (or other EPC) or a booking / transport
    document reference gives `kind`, the unit's or reference's events, and the state of each container."""
    with db.session() as session:
        found = lookup.find(session, query, principal, network, _now())
    if found.kind == "container":
        return {**service.state_json(found.containers[0]), "kind": "container"}
    return lookup.found_json(found)
