"""What tracking reads from the platform's and booking's tables: who sees which containers, the
booked itinerary of a container, and which operator runs a departure."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from karvan.store.booking_models import BookingLegRow, BookingRow, ShipmentContainerRow, ShipmentRow
from karvan.store.models import Departure
from karvan.tenancy.principal import Principal
from karvan.tracking.plan import Plan, PlannedLeg

_CANCELLED = ("cancelled", "rejected", "expired")


def visible_containers(session: Session, principal: Principal) -> list[str] | None:
    """Containers the principal may read; None means all (the corridor administrator)."""
    if principal.is_corridor_admin:
        return None
    rows = session.execute(select(ShipmentContainerRow.number).join(ShipmentRow)
                        .where(ShipmentRow.org_id == principal.org_id)).scalars().all()
    return sorted(set(rows))


def shipments_of_container(session: Session, container: str) -> list[tuple[str, str]]:
    """(shipment id, owning organisation) of every shipment carrying the container."""
    rows = session.execute(select(ShipmentRow.id, ShipmentRow.org_id).join(ShipmentContainerRow)
                        .where(ShipmentContainerRow.number == container)).all()
    return [(r[0], r[1]) for r in rows]


def containers_of_shipment(session: Session, shipment_id: str) -> list[str]:
    return list(session.execute(select(ShipmentContainerRow.number)
                             .where(ShipmentContainerRow.shipment_id == shipment_id)).scalars().all())


_BOOKING_OF_CONTAINER = (
    select(BookingRow.id, BookingRow.shipment_id)
    .join(ShipmentContainerRow, ShipmentContainerRow.shipment_id == BookingRow.shipment_id)
    .where(ShipmentContainerRow.number == bindparam("container"), BookingRow.status.not_in(_CANCELLED))
    .order_by(BookingRow.created_at.desc()).limit(1))
_LEGS = select(BookingLegRow).where(BookingLegRow.booking_id == bindparam("booking")) \
    .order_by(BookingLegRow.position)


def container_plan(session: Session, container: str) -> Plan | None:
    """The legs of the newest live booking whose shipment carries the container."""
    booking = session.execute(_BOOKING_OF_CONTAINER, {"container": container}).first()
    if booking is None:
        return None
    legs = session.execute(_LEGS, {"booking": booking[0]}).scalars().all()
    planned = tuple(PlannedLeg(leg.origin, leg.destination, leg.departs_at, leg.arrives_at, leg.service_id)
                    for leg in legs)
    return Plan(planned, booking=booking[0], shipment=booking[1]) if planned else None


def booked_containers(session: Session, containers: Sequence[str], chunk: int = 1000) -> set[str]:
    """Those of `containers` that a live booking carries, in one query per `chunk` of them: work only
    booked containers need (raising exceptions after an import) skips the others without a query each."""
    found: set[str] = set()
    for start in range(0, len(containers), chunk):
        found.update(session.execute(
            select(ShipmentContainerRow.number)
            .join(BookingRow, BookingRow.shipment_id == ShipmentContainerRow.shipment_id)
            .where(ShipmentContainerRow.number.in_(containers[start:start + chunk]),
                   BookingRow.status.not_in(_CANCELLED))).scalars())
    return found


def departure_operator(session: Session, departure_id: str) -> str | None:
    value = session.execute(select(Departure.operator_code).where(Departure.id == departure_id)).scalar()
    return str(value) if value is not None else None
