"""The tracking operations the CLI and the API share: import a document, read a container's state.

`import_document` stores and enqueues webhook deliveries in one transaction, with the exceptions the
new events raise for booked containers (`raise_exceptions`), and only then reports success; after commit
it announces the new events to live listeners (SSE).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from karvan.errors import NotFoundError
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import links, notices, outbox, raised
from karvan.tracking.authz import NetworkSource
from karvan.tracking.exceptions import TrackingException
from karvan.tracking.formats import Document
from karvan.tracking.ingest import IngestReport, ingest
from karvan.tracking.model import ContainerEvent
from karvan.tracking.repository import StoredEvent, container_events
from karvan.tracking.state import ContainerState, derive

Announce = Callable[[list[StoredEvent]], None]


def import_document(db: Database, document: Document, principal: Principal, network: NetworkSource, *,
                    partial: bool = False, max_events: int | None = None,
                    announce: Announce | None = None, now: datetime | None = None) -> IngestReport:
    with db.write_session() as session:
        report = ingest(session, document, principal, network, partial=partial, max_events=max_events,
                        departure_operator=lambda d: links.departure_operator(session, d))
        outbox.enqueue(session, report.accepted)
        raise_exceptions(session, sorted({s.event.container for s in report.accepted if s.event.container}),
                         network, now or datetime.now(UTC))
        if report.accepted:
            notices.notify(session)
        session.commit()
    if announce is not None and report.accepted:
        announce(report.accepted)
    return report


def raise_exceptions(session: Session, containers: Sequence[str], network: NetworkSource,
                     now: datetime) -> list[tuple[str, TrackingException]]:
    """Record the exceptions of each booked container whose cause has not been raised yet, in the
    caller's transaction; returns them. Also the sweep for causes that come with the clock (no news,
    a dwell past its p90), which no import brings. Containers without a booking are skipped: without
    a plan there is nothing to miss and no route to leave."""
    found: list[tuple[str, TrackingException]] = []
    loaded: Network | None = None
    booked = links.booked_containers(session, containers)
    for container in (c for c in containers if c in booked):
        plan = links.container_plan(session, container)
        if plan is None:
            continue
        if loaded is None:
            loaded = network() if callable(network) else network
        state = derive(container, container_events(session, container), plan=plan, network=loaded, now=now)
        found += [(container, e) for e in raised.raise_new(session, container, state.exceptions, now)]
    return found


def can_read(session: Session, principal: Principal, container: str, events: list[StoredEvent]) -> bool:
    if principal.is_corridor_admin:
        return True
    if any(org == principal.org_id for _, org in links.shipments_of_container(session, container)):
        return True
    return any(s.org_id == principal.org_id for s in events)


def track(session: Session, container: str, principal: Principal, network: Network | None,
          now: datetime | None = None) -> ContainerState:
    """The container's state, or NotFoundError when it has no events or the caller may not see it."""
    events = container_events(session, container)
    if not events or not can_read(session, principal, container, events):
        raise NotFoundError(f"no events for container {container}")
    plan = links.container_plan(session, container)
    state = derive(container, events, plan=plan, network=network, now=now or datetime.now(UTC))
    return replace(state, raised_at=raised.raised_at(session, container))


def state_json(state: ContainerState) -> dict[str, Any]:
    last = state.last_event
    return {
        "container": state.container,
        "status": state.status,
        "last_event": None if last is None else {
            "type": last.code, "event_type": last.event_type.value, "time": last.event_time.isoformat(),
            "locode": last.locode, "facility": last.facility, **_coordinates(last)},
        "eta": None if state.eta is None else {
            "p50": state.eta.p50.isoformat(), "p90": state.eta.p90.isoformat(),
            "destination": state.eta.destination, "basis": state.eta.basis,
            "booked": state.eta.booked.isoformat() if state.eta.booked else None,
            "replan": state.eta.replan.message if state.eta.replan else None},
        "progress": None if state.progress is None else {
            "current_leg": state.progress.leg_index, "legs": state.progress.legs_total,
            "places_reached": state.progress.places_done, "places": state.progress.places_total},
        "exceptions": [{"kind": e.kind, "message": e.message, "locode": e.locode,
                        "severity": e.severity.value, "cause": e.cause,
                        "raised_at": _iso(state.raised_at.get(e.cause))} for e in state.exceptions],
        "events": [event_json(s) for s in state.events],
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def event_json(stored: StoredEvent) -> dict[str, Any]:
    """One event as the Track page and `karvan track --json` show it; coordinates only when reported."""
    event = stored.event
    out: dict[str, Any] = {"event_id": event.event_id, "type": event.code,
                           "event_type": event.event_type.value, "classifier": event.classifier.value,
                           "time": event.event_time.isoformat(), "locode": event.locode}
    if event.container is not None:
        out["container"] = event.container
    out.update(_coordinates(event))
    if event.details.get("bizStep"):
        out["biz_step"] = event.details["bizStep"]
    return out


def _coordinates(event: ContainerEvent) -> dict[str, float]:
    """The position an event was reported with (an IoT device, an EPCIS geo read point), or nothing."""
    if event.latitude is None or event.longitude is None:
        return {}
    return {"latitude": event.latitude, "longitude": event.longitude}
