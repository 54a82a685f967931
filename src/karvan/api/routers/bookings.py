"""Bookings: book a quote's itinerary (all legs' slots or none), follow it, cancel it, and, for the
operators of its legs, report it in transit and delivered."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from karvan.api.auth import get_principal, require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.idempotency import Idempotency, idempotency
from karvan.api.pagination import PageOut, PageParams
from karvan.api.problems import PROBLEM_RESPONSES, problem
from karvan.booking.bookings import (
    RECORD_ID,
    Booking,
    BookingRequest,
    book,
    change_status,
    get_booking,
    list_bookings,
)
from karvan.booking.cargo import NO_NUL
from karvan.booking.states import BookingStatus
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import Scope
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/bookings", tags=["bookings"], responses=PROBLEM_RESPONSES)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["cancelled", "in_transit", "delivered"] = Field(
        description="cancelled (the shipper), in_transit or delivered (an operator of one of the legs)")
    reason: str = Field(default="", max_length=500, pattern=NO_NUL)


@router.post("", status_code=201, response_model=Booking,
             summary="Book a quote's itinerary: 201 confirmed, or 409 rejected with the reason "
                     "(Idempotency-Key accepted: a retry never books twice)")
def post_booking(body: BookingRequest, principal: Principal = Depends(require_scope(Scope.WRITE)),
                 db: Database = Depends(get_db), network: Network = Depends(get_network),
                 idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        booking = book(session, network, principal, body)
        if booking.status is not BookingStatus.REJECTED:
            return idem.respond(session, 201, booking)
        detail = f"booking {booking.id} rejected: {booking.status_reason}"
        idem.respond(session, 409, {"type": "/problems/no-capacity", "title": "Conflict", "status": 409,
                                    "detail": detail, "booking": booking.model_dump(mode="json")})
    return problem(409, detail, slug="no-capacity", instance="/bookings",
                   booking=booking.model_dump(mode="json"))


@router.get("", response_model=PageOut[Booking],
            summary="The organisation's bookings (or, with operated=true, those on its services)")
def get_bookings(status: BookingStatus | None = Query(None),
                 departs_after: AwareDatetime | None = Query(None, description="ISO 8601 with offset"),
                 departs_before: AwareDatetime | None = Query(None, description="ISO 8601 with offset"),
                 operated: bool = Query(False, description="bookings on the caller's operators' services"),
                 page: PageParams = Depends(), principal: Principal = Depends(get_principal),
                 db: Database = Depends(get_db)) -> PageOut[Booking]:
    with db.session() as session:
        result = list_bookings(session, principal, status=status, departs_after=departs_after,
                               departs_before=departs_before, operated=operated, cursor=page.cursor,
                               limit=page.limit)
    return PageOut.of(result, lambda booking: booking)


@router.get("/{booking_id}", response_model=Booking, summary="One booking")
async def get_one_booking(booking_id: str = Path(pattern=RECORD_ID),
                          principal: Principal = Depends(get_principal),
                          db: Database = Depends(get_db)) -> Booking:
    # a point read, on the event loop: see karvan.api.auth
    return db.loop_read(lambda session: get_booking(session, principal, booking_id))


@router.post("/{booking_id}/status", response_model=Booking,
             summary="Cancel (shipper; releases the slots) or report in_transit / delivered (operator)")
def post_status(body: StatusChange, booking_id: str = Path(pattern=RECORD_ID),
                principal: Principal = Depends(require_scope(Scope.WRITE)),
                db: Database = Depends(get_db),
                idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        booking = change_status(session, principal, booking_id, BookingStatus(body.status),
                                reason=body.reason)
        return idem.respond(session, 200, booking)
