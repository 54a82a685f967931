"""`karvan db`: migrate, back up and restore the database ($KARVAN_DATABASE_URL or the SQLite default)."""

from __future__ import annotations

from pathlib import Path

import typer

from karvan.cli.common import one_line_errors
from karvan.cli.database import UPGRADE, shown_url
from karvan.store.backup import backup, restore
from karvan.store.db import default_database_url
from karvan.store.migrate import current_revisions, head_revisions, upgrade

db_app = typer.Typer(help="Database: migrations, backup and restore.", no_args_is_help=True)

URL_OPTION = typer.Option(None, "--url", help="database URL; default $KARVAN_DATABASE_URL, else "
                          "sqlite:///$KARVAN_DATA_DIR/karvan.db (./var)")


def _url(url: str | None) -> str:
    return url or default_database_url()


@db_app.command("upgrade")
@one_line_errors
def upgrade_command(url: str | None = URL_OPTION) -> None:
    """Apply every capability's migrations (all heads); safe to repeat."""
    target = _url(url)
    upgrade(target)
    typer.echo(f"{shown_url(target)}: at {', '.join(sorted(current_revisions(target)))}")


@db_app.command("current")
@one_line_errors
def current_command(url: str | None = URL_OPTION) -> None:
    """Show the database's revisions and whether migrations are pending (exit 1 if they are)."""
    target = _url(url)
    have, heads = current_revisions(target), head_revisions()
    typer.echo(f"database: {shown_url(target)}")
    typer.echo(f"revisions: {', '.join(sorted(have)) or '(none)'}")
    pending = heads - have
    if pending:
        typer.echo(f"pending: {', '.join(sorted(pending))}; run '{UPGRADE}'")
        raise typer.Exit(1)
    typer.echo("up to date")


@db_app.command("backup")
@one_line_errors
def backup_command(file: Path = typer.Argument(..., help="zip file to write"),
                   url: str | None = URL_OPTION) -> None:
    """Write every table to a portable zip (JSON lines per table), restorable on SQLite or PostgreSQL."""
    summary = backup(_url(url), file)
    typer.echo(f"wrote {summary.path}: {summary.total_rows} rows in {len(summary.rows)} tables "
                  f"at {', '.join(summary.revisions)}")


@db_app.command("restore")
@one_line_errors
def restore_command(file: Path = typer.Argument(..., help="zip file written by 'karvan db backup'"),
                    url: str | None = URL_OPTION,
                    yes: bool = typer.Option(False, "--yes", help="replace the data without asking")) -> None:
    """Replace ALL data of the database with the backup's (one transaction: all or nothing)."""
    target = _url(url)
    if not yes:
        typer.confirm(f"Replace every row of {shown_url(target)} with {file}?", abort=True)
    summary = restore(target, file)
    typer.echo(f"restored {summary.total_rows} rows in {len(summary.rows)} tables into {shown_url(target)}")
