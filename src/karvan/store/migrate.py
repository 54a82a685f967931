"""Running the Alembic migrations from code (`karvan db upgrade`, `karvan serve`, the tests)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from karvan.store.db import make_engine
from karvan.store.tracking_models import EVENT_PARTITION_PREFIX, POSTGRESQL_ONLY, SQLITE_ONLY

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def import_all_models() -> None:
    """Import every module of `karvan.store`, so each capability's tables are on `Base.metadata`.

    Capabilities keep their table classes in `karvan.store.<name>` modules (e.g. `booking_models`).
    """
    package = importlib.import_module("karvan.store")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "migrations":
            importlib.import_module(f"karvan.store.{module.name}")


def include_object(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """Alembic's `include_object` for comparing the models with a database of `dialect`: objects that
    exist only on the other database, and PostgreSQL's partitions (created at run time), are left out."""
    other_only = POSTGRESQL_ONLY if dialect == "sqlite" else SQLITE_ONLY

    def include(_object: Any, name: str | None, kind: str, reflected: bool, _compare_to: Any) -> bool:
        if name in other_only:
            return False
        return not (kind == "table" and reflected and (name or "").startswith(EVENT_PARTITION_PREFIX))

    return include


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    return config


def upgrade(url: str, target: str = "heads") -> None:
    """Migrate the database at `url` to every capability's newest revision (several heads)."""
    command.upgrade(alembic_config(url), target)


def downgrade(url: str, target: str) -> None:
    command.downgrade(alembic_config(url), target)


@cache
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config("")).get_heads())


def head_revisions() -> set[str]:
    """The newest revision of every branch; read once per process (migrations ship with the code)."""
    return set(_heads())


def current_revisions(url: str) -> set[str]:
    """The revisions the database is at; empty for a database never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()
