"""SQLite: the events' two identity constraints become unique indexes of the same names.

A UNIQUE table constraint lives as long as its table, while a unique index can be dropped and built
again; bulk imports into a small table do that (`karvan.tracking.sqlite_events`), as sorting a million
keys once costs a fraction of inserting them one at a time into a B-tree. What is unique, and what
`INSERT OR IGNORE` skips, does not change. SQLite cannot drop a constraint, so the table is rebuilt from
its own definition (columns added by other migrations come along) and every row is copied.
PostgreSQL keeps identity in `tracking_event_keys` (migration 0005): nothing to do there.

Revision ID: 0008_event_unique_indexes
Revises: 0007_tracking_exceptions
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0008_event_unique_indexes"
down_revision: str | Sequence[str] | None = "0007_tracking_exceptions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = "tracking_events"
UNIQUE = {"uq_tracking_events_content_key": "content_key", "uq_tracking_events_event_id": "event_id, version"}
_CONSTRAINT = re.compile(r",\s*CONSTRAINT (uq_tracking_events_content_key|uq_tracking_events_event_id) "
                         r"UNIQUE \([^)]*\)")


def _rebuild(create_table: str) -> None:
    """Replace the events table by one made with `create_table` (for `tracking_events`), same rows,
    same indexes."""
    conn = op.get_bind()
    indexes = [r[0] for r in conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (EVENTS,)).all()]
    conn.exec_driver_sql(create_table.replace(f'"{EVENTS}"', f'"{EVENTS}_rebuilt"', 1))
    conn.exec_driver_sql(f'INSERT INTO "{EVENTS}_rebuilt" SELECT * FROM {EVENTS}')
    conn.exec_driver_sql(f"DROP TABLE {EVENTS}")
    conn.exec_driver_sql(f'ALTER TABLE "{EVENTS}_rebuilt" RENAME TO {EVENTS}')
    for sql in indexes:
        conn.exec_driver_sql(sql)


def _create_table() -> str:
    sql = op.get_bind().exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (EVENTS,)).scalar_one()
    return str(sql).replace(f"CREATE TABLE {EVENTS} ", f'CREATE TABLE "{EVENTS}" ', 1)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(_CONSTRAINT.sub("", _create_table()))
    for name, columns in UNIQUE.items():
        op.get_bind().exec_driver_sql(f"CREATE UNIQUE INDEX {name} ON {EVENTS} ({columns})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in UNIQUE:
        op.get_bind().exec_driver_sql(f"DROP INDEX {name}")
    create = _create_table().rstrip()
    constraints = "".join(f", \n\tCONSTRAINT {name} UNIQUE ({columns})" for name, columns in UNIQUE.items())
    _rebuild(create[:create.rindex(")")] + constraints + "\n)")
