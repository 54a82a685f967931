"""The database: where it lives, how to connect, and the declarative `Base` every table derives from.

Default: a SQLite file `karvan.db` in the data directory ($KARVAN_DATA_DIR, else ./var), created on first
use, in WAL mode with a busy timeout and foreign keys on. Production: PostgreSQL through psycopg 3, named by
$KARVAN_DATABASE_URL (`postgresql+psycopg://user@host/db`).

Sessions come in two flavours because SQLite needs them: `Database.session()` for reads and
`Database.write_session()` for requests that write. On SQLite a write session starts with
`BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of failing when one of them upgrades a
read lock; on PostgreSQL both are ordinary READ COMMITTED transactions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from karvan.errors import InputError

T = TypeVar("T")
R = TypeVar("R")

DATABASE_URL_ENV = "KARVAN_DATABASE_URL"
DATA_DIR_ENV = "KARVAN_DATA_DIR"
SQLITE_BUSY_TIMEOUT_MS = 15_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so migrations can name what they alter on both SQLite and PostgreSQL."""


class Base(DeclarativeBase):
    """Base class of every Karvan table, whichever capability owns it."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC on both databases.

    SQLite has no time zones, so naive values would silently change meaning; this type refuses naive
    datetimes and always hands back aware UTC ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise InputError("time without a UTC offset", fix="give an ISO 8601 time such as "
                             "2026-05-04T08:00:00+05:00")
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            raise InputError(f"time {value.isoformat()} is out of range",
                             fix="give a time between years 1 and 9999 in UTC") from None
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or "var").resolve()


def default_database_url() -> str:
    """$KARVAN_DATABASE_URL, else the SQLite file in the data directory."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'karvan.db'}"


def _check_url(url: str) -> None:
    try:
        parsed = make_url(url)
    except Exception:
        raise InputError(f"not a database URL: {url!r}", field=DATABASE_URL_ENV,
                         fix="use sqlite:///path/karvan.db or postgresql+psycopg://user@host/db") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(f"unsupported database {parsed.get_backend_name()!r}", field=DATABASE_URL_ENV,
                         fix="use SQLite or PostgreSQL (postgresql+psycopg://...)")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        raise InputError(f"driver {parsed.drivername!r} is not psycopg 3", field=DATABASE_URL_ENV,
                         fix="write the URL as postgresql+psycopg://...")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see `_on_begin`).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != "NONE":
            connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; for SQLite the file's directory is created if missing.

    `options` go to `create_engine` (pool size, isolation level); SQLAlchemy's defaults otherwise.
    """
    _check_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, **{"pool_pre_ping": True, **options})


class Database:
    """One engine and its session factories; the API keeps one per process."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        self.engine = make_engine(self.url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(sqlite_begin="IMMEDIATE"),
                                   expire_on_commit=False)
        self._loop_engine = self._make_loop_engine()
        self._loop = sessionmaker(self._loop_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A session for reading (it may write too, but on SQLite it may then meet SQLITE_BUSY)."""
        return self._read()

    def write_session(self) -> Session:
        """A session that takes the write lock at its first statement on SQLite."""
        return self._write()

    def _make_loop_engine(self) -> Engine:
        """One connection for reads on the event loop, each statement in a transaction of its own.

        No BEGIN and ROLLBACK around the statement (autocommit on PostgreSQL; no BEGIN on SQLite) and no
        ping before each use on PostgreSQL: together about half the cost of a point read (measured).
        Each statement then reads the latest committed rows, so these reads must be single statements
        or read rows that never change once written (a shipment's containers, a booking's legs). Without
        the ping, the first read after the server dropped the connection fails; `loop_read` retries it.
        """
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "postgresql":
            return make_engine(self.url, pool_size=1, max_overflow=0, isolation_level="AUTOCOMMIT",
                               pool_pre_ping=False)
        if parsed.database in (None, "", ":memory:"):
            return self.engine  # a second engine would open a second, empty in-memory database
        return make_engine(self.url, pool_size=1, max_overflow=0, execution_options={"sqlite_begin": "NONE"})

    def loop_read(self, read: Callable[[Session], T]) -> T:
        """`read(session)` for code running on an asyncio event loop (the API's point reads).

        The session comes from a pool of its own with a single connection: the loop runs one such read
        at a time, so it never waits for a connection, whereas waiting on the main pool, which worker
        threads may hold to the last connection, would block every request of the process. A read that
        found its connection dropped (a database restart) is run once more on a new one.
        """
        return _retried_once(lambda: _run(self._loop(), read))

    def loop_read_core(self, read: Callable[[Connection], T]) -> T:
        """`loop_read` for Core statements: a connection without an ORM session around it (the key
        check on every request; the session cost half as much as the statement, measured)."""
        return _retried_once(lambda: _run(self._loop_engine.connect(), read))

    def dispose(self) -> None:
        self.engine.dispose()
        self._loop_engine.dispose()


def _run(resource: AbstractContextManager[R], read: Callable[[R], T]) -> T:
    with resource as opened:
        return read(opened)


def _retried_once(attempt: Callable[[], T]) -> T:
    """`attempt()`, and once more if it failed on a connection the database had dropped."""
    try:
        return attempt()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return attempt()
