"""Shipments: containers (ISO 6346 numbers, type, weight, HS code, dangerous goods, reefer set point)
and the parties named on them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from karvan.api.auth import get_principal, require_scope
from karvan.api.deps import get_db
from karvan.api.idempotency import Idempotency, idempotency
from karvan.api.pagination import PageOut, PageParams
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.booking.bookings import RECORD_ID
from karvan.booking.cargo import NO_NUL
from karvan.booking.shipments import Shipment, ShipmentIn, create_shipment, get_shipment, list_shipments
from karvan.store.db import Database
from karvan.store.models import Scope
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/shipments", tags=["shipments"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=201, response_model=Shipment,
             summary="Declare a shipment (Idempotency-Key accepted)")
def post_shipment(body: ShipmentIn, principal: Principal = Depends(require_scope(Scope.WRITE)),
                  db: Database = Depends(get_db),
                  idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        return idem.respond(session, 201, create_shipment(session, principal, body))


@router.get("", response_model=PageOut[Shipment], summary="The organisation's shipments, newest first")
def get_shipments(created_after: AwareDatetime | None = Query(None, description="ISO 8601 with offset"),
                  created_before: AwareDatetime | None = Query(None, description="ISO 8601 with offset"),
                  container: str | None = Query(None, max_length=20, pattern=NO_NUL,
                                                 description="an ISO 6346 number"),
                  page: PageParams = Depends(), principal: Principal = Depends(get_principal),
                  db: Database = Depends(get_db)) -> PageOut[Shipment]:
    with db.session() as session:
        result = list_shipments(session, principal, created_after=created_after,
                                created_before=created_before, container=container, cursor=page.cursor,
                                limit=page.limit)
    return PageOut.of(result, lambda shipment: shipment)


@router.get("/{shipment_id}", response_model=Shipment, summary="One shipment")
async def get_one_shipment(shipment_id: str = Path(pattern=RECORD_ID),
                           principal: Principal = Depends(get_principal),
                           db: Database = Depends(get_db)) -> Shipment:
    # a point read, on the event loop: see karvan.api.auth
    return db.loop_read(lambda session: get_shipment(session, principal, shipment_id))
