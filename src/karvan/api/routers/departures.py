"""Departures of network services: operators publish and change them, every organisation reads them."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from karvan.api.auth import get_principal, require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.idempotency import Idempotency, idempotency
from karvan.api.pagination import PageOut, PageParams
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.departures import publishing
from karvan.departures.publishing import DepartureFilter, Overrides
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import Departure, DepartureStatus, Scope
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/departures", tags=["departures"], responses=PROBLEM_RESPONSES)


class Equipment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    capacity_teu: int | None = Field(None, ge=0, le=100_000, description="default: the service's capacity")
    reefer_plugs: int | None = Field(None, ge=0, le=100_000, description="default: the service's plugs")
    dangerous_goods: bool | None = Field(None, description="default: whether the service takes DG")

    def overrides(self) -> Overrides:
        return Overrides(capacity_teu=self.capacity_teu, reefer_plugs=self.reefer_plugs,
                         dangerous_goods=self.dangerous_goods)


class DepartureIn(Equipment):
    service_id: str = Field(min_length=1, max_length=80)
    departs_at: AwareDatetime = Field(description="ISO 8601 with offset, e.g. 2026-05-04T08:00:00+05:00")


class GenerateIn(Equipment):
    service_id: str = Field(min_length=1, max_length=80)
    from_date: date = Field(description="first local date at the service's first stop")
    to_date: date = Field(description="last local date, inclusive (at most a year after from_date)")


class DepartureChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    capacity_teu: int | None = Field(None, ge=0, le=100_000)
    reefer_plugs: int | None = Field(None, ge=0, le=100_000)
    dangerous_goods: bool | None = None
    status: DepartureStatus | None = None


class DepartureOut(BaseModel):
    id: str
    service_id: str
    operator: str
    org_id: str
    origin: str
    destination: str
    departs_at: datetime = Field(description="UTC")
    departs_at_local: datetime = Field(description="local time at the origin")
    status: DepartureStatus
    capacity_teu: int
    booked_teu: int
    available_teu: int
    utilisation: float = Field(description="booked_teu / capacity_teu, 0 to 1")
    reefer_plugs: int
    booked_reefer_plugs: int
    dangerous_goods: bool


class GeneratedOut(BaseModel):
    created: int
    existing: int
    items: list[DepartureOut]


def _out(departure: Departure, network: Network) -> DepartureOut:
    place = network.places.get(departure.origin)
    local = departure.departs_at.astimezone(ZoneInfo(place.timezone)) if place else departure.departs_at
    capacity = departure.capacity_teu
    return DepartureOut(
        id=departure.id, service_id=departure.service_id, operator=departure.operator_code,
        org_id=departure.org_id, origin=departure.origin, destination=departure.destination,
        departs_at=departure.departs_at, departs_at_local=local, status=DepartureStatus(departure.status),
        capacity_teu=capacity, booked_teu=departure.booked_teu, available_teu=capacity - departure.booked_teu,
        utilisation=round(departure.booked_teu / capacity, 4) if capacity else 0.0,
        reefer_plugs=departure.reefer_plugs, booked_reefer_plugs=departure.booked_reefer_plugs,
        dangerous_goods=departure.dangerous_goods)


@router.get("", response_model=PageOut[DepartureOut], summary="Departures with their utilisation")
def list_departures(
        service_id: str | None = Query(None), operator: str | None = Query(None, description="e.g. KTZ"),
        origin: str | None = Query(None, description="first stop code"),
        destination: str | None = Query(None, description="last stop code"),
        departs_from: AwareDatetime | None = Query(None, alias="from", description="at or after (ISO 8601)"),
        departs_before: AwareDatetime | None = Query(None, alias="before", description="before (ISO 8601)"),
        status: DepartureStatus | None = Query(None),
        mine: bool = Query(False, description="only my organisation's departures"),
        page: PageParams = Depends(), principal: Principal = Depends(get_principal),
        db: Database = Depends(get_db), network: Network = Depends(get_network)
) -> PageOut[DepartureOut]:
    where = DepartureFilter(service_id=service_id, operator_code=operator, origin=origin,
                            destination=destination, departs_from=departs_from, departs_before=departs_before,
                            status=status, org_id=principal.org_id if mine else None)
    with db.session() as session:
        result = publishing.search(session, where, cursor=page.cursor, limit=page.limit)
        return PageOut.of(result, lambda d: _out(d, network))


@router.post("", status_code=201, response_model=DepartureOut, summary="Publish one departure (operator)")
def publish_departure(body: DepartureIn, principal: Principal = Depends(require_scope(Scope.WRITE)),
                      db: Database = Depends(get_db), network: Network = Depends(get_network),
                      idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        departure = publishing.publish(session, principal, network, service_id=body.service_id,
                                       departs_at=body.departs_at, overrides=body.overrides())
        return idem.respond(session, 201, _out(departure, network))


@router.post("/generate", status_code=201, response_model=GeneratedOut,
             summary="Publish the timetabled departures of a date range (operator)")
def generate_departures(body: GenerateIn, principal: Principal = Depends(require_scope(Scope.WRITE)),
                        db: Database = Depends(get_db), network: Network = Depends(get_network),
                        idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        result = publishing.generate(session, principal, network, service_id=body.service_id,
                                     first_day=body.from_date, last_day=body.to_date,
                                     overrides=body.overrides())
        out = GeneratedOut(created=len(result.created), existing=result.existing,
                           items=[_out(d, network) for d in result.created])
        return idem.respond(session, 201, out)


@router.get("/{departure_id}", response_model=DepartureOut, summary="One departure")
def get_departure(departure_id: str, db: Database = Depends(get_db),
                  network: Network = Depends(get_network)) -> DepartureOut:
    with db.session() as session:
        return _out(publishing.get(session, departure_id), network)


@router.patch("/{departure_id}", response_model=DepartureOut,
              summary="Change capacity, equipment or status (operator); never below what is booked")
def change_departure(departure_id: str, body: DepartureChange,
                     principal: Principal = Depends(require_scope(Scope.WRITE)),
                     db: Database = Depends(get_db), network: Network = Depends(get_network)
                     ) -> DepartureOut:
    with db.write_session() as session:
        departure = publishing.change(session, principal, departure_id, capacity_teu=body.capacity_teu,
                                      reefer_plugs=body.reefer_plugs, dangerous_goods=body.dangerous_goods,
                                      status=body.status)
        session.commit()
        return _out(departure, network)
