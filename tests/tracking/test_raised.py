"""Exceptions are raised once per cause: recording a cause again raises nothing, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.tracking_models import RaisedExceptionRow
from karvan.tracking.exceptions import Severity, TrackingException
from karvan.tracking.raised import raise_new, raised_at
from karvan.tracking.service import raise_exceptions

T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
MISSED = TrackingException("missed_connection", "missed KMTF-AAU-ALA 2026-11-20 00:00 UTC", "KZAAU",
                           Severity.WARNING, "missed:KMTF-AAU-ALA:2026-11-20T00:00:00+00:00")
NO_NEWS = TrackingException("no_news", "no report since 2026-11-19 06:00 UTC at KZAAU", "KZAAU",
                            Severity.INFO, "no_news:e7")


def test_a_cause_is_raised_the_first_time_only(db: Database) -> None:
    with db.write_session() as session:
        assert raise_new(session, "CSQU3054383", [MISSED], T0) == [MISSED]
        session.commit()
    with db.write_session() as session:
        again = raise_new(session, "CSQU3054383", [MISSED, NO_NEWS], T0 + timedelta(hours=6))
        session.commit()
    assert again == [NO_NEWS]
    with db.session() as session:
        assert raised_at(session, "CSQU3054383") == {MISSED.cause: T0, NO_NEWS.cause: T0 + timedelta(hours=6)}
        assert raised_at(session, "MSKU0000001") == {}


def test_the_same_cause_on_another_container_is_its_own(db: Database) -> None:
    with db.write_session() as session:
        assert raise_new(session, "CSQU3054383", [MISSED], T0) == [MISSED]
        assert raise_new(session, "MSKU0000001", [MISSED], T0) == [MISSED]
        session.commit()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=st.lists(st.lists(st.sampled_from([MISSED, NO_NEWS]), max_size=4), min_size=1, max_size=4))
def test_however_often_causes_are_found_each_is_recorded_once(db: Database,
                                                               rounds: list[list[TrackingException]]) -> None:
    container = "TGHU0000000"
    with db.write_session() as session:
        session.query(RaisedExceptionRow).filter_by(container=container).delete()
        session.commit()
    told: list[str] = []
    for found in rounds:
        with db.write_session() as session:
            told += [e.cause for e in raise_new(session, container, found, T0)]
            session.commit()
    assert sorted(told) == sorted({e.cause for found in rounds for e in found})
    with db.session() as session:
        rows = session.scalar(select(func.count()).select_from(RaisedExceptionRow)
                              .where(RaisedExceptionRow.container == container))
    assert rows == len(told)


def test_a_container_without_a_booking_raises_nothing_and_loads_no_network(db: Database) -> None:
    def no_network() -> Network:
        raise AssertionError("the network is loaded only for a booked container")

    with db.write_session() as session:
        assert raise_exceptions(session, ["MSKU0000001", "TGHU0000000"], no_network, T0) == []
        assert session.scalar(select(func.count()).select_from(RaisedExceptionRow)) == 0
