"""The local database for commands run on the server's machine ($KARVAN_DATABASE_URL, else the SQLite
file in the data directory).

Commands that write bring the schema up to date first; commands that only read never create or
migrate anything, and when the schema is behind the code they say so and name `karvan db upgrade`.
Alembic is imported only where it is needed: it costs a read command about 0.15 s of start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from karvan.errors import KarvanError, NotFoundError
from karvan.store.db import Database, default_database_url

UPGRADE = "karvan db upgrade"


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def open_database() -> Database:
    """The local database for a command that writes, migrated to the newest schema if it is behind."""
    from karvan.store.migrate import current_revisions, head_revisions, upgrade

    db = Database()
    if current_revisions(db.url) != head_revisions():
        upgrade(db.url)
    return db


@contextmanager
def read_database(url: str | None = None) -> Iterator[Database]:
    """The database for a command that only reads, disposed at the end; never created nor migrated.

    A read that fails on a missing table or column ends with one line naming the migration command
    when the database is behind this version's migrations. The revisions are looked at only then,
    so a read of a current database does not load Alembic.
    """
    target = url or default_database_url()
    parsed = make_url(target)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") and not (
            Path(parsed.database).exists()):
        raise NotFoundError(f"no database at {parsed.database}; create it with '{UPGRADE}' "
                            "(or store events with 'karvan events import FILE')")
    db = Database(target)
    try:
        yield db
    except (OperationalError, ProgrammingError) as error:
        explained = _explain(target, error)
        if explained is None:
            raise
        raise explained from error
    finally:
        db.dispose()


def _explain(url: str, error: DBAPIError) -> KarvanError | None:
    """One line for a read that failed: the database cannot be reached, or its schema is behind the
    newest migrations; None when neither (the error is then something else, shown as it is)."""
    from karvan.store.migrate import current_revisions, head_revisions

    try:
        have = current_revisions(url)
    except DBAPIError:
        reason = str(error.orig or error).strip().splitlines()[0]
        return KarvanError(f"cannot read the database {shown_url(url)}: {reason}")
    heads = head_revisions()
    if have == heads:
        return None
    return KarvanError(f"the database {shown_url(url)} is at {', '.join(sorted(have)) or 'no revision'} "
                       f"but this version of Karvan reads {', '.join(sorted(heads))}; run '{UPGRADE}'")
