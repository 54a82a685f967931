"""Keyset pagination with opaque cursors, shared by every list endpoint.

A cursor encodes the sort key of the last item returned; the next page starts strictly after it, so
pages stay stable while rows are inserted. The order must end with a unique column (usually `id`).

    page = paginate(session, select(Departure).where(...), order_by=[Departure.departs_at, Departure.id],
                    cursor=cursor, limit=limit)
    page.items, page.next_cursor   # next_cursor is None on the last page
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from karvan.errors import InputError

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.fromisoformat(value["dt"])
    return value


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    bad = InputError("not a cursor returned by this list", field="cursor",
                     fix="pass the next_cursor value of the previous page unchanged")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != width:
            raise bad
        return [_decode_value(v) for v in values]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise bad from None


def _after(order_by: Sequence[InstrumentedAttribute[Any]], key: Sequence[Any], descending: bool) -> Any:
    """(a, b, c) > (x, y, z) spelt out, since row-value comparison is not portable everywhere."""
    clauses = []
    for i, column in enumerate(order_by):
        equal = [order_by[j] == key[j] for j in range(i)]
        beyond = column < key[i] if descending else column > key[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def paginate(session: Session, stmt: Select[T], *, order_by: Sequence[InstrumentedAttribute[Any]],
             cursor: str | None, limit: int = DEFAULT_LIMIT, descending: bool = False) -> Page[T]:
    """One page of `stmt` (a select of one ORM entity) ordered by `order_by`, after `cursor`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit {limit} is out of range", field="limit", fix=f"use 1 to {MAX_LIMIT}")
    if cursor:
        stmt = stmt.where(_after(order_by, decode_cursor(cursor, len(order_by)), descending))
    stmt = stmt.order_by(*(c.desc() if descending else c.asc() for c in order_by)).limit(limit + 1)
    rows = list(session.scalars(stmt))
    if len(rows) <= limit:
        return Page(items=rows, next_cursor=None)
    items = rows[:limit]
    last = items[-1]
    return Page(items=items, next_cursor=encode_cursor([getattr(last, c.key) for c in order_by]))
