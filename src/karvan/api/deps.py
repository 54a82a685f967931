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


async def get_db(request: Request) -> Database:
    """Async because it does no I/O: FastAPI runs it on the event loop instead of a worker thread."""
    db: Database = request.app.state.db
    return db


def get_session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    session = db.write_session() if request.method in _WRITE_METHODS else db.session()
    try:
        yield session
    finally:
        session.close()


SESSION = Depends(get_session, scope="function")
"""The request's session, closed when the route function returns rather than after the response.

Known limit: under heavy concurrent load on SQLite (200 requests/s on one worker), routes on this
dependency stalled until the 30 s pool timeout, while routes that open and close their own session
inside the handler (quotes, shipments, bookings) did not; the cause is not yet found.
"""


async def get_network(request: Request) -> Network:
    """The network given to `create_app`, else the bundled one with $KARVAN_NETWORK overlays.

    Async like `get_db`: after start-up this is a look-up (the files are re-checked at most once a
    second, see `karvan.api.app.NETWORK_RECHECK_S`).
    """
    network: Network = request.app.state.network()
    return network
