"""The FastAPI application factory.

`create_app()` reads its settings from the environment (`KARVAN_DATABASE_URL` or `KARVAN_DATA_DIR`,
`KARVAN_MAX_BODY_BYTES`, `KARVAN_NETWORK`, `KARVAN_LOOP_LAG_MS`), so `karvan serve --workers N` can
start it in each worker with `uvicorn --factory karvan.api.app:create_app`. Tests pass `database_url`
and `network` directly.

Capabilities add their router with one line in `_include_routers`. Every route is authenticated
(see `karvan.api.auth`) and every error is problem+json (see `karvan.api.problems`).
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse

import karvan
from karvan.api import looplag, problems
from karvan.api.auth import authenticated
from karvan.api.middleware import (
    JSON_LOGS_ENV,
    AccessLogMiddleware,
    BodyLimitMiddleware,
    configure_json_logging,
)
from karvan.api.routers import (
    bookings,
    departures,
    documents,
    events,
    health,
    orgs,
    quotes,
    shipments,
    stream,
    track,
    webhooks,
)
from karvan.api.routers.analytics import router as analytics_router
from karvan.api.routers.network import router as network_router
from karvan.api.routers.plan import router as plan_router
from karvan.network.loader import load_network
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.web import mount_web

MAX_BODY_ENV = "KARVAN_MAX_BODY_BYTES"
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
"""10 MiB: a tracking batch of 10,000 events is about 4 MB of JSON."""


def _include_routers(app: FastAPI) -> None:
    app.include_router(health.router)
    app.include_router(orgs.router)
    app.include_router(departures.router)
    app.include_router(network_router)
    app.include_router(plan_router)
    app.include_router(events.router)
    app.include_router(track.router)
    app.include_router(stream.router)
    app.include_router(webhooks.router)
    app.include_router(analytics_router)
    app.include_router(quotes.router)
    app.include_router(shipments.router)
    app.include_router(bookings.router)
    documents.install(app)


def _integrity_conflict(request: Request, exc: Exception) -> JSONResponse:
    """A constraint the core did not check first (e.g. a concurrent duplicate) is a conflict, not a 500."""
    return problems.problem(409, "the request conflicts with an existing record", slug="conflict",
                            instance=request.url.path)


def create_app(database_url: str | None = None, *, network: Network | None = None,
               max_body_bytes: int | None = None) -> FastAPI:
    if os.environ.get(JSON_LOGS_ENV) == "1":
        configure_json_logging()
    db = Database(database_url)
    limit = max_body_bytes or int(os.environ.get(MAX_BODY_ENV) or DEFAULT_MAX_BODY_BYTES)

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        started.state.network()  # load (and validate) the network before the first request, not during it
        # FastAPI builds each router's request handling (parameter models, dependencies) on its first
        # request, which held the event loop for 100-300 ms in every worker (measured); describing the
        # API builds it all now.
        started.openapi()
        # The network, the UN/LOCODE list and the imported modules live as long as the process: move them
        # out of the collector's sight, or every full collection walks them all (measured ~100 ms pauses,
        # which were the p99 of a loaded server).
        gc.collect()
        gc.freeze()
        threshold_ms = float(os.environ.get(looplag.LAG_ENV) or looplag.DEFAULT_THRESHOLD_MS)
        watcher = asyncio.create_task(looplag.watch(threshold_ms)) if threshold_ms > 0 else None
        yield
        if watcher is not None:
            watcher.cancel()
        gc.unfreeze()  # let native objects (DuckDB's) be freed normally at exit
        db.dispose()

    app = FastAPI(
        title="Karvan API",
        version=karvan.__version__,
        summary="Plan, book and track container freight on the Middle Corridor.",
        description="Every endpoint except /health and /ready needs `Authorization: Bearer <API key>`. "
                    "Errors are RFC 9457 problem+json. Lists are paginated with an opaque `cursor`.",
        lifespan=lifespan,
        dependencies=[Depends(authenticated)],
        responses={401: {"model": problems.Problem, "description": "Missing or invalid API key"}},
    )
    app.state.db = db
    app.state.network = _network_provider(network)
    app.state.max_body_bytes = limit
    problems.install(app)
    app.add_exception_handler(IntegrityError, _integrity_conflict)
    app.add_middleware(BodyLimitMiddleware, max_bytes=limit)
    app.add_middleware(AccessLogMiddleware)
    _include_routers(app)
    mount_web(app)
    return app


NETWORK_RECHECK_S = 1.0
"""How long a request may be served the network without looking whether its files changed: looking is
a directory listing and a stat per file, measured at 7 % of the event loop's time under load."""


def _network_provider(network: Network | None) -> Callable[[], Network]:
    """A fixed network, or the bundled one with overlays, reloaded within a second of a file changing
    (the loader caches it until the files' modification times change)."""
    if network is not None:
        return lambda: network
    current: Network | None = None
    checked_at = 0.0

    def provide() -> Network:
        nonlocal current, checked_at
        now = time.monotonic()
        if current is None or now - checked_at >= NETWORK_RECHECK_S:
            current, checked_at = load_network(), now
        return current

    return provide
