"""`POST /events` (report events in any supported format) and `GET /events` (read them as DCSA 3.0
or as an EPCIS 2.0 document).

POST takes a DCSA 2.2 array, a DCSA 3.0 `{"events": [...]}` body or single event, an EPCIS 2.0
document, Karvan JSON, or CSV (`Content-Type: text/csv`); `?format=` overrides detection. At most
10,000 events per request. A batch with an invalid event is refused whole (422, every error listed
with its event index and field) unless `?partial=true`; a batch with any event outside the
caller's rights is refused whole (403). The response comes after the events are committed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from karvan.api import problems
from karvan.api.auth import require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.errors import InputError
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.pagination import decode_cursor, encode_cursor
from karvan.tenancy.principal import Principal
from karvan.tracking import links, service
from karvan.tracking.export import dcsa_document, epcis_document
from karvan.tracking.formats import Format, read
from karvan.tracking.hub import Hub
from karvan.tracking.ingest import MAX_BATCH, InvalidEventsError
from karvan.tracking.model import EventType, utc_text
from karvan.tracking.repository import EventFilter, StoredEvent, list_events
from karvan.tracking.webhooks import Deliverer

router = APIRouter(prefix="/events", tags=["tracking"], responses=PROBLEM_RESPONSES)


class ExportFormat(StrEnum):
    DCSA = "dcsa"
    EPCIS = "epcis"


@router.post("", summary="Report tracking events (DCSA T&T 2.2/3.0, EPCIS 2.0, Karvan JSON, CSV)",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "object"}},
                 "text/csv": {"schema": {"type": "string"}}}}})
async def post_events(request: Request, fmt: Format | None = Query(None, alias="format"),
                      partial: bool = Query(False, description="store valid events, report invalid ones"),
                      principal: Principal = Depends(require_scope("write")),
                      db: Database = Depends(get_db),
                      network: Network = Depends(get_network)) -> JSONResponse:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the body is not UTF-8 text", field="body") from None
    if fmt is None and "csv" in request.headers.get("content-type", ""):
        fmt = Format.CSV
    hub: Hub | None = getattr(request.app.state, "tracking_hub", None)
    deliverer: Deliverer | None = getattr(request.app.state, "webhook_deliverer", None)

    def announce(_events: list[StoredEvent]) -> None:
        if hub is not None:
            hub.wake()
        if deliverer is not None:
            deliverer.wake()

    def work() -> dict[str, Any]:
        document = read(text, fmt)
        report = service.import_document(db, document, principal, network, partial=partial,
                                         max_events=MAX_BATCH, announce=announce)
        summary = report.summary()
        summary["event_ids"] = [s.event.event_id for s in report.accepted]
        return summary

    try:
        summary = await run_in_threadpool(work)
    except InvalidEventsError as error:
        return problems.problem(
            422, str(error), slug="invalid-events", instance=request.url.path,
            field=error.field, errors=[{"index": e.index, "field": e.field, "message": e.message}
                                       for e in error.errors])
    return JSONResponse(summary)


def _cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    (seq,) = decode_cursor(cursor, 1)
    if not isinstance(seq, int):
        raise InputError("not a cursor returned by this list", field="cursor")
    return seq


@router.get("", summary="Stored events (every version), as DCSA 3.0 events or an EPCIS 2.0 document")
def get_events(response: Response,
               fmt: ExportFormat = Query(ExportFormat.DCSA, alias="format"),
               container: str | None = Query(None, alias="equipmentReference",
                                             description="container number"),
               shipment: str | None = Query(None, description="Karvan shipment id (shp_...) or "
                                                             "booking/document reference"),
               locode: str | None = Query(None, alias="UNLocationCode"),
               event_types: str | None = Query(None, alias="eventTypes", description="comma-separated"),
               updated_since: datetime | None = Query(None, alias="eventUpdatedDateTime",
                                                      description="stored at or after this instant"),
               cursor: str | None = Query(None), limit: int = Query(100, ge=1, le=1000),
               principal: Principal = Depends(require_scope("read")),
               db: Database = Depends(get_db)) -> dict[str, Any]:
    types = [t.strip() for t in (event_types or "").split(",") if t.strip()]
    for value in types:
        if value not in EventType.__members__:
            raise InputError(f"unknown event type {value!r}", field="eventTypes",
                             fix="use " + ",".join(EventType.__members__))
    if updated_since is not None and updated_since.tzinfo is None:
        raise InputError("time without offset", field="eventUpdatedDateTime", fix="add Z or +hh:mm")
    with db.session() as session:
        visible = links.visible_containers(session, principal)
        where = EventFilter(containers=visible, container=container, locode=locode, event_types=types,
                            updated_since=utc_text(updated_since) if updated_since else None,
                            org_id=principal.org_id or None)
        if shipment and shipment.startswith("shp_"):
            where = EventFilter(**{**where.__dict__, "containers": [
                c for c in links.containers_of_shipment(session, shipment)
                if visible is None or c in visible]})
        elif shipment:
            where = EventFilter(**{**where.__dict__, "shipment": shipment})
        page: list[StoredEvent] = list_events(session, where, after_seq=_cursor(cursor), limit=limit)
    next_cursor = encode_cursor([page[-1].seq]) if len(page) == limit else None
    if next_cursor:
        response.headers["Next-Page-Cursor"] = next_cursor
    if fmt is ExportFormat.EPCIS:
        document = epcis_document(page, datetime.now(UTC))
        document["karvan:nextCursor"] = next_cursor
        return document
    return {**dcsa_document(page), "next_cursor": next_cursor}
