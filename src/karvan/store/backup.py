"""Portable backups: one zip with a manifest and a JSON-lines file per table, for SQLite and PostgreSQL.

The same format serves both databases (and moving from one to the other): every table in the database
(see `tables`), so other capabilities' tables are included without registering them.
Values are typed by their column: instants as ISO 8601, dates, decimals as strings, bytes as base64.

Restore checks the backup's migration revisions against the database's (migrating a brand-new, empty
database first) and refuses a mismatch; then, in one transaction, it deletes every row (children first),
inserts the backup's rows (parents first) and moves PostgreSQL's sequences past the restored ids.
A failure rolls everything back, so the database is either restored or untouched.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Table, func, inspect, select, text
from sqlalchemy import types as sqltypes

from karvan.errors import InputError
from karvan.store.db import Base, make_engine
from karvan.store.migrate import current_revisions, import_all_models, upgrade
from karvan.store.tracking_models import EventKeyRow, EventRow

FORMAT = "karvan-backup"
FORMAT_VERSION = 1
SKIPPED_TABLES = frozenset({"alembic_version", EventKeyRow.__tablename__})
"""Not backed up: Alembic's own, and PostgreSQL's event key table (derived from the events; restore
rebuilds it, so a backup moves between SQLite and PostgreSQL)."""
BATCH_ROWS = 1000


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    revisions: list[str]
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def tables(conn: Connection) -> list[Table]:
    """Every table in the database, parents before children.

    Tables with a model come from `Base.metadata` (no catalogue queries, and instants keep their UTC
    type); any other table the migrations made is reflected, so nothing is left out of a backup.
    """
    present = set(inspect(conn).get_table_names()) - SKIPPED_TABLES - _partitions(conn)
    import_all_models()
    known = [t for t in Base.metadata.sorted_tables if t.name in present]
    unknown = present - {t.name for t in known}
    if not unknown:
        return known
    reflected = MetaData()
    reflected.reflect(conn, only=sorted(unknown))
    return known + [t for t in reflected.sorted_tables if t.name in unknown]


def _partitions(conn: Connection) -> set[str]:
    """PostgreSQL partitions: their rows are read and written through the partitioned table."""
    if conn.dialect.name != "postgresql":
        return set()
    return set(conn.scalars(text("SELECT inhrelid::regclass::text FROM pg_inherits")))


def _rebuild_event_keys(conn: Connection) -> Table:
    """PostgreSQL: the key table again from the restored events (same sequence numbers)."""
    keys = cast(Table, EventKeyRow.__table__)
    columns = [c.name for c in keys.columns]
    conn.execute(keys.delete())
    conn.execute(keys.insert().from_select(columns, select(*(EventRow.__table__.c[c] for c in columns))))
    return keys


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decoder(declared: sqltypes.TypeEngine[Any]) -> Any:
    column_type = declared.impl_instance if isinstance(declared, sqltypes.TypeDecorator) else declared
    if isinstance(column_type, sqltypes.DateTime):
        aware = bool(column_type.timezone)

        def instant(v: str) -> datetime:
            """Karvan keeps instants in UTC: naive values (SQLite) are UTC, so both directions are exact."""
            parsed = datetime.fromisoformat(v)
            if aware:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
        return instant
    if isinstance(column_type, sqltypes.Date):
        return date.fromisoformat
    if isinstance(column_type, sqltypes.Numeric) and column_type.asdecimal:
        return Decimal
    if isinstance(column_type, sqltypes.LargeBinary):
        return base64.b64decode
    return None


def backup(url: str, path: Path) -> BackupSummary:
    """Write every table of the database at `url` to the zip file `path` (replacing it)."""
    engine = make_engine(url)
    rows: dict[str, int] = {}
    tmp = path.with_name(path.name + ".partial")
    try:
        with engine.connect() as conn, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            # One snapshot for every table: REPEATABLE READ on PostgreSQL, a read transaction on SQLite.
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            revisions = sorted(MigrationContext.configure(conn).get_current_heads())
            all_tables = tables(conn)
            for table in all_tables:
                count = 0
                with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                    order = list(table.primary_key.columns) or list(table.columns)
                    result = conn.execution_options(yield_per=BATCH_ROWS).execute(
                        select(table).order_by(*order))
                    for row in result.mappings():
                        out.write(json.dumps({k: _encode(v) for k, v in row.items()}).encode() + b"\n")
                        count += 1
                rows[table.name] = count
            manifest = {"format": FORMAT, "version": FORMAT_VERSION, "dialect": conn.dialect.name,
                        "revisions": revisions, "tables": [t.name for t in all_tables], "rows": rows}
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
        engine.dispose()
    return BackupSummary(path=path, revisions=revisions, rows=rows)


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise InputError("not a Karvan backup (no readable manifest.json)", record=str(path),
                         fix="give a file written by 'karvan db backup'") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise InputError(f"unsupported backup format {manifest.get('format')!r} v{manifest.get('version')}",
                         record=str(path), fix=f"this Karvan reads {FORMAT} v{FORMAT_VERSION}")
    return manifest


def _rows(archive: zipfile.ZipFile, table: Table) -> Iterator[dict[str, Any]]:
    decoders = {c.name: _decoder(c.type) for c in table.columns}
    with archive.open(f"tables/{table.name}.jsonl") as lines:
        for line in lines:
            raw = json.loads(line)
            unknown = set(raw) - set(decoders)
            if unknown:
                raise InputError(f"table {table.name} has no column(s) {', '.join(sorted(unknown))}",
                                 fix="restore into a database at the backup's migration revisions")
            yield {k: (decoders[k](v) if v is not None and decoders[k] else v) for k, v in raw.items()}


def _reset_sequences(conn: Connection, restored: list[Table]) -> None:
    for table in restored:
        for column in table.primary_key.columns:
            sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                   {"t": table.name, "c": column.name})
            if sequence:
                top = conn.scalar(select(func.max(column)))
                conn.execute(text("SELECT setval(:s, :v, :called)"),
                             {"s": sequence, "v": top or 1, "called": top is not None})


def restore(url: str, path: Path) -> BackupSummary:
    """Replace every row of the database at `url` with the backup's; all or nothing."""
    if not path.is_file():
        raise InputError(f"no such file: {path}", field="FILE", fix="give the path of a backup zip")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError("not a Karvan backup (not a zip file)", record=str(path),
                         fix="give a file written by 'karvan db backup'") from None
    with archive:
        manifest = _read_manifest(archive, path)
        if not current_revisions(url):  # a brand-new database: create the schema first
            upgrade(url)
        have = sorted(current_revisions(url))
        if have != manifest["revisions"]:
            raise InputError(f"the backup is at revisions {', '.join(manifest['revisions'])} but the "
                             f"database is at {', '.join(have)}", record=str(path),
                             fix="restore with the Karvan version that wrote the backup, then upgrade")
        engine = make_engine(url)
        rows: dict[str, int] = {}
        try:
            with engine.begin() as conn:
                chosen = [t for t in tables(conn) if t.name in manifest["tables"]]
                missing = set(manifest["tables"]) - {t.name for t in chosen}
                if missing:
                    raise InputError(f"the database has no table(s) {', '.join(sorted(missing))}",
                                     record=str(path), fix="upgrade the database to the backup's revisions")
                for table in reversed(chosen):
                    conn.execute(table.delete())
                for table in chosen:
                    batch: list[dict[str, Any]] = []
                    count = 0
                    for row in _rows(archive, table):
                        batch.append(row)
                        if len(batch) >= BATCH_ROWS:
                            conn.execute(table.insert(), batch)
                            count += len(batch)
                            batch = []
                    if batch:
                        conn.execute(table.insert(), batch)
                        count += len(batch)
                    rows[table.name] = count
                if conn.dialect.name == "postgresql":
                    derived = ([_rebuild_event_keys(conn)]
                               if inspect(conn).has_table(EventKeyRow.__tablename__) else [])
                    _reset_sequences(conn, chosen + derived)
        finally:
            engine.dispose()
    return BackupSummary(path=path, revisions=manifest["revisions"], rows=rows)
