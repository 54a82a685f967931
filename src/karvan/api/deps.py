"""FastAPI dependencies for the database and the network, shared by every router.

Routes commit explicitly (usually through `Idempotency.respond`); the session is closed, and anything
uncommitted rolled back, when the request ends. Requests that change state (POST, PUT, PATCH,
DELETE) get a write session (see `karvan.store.db.Database`).
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from karvan.network.network import Network
from karvan.store.db import Database

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_session(request: Request) -> Iterator[Session]:
    db = get_db(request)
    session = db.write_session() if request.method in _WRITE_METHODS else db.session()
    try:
        yield session
    finally:
        session.close()


SESSION = Depends(get_session, scope="function")
"""The request's session, closed when the route function returns rather than after the response is
written: held until then, sessions kept pool connections from the threads waiting for one (30 s pool
timeouts answered as 500s under load)."""


def get_network(request: Request) -> Network:
    """The network given to `create_app`, else the bundled one with $KARVAN_NETWORK overlays."""
    network: Network = request.app.state.network()
    return network
