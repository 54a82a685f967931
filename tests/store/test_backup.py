"""A backup restores to an identical state, on SQLite, on PostgreSQL and from one to the other."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from karvan.errors import InputError
from karvan.store import audit
from karvan.store.backup import backup, restore
from karvan.store.db import Database
from karvan.store.migrate import upgrade
from karvan.store.models import Departure, OrgKind, Scope
from karvan.store.tracking_models import EVENT_PARTITION_PREFIX, POSTGRESQL_ONLY
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal
from karvan.tracking.model import Classifier, ContainerEvent, EventType
from karvan.tracking.repository import store_events


def _fill(url: str) -> None:
    """A little of everything: unicode, JSON, booleans, NULLs, instants with offsets, an integer id."""
    db = Database(url)
    try:
        with db.write_session() as session:
            system = Principal.system()
            railway = orgs.create_org(
                session, system, name="Қазақстан темір жолы", kind=OrgKind.RAILWAY, operator_codes=["KTZ"]
            )
            orgs.create_org(session, system, name="Shipper «Ltd»", kind=OrgKind.SHIPPER)
            orgs.create_key(
                session,
                system,
                railway.id,
                scope=Scope.WRITE,
                expires_at=datetime.now(UTC) + timedelta(days=30),
                label="ops",
            )
            orgs.create_user(session, system, railway.id, email="ops@ktz.kz", name="Ops")
            session.add(
                Departure(
                    org_id=railway.id,
                    operator_code="KTZ",
                    service_id="KTZ-1",
                    origin="KZ-ALTYN",
                    destination="KZAAU",
                    capacity_teu=90,
                    booked_teu=12,
                    reefer_plugs=4,
                    booked_reefer_plugs=1,
                    dangerous_goods=True,
                    departs_at=datetime(2026, 5, 4, 8, 0, 0, 123456, tzinfo=timezone(timedelta(hours=5))),
                )
            )
            audit.record(
                session,
                org_id=railway.id,
                actor="test",
                action="x",
                entity="y",
                entity_id="z",
                detail={"nested": {"list": [1, 2.5, "три"]}, "flag": None},
            )
            store_events(session, [_event("E1", 0), _event("E2", 24 * 40)], org_id=railway.id,
                         now=datetime(2026, 7, 1, tzinfo=UTC))
            session.commit()
    finally:
        db.dispose()


def _event(event_id: str, hours: float) -> ContainerEvent:
    return ContainerEvent(event_id, EventType.EQUIPMENT, "GTIN", Classifier.ACT,
                          datetime(2026, 5, 4, 8, tzinfo=UTC) + timedelta(hours=hours),
                          container="MSCU1234566", locode="KZAAU")


def _same_on_both(name: str) -> bool:
    """Tables both databases have: not PostgreSQL's event partitions or key table."""
    return name != "alembic_version" and name not in POSTGRESQL_ONLY and not name.startswith(
        EVENT_PARTITION_PREFIX)


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return value


def _dump(url: str) -> dict[str, list[dict[str, Any]]]:
    db = Database(url)
    try:
        metadata = MetaData()
        metadata.reflect(db.engine)
        with db.engine.connect() as conn:
            return {
                table.name: [
                    {k: _normal(v) for k, v in row.items()}
                    for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                ]
                for table in metadata.sorted_tables
                if _same_on_both(table.name)
            }
    finally:
        db.dispose()


def test_restore_gives_back_the_identical_state(database_url: str, tmp_path: Path) -> None:
    _fill(database_url)
    original = _dump(database_url)
    assert original["departures"] and original["audit_log"]
    archive = tmp_path / "backup.zip"
    summary = backup(database_url, archive)
    assert summary.rows["organisations"] == 2
    _fill_more = Database(database_url)
    try:
        with _fill_more.write_session() as session:
            orgs.create_org(session, Principal.system(), name="Added after the backup", kind=OrgKind.SHIPPER)
            session.commit()
    finally:
        _fill_more.dispose()
    assert _dump(database_url) != original
    restore(database_url, archive)
    assert _dump(database_url) == original


def test_moves_between_sqlite_and_postgresql(database_url: str, tmp_path: Path) -> None:
    """database_url -> fresh SQLite -> back into the emptied database_url, unchanged both ways."""
    _fill(database_url)
    original = _dump(database_url)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    backup(database_url, first)
    other = f"sqlite:///{tmp_path}/other.db"
    upgrade(other)
    restore(other, first)
    assert _dump(other) == original
    backup(other, second)
    restore(database_url, second)
    assert _dump(database_url) == original
    db = Database(database_url)
    try:
        with db.write_session() as session:
            added = store_events(session, [_event("E1", 0), _event("E3", 48)],
                                 now=datetime(2026, 7, 2, tzinfo=UTC))
            session.commit()
    finally:
        db.dispose()
    assert [s.event.event_id for s in added.accepted] == ["E3"]  # E1's identity came back with the restore
    assert added.accepted[0].seq > max(row["seq"] for row in original["tracking_events"])


def test_sequences_continue_after_restore(database_url: str, tmp_path: Path) -> None:
    _fill(database_url)
    archive = tmp_path / "backup.zip"
    backup(database_url, archive)
    restore(database_url, archive)
    db = Database(database_url)
    try:
        with db.write_session() as session:
            audit.record(session, org_id=None, actor="test", action="after", entity="e", entity_id="1")
            session.commit()  # would collide with the restored id if the sequence were not moved on
    finally:
        db.dispose()


def _rewrite(source: Path, target: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, change.get(item.filename, old.read(item.filename)))


def test_a_broken_backup_changes_nothing(database_url: str, tmp_path: Path) -> None:
    _fill(database_url)
    original = _dump(database_url)
    good = tmp_path / "good.zip"
    backup(database_url, good)
    with zipfile.ZipFile(good) as archive:
        lines = archive.read("tables/organisations.jsonl").splitlines()
    duplicated = tmp_path / "duplicated.zip"  # the last table fails, after the others were replaced
    _rewrite(good, duplicated, {"tables/organisations.jsonl": b"\n".join(lines + lines[:1]) + b"\n"})
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        restore(database_url, duplicated)
    assert _dump(database_url) == original


def test_foreign_files_are_refused(database_url: str, tmp_path: Path) -> None:
    _fill(database_url)
    original = _dump(database_url)
    good = tmp_path / "good.zip"
    backup(database_url, good)
    manifest = json.loads(zipfile.ZipFile(good).read("manifest.json"))
    (tmp_path / "not-a-zip.zip").write_text("hello")
    _rewrite(good, tmp_path / "no-manifest.zip", {"manifest.json": b"{"})
    _rewrite(
        good,
        tmp_path / "other-revisions.zip",
        {"manifest.json": json.dumps({**manifest, "revisions": ["9999_future"]}).encode()},
    )
    _rewrite(
        good,
        tmp_path / "other-format.zip",
        {"manifest.json": json.dumps({**manifest, "version": 99}).encode()},
    )
    for name in ("not-a-zip", "no-manifest", "other-revisions", "other-format", "missing"):
        with pytest.raises(InputError):
            restore(database_url, tmp_path / f"{name}.zip")
    assert _dump(database_url) == original
