"""Slots on departures: created once, reserved all-or-nothing, never beyond capacity under a race."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from karvan.booking.capacity import CapacityError, Need, Run, ensure_departures, release, reserve
from karvan.errors import ConflictError
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import AuditEntry, Departure

RUN_AT = datetime(2030, 5, 6, 0, 0, tzinfo=UTC)
ONE_TEU = Need(teu=1, reefer_plugs=0, dangerous_goods=False)


def _departure(db: Database, departure_id: str) -> Departure:
    with db.session() as session:
        row = session.get(Departure, departure_id)
        assert row is not None
        return row


def _ensure(db: Database, runs: list[Run]) -> dict[tuple[str, datetime], str]:
    with db.write_session() as session:
        return ensure_departures(session, runs, actor="test")


def test_missing_departure_is_created_from_the_service_once(db: Database, network: Network,
                                                             operators: object) -> None:
    run = Run(network.services["train-kz"], RUN_AT)
    first = _ensure(db, [run])
    again = _ensure(db, [run])
    assert first == again
    row = _departure(db, first[run.key])
    assert (row.capacity_teu, row.reefer_plugs, row.booked_teu, row.operator_code) == (6, 2, 0, "KTZ")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Departure)) == 1
        created = session.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.action == "departure.create_from_schedule")).all()
    assert created == [first[run.key]]


def test_concurrent_creation_makes_one_row(db: Database, network: Network, operators: object) -> None:
    run = Run(network.services["train-cn"], RUN_AT)
    ids: list[str] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        barrier.wait()
        ids.append(_ensure(db, [run])[run.key])

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and len(ids) == 8


def test_unmanaged_operator_cannot_get_departures(db: Database, network: Network) -> None:
    with pytest.raises(ConflictError, match="not managed by any organisation"):
        _ensure(db, [Run(network.services["train-cn"], RUN_AT)])


def test_reservation_on_several_departures_is_all_or_nothing(db: Database, network: Network,
                                                              operators: object) -> None:
    runs = [Run(network.services["train-cn"], RUN_AT), Run(network.services["train-kz"], RUN_AT)]
    ids = _ensure(db, runs)
    cn, kz = ids[runs[0].key], ids[runs[1].key]
    with db.write_session() as session:
        reserve(session, [kz], Need(teu=5, reefer_plugs=0, dangerous_goods=False))
        session.commit()
    with db.write_session() as session:
        with pytest.raises(CapacityError, match="1 TEU free, 2 needed") as caught:
            reserve(session, [cn, kz], Need(teu=2, reefer_plugs=0, dangerous_goods=False))
        session.commit()  # what the failed call took on the first departure was given back already
    assert caught.value.departure_id == kz
    assert _departure(db, cn).booked_teu == 0
    assert _departure(db, kz).booked_teu == 5


def test_reefer_plugs_and_dangerous_goods_are_checked(db: Database, network: Network,
                                                      operators: object) -> None:
    run = Run(network.services["train-kz"], RUN_AT)
    kz = _ensure(db, [run])[run.key]
    with db.write_session() as session:
        with pytest.raises(CapacityError, match="dangerous goods"):
            reserve(session, [kz], Need(teu=1, reefer_plugs=0, dangerous_goods=True))
        with pytest.raises(CapacityError, match="2 reefer plugs free, 3 needed"):
            reserve(session, [kz], Need(teu=3, reefer_plugs=3, dangerous_goods=False))
        reserve(session, [kz], Need(teu=2, reefer_plugs=2, dangerous_goods=False))
        session.commit()
    row = _departure(db, kz)
    assert (row.booked_teu, row.booked_reefer_plugs) == (2, 2)


def test_release_gives_back_what_was_reserved(db: Database, network: Network, operators: object) -> None:
    run = Run(network.services["train-kz"], RUN_AT)
    kz = _ensure(db, [run])[run.key]
    need = Need(teu=4, reefer_plugs=1, dangerous_goods=False)
    with db.write_session() as session:
        reserve(session, [kz], need)
        release(session, [kz], need)
        session.commit()
    row = _departure(db, kz)
    assert (row.booked_teu, row.booked_reefer_plugs) == (0, 0)


def test_fifty_concurrent_clients_fill_the_last_slots_exactly(db: Database, network: Network,
                                                              operators: object) -> None:
    """60 threads each want 1 TEU of a 6 TEU departure: exactly 6 succeed and 6 TEU are booked."""
    run = Run(network.services["train-kz"], RUN_AT)
    kz = _ensure(db, [run])[run.key]
    outcomes: list[bool] = []
    barrier = threading.Barrier(60)

    def client() -> None:
        barrier.wait()
        with db.write_session() as session:
            try:
                reserve(session, [kz], ONE_TEU)
                session.commit()
                outcomes.append(True)
            except CapacityError:
                session.rollback()
                outcomes.append(False)

    threads = [threading.Thread(target=client) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(True) == 6 and len(outcomes) == 60
    assert _departure(db, kz).booked_teu == 6
