"""The migrations build exactly the schema the models describe, and can go down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from karvan.store.db import Base, Database
from karvan.store.migrate import (
    current_revisions,
    downgrade,
    head_revisions,
    import_all_models,
    include_object,
    upgrade,
)


def test_migrated_schema_matches_the_models(db: Database) -> None:
    import_all_models()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": include_object(db.dialect)})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_database_is_at_every_head(database_url: str) -> None:
    assert current_revisions(database_url) == head_revisions()


def test_downgrade_to_nothing_and_back(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/roundtrip.db"
    upgrade(url)
    downgrade(url, "base")
    db = Database(url)
    try:
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        db.dispose()
    upgrade(url)
    assert current_revisions(url) == head_revisions()


def test_upgrade_is_idempotent(database_url: str) -> None:
    upgrade(database_url)
    assert current_revisions(database_url) == head_revisions()
