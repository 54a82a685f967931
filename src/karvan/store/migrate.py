"""Running the Alembic migrations from code (`karvan db upgrade`, `karvan serve`, the tests)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from karvan.store.db import make_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def import_all_models() -> None:
    """Import every module of `karvan.store`, so each capability's tables are on `Base.metadata`.

    Capabilities keep their table classes in `karvan.store.<name>` modules (e.g. `booking_models`).
    """
    package = importlib.import_module("karvan.store")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name != "migrations":
            importlib.import_module(f"karvan.store.{module.name}")


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
