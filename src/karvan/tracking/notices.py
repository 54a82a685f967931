"""The notice writers send when they store events, apart from the hub that listens for it, so that a
writer (a bulk import on the command line) does not load the hub's server-side machinery."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

CHANNEL = "karvan_tracking"


def notify(session: Session) -> None:
    """Tell other processes (PostgreSQL only) that events were stored; sent when the transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))
