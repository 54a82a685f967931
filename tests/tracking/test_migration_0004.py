"""Migration 0004_tracking_standards upgrades a database of 0003_tracking in place: stored events stay
readable, and the wider columns, coordinates and unit identifiers work after it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dcsa_events import official
from sqlalchemy import text

from karvan.store.db import Database
from karvan.store.migrate import current_revisions, head_revisions, upgrade
from karvan.tracking.formats import read
from karvan.tracking.ingest import check
from karvan.tracking.repository import container_events, store_events, unit_events

FIXTURES = Path(__file__).parent / "fixtures"
OLD_ROW = ("ev-old", "", "k" * 32, "EQUIPMENT", "LOAD", "ACT", "2026-11-03T06:00:00.000000Z", 240,
           "CSQU3054383", "KZAAU", "2026-11-03T06:01:00.000000Z", '{"format":"dcsa"}')


def test_an_old_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """On SQLite, whose column changes need the batch copy; PostgreSQL runs 0004 in every `database_url`
    set-up."""
    url = f"sqlite:///{tmp_path}/old.db"
    upgrade(url, "0003_tracking")
    old = Database(url)
    try:
        with old.write_session() as session:
            session.execute(text(
                "INSERT INTO tracking_events (event_id, version, content_key, event_type, code, classifier, "
                "event_time, offset_minutes, container, locode, retracted, received_at, body) VALUES "
                "(:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, false, :k, :l)"),
                dict(zip("abcdefghijkl", OLD_ROW, strict=True)))
            session.commit()
    finally:
        old.dispose()
    upgrade(url)
    assert current_revisions(url) == head_revisions()
    db = Database(url)
    try:
        document = read(official(FIXTURES / "epcis-2.0.jsonld"))
        good, errors = check(document, now=datetime(2026, 12, 1, tzinfo=UTC))
        assert errors == []
        with db.write_session() as session:
            [before] = container_events(session, "CSQU3054383")
            assert before.event.event_id == "ev-old" and before.event.latitude is None
            result = store_events(session, (e for _, e in good))
            session.commit()
            assert len(result.accepted) == len(good)
            assert unit_events(session, "https://id.gs1.org/00/048700120000004794")
            assert any(s.event.latitude is not None for s in result.accepted)
    finally:
        db.dispose()
