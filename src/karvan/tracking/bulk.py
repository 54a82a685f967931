"""Bulk import on every core: the events are checked and keyed in parallel, this process stores them.

Checking an event in Python (schema, mapping, the rules, the content key) costs several times what
storing it does. A plain CSV file is checked column by column in DuckDB (`karvan.tracking.csvlane`),
which hands only the rows it cannot prove plain to the Python check; other documents, and CSV files
the lane declines, go to worker processes in chunks while this process stores the rows they send
back, so on a 2-core machine the two overlap (benchmarks/tracking.py measures both). SQLite takes
the rows straight into its table, rebuilding the indexes at the end when the import is large next
to what is stored (`karvan.tracking.sqlite_events`); PostgreSQL takes them by COPY into a temporary
table and stores them set-based at the end (`karvan.tracking.pg_events.CopyImport`).

Memory stays bounded: a CSV file is read as it is stored (DuckDB streams it in batches; the worker
path reads a few chunks at a time, `CsvFile`), only a batch's rows wait here for the database, and
SQLite's page cache is capped for the import (`repository.BULK_CACHE_KIB`); none of them grows with
the file.

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
from karvan.tracking import notices, outbox
from karvan.tracking.csvlane import PlainCsv
from karvan.tracking.formats import Document, Format, csvrows
from karvan.tracking.formats.common import EventError
from karvan.tracking.ingest import InvalidEventsError, check, judge, summary
from karvan.tracking.model import ContainerEvent, utc_text
from karvan.tracking.pg_events import CopyImport
from karvan.tracking.repository import (
    StoredEvent,
    compact_columns,
    events_by_seq,
    keyed_row,
    sqlite_bulk_cache,
    sqlite_cursor,
    stored_version,
)
from karvan.tracking.sqlite_events import SqliteImport

MIN_EVENTS = 20_000
"""Below this, starting worker processes costs more than it saves."""
CSV_ROW_BYTES = 40
"""An event's CSV row takes this many bytes or more."""
MIN_CSV_BYTES = MIN_EVENTS * CSV_ROW_BYTES
"""A CSV file this large is streamed in bulk."""
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


Part = tuple[list[str], list[tuple[Any, ...]], dict[str, Any], list[EventError]]
"""Checked rows to store: the columns they give, the rows, the columns with one value in all of them,
and the errors of the events left out."""


class _Store:
    """Where checked rows go: SQLite's table (`SqliteImport`), PostgreSQL's COPY staging until `finish`."""

    def __init__(self, session: Session, expected_rows: int) -> None:
        self.session = session
        self.subscribed = bool(outbox.subscriptions(session))
        connection = session.connection()
        self.copy = CopyImport(connection) if connection.dialect.name == "postgresql" else None
        self.sqlite = None if self.copy else SqliteImport(sqlite_cursor(connection), expected_rows)
        self.before = self.sqlite.before if self.sqlite else None
        """What was stored before this import: all an id-only retraction may withdraw, as in `ingest`.
        Not read on PostgreSQL: a read of the events table here would hold a lock that stops
        `pg_events` attaching the new months' partitions (`ensure_months`), so the rows would land in
        the default partition; its staged rows are not in the table until `finish` anyway."""
        self._cache = contextlib.ExitStack()

    def __enter__(self) -> _Store:
        if self.sqlite is not None:
            self._cache.enter_context(sqlite_bulk_cache(self.sqlite.cursor))
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

    def write(self, names: list[str], rows: list[tuple[Any, ...]], constants: dict[str, Any]) -> None:
        """Store (SQLite) or stage (PostgreSQL) one batch of rows."""
        if not rows:
            return
        if self.copy is not None:
            self.copy.write(rows, names, constants)
        else:
            assert self.sqlite is not None
            self.sqlite.write(names, rows, constants)

    def finish(self) -> int:
        """Store what is staged; outbox entries for the new events; how many were new."""
        if self.copy is not None:
            stored, pages = self.copy.store(), self.copy.new_seqs()
        else:
            assert self.sqlite is not None
            stored, pages = self.sqlite.finish(), self.sqlite.new_seqs()
        if self.subscribed:
            for seqs in pages:
                outbox.enqueue(self.session, events_by_seq(self.session, seqs))
        return stored


def _checked_in_workers(source: Document | CsvFile, now: datetime, processes: int,
                        store: _Store) -> Iterator[Part]:
    """The events checked by worker processes, chunk by chunk, in document order."""
    chunks = source.chunks(now) if isinstance(source, CsvFile) else _document_chunks(source, now)
    # fork: the workers start at once with the UN/LOCODE list already loaded (once, here, not per worker)
    unlocode.exists("")
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        in_flight: deque[Any] = deque()
        while True:
            # a bounded window of chunks: Pool.imap would read the whole file ahead
            while len(in_flight) < processes * _IN_FLIGHT and (chunk := next(chunks, None)) is not None:
                in_flight.append(pool.apply_async(_prepare, (chunk,)))
            if not in_flight:
                return
            columns, errors, retractions = in_flight.popleft().get()
            withdrawn, retraction_errors = store.retractions(retractions, now)
            rejected = sorted([*errors, *retraction_errors], key=lambda e: e.index)
            for batch in (columns, withdrawn):
                yield (*compact_columns(batch), {}, rejected) if batch else ([], [], {}, rejected)
                rejected = []


def import_bulk(db: Database, source: Document | CsvFile, *, partial: bool = False,
                workers: int | None = None) -> BulkReport:
    """Check, deduplicate and store a large document in one transaction; see the module docstring."""
    report = BulkReport()
    good_rows = 0
    now = datetime.now(UTC)
    lane = PlainCsv.open(source.path, now) if isinstance(source, CsvFile) else None
    batches = lane.batches() if lane else None
    # CSV rows never withdraw stored events, so the indexes those lookups need may be rebuilt
    expected_rows = source.path.stat().st_size // CSV_ROW_BYTES if isinstance(source, CsvFile) else 0
    with db.write_session() as session, _Store(session, expected_rows) as store:
        parts: Iterator[Part] = (
            ((lane.names, batch.rows, lane.constants, batch.errors) for batch in batches)
            if lane and batches is not None else
            _checked_in_workers(source, now, workers or os.cpu_count() or 2, store))
        for names, rows, constants, errors in parts:
            report.rejected += errors
            if report.rejected and not partial:
                continue  # nothing will be stored: only collect the remaining errors
            # Repeats within the document and events stored before are left out by the store (in
            # document order: the first one stays)
            good_rows += len(rows)
            store.write(names, rows, constants)
        if report.rejected and not partial:
            raise InvalidEventsError(report.rejected)
        report.accepted = store.finish()
        report.duplicates = good_rows - report.accepted
        if report.accepted:
            notices.notify(session)
        session.commit()
    return report
