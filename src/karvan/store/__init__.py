"""Persistence: the database engine, the platform tables, migrations, backups and shared helpers."""
