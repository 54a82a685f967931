"""Keyset pagination visits every row exactly once, in order, whatever the page size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from karvan.errors import InputError
from karvan.store.db import Database
from karvan.store.models import Organisation
from karvan.store.pagination import decode_cursor, encode_cursor, paginate

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _fill(db: Database, minutes: list[int]) -> None:
    with db.write_session() as session:
        for i, minute in enumerate(minutes):
            session.add(
                Organisation(
                    id=f"org_{i:04d}",
                    name=f"Org {i}",
                    kind="shipper",
                    created_at=BASE + timedelta(minutes=minute),
                )
            )
        session.commit()


def _walk(db: Database, limit: int, descending: bool = False) -> list[str]:
    seen: list[str] = []
    cursor = None
    with db.session() as session:
        while True:
            page = paginate(
                session,
                select(Organisation),
                order_by=[Organisation.created_at, Organisation.id],
                cursor=cursor,
                limit=limit,
                descending=descending,
            )
            seen += [o.id for o in page.items]
            if page.next_cursor is None:
                return seen
            assert len(page.items) == limit
            cursor = page.next_cursor


def test_every_row_once_in_order_with_ties(db: Database) -> None:
    minutes = [5, 1, 1, 3, 5, 5, 0, 2, 2, 9, 1]  # ties on the first sort column
    _fill(db, minutes)
    expected = [f"org_{i:04d}" for i in sorted(range(len(minutes)), key=lambda i: (minutes[i], i))]
    for limit in (1, 2, 3, 4, 11, 50):
        assert _walk(db, limit) == expected
        assert _walk(db, limit, descending=True) == expected[::-1]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(-(10**6), 10**6),
            st.text(max_size=20),
            st.datetimes(timezones=st.just(UTC)),
            st.none(),
            st.booleans(),
        ),
        max_size=4,
    )
)
def test_cursor_round_trips(key: list[object]) -> None:
    assert decode_cursor(encode_cursor(key), len(key)) == key


@pytest.mark.parametrize("cursor", ["", "!!!", "bm9wZQ", encode_cursor([1, 2, 3])])
def test_foreign_cursors_are_input_errors(cursor: str) -> None:
    with pytest.raises(InputError) as error:
        decode_cursor(cursor or "e30", 2)
    assert error.value.field == "cursor"


def test_limit_out_of_range(db: Database) -> None:
    with db.session() as session, pytest.raises(InputError):
        paginate(session, select(Organisation), order_by=[Organisation.id], cursor=None, limit=0)
