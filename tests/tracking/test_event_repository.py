"""Storage is idempotent and append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from karvan.store.db import Database
from karvan.tracking.model import Classifier, ContainerEvent, EventType, utc_text
from karvan.tracking.repository import (
    EventFilter,
    container_events,
    current_versions,
    list_events,
    store_events,
)

T0 = datetime(2026, 11, 3, 6, tzinfo=UTC)
LOAD = ContainerEvent(event_id="ev-1", event_type=EventType.EQUIPMENT, code="LOAD", classifier=Classifier.ACT,
                      event_time=T0, container="CSQU3054383", locode="CNXIA")


def test_same_event_again_is_stored_once(db: Database) -> None:
    same_instant_other_offset = replace(LOAD, event_id="other-id",
                                        event_time=T0.astimezone(timezone(timedelta(hours=8))))
    with db.write_session() as session:
        first = store_events(session, [LOAD])
        again = store_events(session, [LOAD, same_instant_other_offset])
        session.commit()
    assert len(first.accepted) == 1 and first.duplicates == 0
    assert again.accepted == [] and again.duplicates == 2
    with db.session() as session:
        assert len(container_events(session, "CSQU3054383")) == 1


def test_newer_version_replaces_older_for_state_and_history_keeps_both(db: Database) -> None:
    corrected = replace(LOAD, locode="KZDOS", updated_at=T0 + timedelta(hours=2))
    retracted = replace(LOAD, retracted=True, updated_at=T0 + timedelta(hours=3))
    with db.write_session() as session:
        store_events(session, [corrected])
        store_events(session, [LOAD])  # the older version arrives last
        session.commit()
        history = container_events(session, "CSQU3054383")
    assert len(history) == 2
    assert [s.event.locode for s in current_versions(history)] == ["KZDOS"]
    with db.write_session() as session:
        store_events(session, [retracted])
        session.commit()
        history = container_events(session, "CSQU3054383")
    assert len(history) == 3 and current_versions(history) == []


def test_list_is_a_stable_cursor_with_filters(db: Database) -> None:
    events = [replace(LOAD, event_id=f"ev-{i}", event_time=T0 + timedelta(hours=i),
                      container="CSQU3054383" if i % 2 else "MSKU1234565") for i in range(6)]
    with db.write_session() as session:
        store_events(session, events)
        session.commit()
    with db.session() as session:
        page = list_events(session, EventFilter(container="CSQU3054383"), limit=2)
        rest = list_events(session, EventFilter(container="CSQU3054383"), after_seq=page[-1].seq, limit=10)
        hidden = list_events(session, EventFilter(containers=["TGHU7654320"]))
    assert [s.event.event_id for s in page + rest] == ["ev-1", "ev-3", "ev-5"]
    assert hidden == []


def test_row_keys_follow_the_table_column_order() -> None:
    from karvan.tracking.repository import COLUMNS, to_row

    row = to_row(LOAD, "k" * 32, "2026-11-03T06:00:00.000000Z", "org-1")
    assert list(row) == COLUMNS
    # each value sits under its own column (the SQLite path inserts the values by position)
    assert (row["event_id"], row["content_key"], row["event_type"], row["code"], row["classifier"]) == \
        (LOAD.event_id, "k" * 32, LOAD.event_type.value, LOAD.code, LOAD.classifier.value)
    assert (row["event_time"], row["container"], row["locode"], row["org_id"], row["received_at"]) == \
        (utc_text(LOAD.event_time), LOAD.container, LOAD.locode, "org-1", "2026-11-03T06:00:00.000000Z")
    assert row["offset_minutes"] == 0
    assert to_row(replace(LOAD, event_time=T0.astimezone(timezone(timedelta(hours=5)))), "k" * 32, "",
                  None)["offset_minutes"] == 5 * 60


def test_events_are_judged_in_order_against_what_is_stored_by_then(db: Database) -> None:
    """A re-used id with other content is a duplicate; the same content sent without an id is then new."""
    moved = replace(LOAD, locode="KZDOS")
    with db.write_session() as session:
        store_events(session, [LOAD])
        result = store_events(session, [moved, replace(moved, event_id="")])
        session.commit()
    assert result.duplicates == 1 and len(result.accepted) == 1
    accepted = result.accepted[0].event
    assert accepted.locode == "KZDOS" and accepted.event_id not in ("", "ev-1")
    with db.session() as session:
        stored = container_events(session, "CSQU3054383")
    assert sorted(s.event.locode or "" for s in stored) == ["CNXIA", "KZDOS"]
