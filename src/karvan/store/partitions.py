"""Monthly range partitions of a PostgreSQL table keyed by a fixed-width UTC time text.

Times are stored as `2026-05-04T03:00:00.000000Z`, so the month `2026-05` is the range
['2026-05', '2026-06') in byte order (the partition key uses the "C" collation, so no locale decides).
Each table has a default partition as well, so a row whose month has no partition yet is stored
rather than refused.

New months are attached from a connection of their own, committed at once: `CREATE TABLE` then
`ATTACH PARTITION`, which takes only a SHARE UPDATE EXCLUSIVE lock on the parent, so readers and
writers of other months carry on. A month whose rows already sit in the default partition keeps them
there (attaching it would have to move them under an exclusive lock); `ensure_months` says which.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("karvan.store.partitions")

ATTACH_LOCK_TIMEOUT = "2s"
"""How long attaching a month waits for locks before giving up (its rows then go to the default)."""


def partition_name(table: str, month: str) -> str:
    """`tracking_events_p2026_03` for month `2026-03`."""
    return f"{table}_p{month.replace('-', '_')}"


def default_partition(table: str) -> str:
    return f"{table}_pdefault"


def month_of(time_text: str) -> str:
    return time_text[:7]


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _bounds(month: str) -> str:
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise ValueError(f"not a month: {month!r}")
    return f"FROM ('{month}') TO ('{_next_month(month)}')"


def create_months(conn: Connection, table: str, months: Iterable[str]) -> None:
    """In the caller's transaction: a partition for each month and the default one (for migrations)."""
    for month in sorted(set(months)):
        conn.exec_driver_sql(f'CREATE TABLE IF NOT EXISTS "{partition_name(table, month)}" '
                             f'PARTITION OF "{table}" FOR VALUES {_bounds(month)}')
    conn.exec_driver_sql(f'CREATE TABLE IF NOT EXISTS "{default_partition(table)}" '
                         f'PARTITION OF "{table}" DEFAULT')


def existing_months(conn: Connection, table: str) -> set[str]:
    prefix = f"{table}_p"
    names = conn.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                              "WHERE i.inhparent = CAST(:table AS regclass)"), {"table": table}).scalars()
    return {n[len(prefix):].replace("_", "-") for n in names if n != default_partition(table)}


def ensure_months(engine: Engine, table: str, key: str, months: Iterable[str]) -> set[str]:
    """Attach a partition for each month that has none; the months left to the default partition.

    Runs in its own transactions, so call it before the writing transaction touches `table`: a
    transaction that already read or wrote the default partition would hold the attach up until
    `ATTACH_LOCK_TIMEOUT`, and that month's rows would then go to the default partition.
    """
    wanted = set(months)
    with engine.connect() as conn:
        missing = sorted(wanted - existing_months(conn, table))
        conn.rollback()
    left: set[str] = set()
    for month in missing:
        if not _attach(engine, table, key, month):
            left.add(month)
    return left


def _attach(engine: Engine, table: str, key: str, month: str) -> bool:
    name, bounds = partition_name(table, month), _bounds(month)
    default = default_partition(table)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{ATTACH_LOCK_TIMEOUT}'")
            if month in existing_months(conn, table):
                return True  # another process attached it meanwhile
            low, high = month, _next_month(month)
            stray = conn.exec_driver_sql(
                f'SELECT 1 FROM "{default}" WHERE "{key}" >= \'{low}\' COLLATE "C" '
                f'AND "{key}" < \'{high}\' COLLATE "C" LIMIT 1').first()
            if stray is not None:
                return False
            conn.exec_driver_sql(f'CREATE TABLE IF NOT EXISTS "{name}" (LIKE "{table}" INCLUDING DEFAULTS '
                                 "INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE)")
            conn.exec_driver_sql(f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" FOR VALUES {bounds}')
        return True
    except DBAPIError as error:  # a lock not granted in time, or a concurrent attach of the same month
        log.warning("partition %s of %s not attached (%s); its rows go to %s", month, table,
                    str(error.orig).strip(), default)
        return False
