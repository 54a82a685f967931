"""Bookings: all legs' slots or none, confirmed or rejected at once, cancelled with slots given back,
moved along by the operators, private to the shipper, and never overbooked under a race."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from karvan.booking.bookings import BookingRequest, book, change_status, get_booking, list_bookings
from karvan.booking.quotes import Quote, QuoteRequest, create_quote
from karvan.booking.shipments import ShipmentIn, create_shipment
from karvan.booking.states import HOLDS_SLOTS, BookingStatus
from karvan.errors import ConflictError, InputError, NoRouteError, NotFoundError, PermissionDeniedError
from karvan.network.network import Network
from karvan.store.booking_models import BookingLegRow, BookingRow
from karvan.store.db import Database
from karvan.store.models import AuditEntry, Departure
from karvan.tenancy.principal import Principal

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
S = BookingStatus


def quote_for(db: Database, network: Network, shipper: Principal, count: int = 1,
              container_type: str = "40HC") -> Quote:
    request = QuoteRequest.model_validate({
        "origin": "CNXIA", "destination": "KZAAU", "departure_date": "2030-05-06",
        "cargo": {"container_type": container_type, "count": count}})
    with db.write_session() as session:
        quote = create_quote(session, network, shipper, request, now=NOW)
        session.commit()
    return quote


def book_quote(db: Database, network: Network, shipper: Principal, quote: Quote, **extra: object):  # type: ignore[no-untyped-def]
    with db.write_session() as session:
        booking = book(session, network, shipper, BookingRequest(quote_id=quote.id, **extra), now=NOW)
        session.commit()
    return booking


def booked(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {d.service_id: d.booked_teu for d in session.scalars(select(Departure))}


def test_booking_reserves_every_leg_and_is_confirmed(db: Database, network: Network, operators: object,
                                                     org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    booking = book_quote(db, network, shipper, quote_for(db, network, shipper, count=2))
    assert booking.status is S.CONFIRMED and booking.teu == 4
    assert booked(db) == {"train-cn": 4, "train-kz": 4}
    with db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == booking.id)
                                  .order_by(AuditEntry.id)).all()
    assert actions == ["booking.requested", "booking.confirmed"]


def test_booking_is_rejected_without_holding_anything_when_one_leg_is_full(
        db: Database, network: Network, operators: object, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    # both quoted while the departures were empty: the first booking takes the room the second needs
    quotes = [quote_for(db, network, shipper, count=2) for _ in range(2)]
    first, second = (book_quote(db, network, shipper, quote) for quote in quotes)
    assert first.status is S.CONFIRMED and second.status is S.REJECTED
    assert "train-kz" in second.status_reason and "2 TEU free, 4 needed" in second.status_reason
    assert booked(db) == {"train-cn": 4, "train-kz": 4}  # train-cn had room but holds nothing for it


def test_cancelling_releases_the_slots_once(db: Database, network: Network, operators: object,
                                            org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    booking = book_quote(db, network, shipper, quote_for(db, network, shipper, count=3))
    with db.write_session() as session:
        change_status(session, shipper, booking.id, S.CANCELLED, now=NOW)
        session.commit()
    assert booked(db) == {"train-cn": 0, "train-kz": 0}
    with db.write_session() as session, pytest.raises(ConflictError, match="final"):
        change_status(session, shipper, booking.id, S.CANCELLED, now=NOW)
    assert booked(db) == {"train-cn": 0, "train-kz": 0}


def test_operators_move_cargo_and_shippers_cannot(db: Database, network: Network,
                                                  operators: tuple[Principal, Principal],
                                                  org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    cnr, ktz = operators
    booking = book_quote(db, network, shipper, quote_for(db, network, shipper))
    with db.write_session() as session:
        with pytest.raises(PermissionDeniedError):
            change_status(session, shipper, booking.id, S.IN_TRANSIT, now=NOW)
        change_status(session, cnr, booking.id, S.IN_TRANSIT, now=NOW)
        with pytest.raises(ConflictError):
            change_status(session, shipper, booking.id, S.CANCELLED, now=NOW)
        delivered = change_status(session, ktz, booking.id, S.DELIVERED, now=NOW)
        session.commit()
    assert delivered.status is S.DELIVERED
    assert booked(db) == {"train-cn": 2, "train-kz": 2}  # delivered cargo keeps its record of slots


def test_other_organisations_can_neither_see_nor_touch_a_booking(
        db: Database, network: Network, operators: object, org_factory: Callable[..., Principal]) -> None:
    shipper, stranger = org_factory(actor="a"), org_factory(actor="b")
    quote = quote_for(db, network, shipper)
    booking = book_quote(db, network, shipper, quote)
    with db.write_session() as session:
        with pytest.raises(NotFoundError):
            get_booking(session, stranger, booking.id)
        with pytest.raises(NotFoundError):
            change_status(session, stranger, booking.id, S.CANCELLED, now=NOW)
        with pytest.raises(NotFoundError):
            book(session, network, stranger, BookingRequest(quote_id=quote.id), now=NOW)
        assert list_bookings(session, stranger).items == []
    assert booked(db) == {"train-cn": 2, "train-kz": 2}
    with db.session() as session:
        assert get_booking(session, shipper, booking.id).status is S.CONFIRMED


def test_expired_quotes_and_departed_itineraries_cannot_be_booked(
        db: Database, network: Network, operators: object, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    quote = quote_for(db, network, shipper)
    with db.write_session() as session:
        with pytest.raises(ConflictError, match="expired"):
            book(session, network, shipper, BookingRequest(quote_id=quote.id), now=NOW + timedelta(days=2))
        with pytest.raises(InputError) as bad_index:
            book(session, network, shipper, BookingRequest(quote_id=quote.id, itinerary=9), now=NOW)
    assert bad_index.value.field == "itinerary"


def test_the_shipment_must_be_the_quoted_cargo(db: Database, network: Network, operators: object,
                                               org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    quote = quote_for(db, network, shipper, count=1)
    with db.write_session() as session:
        shipment = create_shipment(session, shipper, ShipmentIn.model_validate({
            "parties": {"shipper": {"name": "A", "country": "CN"},
                        "consignee": {"name": "B", "country": "KZ"}},
            "containers": [{"number": n, "container_type": "40HC", "gross_kg": 20_000,
                            "cargo_description": "tiles", "hs_code": "690721"}
                           for n in ("CSQU3054383", "MSKU1234565")]}))
        session.commit()
    with db.write_session() as session, pytest.raises(InputError, match="2 x 40HC") as caught:
        book(session, network, shipper, BookingRequest(quote_id=quote.id, shipment_id=shipment.id), now=NOW)
    assert caught.value.field == "shipment_id"


def test_list_filters_by_status_and_departure(db: Database, network: Network, operators: object,
                                              org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    quotes = [quote_for(db, network, shipper, count=3), quote_for(db, network, shipper, count=1)]
    confirmed, rejected = (book_quote(db, network, shipper, quote) for quote in quotes)
    with db.session() as session:
        assert [b.id for b in list_bookings(session, shipper, status=S.REJECTED).items] == [rejected.id]
        assert [b.id for b in list_bookings(session, shipper, status=S.CONFIRMED).items] == [confirmed.id]
        later = confirmed.departs_at + timedelta(days=1)
        assert list_bookings(session, shipper, departs_after=later).items == []


def test_fifty_concurrent_bookings_fill_the_departure_exactly(
        db: Database, network: Network, operators: object, org_factory: Callable[..., Principal]) -> None:
    """52 shippers race for 1 x 40HC each on a 6 TEU leg: 3 confirmed, 49 rejected, 6 TEU booked."""
    shippers = [org_factory(actor=f"s{i}") for i in range(52)]
    quotes = [quote_for(db, network, s) for s in shippers]
    statuses: list[S] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(shippers))

    def client(shipper: Principal, quote: Quote) -> None:
        barrier.wait()
        try:
            statuses.append(book_quote(db, network, shipper, quote).status)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=client, args=pair) for pair in zip(shippers, quotes, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert statuses.count(S.CONFIRMED) == 3 and statuses.count(S.REJECTED) == 49
    assert booked(db) == {"train-cn": 6, "train-kz": 6}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["book", "cancel"]), st.integers(1, 3)), min_size=1, max_size=8))
def test_booked_slots_always_equal_the_bookings_holding_them(
        db: Database, network: Network, operators: object, org_factory: Callable[..., Principal],
        steps: list[tuple[str, int]]) -> None:
    shipper = org_factory(actor="prop")
    for action, n in steps:
        if action == "book":
            with contextlib.suppress(NoRouteError):  # every departure searched is full: nothing quoted
                book_quote(db, network, shipper, quote_for(db, network, shipper, count=n))
            continue
        with db.write_session() as session:
            holding = session.scalars(select(BookingRow.id).where(
                BookingRow.status == "confirmed", BookingRow.org_id == shipper.org_id)).all()
            if holding:
                change_status(session, shipper, holding[n % len(holding)], S.CANCELLED, now=NOW)
                session.commit()
    with db.session() as session:
        holding = {row.id: row.teu for row in session.scalars(select(BookingRow)).all()
                   if S(row.status) in HOLDS_SLOTS}
        legs = session.execute(select(BookingLegRow.booking_id, BookingLegRow.departure_id)).all()
        departures = session.scalars(select(Departure)).all()
    for departure in departures:  # quotes move to later departures as earlier ones fill
        held = sum(holding.get(booking_id, 0) for booking_id, on in legs if on == departure.id)
        assert departure.booked_teu == held <= departure.capacity_teu
