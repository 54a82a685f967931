"""Bulk import on every core: worker processes check and key the events, this process stores them.

On a million-event file about two thirds of the time is Python work per event (schema, mapping, the
rules, the content key) and one third SQLite's inserts into its indexes. Here worker processes do the
first part on chunks of the document while this process inserts the rows they send back, so on a
2-core machine the two overlap (benchmarks/tracking.py measures it).

The outcome is `service.import_document`'s: one transaction; a document with an invalid event stores
nothing (with `partial`, the valid events), every error named by event index and field; repeats within
the document and events already stored count as duplicates; webhook deliveries are enqueued in the same
transaction. Only the local administrator imports this way (the CLI on the server's machine), so there
is no per-operator authorisation to apply; EPCIS documents, whose schema spans the whole document, and
small documents take the ordinary path.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import hub, outbox
from karvan.tracking.formats import Document, Format
from karvan.tracking.formats.common import EventError
from karvan.tracking.ingest import InvalidEventsError, check, summary
from karvan.tracking.model import utc_text
from karvan.tracking.repository import events_by_seq, insert_rows, keyed_row

MIN_EVENTS = 20_000
"""Below this, starting worker processes costs more than it saves."""
_CHUNK_EVENTS = 5_000
_INSERT_ROWS = 50_000


@dataclass
class BulkReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[EventError] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return summary(self.accepted, self.duplicates, self.rejected)


def applies(document: Document, principal: Principal) -> bool:
    return (principal.is_corridor_admin and document.format is not Format.EPCIS
            and len(document.raw_events) >= MIN_EVENTS)


@dataclass(frozen=True)
class _Chunk:
    format: Format
    start: int
    raw_events: list[Any]
    now: datetime
    received_at: str


def _prepare(chunk: _Chunk) -> tuple[list[tuple[Any, ...]], list[EventError]]:
    """In a worker: the chunk's valid events as table rows, and the errors of the others."""
    good, errors = check(Document(chunk.format, chunk.raw_events), now=chunk.now)
    rows = [keyed_row(event, chunk.received_at, None) for _, event in good]
    return rows, [replace(e, index=e.index + chunk.start) for e in errors]


def _chunks(document: Document, now: datetime) -> Iterator[_Chunk]:
    received_at = utc_text(now)
    for start in range(0, len(document.raw_events), _CHUNK_EVENTS):
        yield _Chunk(document.format, start, document.raw_events[start:start + _CHUNK_EVENTS], now,
                     received_at)


def import_bulk(db: Database, document: Document, *, partial: bool = False,
                workers: int | None = None) -> BulkReport:
    """Check, deduplicate and store a large document in one transaction; see the module docstring."""
    report = BulkReport()
    good_rows = 0
    inserted: list[int] = []
    pending: list[tuple[Any, ...]] = []
    # fork: the workers start at once with the UN/LOCODE list and the schemas already loaded
    context = multiprocessing.get_context("fork")
    with db.write_session() as session, context.Pool(workers or os.cpu_count() or 2) as pool:
        connection = session.connection()
        for rows, errors in pool.imap(_prepare, _chunks(document, datetime.now(UTC))):
            report.rejected += errors
            if report.rejected and not partial:
                continue  # nothing will be stored: only collect the remaining errors
            # Repeats within the document and events stored before are left out by the insert itself
            # (INSERT OR IGNORE / ON CONFLICT DO NOTHING, in document order: the first one stays).
            good_rows += len(rows)
            pending += rows
            if len(pending) >= _INSERT_ROWS:
                inserted += [row[0] for row in insert_rows(connection, pending)]
                pending = []
        if report.rejected and not partial:
            raise InvalidEventsError(report.rejected)
        inserted += [row[0] for row in insert_rows(connection, pending)]
        report.accepted = len(inserted)
        report.duplicates = good_rows - len(inserted)
        if inserted and outbox.subscriptions(session):
            outbox.enqueue(session, events_by_seq(session, inserted))
        if inserted:
            hub.notify(session)
        session.commit()
    return report
