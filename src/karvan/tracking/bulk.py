"""Bulk import on every core: worker processes check and key the events, this process stores them.

On a million-event file about two thirds of the time is Python work per event (schema, mapping, the
rules, the content key) and one third the database's. Here worker processes do the first part on
chunks of the document while this process stores the rows they send back, so on a 2-core machine the
two overlap (benchmarks/tracking.py measures it). SQLite takes each chunk's rows with one
`executemany` (`repository.sqlite_insert`); PostgreSQL takes them by COPY into a temporary table and
stores them set-based at the end (`karvan.tracking.pg_events.CopyImport`).

Memory stays bounded: a CSV file is read as it is stored (`CsvFile`), a few chunks at a time, only a
chunk's rows wait here for the database, and SQLite's page cache is capped for the import
(`repository.BULK_CACHE_KIB`); none of them grows with the file.

The outcome is `service.import_document`'s: one transaction; a document with an invalid event stores
nothing (with `partial`, the valid events), every error named by event index and field; repeats within
the document and events already stored count as duplicates; webhook deliveries are enqueued in the same
transaction. Only the local administrator imports this way (the CLI on the server's machine), so there
is no per-operator authorisation to apply; EPCIS documents, whose schema spans the whole document, and
small documents take the ordinary path.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from karvan.network import unlocode
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import hub, outbox
from karvan.tracking.formats import Document, Format, csvrows
from karvan.tracking.formats.common import EventError
from karvan.tracking.ingest import InvalidEventsError, check, judge, summary
from karvan.tracking.model import ContainerEvent, utc_text
from karvan.tracking.pg_events import CopyImport
from karvan.tracking.repository import (
    StoredEvent,
    events_by_seq,
    keyed_row,
    latest_seq,
    sqlite_bulk_cache,
    sqlite_cursor,
    sqlite_insert,
    sqlite_last_seq,
    stored_version,
)

MIN_EVENTS = 20_000
"""Below this, starting worker processes costs more than it saves."""
MIN_CSV_BYTES = MIN_EVENTS * 40
"""A CSV file this large is streamed in bulk (an event's row takes 40 bytes or more)."""
_CHUNK_EVENTS = 5_000
_IN_FLIGHT = 3
"""Chunks handed to the workers ahead of the one being stored, per worker."""


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
    now: datetime
    raw_events: Sequence[Any] = ()
    csv_text: str = ""
    """Instead of `raw_events`: CSV text (header first), parsed in the worker."""


@dataclass(frozen=True)
class CsvFile:
    """A CSV event file read a chunk of records at a time (record boundaries found by quote parity)."""

    path: Path

    @classmethod
    def open_large(cls, path: Path, fmt: Format | None) -> CsvFile | None:
        """The file, if it is a CSV file worth a bulk import; None otherwise (read it whole)."""
        if fmt not in (None, Format.CSV) or not path.is_file() or path.stat().st_size < MIN_CSV_BYTES:
            return None
        with path.open(encoding="utf-8") as handle:
            header = handle.readline()
        if fmt is None and not csvrows.looks_like_csv(header):
            return None
        csvrows.unwrap(header)  # a wrong header is refused here, before any work
        return cls(path)

    def chunks(self, now: datetime) -> Iterator[_Chunk]:
        # line ends translated as `Path.read_text` does, so both ways of reading give the same fields
        with self.path.open(encoding="utf-8") as handle:
            header = handle.readline()
            lines: list[str] = []
            records, start, quotes = 0, 0, 0
            for line in handle:
                lines.append(line)
                quotes += line.count('"')
                if quotes % 2:
                    continue  # a quoted field goes on to the next line
                quotes = 0
                if line.strip("\r\n"):
                    records += 1
                if records - start == _CHUNK_EVENTS:
                    yield _Chunk(Format.CSV, start, now, csv_text=header + "".join(lines))
                    lines, start = [], records
            if lines:
                yield _Chunk(Format.CSV, start, now, csv_text=header + "".join(lines))


def _document_chunks(document: Document, now: datetime) -> Iterator[_Chunk]:
    for start in range(0, len(document.raw_events), _CHUNK_EVENTS):
        yield _Chunk(document.format, start, now, document.raw_events[start:start + _CHUNK_EVENTS])


Retractions = list[tuple[int, ContainerEvent]]


def _columns(good: list[tuple[int, ContainerEvent]], now: datetime) -> list[tuple[Any, ...]]:
    """Table rows given column by column (fewer, larger objects to send back than a tuple per row)."""
    received_at = utc_text(now)
    return list(zip(*(keyed_row(event, received_at, None) for _, event in good), strict=True))


def _prepare(chunk: _Chunk) -> tuple[list[tuple[Any, ...]], list[EventError], Retractions]:
    """In a worker: the chunk's valid events as columns, the errors of the others, and its id-only
    retractions left for this process to complete from the database (`_Store.retractions`)."""
    raw = csvrows.unwrap(chunk.csv_text) if chunk.csv_text else list(chunk.raw_events)
    retractions: Retractions = []
    good, errors = check(Document(chunk.format, raw), now=chunk.now, retractions=retractions)
    return (_columns(good, chunk.now), [replace(e, index=e.index + chunk.start) for e in errors],
            [(i + chunk.start, event) for i, event in retractions])


class _Store:
    """Where checked rows go: SQLite batches now, PostgreSQL's COPY staging until `finish`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.subscribed = bool(outbox.subscriptions(session))
        connection = session.connection()
        self.copy = CopyImport(connection) if connection.dialect.name == "postgresql" else None
        self.cursor: Any = None if self.copy else sqlite_cursor(connection)
        self.stored = 0
        self.before = None if self.copy else latest_seq(session)
        """What was stored before this import: all an id-only retraction may withdraw, as in `ingest`.
        Not read on PostgreSQL: a read of the events table here would hold a lock that stops
        `pg_events` attaching the new months' partitions (`ensure_months`), so the rows would land in
        the default partition; its staged rows are not in the table until `finish` anyway."""
        self._cache = contextlib.ExitStack()

    def __enter__(self) -> _Store:
        if self.cursor is not None:
            self._cache.enter_context(sqlite_bulk_cache(self.cursor))
        return self

    def __exit__(self, *exc: object) -> None:
        self._cache.close()

    def retractions(self, retractions: Retractions, now: datetime) -> tuple[list[tuple[Any, ...]],
                                                                           list[EventError]]:
        """Id-only retractions completed from the events stored before the import, as columns."""
        if not retractions:
            return [], []
        def lookup(event_id: str) -> StoredEvent | None:
            return stored_version(self.session, event_id, up_to=self.before)

        good, errors = judge(retractions, now=now, lookup=lookup)
        return _columns(good, now), errors

    def write(self, columns: list[tuple[Any, ...]]) -> None:
        """Store (SQLite) or stage (PostgreSQL) one batch of rows, given column by column."""
        if not columns:
            return
        if self.copy is not None:
            self.copy.write(zip(*columns, strict=True))
            return
        before = sqlite_last_seq(self.cursor) if self.subscribed else 0
        self.stored += sqlite_insert(self.cursor, columns)
        if self.subscribed:
            self.cursor.execute("SELECT seq FROM tracking_events WHERE seq > ? ORDER BY seq", (before,))
            outbox.enqueue(self.session, events_by_seq(self.session, [r[0] for r in self.cursor.fetchall()]))

    def finish(self) -> int:
        if self.copy is not None:
            self.stored = self.copy.store()
            if self.subscribed:
                for seqs in self.copy.new_seqs():
                    outbox.enqueue(self.session, events_by_seq(self.session, seqs))
        return self.stored


def import_bulk(db: Database, source: Document | CsvFile, *, partial: bool = False,
                workers: int | None = None) -> BulkReport:
    """Check, deduplicate and store a large document in one transaction; see the module docstring."""
    report = BulkReport()
    good_rows = 0
    now = datetime.now(UTC)
    chunks = source.chunks(now) if isinstance(source, CsvFile) else _document_chunks(source, now)
    processes = workers or os.cpu_count() or 2
    # fork: the workers start at once with the UN/LOCODE list already loaded (once, here, not per worker)
    unlocode.exists("")
    context = multiprocessing.get_context("fork")
    with db.write_session() as session, context.Pool(processes) as pool:
        with _Store(session) as store:
            in_flight: deque[Any] = deque()
            while True:
                # a bounded window of chunks: Pool.imap would read the whole file ahead
                while len(in_flight) < processes * _IN_FLIGHT and (chunk := next(chunks, None)) is not None:
                    in_flight.append(pool.apply_async(_prepare, (chunk,)))
                if not in_flight:
                    break
                columns, errors, retractions = in_flight.popleft().get()
                withdrawn, retraction_errors = store.retractions(retractions, now)
                report.rejected += sorted([*errors, *retraction_errors], key=lambda e: e.index)
                if report.rejected and not partial:
                    continue  # nothing will be stored: only collect the remaining errors
                # Repeats within the document and events stored before are left out by the insert itself
                # (INSERT OR IGNORE / ON CONFLICT DO NOTHING, in document order: the first one stays).
                for batch in (columns, withdrawn):
                    good_rows += len(batch[0]) if batch else 0
                    store.write(batch)
            if report.rejected and not partial:
                raise InvalidEventsError(report.rejected)
            report.accepted = store.finish()
        report.duplicates = good_rows - report.accepted
        if report.accepted:
            hub.notify(session)
        session.commit()
    return report
