"""Quotes: the planner's itineraries for a request, priced for its cargo, kept for a limited time.

A quote is stored per organisation; a booking names one of its itineraries by index, so the price and
the departures the shipper saw are the ones booked. Itineraries whose departures are already booked
too full for the cargo (or cancelled) are left out (the next departures with room are searched when
all are), and each one quoted says how many TEU its fullest departure still had free: a snapshot,
since others may book in the meantime. Prices are the planner's per-container costs (legs prorated
from the services' tariffs, plus handling) times the number of containers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.booking.capacity import Need, Room, Run, room_on
from karvan.booking.cargo import NO_NUL, CargoLine
from karvan.booking.routing import PlannedLeg, plan_itineraries
from karvan.errors import InputError, NoRouteError, NotFoundError, UnknownPlaceError
from karvan.network.model import Place
from karvan.network.network import Network
from karvan.network.search import resolve_place
from karvan.planner.itinerary import Itinerary
from karvan.store import audit
from karvan.store.booking_models import QuoteRow
from karvan.store.db import utc_now
from karvan.store.models import Scope
from karvan.store.pagination import Page, paginate
from karvan.tenancy.principal import Principal

QUOTE_VALIDITY = timedelta(hours=24)
"""How long a quote's prices hold; departures that leave earlier cannot be booked even then."""
REPLANS = 5
"""When every itinerary found is booked out, plan again from just after the earliest of them, this many
times in all: the shipper is offered the next departures with room rather than none."""
MAX_AHEAD = timedelta(days=366)
"""Timetables and tariffs are published about a year ahead; later dates are not quoted."""


class QuoteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    origin: str = Field(min_length=1, max_length=100, pattern=NO_NUL,
                        description="UN/LOCODE or place name, e.g. CNXIA")
    destination: str = Field(min_length=1, max_length=100, pattern=NO_NUL,
                             description="UN/LOCODE or place name")
    departure_date: date = Field(description="earliest departure (date at the origin), today or later")
    cargo: CargoLine


class QuotedLeg(BaseModel):
    service_id: str
    service_name: str
    operator: str
    mode: str
    origin: str
    destination: str
    departs_at: datetime
    arrives_at: datetime
    run_departs_at: datetime = Field(description="when the service's run leaves its first stop")
    price_usd: float


class QuotedItinerary(BaseModel):
    index: int
    departs_at: datetime
    arrives_at: datetime
    transit_days: float
    price_usd: float
    co2e_kg: float
    corridor: str
    free_teu: int | None = Field(None, description="TEU still free on its fullest departure when quoted "
                                                   "(bookings made since may have taken some)")
    legs: list[QuotedLeg]


class Quote(BaseModel):
    id: str
    created_at: datetime
    valid_until: datetime
    request: QuoteRequest
    teu: int
    reefer_plugs: int
    currency: str = "USD"
    itineraries: list[QuotedItinerary]

    def itinerary(self, index: int) -> QuotedItinerary:
        if not 0 <= index < len(self.itineraries):
            raise InputError(f"quote {self.id} has itineraries 0 to {len(self.itineraries) - 1}",
                             field="itinerary", fix="use the index of one of the quote's itineraries")
        return self.itineraries[index]


def _unfit_reason(legs: list[PlannedLeg], cargo: CargoLine) -> str | None:
    """Why an itinerary cannot take the cargo at all, whatever is already booked on it (the planner
    has already checked TEU capacity, dangerous goods and weight)."""
    for planned in legs:
        service = planned.service
        if cargo.reefer_plugs > service.reefer_plugs:
            return (f"{service.id} has {service.reefer_plugs} reefer plugs per departure, "
                    f"the cargo needs {cargo.reefer_plugs}")
    return None


def _full_reason(legs: list[PlannedLeg], rooms: dict[tuple[str, datetime], Room], need: Need) -> str | None:
    """Why an itinerary cannot take the cargo with what is already booked on its departures."""
    for planned in legs:
        why = rooms[(planned.service.id, planned.run_departs_at)].why_not(need)
        if why is not None:
            return f"the {planned.service.id} departure of {planned.run_departs_at.isoformat()} {why}"
    return None


def _priced(itinerary: Itinerary, legs: list[PlannedLeg], cargo: CargoLine, index: int,
            free_teu: int) -> QuotedItinerary:
    return QuotedItinerary(
        index=index, departs_at=itinerary.departure, arrives_at=itinerary.arrival,
        transit_days=itinerary.transit_days, price_usd=round(itinerary.cost_usd * cargo.count, 2),
        co2e_kg=round(itinerary.co2e_kg * cargo.count, 1), corridor=itinerary.corridor, free_teu=free_teu,
        legs=[QuotedLeg(
            service_id=p.service.id, service_name=p.service.name, operator=p.service.operator,
            mode=p.service.mode.value, origin=p.leg.origin.locode, destination=p.leg.destination.locode,
            departs_at=p.leg.departure, arrives_at=p.leg.arrival, run_departs_at=p.run_departs_at,
            price_usd=round(p.leg.cost_usd * cargo.count, 2)) for p in legs])


def _resolve(network: Network, query: str, field: str) -> Place:
    """The place meant by `query`; an unknown place is reported under the request field that named it."""
    try:
        return resolve_place(network, query)
    except UnknownPlaceError as error:
        error.field = field
        raise


def create_quote(session: Session, network: Network, principal: Principal, request: QuoteRequest,
                 *, now: datetime | None = None) -> Quote:
    """Plan, price and store a quote for the principal's organisation (the caller commits)."""
    principal.require_scope(Scope.WRITE)
    now = now or utc_now()
    origin_place = _resolve(network, request.origin, "origin")
    origin = origin_place.code
    destination = _resolve(network, request.destination, "destination").code
    today = now.astimezone(ZoneInfo(origin_place.timezone)).date()
    if request.departure_date < today:
        raise InputError(f"{request.departure_date} is in the past at {origin}", field="departure_date",
                         fix=f"give {today} or later")
    if request.departure_date > today + MAX_AHEAD:
        raise InputError(f"{request.departure_date} is too far ahead to quote", field="departure_date",
                         fix=f"give a date up to {today + MAX_AHEAD}")
    if origin == destination:
        raise InputError("origin and destination are the same place", field="destination",
                         fix="give a different destination")
    itineraries: list[QuotedItinerary] = []
    reasons: list[str] = []
    depart = max(now, datetime.combine(request.departure_date, time(0), ZoneInfo(origin_place.timezone)))
    need = Need(teu=request.cargo.teu, reefer_plugs=request.cargo.reefer_plugs,
                dangerous_goods=request.cargo.dangerous_goods)
    for _ in range(REPLANS):
        planned = plan_itineraries(network, origin, destination, depart, request.cargo)
        rooms = room_on(session, [Run(p.service, p.run_departs_at) for _, legs in planned for p in legs])
        booked_out = False
        for itinerary, legs in planned:
            reason = _unfit_reason(legs, request.cargo)
            if reason is None and (reason := _full_reason(legs, rooms, need)) is not None:
                booked_out = True
            if reason is None:
                free_teu = min(rooms[(p.service.id, p.run_departs_at)].free_teu for p in legs)
                itineraries.append(_priced(itinerary, legs, request.cargo, len(itineraries), free_teu))
            else:
                reasons.append(reason)
        if itineraries or not booked_out:
            break
        depart = min(itinerary.departure for itinerary, _ in planned) + timedelta(minutes=1)
    if not itineraries:
        why = "; ".join(dict.fromkeys(reasons)) if reasons else "the planner found no itinerary"
        later = "; a later departure_date may find room" if booked_out else ""
        raise NoRouteError(f"no itinerary from {origin} to {destination} can carry this cargo: {why}{later}")
    normalised = request.model_copy(update={"origin": origin, "destination": destination})
    row = QuoteRow(org_id=principal.org_id, created_by=principal.actor, created_at=now,
                   valid_until=now + QUOTE_VALIDITY, request=normalised.model_dump(mode="json"),
                   itineraries=[i.model_dump(mode="json") for i in itineraries])
    session.add(row)
    session.flush()
    audit.record(session, org_id=principal.org_id, actor=principal.actor, action="quote.create",
                 entity="quote", entity_id=row.id,
                 detail={"before": None, "after": {"request": row.request, "itineraries": len(itineraries)}})
    return _to_quote(row)


def _to_quote(row: QuoteRow) -> Quote:
    request = QuoteRequest.model_validate(row.request)
    return Quote(id=row.id, created_at=row.created_at, valid_until=row.valid_until, request=request,
                 teu=request.cargo.teu, reefer_plugs=request.cargo.reefer_plugs,
                 itineraries=[QuotedItinerary.model_validate(i) for i in row.itineraries])


def get_quote(session: Session, principal: Principal, quote_id: str) -> Quote:
    """A quote of the principal's organisation; others' quotes are reported as missing."""
    principal.require_scope(Scope.READ)
    row = session.get(QuoteRow, quote_id)
    if row is None or row.org_id != principal.org_id:
        raise NotFoundError(f"no quote {quote_id!r} in your organisation")
    return _to_quote(row)


def list_quotes(session: Session, principal: Principal, *, created_after: datetime | None = None,
                created_before: datetime | None = None, cursor: str | None = None,
                limit: int = 50) -> Page[Quote]:
    """The organisation's quotes, newest first."""
    principal.require_scope(Scope.READ)
    stmt = select(QuoteRow).where(QuoteRow.org_id == principal.org_id)
    if created_after is not None:
        stmt = stmt.where(QuoteRow.created_at >= created_after)
    if created_before is not None:
        stmt = stmt.where(QuoteRow.created_at < created_before)
    page = paginate(session, stmt, order_by=[QuoteRow.created_at, QuoteRow.id], cursor=cursor, limit=limit,
                    descending=True)
    return Page(items=[_to_quote(r) for r in page.items], next_cursor=page.next_cursor)
