"""Exceptions raised once per cause: the first time a cause is found it is recorded with the time it
was raised; finding it again (every read derives the exceptions afresh) raises nothing.

Exceptions are derived from the events, the plan and the clock on every read (`karvan.tracking.state`),
so reading is free of side effects; raising is a write, done where events are stored
(`service.import_document`) or by a sweep over the containers (`service.raise_exceptions`) for causes
that come with the clock (no news, a dwell past its p90). Two writers finding the same cause at once
insert one row: the (container, cause) pair is unique and the loser's insert is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from karvan.store.tracking_models import RaisedExceptionRow
from karvan.tracking.exceptions import TrackingException
from karvan.tracking.model import parse_time, utc_text


def raised_at(session: Session, container: str) -> dict[str, datetime]:
    """When each recorded cause of `container` was first raised."""
    rows = session.execute(select(RaisedExceptionRow.cause, RaisedExceptionRow.raised_at)
                           .where(RaisedExceptionRow.container == container)).all()
    return {cause: parse_time(at) for cause, at in rows}


def raise_new(session: Session, container: str, found: Sequence[TrackingException],
              now: datetime) -> list[TrackingException]:
    """Record the exceptions whose cause `container` has not had raised yet; returns those (in the
    caller's transaction, so they are raised exactly when it commits)."""
    known = raised_at(session, container)
    new: dict[str, TrackingException] = {}
    for exception in found:
        if exception.cause and exception.cause not in known:
            new.setdefault(exception.cause, exception)
    if not new:
        return []
    rows = [{"container": container, "cause": e.cause, "kind": e.kind, "severity": e.severity.value,
             "message": e.message, "locode": e.locode, "raised_at": utc_text(now)} for e in new.values()]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(RaisedExceptionRow).on_conflict_do_nothing(
        index_elements=["container", "cause"]), rows)
    return list(new.values())
