"""The migrations build exactly the schema the models describe, and can go down and up again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from karvan.store.db import Base, Database
from karvan.store.migrate import (
    current_revisions,
    downgrade,
    head_revisions,
    import_all_models,
    include_object,
    upgrade,
)


def test_migrated_schema_matches_the_models(db: Database) -> None:
    import_all_models()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": include_object(db.dialect)})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_is_at_every_head(database_url: str) -> None:
    assert current_revisions(database_url) == head_revisions()


def test_downgrade_to_nothing_and_back(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/roundtrip.db"
    upgrade(url)
    downgrade(url, "base")
    db = Database(url)
    try:
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        db.dispose()
    upgrade(url)
    assert current_revisions(url) == head_revisions()


def test_upgrade_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    assert current_revisions(database_url) == head_revisions()


def test_sqlite_identity_constraints_become_unique_indexes_keeping_rows(tmp_path: Path) -> None:
    """Migration 0008 rebuilds the events table: rows and sequence numbers kept, duplicates still refused,
    and the unique indexes (unlike the constraints before) can be dropped inside a transaction."""
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0007_tracking_exceptions")
    values = "'{id}', '', '{key}', 'EQUIPMENT', 'LOAD', 'ACT', '2026-03-01T00:00:00.000000Z', 0, " \
             "'CSQU3054383', 0, '2026-03-01T00:00:00.000000Z', '{{}}'"
    insert = ("INSERT OR IGNORE INTO tracking_events (seq, event_id, version, content_key, event_type, code, "
              "classifier, event_time, offset_minutes, container, retracted, received_at, body) "
              "VALUES ({seq}, {values})")
    with sqlite3.connect(tmp_path / "old.db") as conn:
        for seq in (3, 7):
            conn.execute(insert.format(seq=seq, values=values.format(id=f"e{seq}", key=f"k{seq}")))
    upgrade(url)
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("SELECT seq, event_id FROM tracking_events ORDER BY seq").fetchall() == [
            (3, "e3"), (7, "e7")]
        conn.execute(insert.format(seq=8, values=values.format(id="e8", key="k3")))  # a stored content key
        conn.execute(insert.format(seq=9, values=values.format(id="e7", key="k9")))  # a stored id, version
        assert conn.execute("SELECT count(*) FROM tracking_events").fetchone() == (2,)
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                              "AND tbl_name = 'tracking_events' AND sql IS NOT NULL")}
        assert {"uq_tracking_events_content_key", "uq_tracking_events_event_id",
                "ix_tracking_events_container_time", "ix_tracking_events_shipment_time"} <= indexes
        conn.execute("DROP INDEX uq_tracking_events_content_key")  # inside the module's open transaction
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'uq_tracking_events_content_key'"
                            ).fetchone() == (1,)
