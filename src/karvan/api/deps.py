"""FastAPI dependencies for the database and the network, shared by every router.

Routes open and close their own session inside the handler, in the thread the handler runs in:

    def route(..., db: Database = Depends(get_db)) -> Out:
        with db.session() as session:            # db.write_session() for POST, PATCH, DELETE
            ...
            return Out(...)                       # built before the session closes

so the connection is back in the pool when the handler returns. A session given by a yield
dependency was closed only after FastAPI had validated the handler's return value, which for a sync
handler takes a thread-pool slot of its own: with more concurrent requests than threads (60-100 to
one worker), every thread waited for a connection held by requests that could not get a thread to
finish and give it back, and all waited out the 30 s pool timeout (503). Changes are committed
explicitly (usually through `Idempotency.respond`); anything uncommitted is rolled back on close.
"""

from __future__ import annotations

from fastapi import Request

from karvan.network.network import Network
from karvan.store.db import Database


async def get_db(request: Request) -> Database:
    """Async because it does no I/O: FastAPI runs it on the event loop instead of a worker thread."""
    db: Database = request.app.state.db
    return db


async def get_network(request: Request) -> Network:
    """The network given to `create_app`, else the bundled one with $KARVAN_NETWORK overlays.

    Async like `get_db`: after start-up this is a look-up (the files are re-checked at most once a
    second, see `karvan.api.app.NETWORK_RECHECK_S`).
    """
    network: Network = request.app.state.network()
    return network
