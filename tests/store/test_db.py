"""Engine set-up: SQLite pragmas, UTC instants on both databases, URL checks, the default location."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from karvan.errors import InputError
from karvan.store.db import Database, default_database_url, make_engine
from karvan.store.models import Organisation, OrgKind


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/sub/dir/k.db")
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert (tmp_path / "sub" / "dir" / "k.db").exists()
    finally:
        db.dispose()


def test_default_database_is_sqlite_in_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KARVAN_DATA_DIR", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path.resolve()}/karvan.db"
    monkeypatch.setenv("KARVAN_DATABASE_URL", "postgresql+psycopg://u@h/d")
    assert default_database_url() == "postgresql+psycopg://u@h/d"


@pytest.mark.parametrize("url", ["mysql://u@h/d", "postgresql://u@h/d", "nonsense"])
def test_unsupported_urls_are_refused_with_a_fix(url: str) -> None:
    with pytest.raises(InputError) as error:
        make_engine(url)
    assert error.value.field == "KARVAN_DATABASE_URL"
    assert error.value.fix


def test_instants_come_back_as_the_same_utc_instant(db: Database) -> None:
    created = datetime(2026, 5, 4, 8, 0, tzinfo=timezone(timedelta(hours=5)))
    with db.write_session() as session:
        session.add(Organisation(id="org_x", name="X", kind=OrgKind.SHIPPER.value, created_at=created))
        session.commit()
    with db.session() as session:
        stored = session.scalar(select(Organisation.created_at).where(Organisation.id == "org_x"))
    assert stored == created
    assert stored is not None and stored.utcoffset() == timedelta(0)
    with db.session() as session:
        found = session.scalar(
            select(Organisation.id).where(Organisation.created_at == datetime(2026, 5, 4, 3, 0, tzinfo=UTC))
        )
    assert found == "org_x"


def test_naive_instants_are_refused(db: Database) -> None:
    with db.write_session() as session:
        session.add(Organisation(id="org_y", name="Y", kind="shipper", created_at=datetime(2026, 5, 4, 8, 0)))
        with pytest.raises(Exception, match="offset"):
            session.commit()


def test_foreign_keys_are_enforced(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    from karvan.store.models import User

    with db.write_session() as session:
        session.add(User(org_id="org_missing", email="a@b.kz", name="A"))
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.mark.postgres
def test_a_loop_read_is_retried_once_on_a_connection_the_server_dropped(postgres_server: Any) -> None:
    postgres_server.empty()
    db = Database(postgres_server.url())
    try:
        def backend_pid(session: Session) -> int:
            return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())

        first = db.loop_read(backend_pid)
        with db.session() as session:  # the loop's connection is pinged by nobody: drop it under it
            assert session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar_one()
        calls: list[int] = []

        def counted(session: Session) -> int:
            calls.append(1)
            return backend_pid(session)

        second = db.loop_read(counted)
        assert second != first and len(calls) == 2
        with db.session() as session:
            session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": second})
        third = db.loop_read_core(lambda conn: conn.execute(text("SELECT pg_backend_pid()")).scalar())
        assert third not in (first, second)
        calls.clear()
        with pytest.raises(ProgrammingError):  # other errors are not retried
            db.loop_read(lambda session: calls.append(1) or session.execute(text("SELECT nope")))
        assert len(calls) == 1
    finally:
        db.dispose()


def test_loop_reads_see_what_was_committed_last(db: Database) -> None:
    """The loop's connection holds no transaction between reads (autocommit / no BEGIN)."""
    def count(session: Session) -> int:
        return len(session.scalars(select(Organisation.id)).all())

    assert db.loop_read(count) == 0
    with db.write_session() as session:
        session.add(Organisation(id="org_z", name="Z", kind=OrgKind.SHIPPER.value))
        session.commit()
    assert db.loop_read(count) == 1
