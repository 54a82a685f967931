"""Slots on departures: making sure a departure row exists, and reserving or releasing TEU and reefer
plugs on it without ever overbooking.

A reservation is one conditional UPDATE per departure (`... WHERE booked_teu + n <= capacity_teu`);
a row count of 0 means the departure had no room, and the departures already taken in the same call are
given back, so a multi-leg booking holds slots on every leg or on none. This is safe on PostgreSQL (the
row lock makes concurrent UPDATEs re-check the condition, and is held until commit, so nobody sees a
slot taken and given back) and on SQLite (writers are serialised). Departures are updated in id order
so two multi-leg bookings cannot deadlock on PostgreSQL.

The statements are built once, with parameters: on this path, constructing them cost as much as running
them (measured).

If an operator has not published a departure that an itinerary rides, it is created here from the
network schedule, with the service's capacity, on behalf of the organisation managing the operator.
Creation is idempotent (INSERT ... ON CONFLICT DO NOTHING on service and departure time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from karvan.errors import ConflictError
from karvan.network.model import Service
from karvan.store import audit
from karvan.store.models import Departure, DepartureStatus, OrganisationOperator, new_id


@dataclass(frozen=True)
class Run:
    """One dated run of a service: the key of a departure row."""

    service: Service
    departs_at: datetime
    """when the run leaves the service's first stop"""

    @property
    def key(self) -> tuple[str, datetime]:
        return self.service.id, self.departs_at


@dataclass(frozen=True)
class Need:
    """What one booking takes on each departure it rides."""

    teu: int
    reefer_plugs: int
    dangerous_goods: bool


class CapacityError(ConflictError):
    """A departure cannot take what a booking needs; `departure_id` says which."""

    def __init__(self, message: str, departure_id: str) -> None:
        self.departure_id = departure_id
        super().__init__(message)


def ensure_departures(session: Session, runs: Iterable[Run], actor: str) -> dict[tuple[str, datetime], str]:
    """The departure id of every run by `Run.key`, creating rows that do not exist yet (audited as
    done by `actor`). Commits when it created any, so that concurrent bookings of the same new
    departure do not wait on each other's uncommitted row."""
    runs = list(runs)
    ids = _find(session, runs)
    missing = {run.key: run for run in runs if run.key not in ids}
    if missing:
        for run in missing.values():
            _insert_missing(session, run, actor)
        ids = _find(session, runs)  # inserted above, or by a concurrent request in the meantime
        session.commit()
    assert all(run.key in ids for run in runs)
    return ids


_DEPARTURES_OF = select(
    Departure.id, Departure.service_id, Departure.departs_at, Departure.status, Departure.dangerous_goods,
    (Departure.capacity_teu - Departure.booked_teu).label("free_teu"),
    (Departure.reefer_plugs - Departure.booked_reefer_plugs).label("free_plugs")).where(
    Departure.service_id.in_(bindparam("service_ids", expanding=True)),
    Departure.departs_at.in_(bindparam("times", expanding=True)))


def _departures_of(session: Session, keys: set[tuple[str, datetime]]) -> dict[tuple[str, datetime], Any]:
    """The departure rows of the given runs, in one query (the cross product of services and times it
    may also return is small and dropped)."""
    if not keys:
        return {}
    rows = session.execute(_DEPARTURES_OF, {"service_ids": sorted({service for service, _ in keys}),
                                            "times": sorted({at for _, at in keys})})
    return {key: row for row in rows if (key := (row.service_id, row.departs_at)) in keys}


def _find(session: Session, runs: list[Run]) -> dict[tuple[str, datetime], str]:
    return {key: row.id for key, row in _departures_of(session, {run.key for run in runs}).items()}


@dataclass(frozen=True)
class Room:
    """What a run's departure can still take."""

    free_teu: int
    free_reefer_plugs: int
    open_for_booking: bool
    """scheduled (not cancelled or departed)"""
    dangerous_goods: bool

    def why_not(self, need: Need) -> str | None:
        """Why `need` does not fit (the same checks as `reserve`), or None."""
        if not self.open_for_booking:
            return "is no longer open for booking"
        if need.dangerous_goods and not self.dangerous_goods:
            return "does not carry dangerous goods"
        if need.teu > self.free_teu:
            return f"has {self.free_teu} TEU free, {need.teu} needed"
        if need.reefer_plugs > self.free_reefer_plugs:
            return f"has {self.free_reefer_plugs} reefer plugs free, {need.reefer_plugs} needed"
        return None


def room_on(session: Session, runs: Iterable[Run]) -> dict[tuple[str, datetime], Room]:
    """The room left on every run's departure, by `Run.key`, in one query; a run without a departure
    row yet has its service's whole capacity (it gets that row when first booked)."""
    wanted = {run.key: run for run in runs}
    rows = _departures_of(session, set(wanted))
    return {key: Room(row.free_teu, row.free_plugs, row.status == DepartureStatus.SCHEDULED.value,
                      row.dangerous_goods) if (row := rows.get(key)) is not None
            else Room(run.service.capacity_teu, run.service.reefer_plugs, True, run.service.dangerous_goods)
            for key, run in wanted.items()}


def _insert_missing(session: Session, run: Run, actor: str) -> None:
    service = run.service
    org_id = session.scalar(select(OrganisationOperator.org_id).where(
        OrganisationOperator.operator_code == service.operator))
    if org_id is None:
        raise ConflictError(
            f"operator {service.operator} of service {service.id} is not managed by any organisation on "
            "this Karvan, so its departures cannot be booked; an administrator can add it with "
            f"`karvan admin create-org NAME --kind railway --operator {service.operator}`")
    values = {
        "id": new_id("dep"), "org_id": org_id, "operator_code": service.operator, "service_id": service.id,
        "origin": service.stops[0], "destination": service.stops[-1], "departs_at": run.departs_at,
        "capacity_teu": service.capacity_teu, "booked_teu": 0, "reefer_plugs": service.reefer_plugs,
        "booked_reefer_plugs": 0, "dangerous_goods": service.dangerous_goods,
        "status": DepartureStatus.SCHEDULED.value,
    }
    dialect_insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = dialect_insert(Departure).values(**values).on_conflict_do_nothing(
        index_elements=["service_id", "departs_at"]).returning(Departure.id)
    if session.execute(statement).scalar() is not None:  # None: a concurrent request inserted it first
        audit.record(session, org_id=org_id, actor=actor, action="departure.create_from_schedule",
                     entity="departure", entity_id=str(values["id"]),
                     detail={"before": None, "after": {k: str(v) for k, v in values.items()}})


_RESERVE = (update(Departure).where(
    Departure.id == bindparam("departure_id"),
    Departure.status == DepartureStatus.SCHEDULED.value,
    Departure.booked_teu + bindparam("teu") <= Departure.capacity_teu,
    Departure.booked_reefer_plugs + bindparam("plugs") <= Departure.reefer_plugs)
    .values(booked_teu=Departure.booked_teu + bindparam("teu"),
            booked_reefer_plugs=Departure.booked_reefer_plugs + bindparam("plugs"))
    .execution_options(synchronize_session=False))
_RESERVE_DANGEROUS = _RESERVE.where(Departure.dangerous_goods.is_(True))
_RELEASE = (update(Departure).where(
    Departure.id == bindparam("departure_id"), Departure.booked_teu >= bindparam("teu"),
    Departure.booked_reefer_plugs >= bindparam("plugs"))
    .values(booked_teu=Departure.booked_teu - bindparam("teu"),
            booked_reefer_plugs=Departure.booked_reefer_plugs - bindparam("plugs"))
    .execution_options(synchronize_session=False))


def reserve(session: Session, departure_ids: Iterable[str], need: Need) -> None:
    """Take `need` on every departure or on none, in the caller's transaction.

    CapacityError names the first departure that had no room; the ones taken before it are given back.
    """
    statement = _RESERVE_DANGEROUS if need.dangerous_goods else _RESERVE
    taken: list[str] = []
    for departure_id in sorted(set(departure_ids)):
        result = session.execute(statement, _parameters(departure_id, need))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            reason = _why_not(session, departure_id, need)
            release(session, taken, need)
            raise CapacityError(reason, departure_id)
        taken.append(departure_id)


def release(session: Session, departure_ids: Iterable[str], need: Need) -> None:
    """Give back what `reserve` took, in the caller's transaction."""
    for departure_id in sorted(set(departure_ids)):
        session.execute(_RELEASE, _parameters(departure_id, need))


def _parameters(departure_id: str, need: Need) -> dict[str, object]:
    return {"departure_id": departure_id, "teu": need.teu, "plugs": need.reefer_plugs}


def _why_not(session: Session, departure_id: str, need: Need) -> str:
    """Explain a failed reservation from the row as it is now (it may have changed since)."""
    row = session.get(Departure, departure_id, populate_existing=True)
    if row is None:
        return f"departure {departure_id} does not exist"
    label = f"departure {row.service_id} at {row.departs_at.isoformat()}"
    if row.status != DepartureStatus.SCHEDULED.value:
        return f"{label} is {row.status}"
    if need.dangerous_goods and not row.dangerous_goods:
        return f"{label} does not carry dangerous goods"
    free_teu = row.capacity_teu - row.booked_teu
    if need.teu > free_teu:
        return f"{label} has {free_teu} TEU free, {need.teu} needed"
    free_plugs = row.reefer_plugs - row.booked_reefer_plugs
    return f"{label} has {free_plugs} reefer plugs free, {need.reefer_plugs} needed"
