"""Alembic environment: migrates the connection handed over in `config.attributes["connection"]`,
or an engine built from `config.attributes["url"]` (see `karvan.store.migrate`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from karvan.store.db import Base, make_engine
from karvan.store.migrate import import_all_models, include_object

import_all_models()  # every capability's tables on Base.metadata, for `alembic revision --autogenerate`


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
                      include_object=include_object(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.attributes["url"])
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `karvan db upgrade`")
run_migrations_online()
