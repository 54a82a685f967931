"""Server-sent event streams of tracking events: per shipment and per organisation.

`GET /stream/org` streams every event the caller may read; `GET /stream/shipments/{id}` the events
of one of the caller's shipments. Each message is `id: <sequence>`, `event: tracking-event`, and the
event as DCSA 3.0 JSON in `data`. A reconnecting client sends `Last-Event-ID` and first gets what it
missed. A comment line every `KEEPALIVE_S` keeps proxies from closing an idle stream.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Header, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from karvan.api.auth import require_scope
from karvan.api.deps import get_db
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.errors import NotFoundError
from karvan.store.booking_models import ShipmentRow
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import links
from karvan.tracking.export import to_dcsa
from karvan.tracking.hub import Hub, Listener
from karvan.tracking.repository import EventFilter, StoredEvent, list_events

KEEPALIVE_S = 15.0


def tracking_hub(app: FastAPI) -> Hub:
    """The app's hub, created on first use (the lifespan also stops it)."""
    hub: Hub | None = getattr(app.state, "tracking_hub", None)
    if hub is None:
        hub = app.state.tracking_hub = Hub(app.state.db)
    return hub


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    hub: Hub | None = getattr(app.state, "tracking_hub", None)
    if hub is not None:
        hub.stop()


router = APIRouter(prefix="/stream", tags=["tracking"], responses=PROBLEM_RESPONSES, lifespan=_lifespan)


def _message(stored: StoredEvent) -> str:
    return f"id: {stored.seq}\nevent: tracking-event\ndata: {json.dumps(to_dcsa(stored))}\n\n"


def _sse(request: Request, db: Database, where: EventFilter, last_event_id: str | None) -> StreamingResponse:
    def accepts(stored: StoredEvent) -> bool:
        event = stored.event
        if where.container and event.container != where.container:
            return False
        if where.containers is None:
            return True
        return event.container in where.containers or (where.org_id is not None
                                                       and stored.org_id == where.org_id)

    hub = tracking_hub(request.app)
    listener = Listener(accepts, asyncio.get_running_loop())
    hub.add(listener)
    start_after = int(last_event_id) if last_event_id and last_event_id.isdigit() else None

    async def stream() -> AsyncIterator[str]:
        try:
            yield ": stream open\n\n"
            sent = 0
            if start_after is not None:
                def missed() -> list[StoredEvent]:
                    with db.session() as session:
                        return list_events(session, where, after_seq=start_after, limit=10_000)
                for stored in await run_in_threadpool(missed):
                    sent = stored.seq
                    yield _message(stored)
            while not await request.is_disconnected():
                try:
                    stored = await asyncio.wait_for(listener.queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                if stored.seq > sent:
                    yield _message(stored)
        finally:
            hub.remove(listener)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _visibility(db: Database, principal: Principal) -> Callable[[], EventFilter]:
    def compute() -> EventFilter:
        with db.session() as session:
            containers = links.visible_containers(session, principal)
        return EventFilter(containers=containers, org_id=principal.org_id or None)
    return compute


@router.get("/org", summary="Live events the caller's organisation may read (text/event-stream)")
async def org_stream(request: Request, principal: Principal = Depends(require_scope("read")),
                     db: Database = Depends(get_db),
                     last_event_id: str | None = Header(None, alias="Last-Event-ID")) -> StreamingResponse:
    where = await run_in_threadpool(_visibility(db, principal))
    return _sse(request, db, where, last_event_id)


@router.get("/shipments/{shipment_id}", summary="Live events of one shipment's containers")
async def shipment_stream(shipment_id: str, request: Request,
                          principal: Principal = Depends(require_scope("read")),
                          db: Database = Depends(get_db),
                          last_event_id: str | None = Header(None, alias="Last-Event-ID"),
                          ) -> StreamingResponse:
    def containers() -> list[str]:
        with db.session() as session:
            shipment = session.get(ShipmentRow, shipment_id)
            if shipment is None or not (principal.is_corridor_admin or shipment.org_id == principal.org_id):
                raise NotFoundError(f"no shipment {shipment_id}")
            return links.containers_of_shipment(session, shipment_id)

    where = EventFilter(containers=await run_in_threadpool(containers))
    return _sse(request, db, where, last_event_id)
