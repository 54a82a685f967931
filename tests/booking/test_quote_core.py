"""Quotes: planner itineraries priced for the cargo, stored per organisation, valid for a while."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from karvan.booking.capacity import Need, Run, ensure_departures, reserve
from karvan.booking.cargo import CargoLine
from karvan.booking.quotes import QUOTE_VALIDITY, QuoteRequest, create_quote, get_quote, list_quotes
from karvan.booking.routing import plan_itineraries
from karvan.errors import InputError, NoRouteError, NotFoundError, UnknownPlaceError
from karvan.network.model import ContainerType
from karvan.network.network import Network
from karvan.planner import PlanRequest, plan
from karvan.planner.request import Cargo
from karvan.store.db import Database
from karvan.tenancy.principal import Principal

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def request(count: int = 2, container_type: str = "40HC", **changes: object) -> QuoteRequest:
    data: dict[str, object] = {"origin": "Xi'an", "destination": "KZAAU", "departure_date": "2030-05-06",
                               "cargo": {"container_type": container_type, "count": count}, **changes}
    return QuoteRequest.model_validate(data)


def test_quote_prices_the_planners_itinerary_for_every_container(
        db: Database, network: Network, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    with db.write_session() as session:
        quote = create_quote(session, network, shipper, request(count=3), now=NOW)
        session.commit()
    planned = plan(network, PlanRequest(origin="CNXIA", destination="KZAAU", depart=date(2030, 5, 6),
                                        cargo=Cargo(container_type=ContainerType.HC40, count=3)))
    best = quote.itineraries[0]
    assert quote.request.origin == "CNXIA"  # the name was resolved to the code
    assert quote.valid_until - quote.created_at == QUOTE_VALIDITY
    assert best.price_usd == pytest.approx(planned.itineraries[0].cost_usd * 3)
    assert [leg.service_id for leg in best.legs] == ["train-cn", "train-kz"]
    assert all(leg.run_departs_at <= leg.departs_at for leg in best.legs)
    assert (quote.teu, quote.reefer_plugs) == (6, 0)


def test_a_leg_boarding_mid_run_knows_when_its_run_started(network: Network) -> None:
    """The departure whose slots a leg takes is the service's run from its first stop."""
    cargo = CargoLine(container_type=ContainerType.GP20, count=1)
    [(_itinerary, legs)] = plan_itineraries(network, "KZ-ALTYN", "KZAAU", datetime(2030, 5, 6, tzinfo=UTC),
                                            cargo)
    assert legs[0].run_departs_at == legs[0].leg.departure  # boards at the first stop


def test_cargo_larger_than_any_departure_is_refused(db: Database, network: Network,
                                                    org_factory: Callable[..., Principal]) -> None:
    with db.write_session() as session, pytest.raises(NoRouteError, match="capacity"):
        create_quote(session, network, org_factory(), request(count=4), now=NOW)


def test_more_reefers_than_plugs_are_refused(db: Database, network: Network,
                                             org_factory: Callable[..., Principal]) -> None:
    with db.write_session() as session, pytest.raises(NoRouteError, match="reefer plugs"):
        create_quote(session, network, org_factory(), request(count=3, container_type="40RF"), now=NOW)


def test_past_dates_and_unknown_places_name_the_field(db: Database, network: Network,
                                                      org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    with db.write_session() as session:
        with pytest.raises(InputError) as past:
            create_quote(session, network, shipper, request(departure_date="2030-04-01"), now=NOW)
        assert past.value.field == "departure_date"
        with pytest.raises(UnknownPlaceError) as unknown:
            create_quote(session, network, shipper, request(destination="Atlantis"), now=NOW)
        assert unknown.value.field == "destination"


def test_quotes_are_private_to_their_organisation(db: Database, network: Network,
                                                  org_factory: Callable[..., Principal]) -> None:
    mine, theirs = org_factory(actor="a"), org_factory(actor="b")
    with db.write_session() as session:
        quote = create_quote(session, network, mine, request(), now=NOW)
        session.commit()
    with db.session() as session:
        assert get_quote(session, mine, quote.id).id == quote.id
        with pytest.raises(NotFoundError):
            get_quote(session, theirs, quote.id)
        assert list_quotes(session, theirs).items == []
        assert [q.id for q in list_quotes(session, mine).items] == [quote.id]


def test_quote_list_pages_newest_first(db: Database, network: Network,
                                       org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    ids = []
    with db.write_session() as session:
        for minute in range(5):
            ids.append(create_quote(session, network, shipper, request(),
                                    now=NOW.replace(minute=minute)).id)
        session.commit()
    seen: list[str] = []
    cursor = None
    with db.session() as session:
        while True:
            page = list_quotes(session, shipper, cursor=cursor, limit=2)
            seen += [q.id for q in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert seen == ids[::-1]


def test_departures_already_too_full_are_left_out_for_the_next_ones_with_room(
        db: Database, network: Network, org_factory: Callable[..., Principal],
        operators: tuple[Principal, Principal]) -> None:
    shipper = org_factory()
    with db.write_session() as session:
        first = create_quote(session, network, shipper, request(count=2), now=NOW)  # 4 TEU
        session.commit()
    best = first.itineraries[0]
    assert best.free_teu == min(network.services[leg.service_id].capacity_teu for leg in best.legs)
    runs = [Run(network.services[leg.service_id], leg.run_departs_at) for leg in best.legs]
    with db.write_session() as session:
        ids = ensure_departures(session, runs, actor="test")
        reserve(session, [ids[runs[-1].key]], Need(teu=4, reefer_plugs=0, dangerous_goods=False))
        session.commit()
    taken = (best.legs[-1].service_id, best.legs[-1].run_departs_at)

    with db.write_session() as session:
        small = create_quote(session, network, shipper, request(count=1, container_type="20GP"), now=NOW)
        assert small.itineraries[0].legs[-1].run_departs_at == taken[1]  # 1 TEU still fits
        assert small.itineraries[0].free_teu == network.services[taken[0]].capacity_teu - 4
        again = create_quote(session, network, shipper, request(count=2), now=NOW)
    later = again.itineraries[0]
    assert all((leg.service_id, leg.run_departs_at) != taken
               for itinerary in again.itineraries for leg in itinerary.legs)
    assert later.departs_at > best.departs_at  # the next departures with room, not none
    assert later.free_teu == best.free_teu


def test_when_every_departure_searched_is_booked_out_the_refusal_says_so(
        db: Database, network: Network, org_factory: Callable[..., Principal],
        operators: tuple[Principal, Principal]) -> None:
    shipper = org_factory()
    with db.write_session() as session:
        quote = create_quote(session, network, shipper, request(count=2), now=NOW)
        session.commit()
    # fill the Altynkol - Aktau train every day of the searched week
    first_run = quote.itineraries[0].legs[-1].run_departs_at
    runs = [Run(network.services["train-kz"], first_run + timedelta(days=day)) for day in range(8)]
    with db.write_session() as session:
        ids = ensure_departures(session, runs, actor="test")
        reserve(session, ids.values(), Need(teu=5, reefer_plugs=0, dangerous_goods=False))
        session.commit()
    with db.write_session() as session, pytest.raises(NoRouteError) as refused:
        create_quote(session, network, shipper, request(count=2), now=NOW)
    assert "has 1 TEU free, 4 needed" in str(refused.value)
    assert "a later departure_date may find room" in str(refused.value)
