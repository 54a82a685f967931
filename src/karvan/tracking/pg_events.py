"""Storing events on PostgreSQL, whose events table is partitioned by month (migration 0005).

A partitioned table cannot hold a unique index across its partitions, so an event's identity goes
to `tracking_event_keys` first: `INSERT ... ON CONFLICT DO NOTHING` there, in the batch's order, is
what decides that an event is new (same rule as SQLite's unique indexes: same content key, or same
event id and version, is a duplicate; earlier events of the batch count). Only the rows that got a
key, and with it their sequence number, are written to `tracking_events`, in one statement.

Two sources feed that statement: the rows of one request, sent as one array per column (`insert_rows`),
and for bulk imports a temporary table filled with COPY (`CopyImport`). Before either writes, the
partitions for the months of its events are attached (`karvan.store.partitions`). Column lists come
from the table metadata, so columns added by later migrations follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from karvan.store.partitions import ensure_months, month_of
from karvan.store.tracking_models import EventKeyRow, EventRow

EVENTS = EventRow.__table__
KEYS = EventKeyRow.__table__
_EVENTS, _KEYS = EventRow.__tablename__, EventKeyRow.__tablename__
COLUMNS = [c.name for c in EVENTS.columns if c.name != "seq"]
"""A row's values in this order (as `karvan.tracking.repository` builds them)."""
_TIME = COLUMNS.index("event_time")
_KEY_COLUMNS = [c.name for c in KEYS.columns if c.name != "seq"]
_STAGING = "tracking_events_staging"
_NEW_SEQS = "tracking_events_new_seqs"
_FRESH = "tracking_events_fresh"
_PAGE = 5_000
BULK_WORK_MEM = "256MB"
"""Sort and hash memory for the statement that stores a bulk import (PostgreSQL's default is 4 MB)."""


def _store(source: str) -> str:
    """The statement storing the new rows of `source` (columns `COLUMNS` and `ord`), as CTEs up to
    `stored`, the new rows' (seq, event id, version, content key); the caller adds the final query."""
    keys, columns = ", ".join(_KEY_COLUMNS), ", ".join(COLUMNS)
    return (f"WITH src AS ({source}), "
            f"new_keys AS (INSERT INTO {_KEYS} ({keys}) SELECT {keys} FROM src ORDER BY ord "
            f"ON CONFLICT DO NOTHING RETURNING seq, {keys}), "
            f"stored AS (INSERT INTO {_EVENTS} (seq, {columns}) "
            f"SELECT DISTINCT ON (k.seq) k.seq, {', '.join(f's.{c}' for c in COLUMNS)} "
            f"FROM new_keys k JOIN src s USING ({keys}) ORDER BY k.seq, s.ord "
            "RETURNING seq, event_id, version, content_key) ")


def _unnest_source() -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(f"CAST(%(c{i})s AS {EVENTS.c[name].type.compile(dialect=dialect)}[])"
                       for i, name in enumerate(COLUMNS))
    return f"SELECT * FROM unnest({arrays}) WITH ORDINALITY AS u({', '.join(COLUMNS)}, ord)"


_INSERT = _store(_unnest_source()) + "SELECT seq, event_id, version, content_key FROM stored ORDER BY seq"
_INSERT_STAGED = _store(f"SELECT * FROM {_STAGING}") + f"INSERT INTO {_NEW_SEQS} SELECT seq FROM stored"


def _attach_months(connection: Connection, rows: Sequence[tuple[Any, ...]] | set[str]) -> None:
    months = rows if isinstance(rows, set) else {month_of(row[_TIME]) for row in rows}
    ensure_months(connection.engine, _EVENTS, "event_time", months)


def insert_rows(connection: Connection, rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str, str]]:
    """Insert, in order, the rows not stored yet; (seq, event id, version, content key) of the new ones,
    in sequence order. Call it before the transaction reads the events table (see `ensure_months`)."""
    if not rows:
        return []
    _attach_months(connection, rows)
    params = {f"c{i}": list(values) for i, values in enumerate(zip(*rows, strict=True))}
    return [(r[0], r[1], r[2], r[3]) for r in connection.exec_driver_sql(_INSERT, params).all()]


class CopyImport:
    """A bulk import's rows COPYed into a temporary table, stored set-based at the end.

    Nothing touches the events table until `store`, so the partitions for every month of the import
    can be attached first; the database holds the staged rows, not this process.

    Storing takes a fast path when it can: the staged rows whose keys are not stored yet get their
    sequence numbers in document order and plain inserts store them (`INSERT ... ON CONFLICT` takes
    twice as long per row on the key table: its speculative insertion checks every unique index twice).
    A fresh file and a re-sent one both take it. If two of those rows repeat each other's content key
    or (event id, version), or a concurrent writer stored one of the same events meanwhile, the key
    table's unique indexes refuse the insert; the fast path is rolled back and the one statement of
    `insert_rows` decides row by row, as everywhere else. Either way the outcome is the same rows.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._months: set[str] = set()
        self._staged = 0
        self._seqs_table = _NEW_SEQS
        connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {_STAGING} (LIKE {_EVENTS}) ON COMMIT DROP")
        connection.exec_driver_sql(f"ALTER TABLE {_STAGING} RENAME seq TO ord")

    def _cursor(self) -> Any:
        dbapi = self.connection.connection.dbapi_connection
        assert dbapi is not None
        return dbapi.cursor()

    def write(self, rows: Iterable[Sequence[Any]], names: Sequence[str] = COLUMNS,
              constants: Mapping[str, Any] | None = None) -> None:
        """Stage rows giving the columns `names` (in the order given: that order decides which of two
        repeats is kept); `constants` are the same in every row, columns in neither are NULL."""
        months = self._months
        fixed = tuple((constants or {}).values())
        time = names.index("event_time")
        with self._cursor() as cursor, cursor.copy(
                f"COPY {_STAGING} (ord, {', '.join([*names, *(constants or {})])}) FROM STDIN") as copy:
            for row in rows:
                self._staged += 1
                copy.write_row((self._staged, *row, *fixed))
                months.add(month_of(row[time]))

    def store(self) -> int:
        """Store the staged rows not stored before; how many were new."""
        if not self._staged:
            return 0
        _attach_months(self.connection, self._months)
        # set-based statements sort and hash every staged row: room in memory rather than temporary files
        self.connection.exec_driver_sql(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
        self.connection.exec_driver_sql(f"ANALYZE {_STAGING}")  # temporary tables are never analysed
        try:
            with self.connection.begin_nested():
                return self._store_fresh()
        except IntegrityError:  # repeats within the file, or a concurrent writer's rows
            pass
        self._seqs_table = _NEW_SEQS
        self.connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {_NEW_SEQS} (seq bigint) ON COMMIT DROP")
        return self.connection.exec_driver_sql(_INSERT_STAGED).rowcount

    def _store_fresh(self) -> int:
        sequence = self.connection.exec_driver_sql(
            f"SELECT pg_get_serial_sequence('{_KEYS}', 'seq')").scalar()
        # nextval in the select list is evaluated after the ORDER BY, so numbers follow the document
        self.connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {_FRESH} ON COMMIT DROP AS "
            f"SELECT nextval(CAST(%(sequence)s AS regclass)) AS seq, s.* FROM {_STAGING} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {_KEYS} k WHERE k.content_key = s.content_key) "
            f"AND NOT EXISTS (SELECT 1 FROM {_KEYS} k "
            "WHERE k.event_id = s.event_id AND k.version = s.version) "
            "ORDER BY s.ord", {"sequence": sequence})
        keys, columns = ", ".join(_KEY_COLUMNS), ", ".join(COLUMNS)
        self.connection.exec_driver_sql(f"INSERT INTO {_KEYS} (seq, {keys}) SELECT seq, {keys} FROM {_FRESH}")
        stored = self.connection.exec_driver_sql(
            f"INSERT INTO {_EVENTS} (seq, {columns}) SELECT seq, {columns} FROM {_FRESH}").rowcount
        self._seqs_table = _FRESH
        return int(stored)

    def new_seqs(self) -> Iterator[list[int]]:
        """The sequence numbers `store` gave, in pages, in order."""
        after = 0
        while True:
            page = [r[0] for r in self.connection.exec_driver_sql(
                f"SELECT seq FROM {self._seqs_table} WHERE seq > %(after)s ORDER BY seq LIMIT {_PAGE}",
                {"after": after}).all()]
            if not page:
                return
            yield page
            after = page[-1]
