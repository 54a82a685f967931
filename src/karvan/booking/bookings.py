"""Bookings: one itinerary of a quote, holding slots on every departure it rides, or on none.

`book` records the booking as requested, tries to reserve its slots on all legs' departures inside a
savepoint, and in the same transaction confirms it (all reserved) or rejects it (a leg had no room;
the savepoint is rolled back, so nothing is held). Every status change is a compare-and-set UPDATE on
the booking row plus an audit entry, so two concurrent cancellations cannot release slots twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from karvan.booking.capacity import CapacityError, Need, Run, ensure_departures, release, reserve
from karvan.booking.quotes import Quote, QuotedItinerary, get_quote
from karvan.booking.shipments import Shipment, get_shipment
from karvan.booking.states import HOLDS_SLOTS, Actor, BookingStatus, check_transition
from karvan.errors import ConflictError, InputError, NotFoundError
from karvan.network.network import Network
from karvan.store import audit
from karvan.store.booking_models import BookingLegRow, BookingRow
from karvan.store.db import utc_now
from karvan.store.models import Scope, new_id
from karvan.store.pagination import Page, paginate
from karvan.tenancy.principal import Principal

RECORD_ID = r"^[a-z]{3}_[0-9a-f]{32}$"
"""Shape of Karvan record ids (`quo_…`, `shp_…`, `bkg_…`): a type prefix and 32 hex digits."""


class BookingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quote_id: str = Field(pattern=RECORD_ID, description="id of one of your quotes")
    itinerary: int = Field(default=0, ge=0, le=49, description="index of the quote's itinerary")
    shipment_id: str | None = Field(default=None, pattern=RECORD_ID,
                                    description="the shipment travelling (may be added later)")


class BookedLeg(BaseModel):
    departure_id: str
    service_id: str
    operator: str
    origin: str
    destination: str
    departs_at: datetime
    arrives_at: datetime


class Booking(BaseModel):
    id: str
    status: BookingStatus
    status_reason: str
    created_at: datetime
    updated_at: datetime
    quote_id: str
    itinerary: int
    shipment_id: str | None
    teu: int
    reefer_plugs: int
    price_usd: float
    currency: str = "USD"
    departs_at: datetime
    arrives_at: datetime
    legs: list[BookedLeg]


def _to_booking(row: BookingRow) -> Booking:
    return Booking(
        id=row.id, status=BookingStatus(row.status), status_reason=row.status_reason,
        created_at=row.created_at, updated_at=row.updated_at, quote_id=row.quote_id,
        itinerary=row.itinerary_index, shipment_id=row.shipment_id, teu=row.teu,
        reefer_plugs=row.reefer_plugs, price_usd=row.price_usd, departs_at=row.departs_at,
        arrives_at=row.arrives_at,
        legs=[BookedLeg(departure_id=leg.departure_id, service_id=leg.service_id, operator=leg.operator_code,
                        origin=leg.origin, destination=leg.destination, departs_at=leg.departs_at,
                        arrives_at=leg.arrives_at) for leg in row.legs])


def _need(row: BookingRow) -> Need:
    return Need(teu=row.teu, reefer_plugs=row.reefer_plugs, dangerous_goods=row.dangerous_goods)


def _check_shipment(shipment: Shipment, quote: Quote, network: Network, itinerary: QuotedItinerary) -> None:
    """The shipment's containers must be the quoted cargo and fit every service of the itinerary."""
    cargo = quote.request.cargo
    types = Counter(c.container_type for c in shipment.containers)
    if set(types) != {cargo.container_type} or types[cargo.container_type] > cargo.count:
        held = ", ".join(f"{n} x {t.value}" for t, n in types.items())
        raise InputError(
            f"shipment {shipment.id} holds {held} but quote {quote.id} "
            f"is for {cargo.count} x {cargo.container_type.value}", field="shipment_id",
            fix="book with a quote for the shipment's containers, or change the shipment")
    if any(c.dangerous_goods_class for c in shipment.containers) and not cargo.dangerous_goods:
        raise InputError(f"shipment {shipment.id} holds dangerous goods but quote {quote.id} is not for them",
                         field="shipment_id", fix="request a quote with cargo.dangerous_goods true")
    for leg in itinerary.legs:
        service = network.services.get(leg.service_id)
        if service is None:
            continue  # `_runs` reports services gone from the network
        limit_kg = service.max_gross_kg_per_teu * cargo.container_type.teu
        heavy = [c.number for c in shipment.containers if c.gross_kg > limit_kg]
        if heavy:
            raise InputError(f"{', '.join(heavy)} weigh more than the {limit_kg:.0f} kg that "
                             f"{leg.service_id} takes per container", field="shipment_id",
                             fix="lighten the containers or choose another itinerary")


def _runs(network: Network, itinerary: QuotedItinerary) -> list[Run]:
    runs = []
    for leg in itinerary.legs:
        service = network.services.get(leg.service_id)
        if service is None:
            raise ConflictError(f"service {leg.service_id} is no longer in the network; request a new quote")
        runs.append(Run(service=service, departs_at=leg.run_departs_at))
    return runs


def book(session: Session, network: Network, principal: Principal, request: BookingRequest,
         *, now: datetime | None = None) -> Booking:
    """Book a quote's itinerary: confirmed if every leg's departure had room, else rejected.

    Missing departure rows are created (and committed) first; the booking itself is left for the
    caller to commit, together with the response stored for its Idempotency-Key.
    """
    principal.require_scope(Scope.WRITE)
    now = now or utc_now()
    quote = get_quote(session, principal, request.quote_id)
    itinerary = quote.itinerary(request.itinerary)
    if now >= quote.valid_until:
        raise ConflictError(f"quote {quote.id} expired at {quote.valid_until.isoformat()}; "
                            "request a new quote")
    if itinerary.departs_at <= now:
        raise ConflictError(f"itinerary {itinerary.index} of quote {quote.id} departed at "
                            f"{itinerary.departs_at.isoformat()}; request a new quote")
    if request.shipment_id is not None:
        _check_shipment(get_shipment(session, principal, request.shipment_id), quote, network, itinerary)
    runs = _runs(network, itinerary)
    departure_ids = ensure_departures(session, runs, principal.actor)
    need = Need(teu=quote.teu, reefer_plugs=quote.reefer_plugs,
                dangerous_goods=quote.request.cargo.dangerous_goods)
    try:
        reserve(session, departure_ids.values(), need)
    except CapacityError as error:
        status, reason = BookingStatus.REJECTED, str(error)
    else:
        status, reason = BookingStatus.CONFIRMED, "slots reserved on every leg"
    # Written once, in its outcome, with both transitions in the audit log: nobody else ever sees it
    # requested, since it commits together with the reservation.
    stamp = now.astimezone(UTC)
    booking = Booking(
        id=new_id("bkg"), status=status, status_reason=reason, created_at=stamp, updated_at=stamp,
        quote_id=quote.id, itinerary=itinerary.index, shipment_id=request.shipment_id, teu=need.teu,
        reefer_plugs=need.reefer_plugs, price_usd=itinerary.price_usd,
        departs_at=itinerary.departs_at.astimezone(UTC), arrives_at=itinerary.arrives_at.astimezone(UTC),
        legs=[BookedLeg(departure_id=departure_ids[run.key], service_id=leg.service_id,
                        operator=leg.operator, origin=leg.origin, destination=leg.destination,
                        departs_at=leg.departs_at.astimezone(UTC), arrives_at=leg.arrives_at.astimezone(UTC))
              for leg, run in zip(itinerary.legs, runs, strict=True)])
    _insert(session, booking, principal, need)
    _audit(session, principal, principal.org_id, booking, None, BookingStatus.REQUESTED)
    _audit(session, principal, principal.org_id, booking, BookingStatus.REQUESTED, status, reason)
    return booking


_INSERT_BOOKING = insert(cast(Table, BookingRow.__table__))
_INSERT_LEGS = insert(cast(Table, BookingLegRow.__table__))


def _insert(session: Session, booking: Booking, principal: Principal, need: Need) -> None:
    """The booking and its legs, one Core INSERT per table: through the ORM's unit of work the same
    rows cost more than everything else a booking does (measured)."""
    session.execute(_INSERT_BOOKING, {
        "id": booking.id, "org_id": principal.org_id, "created_by": principal.actor,
        "created_at": booking.created_at, "updated_at": booking.updated_at, "quote_id": booking.quote_id,
        "itinerary_index": booking.itinerary, "shipment_id": booking.shipment_id,
        "status": booking.status.value, "status_reason": booking.status_reason, "teu": need.teu,
        "reefer_plugs": need.reefer_plugs, "dangerous_goods": need.dangerous_goods,
        "price_usd": booking.price_usd, "departs_at": booking.departs_at, "arrives_at": booking.arrives_at})
    session.execute(_INSERT_LEGS, [
        {"booking_id": booking.id, "position": position, "departure_id": leg.departure_id,
         "service_id": leg.service_id, "operator_code": leg.operator, "origin": leg.origin,
         "destination": leg.destination, "departs_at": leg.departs_at, "arrives_at": leg.arrives_at}
        for position, leg in enumerate(booking.legs)])


def _audit(session: Session, principal: Principal, org_id: str, booking: Booking,
           before: BookingStatus | None, after: BookingStatus, reason: str = "") -> None:
    """Recorded in the audit log of the booking's organisation, whoever made the change."""
    audit.record(session, org_id=org_id, actor=principal.actor, action=f"booking.{after.value}",
                 entity="booking", entity_id=booking.id,
                 detail={"before": {"status": before.value} if before else None,
                         "after": {"status": after.value, "teu": booking.teu,
                                   "reefer_plugs": booking.reefer_plugs,
                                   "departures": [leg.departure_id for leg in booking.legs]},
                         "reason": reason})


def _set_status(session: Session, principal: Principal, row: BookingRow, target: BookingStatus,
                reason: str, now: datetime) -> Booking:
    """Compare-and-set the status and return the booking as it now is; ConflictError if another request
    changed it first."""
    current = BookingStatus(row.status)
    result = session.execute(
        update(BookingRow).where(BookingRow.id == row.id, BookingRow.status == current.value)
        .values(status=target.value, status_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"booking {row.id} was changed by another request; read it again")
    # The row now holds exactly these values: record them as loaded rather than read the row back
    changed = {"status": target.value, "status_reason": reason, "updated_at": now.astimezone(UTC)}
    for name, value in changed.items():
        set_committed_value(row, name, value)
    booking = _to_booking(row)
    _audit(session, principal, row.org_id, booking, current, target, reason)
    return booking


# One query with its legs, built once (see karvan.booking.shipments).
_BOOKING_BY_ID = (select(BookingRow).options(joinedload(BookingRow.legs))
                  .where(BookingRow.id == bindparam("booking_id")))


def _visible(session: Session, principal: Principal, booking_id: str) -> tuple[BookingRow, Actor]:
    """The booking and the role in which the principal sees it: its shipper, or an operator of a leg."""
    row = session.execute(_BOOKING_BY_ID, {"booking_id": booking_id}).unique().scalar_one_or_none()
    if row is not None:
        if row.org_id == principal.org_id:
            return row, Actor.SHIPPER
        if any(principal.manages_operator(leg.operator_code) for leg in row.legs):
            return row, Actor.OPERATOR
    raise NotFoundError(f"no booking {booking_id!r} visible to your organisation")


def get_booking(session: Session, principal: Principal, booking_id: str) -> Booking:
    principal.require_scope(Scope.READ)
    return _to_booking(_visible(session, principal, booking_id)[0])


def change_status(session: Session, principal: Principal, booking_id: str, target: BookingStatus,
                  *, reason: str = "", now: datetime | None = None) -> Booking:
    """Move a booking as its shipper (cancel) or as an operator of one of its legs (in_transit,
    delivered). Cancelling a booking that holds slots releases them in the same transaction."""
    principal.require_scope(Scope.WRITE)
    row, role = _visible(session, principal, booking_id)
    operates = any(principal.manages_operator(leg.operator_code) for leg in row.legs)
    actor = Actor.OPERATOR if operates and target in (BookingStatus.IN_TRANSIT, BookingStatus.DELIVERED) \
        else role
    current = BookingStatus(row.status)
    check_transition(current, target, actor)
    booking = _set_status(session, principal, row, target, reason, now or utc_now())
    if current in HOLDS_SLOTS and target not in HOLDS_SLOTS:
        release(session, [leg.departure_id for leg in row.legs], _need(row))
    return booking


def list_bookings(session: Session, principal: Principal, *, status: BookingStatus | None = None,
                  departs_after: datetime | None = None, departs_before: datetime | None = None,
                  operated: bool = False, cursor: str | None = None, limit: int = 50) -> Page[Booking]:
    """The organisation's bookings, newest first; with `operated`, those riding its operators' services."""
    principal.require_scope(Scope.READ)
    if operated:
        legs = select(BookingLegRow.booking_id).where(
            BookingLegRow.operator_code.in_(sorted(principal.operator_codes)))
        stmt = select(BookingRow).where(BookingRow.id.in_(legs))
    else:
        stmt = select(BookingRow).where(BookingRow.org_id == principal.org_id)
    if status is not None:
        stmt = stmt.where(BookingRow.status == status.value)
    if departs_after is not None:
        stmt = stmt.where(BookingRow.departs_at >= departs_after)
    if departs_before is not None:
        stmt = stmt.where(BookingRow.departs_at < departs_before)
    page = paginate(session, stmt, order_by=[BookingRow.created_at, BookingRow.id], cursor=cursor,
                    limit=limit, descending=True)
    return Page(items=[_to_booking(r) for r in page.items], next_cursor=page.next_cursor)
