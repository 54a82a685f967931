"""Storing and reading events. Storage is idempotent and append-only.

`store_events` writes a batch in the caller's transaction with `INSERT ... ON CONFLICT DO NOTHING`
(on PostgreSQL into the key table first, see `karvan.tracking.pg_events`):
an event whose content key, or whose (event id, version), is already stored is a duplicate and is
skipped, so a re-sent batch stores nothing new. Events are judged in the batch's order against what is
stored by then, earlier events of the same batch included (the bulk import follows the same rule).
Corrections and retractions are new versions; nothing is ever updated or deleted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Select, bindparam, insert, or_, select
from sqlalchemy.orm import Session

from karvan.store.tracking_models import EventIdentifierRow, EventRow
from karvan.tracking import pg_events
from karvan.tracking.identity import content_key, derived_event_id, version_text
from karvan.tracking.model import OTHER, Classifier, ContainerEvent, EventType, Routing, utc_text

EVENTS = EventRow.__table__
IDENTIFIERS = EventIdentifierRow.__table__
COLUMNS = [c.name for c in EVENTS.columns if c.name != "seq"]
_CHUNK = 1000


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    event: ContainerEvent
    received_at: str
    org_id: str | None = None


@dataclass
class StoreResult:
    accepted: list[StoredEvent] = field(default_factory=list)
    duplicates: int = 0


def _offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset() or timedelta()
    return int(offset.total_seconds() // 60)


def _body(event: ContainerEvent) -> str:
    if not (event.references or event.routing.originator or event.routing.forwarders or event.identifiers
            or event.details or event.original):
        return _PLAIN_BODIES.get(event.source_format) or json.dumps({"format": event.source_format})
    body: dict[str, Any] = {"format": event.source_format}
    if event.references:
        body["references"] = [list(r) for r in event.references]
    if event.routing.originator or event.routing.forwarders:
        body["routing"] = [event.routing.originator, list(event.routing.forwarders)]
    if event.identifiers:
        body["identifiers"] = list(event.identifiers)
    if event.details:
        body["details"] = event.details
    if event.original:
        body["original"] = event.original
    return json.dumps(body, separators=(",", ":"))


_PLAIN_BODIES = {f: json.dumps({"format": f}, separators=(",", ":"))
                 for f in ("karvan", "csv", "dcsa-2.2.0", "dcsa-3.0.0", "epcis")}
_PLAIN_FORMATS: dict[str, dict[str, Any]] = {text: {"format": f} for f, text in _PLAIN_BODIES.items()}


def row_values(event: ContainerEvent, key: str, received_at: str, org_id: str | None,
               event_time_text: str | None = None) -> tuple[Any, ...]:
    """The table row's values in `COLUMNS` order (enum members are `StrEnum`s: `str()` is the value)."""
    return (
        event.event_id or derived_event_id(key), version_text(event), key, str(event.event_type),
        event.code, str(event.classifier), event_time_text or utc_text(event.event_time),
        _offset_minutes(event.event_time),
        event.container, event.shipment, event.locode, event.facility, event.service, event.departure,
        event.mode, event.operator, org_id, event.retracted, received_at, _body(event), event.latitude,
        event.longitude,
    )


def to_row(event: ContainerEvent, key: str, received_at: str, org_id: str | None,
           event_time_text: str | None = None) -> dict[str, Any]:
    """The table row as column -> value."""
    return dict(zip(COLUMNS, row_values(event, key, received_at, org_id, event_time_text), strict=True))


def _time(text: str, offset_minutes: int = 0) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.astimezone(timezone(timedelta(minutes=offset_minutes))) if offset_minutes else moment


def from_row(row: Any) -> StoredEvent:
    body: dict[str, Any] = _PLAIN_FORMATS.get(row.body) or json.loads(row.body)
    routing = body.get("routing") or [None, []]
    event = ContainerEvent(
        event_id=row.event_id, event_type=EventType(row.event_type), code=row.code,
        classifier=Classifier(row.classifier), event_time=_time(row.event_time, row.offset_minutes),
        container=row.container, shipment=row.shipment,
        references=tuple((r[0], r[1]) for r in body.get("references", [])), locode=row.locode,
        facility=row.facility, service=row.service, departure=row.departure, mode=row.mode,
        operator=row.operator, updated_at=_time(row.version) if row.version else None,
        retracted=bool(row.retracted), routing=Routing(routing[0], tuple(routing[1])),
        identifiers=tuple(body.get("identifiers", [])), details=body.get("details", {}),
        source_format=body.get("format", "karvan"), latitude=row.latitude, longitude=row.longitude,
        original=body.get("original"))
    return StoredEvent(row.seq, event, row.received_at, row.org_id)


def keyed_row(event: ContainerEvent, received_at: str, org_id: str | None) -> tuple[Any, ...]:
    """The event's table row with its content key (`row[2]`) and identity (`row[0]`, `row[1]`)."""
    time_text = utc_text(event.event_time)
    return row_values(event, content_key(event, time_text), received_at, org_id, time_text)


def insert_rows(connection: Connection, rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str, str]]:
    """Insert, in order, the rows not stored yet; (seq, event id, version, content key) of the new ones,
    in sequence order."""
    if connection.dialect.name == "sqlite":
        return _insert_sqlite(connection, rows)
    return pg_events.insert_rows(connection, rows)


def store_events(conn: Connection | Session, events: Iterable[ContainerEvent], *, org_id: str | None = None,
                 now: datetime | None = None) -> StoreResult:
    """Insert new events in the current transaction; the caller commits (or rolls back: nothing)."""
    received_at = utc_text(now or datetime.now(UTC))
    result = StoreResult()
    rows: list[tuple[Any, ...]] = []
    first: dict[tuple[str, str, str], ContainerEvent] = {}  # the event a stored row came from
    for event in events:
        row = keyed_row(event, received_at, org_id)
        rows.append(row)
        first.setdefault((row[0], row[1], row[2]), event)
    connection = conn.connection() if isinstance(conn, Session) else conn
    inserted = insert_rows(connection, rows)
    result.duplicates = len(rows) - len(inserted)
    for seq, event_id, version, key in inserted:
        event = first[(event_id, version, key)]
        stored_event = event if event.event_id else replace(event, event_id=event_id)
        result.accepted.append(StoredEvent(seq, stored_event, received_at, org_id))
    named = [{"identifier": i, "event_seq": s.seq} for s in result.accepted for i in s.event.identifiers]
    if named:
        connection.execute(insert(EventIdentifierRow), named)
    return result


def events_by_seq(conn: Connection | Session, seqs: Sequence[int]) -> list[StoredEvent]:
    """Stored events by sequence number, in sequence order."""
    found: list[StoredEvent] = []
    for start in range(0, len(seqs), _CHUNK):
        statement = select(EVENTS).where(EVENTS.c.seq.in_(list(seqs[start:start + _CHUNK])))
        found += [from_row(r) for r in conn.execute(statement.order_by(EVENTS.c.seq)).all()]
    return found


_NULL_BY_DEFAULT = frozenset(c.name for c in EVENTS.columns if c.nullable and c.server_default is None)


def compact_columns(columns: Sequence[Sequence[Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A batch given column by column (`COLUMNS` order) as the columns it fills and its rows, for
    SQLite: columns NULL in every row that default to NULL are left out, and the boolean is an integer.

    The sqlite3 module binds an int, a float or a str directly but looks a bool or None up as an object
    to adapt, and that lookup took about half of a bulk insert's time (docs/scaling.md).
    """
    kept = [(name, values) for name, values in zip(COLUMNS, columns, strict=True)
            if name not in _NULL_BY_DEFAULT or values.count(None) != len(values)]
    values = [tuple(map(int, v)) if name == "retracted" else v for name, v in kept]
    return [name for name, _ in kept], list(zip(*values, strict=True))


def sqlite_insert(cursor: Any, columns: Sequence[Sequence[Any]]) -> int:
    """SQLite: `INSERT OR IGNORE` of a batch given column by column; how many rows were new."""
    names, rows = compact_columns(columns)
    cursor.executemany(f"INSERT OR IGNORE INTO tracking_events ({', '.join(names)}) "
                       f"VALUES ({', '.join('?' * len(names))})", rows)
    return int(cursor.rowcount)


def _insert_sqlite(connection: Connection, rows: list[tuple[Any, ...]]) -> list[tuple[int, str, str, str]]:
    """SQLite: one executemany, then the new rows by sequence number.

    Writers hold SQLite's write lock from their first statement (`BEGIN IMMEDIATE`, see
    `karvan.store.db`), so every row above the highest sequence seen first is this batch's.
    """
    cursor = sqlite_cursor(connection)
    before = sqlite_last_seq(cursor)
    if rows:
        sqlite_insert(cursor, list(zip(*rows, strict=True)))
    cursor.execute("SELECT seq, event_id, version, content_key FROM tracking_events WHERE seq > ? "
                   "ORDER BY seq", (before,))
    return list(cursor.fetchall())


def sqlite_cursor(connection: Connection) -> Any:
    """A cursor of the driver's own connection: executemany without SQLAlchemy's per-row work."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    return dbapi.cursor()


def sqlite_last_seq(cursor: Any) -> int:
    cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM tracking_events")
    (last,) = cursor.fetchone() or (0,)
    return int(last)


BULK_CACHE_KIB = 128 * 1024
"""SQLite page cache while a bulk import writes (the default is 2 MiB). The content keys are random, so
their index is written all over; 128 MiB holds the hot pages and the operating system's file cache the
rest, which keeps the import's memory the same whatever the file's size (docs/scaling.md)."""


@contextmanager
def sqlite_pragmas(cursor: Any, **settings: int) -> Iterator[None]:
    """SQLite pragmas set for the duration, then put back as they were (Karvan's own integers only)."""
    before = {name: int(cursor.execute(f"PRAGMA {name}").fetchone()[0]) for name in settings}
    for name, value in settings.items():
        cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in before.items():
            cursor.execute(f"PRAGMA {name} = {value}")


def sqlite_bulk_cache(cursor: Any) -> AbstractContextManager[None]:
    """`BULK_CACHE_KIB` of page cache for the duration, then the connection's own size again."""
    return sqlite_pragmas(cursor, cache_size=-BULK_CACHE_KIB)


@dataclass(frozen=True)
class EventFilter:
    containers: Sequence[str] | None = None
    """None: no restriction; a list (maybe empty): only these containers (the caller's visibility)."""
    container: str | None = None
    shipment: str | None = None
    locode: str | None = None
    event_types: Sequence[str] = ()
    updated_since: str | None = None
    """UTC text: events received (stored) at or after this instant."""
    org_id: str | None = None
    """Also visible: events this organisation reported itself."""


def _filtered(statement: Select[Any], where: EventFilter) -> Select[Any]:
    c = EVENTS.c
    if where.containers is not None:
        visible = c.container.in_(list(where.containers))
        statement = statement.where(or_(visible, c.org_id == where.org_id) if where.org_id else visible)
    if where.container:
        statement = statement.where(c.container == where.container)
    if where.shipment:
        statement = statement.where(c.shipment == where.shipment)
    if where.locode:
        statement = statement.where(c.locode == where.locode)
    if where.event_types:
        statement = statement.where(c.event_type.in_(list(where.event_types)))
    if where.updated_since:
        statement = statement.where(c.received_at >= where.updated_since)
    return statement


def list_events(conn: Connection | Session, where: EventFilter, *, after_seq: int = 0,
                limit: int = 100) -> list[StoredEvent]:
    """Stored events (every version) in storage order, after `after_seq`: a stable cursor."""
    statement = _filtered(select(EVENTS), where).where(EVENTS.c.seq > after_seq)
    rows = conn.execute(statement.order_by(EVENTS.c.seq).limit(limit)).all()
    return [from_row(r) for r in rows]


_BY_CONTAINER = select(EVENTS).where(EVENTS.c.container == bindparam("container")) \
    .order_by(EVENTS.c.event_time, EVENTS.c.seq)


def container_events(conn: Connection | Session, container: str) -> list[StoredEvent]:
    return [from_row(r) for r in conn.execute(_BY_CONTAINER, {"container": container}).all()]


def shipment_events(conn: Connection | Session, shipment: str,
                    containers: Sequence[str] = ()) -> list[StoredEvent]:
    condition = EVENTS.c.shipment == shipment
    if containers:
        condition = or_(condition, EVENTS.c.container.in_(list(containers)))
    rows = conn.execute(select(EVENTS).where(condition).order_by(EVENTS.c.event_time, EVENTS.c.seq)).all()
    return [from_row(r) for r in rows]


def unit_events(conn: Connection | Session, identifier: str) -> list[StoredEvent]:
    """Every stored event that names the identifier (canonical form), by event time."""
    seqs = select(IDENTIFIERS.c.event_seq).where(IDENTIFIERS.c.identifier == identifier)
    rows = conn.execute(select(EVENTS).where(EVENTS.c.seq.in_(seqs))
                        .order_by(EVENTS.c.event_time, EVENTS.c.seq)).all()
    return [from_row(r) for r in rows]


def stored_version(conn: Connection | Session, event_id: str, *,
                   up_to: int | None = None) -> StoredEvent | None:
    """The newest stored version of an event (by version time, then arrival), or None; with `up_to`,
    among the events stored up to that sequence number."""
    query = select(EVENTS).where(EVENTS.c.event_id == event_id)
    if up_to is not None:
        query = query.where(EVENTS.c.seq <= up_to)
    rows = conn.execute(query.order_by(EVENTS.c.version.desc(), EVENTS.c.seq.desc()).limit(1)).all()
    return from_row(rows[0]) if rows else None


def latest_seq(conn: Connection | Session) -> int:
    value = conn.execute(select(EVENTS.c.seq).order_by(EVENTS.c.seq.desc()).limit(1)).scalar()
    return int(value or 0)


def current_versions(events: Iterable[StoredEvent]) -> list[StoredEvent]:
    """Per event id the newest version (by version time, then arrival); retracted ones dropped.

    This is the DCSA hub rule: history keeps every version, state uses only the current one.
    """
    newest: dict[str, StoredEvent] = {}
    for stored in events:
        current = newest.get(stored.event.event_id)
        if current is None or _version_key(stored) > _version_key(current):
            newest[stored.event.event_id] = stored
    return sorted((s for s in newest.values() if not s.event.retracted),
                  key=lambda s: (s.event.event_time_utc, s.seq))


def _version_key(stored: StoredEvent) -> tuple[str, int]:
    updated = stored.event.updated_at
    return (utc_text(updated) if updated else "", stored.seq)



_MOVES = (EventType.EQUIPMENT, EventType.TRANSPORT, EventType.SHIPMENT)


def last_actual(events: Iterable[StoredEvent]) -> ContainerEvent | None:
    """The latest actual (ACT) movement event by event time; readings, plans and EPCIS steps that are
    not container moves (`OTHER`) do not count."""
    actual = [s for s in events if s.event.classifier is Classifier.ACT and s.event.event_type in _MOVES
              and s.event.code != OTHER]
    return max(actual, key=lambda s: (s.event.event_time_utc, s.seq)).event if actual else None
