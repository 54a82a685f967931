"""PostgreSQL's partitioned event store: upgrading in place, monthly partitions, COPY import.

The bulk import's COPY path and the ordinary insert must store the same rows with the same counts,
and both follow the identity rule across partitions (the key table), so a re-import stores nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, Table, func, insert, select, text

from karvan.store.db import Database
from karvan.store.migrate import current_revisions, downgrade, head_revisions, upgrade
from karvan.store.models import OrgKind
from karvan.store.partitions import default_partition, partition_name
from karvan.store.tracking_models import WebhookDeliveryRow
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal
from karvan.tracking import bulk, outbox, pg_events, service
from karvan.tracking.formats import Document, Format, csvrows
from karvan.tracking.model import Classifier, ContainerEvent, EventType
from karvan.tracking.repository import EVENTS, container_events, store_events, to_row

pytestmark = pytest.mark.postgres

CONTAINERS = ("CSQU3054383", "MSKU1234565")
RECEIVED = datetime(2026, 6, 1, tzinfo=UTC)


def event(month: int, day: int, container: int = 0, event_id: str = "", code: str = "LOAD") -> ContainerEvent:
    return ContainerEvent(event_id=event_id, event_type=EventType.EQUIPMENT, code=code,
                          classifier=Classifier.ACT, event_time=datetime(2025, month, day, 8, tzinfo=UTC),
                          container=CONTAINERS[container], locode="KZDOS")


def raw(month: int, day: int, container: int, event_id: str, minute: int = 0) -> dict[str, Any]:
    found = {"type": "EQUIPMENT", "code": "LOAD", "classifier": "ACT", "container": CONTAINERS[container],
             "time": f"2025-{month:02d}-{day:02d}T08:{minute:02d}:00+00:00", "locode": "KZDOS"}
    return {**found, "eventId": event_id} if event_id else found


@pytest.fixture
def fresh_url(postgres_server: Any) -> Iterator[str]:
    """An empty PostgreSQL database of its own, never migrated."""
    name = f"karvan_partitions_{uuid.uuid4().hex[:8]}"
    postgres_server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg(postgres_server: Any) -> Iterator[Database]:
    postgres_server.empty()
    db = Database(postgres_server.url())
    try:
        yield db
    finally:
        db.dispose()


def where_stored(db: Database) -> dict[str, str]:
    """event_id -> the partition holding it."""
    with db.session() as session:
        found = session.execute(text("SELECT event_id, tableoid::regclass::text FROM tracking_events"))
        return dict(found.all())


def stored_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every stored row without its sequence number and reception time, in storage (sequence) order."""
    columns = [c for c in EVENTS.columns if c.name not in ("seq", "received_at")]
    with db.session() as session:
        return [tuple(r) for r in session.execute(select(*columns).order_by(EVENTS.c.seq)).all()]


def count(db: Database, table: str) -> int:
    with db.session() as session:
        return int(session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


def test_an_old_database_upgrades_in_place_keeping_its_events(fresh_url: str) -> None:
    upgrade(fresh_url, "0004_tracking_standards")
    db = Database(fresh_url)
    try:
        old = Table("tracking_events", MetaData(), autoload_with=db.engine)  # the table as 0004 left it
        events = [event(1, 31, 0, "a"), event(2, 1, 1, "b"), event(3, 15, 0, "c"), event(3, 16, 1, "d")]
        with db.engine.begin() as conn:
            for e in events:
                row = to_row(e, f"key-{e.event_id}", "2026-04-01T00:00:00.000000Z", None)
                conn.execute(insert(old), {k: v for k, v in row.items() if k in old.c})
        before = stored_rows(db)
        upgrade(fresh_url)
        assert current_revisions(fresh_url) == head_revisions()
        assert stored_rows(db) == before
        assert where_stored(db) == {"a": partition_name("tracking_events", "2025-01"),
                                    "b": partition_name("tracking_events", "2025-02"),
                                    "c": partition_name("tracking_events", "2025-03"),
                                    "d": partition_name("tracking_events", "2025-03")}
        with db.write_session() as session:  # the identities moved with them: a re-send is a duplicate
            again = store_events(session, [event(3, 15, 0, "c"), event(4, 2, 0, "e")], now=RECEIVED)
            session.commit()
        assert again.duplicates == 1 and [s.event.event_id for s in again.accepted] == ["e"]
        assert again.accepted[0].seq > len(events)  # the sequence carried on
        with db.session() as session:
            assert [s.event.event_id for s in container_events(session, CONTAINERS[0])] == ["a", "c", "e"]
    finally:
        db.dispose()


def test_downgrade_gives_the_plain_table_back_with_every_event(fresh_url: str) -> None:
    upgrade(fresh_url)
    db = Database(fresh_url)
    try:
        with db.write_session() as session:
            store_events(session, [event(1, 5, 0, "a"), event(7, 5, 1, "b")], now=RECEIVED)
            session.commit()
        before = stored_rows(db)
        downgrade(fresh_url, "0004_tracking_standards")
        assert stored_rows(db) == before and set(where_stored(db).values()) == {"tracking_events"}
        upgrade(fresh_url)
        assert stored_rows(db) == before
    finally:
        db.dispose()


def test_events_of_several_months_land_in_their_partitions(pg: Database) -> None:
    with pg.write_session() as session:
        result = store_events(session, [event(m, 28, m % 2, f"e{m}") for m in (1, 2, 4, 11)], now=RECEIVED)
        session.commit()
    assert len(result.accepted) == 4
    assert where_stored(pg) == {f"e{m}": partition_name("tracking_events", f"2025-{m:02d}")
                                for m in (1, 2, 4, 11)}
    assert count(pg, default_partition("tracking_events")) == 0


def test_a_month_already_in_the_default_partition_stays_there(pg: Database) -> None:
    """Rows that reached the default partition are not refused, and later rows of the month join them."""
    with pg.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {partition_name('tracking_events', '2025-09')}")
        conn.exec_driver_sql("INSERT INTO tracking_event_keys (seq, content_key, event_id, version) "
                             "VALUES (1000, 'k1000', 'stray', '')")
        row = to_row(event(9, 1), "k1000", "2025-09-02T00:00:00.000000Z", None)
        conn.execute(insert(EVENTS), {**row, "event_id": "stray", "seq": 1000})
    with pg.write_session() as session:
        result = store_events(session, [event(9, 2, 0, "later")], now=RECEIVED)
        session.commit()
    assert len(result.accepted) == 1
    assert where_stored(pg) == {"stray": default_partition("tracking_events"),
                                "later": default_partition("tracking_events")}


documents = st.lists(st.builds(raw, month=st.sampled_from([1, 2, 12]), day=st.integers(1, 3),
                               container=st.integers(0, 1), event_id=st.sampled_from(["", "a", "b"])),
                     min_size=1, max_size=12)


def _bulk_source(events: list[dict[str, Any]], as_csv: bool, folder: Path) -> Document | bulk.CsvFile:
    """The events as a document (checked by worker processes) or as a CSV file (checked in DuckDB)."""
    if not as_csv:
        return Document(Format.KARVAN, events)
    header = ["event_id", "type", "code", "classifier", "time", "container", "locode"]
    keys = [csvrows.COLUMNS[c] for c in header]
    path = folder / f"{uuid.uuid4().hex}.csv"
    path.write_text("\n".join([",".join(header), *(",".join(e.get(k, "") for k in keys) for e in events)]))
    return bulk.CsvFile(path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=documents, second=documents, as_csv=st.booleans())
def test_copy_and_ordinary_imports_store_the_same_rows_and_counts(
        postgres_server: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        first: list[dict[str, Any]], second: list[dict[str, Any]], as_csv: bool) -> None:
    monkeypatch.setattr(bulk, "_CHUNK_EVENTS", 3)
    results = []
    for path in ("copy", "ordinary"):
        postgres_server.empty()
        db = Database(postgres_server.url())
        try:
            counts = []
            for events in (first, second, first):  # the later imports meet the earlier ones' rows
                document = Document(Format.CSV if as_csv else Format.KARVAN, events)
                if path == "copy":
                    report = bulk.import_bulk(db, _bulk_source(events, as_csv, tmp_path), workers=2).summary()
                else:
                    report = service.import_document(db, document, Principal.system(), lambda: None).summary()
                counts.append((report["accepted"], report["duplicates"]))
            results.append((counts, stored_rows(db), count(db, "tracking_event_keys")))
        finally:
            db.dispose()
    assert results[0] == results[1]
    (_, _, third), rows, keys = results[0]
    assert third == (0, len(first)) and keys == len(rows)


def test_copy_import_takes_many_rows_and_counts_repeats(pg: Database) -> None:
    events = [raw(1 + i % 12, 1 + i % 28, i % 2, f"id{i}", minute=i // 84) for i in range(3000)]
    report = bulk.import_bulk(pg, Document(Format.KARVAN, events + events[:10]), workers=2)
    assert (report.accepted, report.duplicates) == (3000, 10)
    again = bulk.import_bulk(pg, Document(Format.KARVAN, events), workers=2)
    assert (again.accepted, again.duplicates) == (0, 3000)
    assert count(pg, "tracking_events") == 3000 and count(pg, default_partition("tracking_events")) == 0
    with pg.session() as session:
        partitions = session.scalar(select(func.count(func.distinct(text("tableoid")))).select_from(EVENTS))
    assert partitions == 12


@pytest.mark.parametrize("repeat", [False, True], ids=["fresh file", "file with a repeat inside"])
def test_copy_imported_events_reach_webhook_subscribers_in_storage_order(pg: Database, repeat: bool) -> None:
    """A file without repeats is stored by plain inserts, one with a repeat row by row: the outbox gets
    exactly the stored events either way."""
    with pg.write_session() as session:
        admin = orgs.create_org(session, Principal.system(), name="watcher", kind=OrgKind.CORRIDOR_ADMIN)
        outbox.subscribe(session, admin.id, "http://127.0.0.1:9/hook")
        session.commit()
    events = [raw(1 + i % 3, 1 + i, i % 2, f"id{i}") for i in range(6)]
    events += [raw(4, 9, 0, "id0")] if repeat else []  # same id and version as the first: a duplicate
    report = bulk.import_bulk(pg, Document(Format.KARVAN, events), workers=2)
    assert (report.accepted, report.duplicates) == (6, 1 if repeat else 0)
    with pg.session() as session:
        queued = session.scalars(select(WebhookDeliveryRow.event_seq).order_by(WebhookDeliveryRow.id)).all()
        stored = session.execute(select(EVENTS.c.seq, EVENTS.c.event_id).order_by(EVENTS.c.seq)).all()
    assert list(queued) == [seq for seq, _ in stored]
    assert [event_id for _, event_id in stored] == [f"id{i}" for i in range(6)]


def test_a_concurrent_writer_storing_one_of_the_events_sends_the_copy_import_row_by_row(
        pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the check for new keys and the plain inserts another writer stores one of the events: the
    unique violation rolls the fast path back, and the import stores the others, counting that one as
    a duplicate."""
    events = [raw(1 + i % 3, 1 + i, i % 2, f"id{i}") for i in range(6)]
    fast_path = pg_events.CopyImport._store_fresh

    def with_a_concurrent_writer(copy: pg_events.CopyImport) -> int:
        real = copy.connection

        class Connection:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def exec_driver_sql(self, statement: str, *args: Any) -> Any:
                if statement.startswith("INSERT INTO tracking_event_keys"):
                    other = Database(pg.url)
                    service.import_document(other, Document(Format.KARVAN, events[2:3]), Principal.system(),
                                            lambda: None)
                    other.dispose()
                return real.exec_driver_sql(statement, *args)

        copy.connection = Connection()  # type: ignore[assignment]
        try:
            return fast_path(copy)
        finally:
            copy.connection = real

    monkeypatch.setattr(pg_events.CopyImport, "_store_fresh", with_a_concurrent_writer)
    report = bulk.import_bulk(pg, Document(Format.KARVAN, events), workers=2)
    assert (report.accepted, report.duplicates) == (5, 1)
    assert sorted(where_stored(pg)) == [f"id{i}" for i in range(6)]
    assert count(pg, "tracking_event_keys") == count(pg, "tracking_events") == 6
