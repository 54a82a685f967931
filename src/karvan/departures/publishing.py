"""Publishing, changing and listing departures.

Operators (organisations of kind railway, port or ferry_line) manage the services of the network
operator codes they own: only they publish departures of those services and change them. Departures
are the corridor's published offer, so every authenticated organisation may read them (with their
utilisation); bookings themselves stay private to their organisation.

Departure times are instants with an offset; generated ones come from the service's timetable through
the planner's `Calendar`, so the planner and the published departures agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from karvan.network.model import Service
from karvan.network.network import Network
from karvan.planner.timetable import Calendar
from karvan.store import audit
from karvan.store.models import Departure, DepartureStatus, Scope
from karvan.store.pagination import Page, paginate
from karvan.tenancy.principal import Principal

MAX_GENERATE_DAYS = 366


@dataclass(frozen=True)
class Overrides:
    """Per-departure values that differ from the service's defaults (None keeps the default)."""

    capacity_teu: int | None = None
    reefer_plugs: int | None = None
    dangerous_goods: bool | None = None


@dataclass(frozen=True)
class DepartureFilter:
    service_id: str | None = None
    operator_code: str | None = None
    origin: str | None = None
    destination: str | None = None
    departs_from: datetime | None = None
    departs_before: datetime | None = None
    status: DepartureStatus | None = None
    org_id: str | None = None


@dataclass(frozen=True)
class Generated:
    created: list[Departure]
    existing: int
    """departures of the range that were already published and left unchanged"""


def _service(network: Network, service_id: str) -> Service:
    service = network.services.get(service_id)
    if service is None:
        raise InputError(f"no service {service_id!r} in the network", field="service_id",
                         fix="use a service id from the network, e.g. GET /network/services")
    return service


def _require_operator(principal: Principal, service: Service) -> None:
    principal.require_scope(Scope.WRITE)
    if not principal.manages_operator(service.operator):
        raise PermissionDeniedError(f"service {service.id} is run by operator {service.operator}, which your "
                                    "organisation does not manage")


def _new_departure(principal: Principal, service: Service, departs_at: datetime,
                   overrides: Overrides) -> Departure:
    capacity = service.capacity_teu if overrides.capacity_teu is None else overrides.capacity_teu
    plugs = service.reefer_plugs if overrides.reefer_plugs is None else overrides.reefer_plugs
    if capacity < 0:
        raise InputError("capacity cannot be negative", field="capacity_teu", fix="give 0 or more TEU")
    if plugs < 0:
        raise InputError("reefer plugs cannot be negative", field="reefer_plugs", fix="give 0 or more")
    dangerous = service.dangerous_goods if overrides.dangerous_goods is None else overrides.dangerous_goods
    return Departure(
        org_id=principal.org_id, operator_code=service.operator, service_id=service.id,
        origin=service.stops[0], destination=service.stops[-1], departs_at=departs_at.astimezone(UTC),
        capacity_teu=capacity, booked_teu=0, reefer_plugs=plugs, booked_reefer_plugs=0,
        dangerous_goods=dangerous,
        status=DepartureStatus.SCHEDULED.value)


def _exists(session: Session, service_id: str, departs_at: datetime) -> bool:
    return session.scalar(select(Departure.id).where(
        Departure.service_id == service_id, Departure.departs_at == departs_at)) is not None


def publish(session: Session, principal: Principal, network: Network, *, service_id: str,
            departs_at: datetime, overrides: Overrides = Overrides()) -> Departure:
    """One departure of an operator's service, at any time (timetabled or extra)."""
    service = _service(network, service_id)
    _require_operator(principal, service)
    if departs_at.tzinfo is None:
        raise InputError("departure time without a UTC offset", field="departs_at",
                         fix="e.g. 2026-05-04T08:00:00+05:00")
    if _exists(session, service.id, departs_at):
        raise ConflictError(f"service {service.id} already has a departure at {departs_at.isoformat()}")
    departure = _new_departure(principal, service, departs_at, overrides)
    session.add(departure)
    session.flush()
    audit.record(session, org_id=principal.org_id, actor=principal.actor, action="departure.publish",
                 entity="departure", entity_id=departure.id,
                 detail={"service_id": service.id, "departs_at": departure.departs_at.isoformat()})
    return departure


def timetable(network: Network, service: Service, first_day: date, last_day: date) -> list[datetime]:
    """The service's timetabled departures on local dates first_day..last_day at its first stop."""
    timezone = network.place(service.stops[0]).timezone
    tz = ZoneInfo(timezone)
    start = int(datetime.combine(first_day, time(0), tz).timestamp())
    end = int(datetime.combine(last_day + timedelta(days=1), time(0), tz).timestamp()) - 1
    calendar = Calendar(service.schedule, timezone)
    times: list[datetime] = []
    t = calendar.next_at_or_after(start, end)
    while t is not None:
        times.append(datetime.fromtimestamp(t, tz))
        t = calendar.next_at_or_after(t + 1, end)
    return times


def generate(session: Session, principal: Principal, network: Network, *, service_id: str,
             first_day: date, last_day: date, overrides: Overrides = Overrides()) -> Generated:
    """Publish every timetabled departure of a date range; ones already published are kept as they are."""
    service = _service(network, service_id)
    _require_operator(principal, service)
    if last_day < first_day:
        raise InputError("the range ends before it starts", field="to_date", fix="give to_date >= from_date")
    if (last_day - first_day).days >= MAX_GENERATE_DAYS:
        raise InputError(f"the range is longer than {MAX_GENERATE_DAYS} days", field="to_date",
                         fix="generate a year at a time")
    times = timetable(network, service, first_day, last_day)
    published: set[datetime] = set()
    if times:
        published = set(session.scalars(select(Departure.departs_at).where(
            Departure.service_id == service.id, Departure.departs_at.between(times[0], times[-1]))))
    created: list[Departure] = []
    existing = 0
    for departs_at in times:
        if departs_at in published:
            existing += 1
            continue
        departure = _new_departure(principal, service, departs_at, overrides)
        session.add(departure)
        created.append(departure)
    session.flush()
    audit.record(session, org_id=principal.org_id, actor=principal.actor, action="departure.generate",
                 entity="service", entity_id=service.id,
                 detail={"from": first_day.isoformat(), "to": last_day.isoformat(), "created": len(created)})
    return Generated(created=created, existing=existing)


def get(session: Session, departure_id: str) -> Departure:
    departure = session.get(Departure, departure_id)
    if departure is None:
        raise NotFoundError(f"no departure {departure_id!r}")
    return departure


def change(session: Session, principal: Principal, departure_id: str, *, capacity_teu: int | None = None,
           reefer_plugs: int | None = None, dangerous_goods: bool | None = None,
           status: DepartureStatus | None = None) -> Departure:
    """Change capacity, equipment or status; never below what is already booked.

    The row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite write sessions hold the database
    lock) so a booking cannot slip in between the check and the change.
    """
    principal.require_scope(Scope.WRITE)
    departure = session.scalar(select(Departure).where(Departure.id == departure_id).with_for_update())
    if departure is None:
        raise NotFoundError(f"no departure {departure_id!r}")
    if departure.org_id != principal.org_id or not principal.manages_operator(departure.operator_code):
        raise PermissionDeniedError(f"departure {departure_id} belongs to operator "
                                    f"{departure.operator_code}, which your organisation does not manage")
    changes: dict[str, object] = {}
    if capacity_teu is not None:
        if capacity_teu < departure.booked_teu:
            raise ConflictError(f"{departure.booked_teu} TEU are booked; "
                                f"capacity cannot drop to {capacity_teu}")
        departure.capacity_teu = changes["capacity_teu"] = capacity_teu
    if reefer_plugs is not None:
        if reefer_plugs < departure.booked_reefer_plugs:
            raise ConflictError(f"{departure.booked_reefer_plugs} reefer plugs are booked; "
                                f"cannot drop to {reefer_plugs}")
        departure.reefer_plugs = changes["reefer_plugs"] = reefer_plugs
    if dangerous_goods is not None:
        departure.dangerous_goods = changes["dangerous_goods"] = dangerous_goods
    if status is not None and status.value != departure.status:
        if status is DepartureStatus.CANCELLED and departure.booked_teu > 0:
            raise ConflictError(f"{departure.booked_teu} TEU are booked on this departure; "
                                "the bookings must be moved or cancelled first")
        departure.status = changes["status"] = status.value
    if changes:
        audit.record(session, org_id=principal.org_id, actor=principal.actor, action="departure.change",
                     entity="departure", entity_id=departure.id, detail=changes)
    return departure


def search(session: Session, where: DepartureFilter, *, cursor: str | None = None,
           limit: int = 50) -> Page[Departure]:
    """Departures matching every given filter, by departure time."""
    stmt = select(Departure)
    equal = ((Departure.service_id, where.service_id), (Departure.operator_code, where.operator_code),
             (Departure.origin, where.origin), (Departure.destination, where.destination),
             (Departure.org_id, where.org_id),
             (Departure.status, where.status.value if where.status else None))
    for column, value in equal:
        if value is not None:
            stmt = stmt.where(column == value)
    if where.departs_from is not None:
        stmt = stmt.where(Departure.departs_at >= where.departs_from)
    if where.departs_before is not None:
        stmt = stmt.where(Departure.departs_at < where.departs_before)
    return paginate(session, stmt, order_by=[Departure.departs_at, Departure.id], cursor=cursor, limit=limit)
