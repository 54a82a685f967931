"""PostgreSQL: tracking events partitioned by month of event time; identities in tracking_event_keys.

Upgrades a database in place, keeping every row: the identity columns and sequence numbers go to
a new key table (which now owns the sequence), a partitioned table is built from the existing
table's own definition (`LIKE`, so columns added by other migrations come along), rows are copied
into a partition per month present plus a default partition, names are swapped, and the indexes are
rebuilt on the partitioned table (one per partition), with place and storage-time indexes added.
Foreign keys that pointed at the events' sequence number or content key point at the key table.
SQLite keeps its plain table: nothing to do there.

Revision ID: 0005_event_partitions
Revises: 0004_tracking_standards
Create Date: 2026-12-05
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy import Connection

from karvan.store.partitions import create_months

revision: str = "0005_event_partitions"
down_revision: str | Sequence[str] | None = "0004_tracking_standards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = "tracking_events"
KEYS = "tracking_event_keys"
OLD = "tracking_events_unpartitioned"
KEY_COLUMNS = ("seq", "content_key", "event_id", "version")
"""The identity rule's columns (see karvan.tracking.identity): what must be unique across partitions."""
NEW_INDEXES = (
    "CREATE INDEX ix_tracking_events_locode ON tracking_events (locode, seq)",
    "CREATE INDEX ix_tracking_events_received_at ON tracking_events (received_at)",
)
_LIKE = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS"


def _rows(conn: Connection, sql: str, **params: str) -> list[tuple[str, ...]]:
    return [tuple(r) for r in conn.exec_driver_sql(sql, params).all()]


def _foreign_keys(conn: Connection, table: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """(name, table, definition) of the foreign keys from `table` and of those pointing at it."""
    sql = ("SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
           "WHERE contype = 'f' AND {side} = %(table)s::regclass")
    return (_rows(conn, sql.format(side="conrelid"), table=table),
            _rows(conn, sql.format(side="confrelid"), table=table))


def _plain_indexes(conn: Connection, table: str) -> list[str]:
    """CREATE INDEX statements of the table's indexes that are neither unique nor its primary key."""
    return [r[0] for r in _rows(
        conn, "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %(table)s::regclass "
              "AND NOT i.indisunique AND NOT i.indisprimary ORDER BY i.indexrelid", table=table)]


def _index_name(statement: str) -> str:
    return statement.split(" INDEX ", 1)[1].split()[0]


def _repoint(definition: str, source: str, target: str, allowed: Sequence[str]) -> str:
    """A foreign key definition referring to `target` instead of `source`, if its columns live there."""
    found = re.search(rf"REFERENCES (?:public\.)?{source}\(([^)]*)\)", definition)
    columns = [c.strip() for c in found.group(1).split(",")] if found else []
    if not columns or any(c not in allowed for c in columns):
        raise RuntimeError(f"foreign key {definition!r} refers to {source} columns that {target} lacks; "
                           f"point it at {target} ({', '.join(allowed)}) before upgrading")
    return definition.replace(found.group(0) if found else "", f"REFERENCES {target}({', '.join(columns)})")


def _sequence(conn: Connection, table: str) -> str:
    name = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table}', 'seq')").scalar()
    if not name:
        raise RuntimeError(f"{table}.seq has no sequence")
    return str(name)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    sequence = _sequence(conn, EVENTS)
    outgoing, incoming = _foreign_keys(conn, EVENTS)
    indexes = _plain_indexes(conn, EVENTS)
    for name, table, _ in incoming:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')

    conn.exec_driver_sql(f"CREATE TABLE {KEYS} AS SELECT {', '.join(KEY_COLUMNS)} FROM {EVENTS} ORDER BY seq")
    conn.exec_driver_sql(f"ALTER TABLE {KEYS} ALTER seq SET DEFAULT nextval('{sequence}'), "
                         + ", ".join(f"ALTER {c} SET NOT NULL" for c in KEY_COLUMNS[1:]))
    conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} OWNED BY {KEYS}.seq")

    conn.exec_driver_sql(f"ALTER TABLE {EVENTS} RENAME TO {OLD}")
    for (constraint,) in _rows(conn, "SELECT conname FROM pg_constraint WHERE conrelid = %(t)s::regclass "
                                     "AND contype IN ('p', 'u', 'f')", t=OLD):
        conn.exec_driver_sql(f'ALTER TABLE {OLD} DROP CONSTRAINT "{constraint}"')
    for index in _rows(conn, "SELECT indexrelid::regclass::text FROM pg_index "
                             "WHERE indrelid = %(t)s::regclass", t=OLD):
        conn.exec_driver_sql(f"DROP INDEX {index[0]}")
    time_type = _rows(conn, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                            "WHERE attrelid = %(t)s::regclass AND attname = 'event_time'", t=OLD)[0][0]
    # byte order, which is time order for the fixed-width UTC text, whatever the database's locale
    conn.exec_driver_sql(f'ALTER TABLE {OLD} ALTER event_time TYPE {time_type} COLLATE "C"')
    conn.exec_driver_sql(f"CREATE TABLE {EVENTS} (LIKE {OLD} {_LIKE}) PARTITION BY RANGE (event_time)")
    months = [r[0] for r in _rows(conn, f"SELECT DISTINCT left(event_time, 7) FROM {OLD}")]
    create_months(conn, EVENTS, months)
    conn.exec_driver_sql(f"INSERT INTO {EVENTS} SELECT * FROM {OLD}")
    conn.exec_driver_sql(f"DROP TABLE {OLD}")

    conn.exec_driver_sql(f"ALTER TABLE {KEYS} ADD CONSTRAINT pk_{KEYS} PRIMARY KEY (seq), "
                         f"ADD CONSTRAINT uq_{KEYS}_content_key UNIQUE (content_key), "
                         f"ADD CONSTRAINT uq_{KEYS}_event_id UNIQUE (event_id, version)")
    conn.exec_driver_sql(f"ALTER TABLE {EVENTS} ADD CONSTRAINT pk_{EVENTS} PRIMARY KEY (seq, event_time)")
    for statement in [*indexes, *NEW_INDEXES]:
        conn.exec_driver_sql(statement)
    for name, _, definition in outgoing:
        conn.exec_driver_sql(f'ALTER TABLE {EVENTS} ADD CONSTRAINT "{name}" {definition}')
    for name, table, definition in incoming:
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" '
                             f"{_repoint(definition, EVENTS, KEYS, KEY_COLUMNS)}")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    sequence = _sequence(conn, KEYS)
    outgoing, _ = _foreign_keys(conn, EVENTS)
    _, incoming = _foreign_keys(conn, KEYS)
    for name, table, _ in incoming:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    added = {_index_name(s) for s in NEW_INDEXES}
    indexes = [s.replace(" ON ONLY ", " ON ") for s in _plain_indexes(conn, EVENTS)
               if _index_name(s) not in added]
    conn.exec_driver_sql(f"ALTER TABLE {EVENTS} RENAME TO {OLD}")
    conn.exec_driver_sql(f"CREATE TABLE {EVENTS} (LIKE {OLD} {_LIKE})")
    conn.exec_driver_sql(f"INSERT INTO {EVENTS} SELECT * FROM {OLD} ORDER BY seq")
    conn.exec_driver_sql(f"DROP TABLE {OLD} CASCADE")
    conn.exec_driver_sql(f"ALTER TABLE {EVENTS} ALTER seq SET DEFAULT nextval('{sequence}')")
    conn.exec_driver_sql(f"ALTER SEQUENCE {sequence} OWNED BY {EVENTS}.seq")
    conn.exec_driver_sql(f"DROP TABLE {KEYS}")
    conn.exec_driver_sql(f"ALTER TABLE {EVENTS} ADD CONSTRAINT pk_{EVENTS} PRIMARY KEY (seq), "
                         f"ADD CONSTRAINT uq_{EVENTS}_content_key UNIQUE (content_key), "
                         f"ADD CONSTRAINT uq_{EVENTS}_event_id UNIQUE (event_id, version)")
    for statement in indexes:
        conn.exec_driver_sql(statement)
    for name, _, definition in outgoing:
        conn.exec_driver_sql(f'ALTER TABLE {EVENTS} ADD CONSTRAINT "{name}" {definition}')
    for name, table, definition in incoming:
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" '
                             f"{_repoint(definition, KEYS, EVENTS, KEY_COLUMNS)}")
