"""From a received document to stored events: parse, check, authorise, store — one transaction.

Batch policy: by default a document with any invalid event is refused whole (nothing stored) and the
error names the event index and field. With `partial=True` the valid events are stored and the
invalid ones counted as rejected, each with its reason. Authorisation is always whole-batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from karvan.errors import InputError
from karvan.tenancy.principal import Principal
from karvan.tracking import authz, validate
from karvan.tracking.authz import NetworkSource
from karvan.tracking.formats import Document, parse
from karvan.tracking.formats.common import EventError
from karvan.tracking.model import ContainerEvent
from karvan.tracking.repository import StoredEvent, store_events, stored_version

MAX_BATCH = 10_000


class InvalidEventsError(InputError):
    """A batch was refused because of invalid events; `errors` lists every one."""

    def __init__(self, errors: list[EventError], document: str = "") -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        where = f"event {first.index}" if first.index >= 0 else "document"
        super().__init__(f"{first.message}{more}; nothing was stored",
                         record=f"{document} {where}" if document else where, field=first.field or None)


@dataclass
class IngestReport:
    accepted: list[StoredEvent] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[EventError] = field(default_factory=list)
    """Errors of the events left out (partial imports only); one event may have several."""

    def summary(self) -> dict[str, Any]:
        return summary(len(self.accepted), self.duplicates, self.rejected)


def summary(accepted: int, duplicates: int, rejected: list[EventError]) -> dict[str, Any]:
    """What an import reports: counts, and each error of the events left out."""
    return {"accepted": accepted, "duplicates": duplicates, "rejected": len({e.index for e in rejected}),
            "errors": [{"index": e.index, "field": e.field, "message": e.message} for e in rejected]}


Lookup = Callable[[str], StoredEvent | None]
"""The newest stored version of an event id, or None."""


def _complete(event: ContainerEvent, lookup: Lookup | None) -> ContainerEvent:
    """A DCSA 3.0 retraction that names only its `eventID`, with what it withdraws copied from the stored
    event (so it joins that container's or shipment's history); unchanged when nothing is stored."""
    stored = lookup(event.event_id) if lookup and event.details.get("retractionOnly") else None
    if stored is None:
        return event
    return replace(stored.event, updated_at=event.updated_at, retracted=True, routing=event.routing,
                   original=event.original, source_format=event.source_format, details={})


Checked = tuple[list[tuple[int, ContainerEvent]], list[EventError]]
"""(index, event) pairs that passed, and the errors of those that did not."""


def check(document: Document, *, max_events: int | None = None, now: datetime | None = None,
          lookup: Lookup | None = None,
          retractions: list[tuple[int, ContainerEvent]] | None = None) -> Checked:
    """Schema, mapping and rule checks. Given `retractions`, id-only retractions are put there unchecked
    instead (a bulk worker cannot look up what they withdraw: `judge` them where it can)."""
    if max_events is not None and len(document.raw_events) > max_events:
        raise InputError(f"{len(document.raw_events)} events in one batch; at most {max_events}",
                         field="events", fix="split the batch")
    parsed = parse(document)
    events = parsed.events
    if retractions is not None:
        retractions += [(i, e) for i, e in events if e.details.get("retractionOnly")]
        events = [(i, e) for i, e in events if not e.details.get("retractionOnly")] if retractions else events
    good, judged = judge(events, now=now or datetime.now(UTC), lookup=lookup)
    errors = [*parsed.errors, *judged]
    errors.sort(key=lambda e: e.index)
    return good, errors


def judge(events: Iterable[tuple[int, ContainerEvent]], *, now: datetime, lookup: Lookup | None) -> Checked:
    """Karvan's rules over mapped events, id-only retractions completed from `lookup` first."""
    problems = validate.checker(now)
    good = []
    errors = []
    for index, parsed_event in events:
        event = _complete(parsed_event, lookup)
        found = problems(event)
        if found:
            errors += [EventError(index, p.field, p.message) for p in found]
        else:
            good.append((index, event))
    return good, errors


def ingest(conn: Connection | Session, document: Document, principal: Principal, network: NetworkSource, *,
           partial: bool = False, max_events: int | None = MAX_BATCH,
           departure_operator: Callable[[str], str | None] = lambda _d: None,
           now: datetime | None = None) -> IngestReport:
    """Check and store a document's events in the caller's transaction (the caller commits)."""
    good, errors = check(document, max_events=max_events, now=now,
                         lookup=lambda event_id: stored_version(conn, event_id))
    if errors and (not partial or any(e.index < 0 for e in errors)):
        raise InvalidEventsError(errors)
    good = authz.check_reporter(principal, good, network, departure_operator)
    org_id = principal.org_id or None
    result = store_events(conn, (event for _, event in good), org_id=org_id, now=now)
    return IngestReport(result.accepted, result.duplicates, errors)
