"""`karvan admin`: bootstrap tenants from the command line (the first corridor_admin, operators' orgs)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import typer

from karvan.cli.common import one_line_errors
from karvan.errors import InputError
from karvan.network.loader import load_network
from karvan.store.db import Database, utc_now
from karvan.store.migrate import upgrade
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

admin_app = typer.Typer(help="Organisations and API keys (run on the server).", no_args_is_help=True)

_DURATION = re.compile(r"^(\d+)([dh])$")


def parse_expiry(value: str) -> datetime:
    """`90d`, `12h`, or an ISO 8601 instant with offset."""
    match = _DURATION.match(value.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        return utc_now() + (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise InputError(f"cannot read expiry {value!r}", field="--expires",
                         fix="give 90d, 12h or an ISO 8601 time with offset such as 2027-01-01T00:00:00Z")
    return instant


def _database() -> Database:
    """The configured database, migrated first so a brand-new installation works at once."""
    db = Database()
    upgrade(db.url)
    return db


@admin_app.command("create-org")
@one_line_errors
def create_org(name: str = typer.Argument(..., help="organisation name (unique)"),
               kind: str = typer.Option(..., "--kind", help="shipper, forwarder, railway, port, ferry_line "
                                        "or corridor_admin"),
               operator: list[str] = typer.Option([], "--operator", help="network operator code it manages, "
                                                  "e.g. KTZ (repeatable; operator kinds only)")) -> None:
    """Create an organisation; prints its id."""
    network = load_network()
    known = set(network.operators) | {s.operator for s in network.services.values()}
    db = _database()
    try:
        with db.write_session() as session:
            org = orgs.create_org(session, Principal.system(), name=name, kind=orgs.parse_kind(kind),
                                  operator_codes=operator, known_operators=known)
            session.commit()
            codes = ", ".join(org.operator_codes) or "-"
            typer.echo(f"{org.id}\t{org.name}\t{org.kind}\toperators: {codes}")
    finally:
        db.dispose()


@admin_app.command("create-key")
@one_line_errors
def create_key(org: str = typer.Argument(..., help="organisation id or name"),
               scope: str = typer.Option("read", "--scope", help="read, write or admin (each includes the "
                                         "ones before)"),
               expires: str | None = typer.Option(None, "--expires", help="90d, 12h or an ISO 8601 time; "
                                                  "default: never"),
               label: str = typer.Option("", "--label", help="a note, e.g. who holds the key")) -> None:
    """Issue an API key and print it. It is shown only this once; only its hash is stored."""
    expires_at = parse_expiry(expires) if expires else None
    db = _database()
    try:
        with db.write_session() as session:
            target = orgs.find_org(session, org)
            issued = orgs.create_key(session, Principal.system(), target.id, scope=orgs.parse_scope(scope),
                                     expires_at=expires_at, label=label)
            session.commit()
            until = issued.key.expires_at.isoformat() if issued.key.expires_at else "never"
            typer.echo(issued.token)
            typer.echo(f"key {issued.key.id} for {target.name} ({target.id}), scope {issued.key.scope}, "
                       f"expires {until}; store it now, it is not shown again", err=True)
    finally:
        db.dispose()


@admin_app.command("revoke-key")
@one_line_errors
def revoke_key(org: str = typer.Argument(..., help="organisation id or name"),
               key_id: str = typer.Argument(..., help="key id (key_...)")) -> None:
    """Revoke an API key at once."""
    db = _database()
    try:
        with db.write_session() as session:
            target = orgs.find_org(session, org)
            key = orgs.revoke_key(session, Principal.system(), target.id, key_id)
            session.commit()
            typer.echo(f"revoked {key.id} at {key.revoked_at.isoformat() if key.revoked_at else '?'}")
    finally:
        db.dispose()


@admin_app.command("list-orgs")
@one_line_errors
def list_orgs() -> None:
    """Every organisation: id, name, kind, operators."""
    db = _database()
    try:
        with db.session() as session:
            cursor: str | None = None
            while True:
                page = orgs.list_orgs(session, Principal.system(), cursor=cursor, limit=500)
                for org in page.items:
                    typer.echo(f"{org.id}\t{org.name}\t{org.kind}\t{', '.join(org.operator_codes) or '-'}")
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
    finally:
        db.dispose()
