"""Turning a bearer token into a `Principal`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from karvan.store.db import utc_now
from karvan.store.models import ApiKey, Organisation, OrganisationOperator, OrgKind, Scope
from karvan.tenancy.keys import token_matches, token_prefix
from karvan.tenancy.orgs import NotAuthenticatedError
from karvan.tenancy.principal import Principal

# Plain columns (one row per operator code the organisation manages), not ORM entities, in one round
# trip; built once: this runs on every request, and constructing the statement cost three times the
# look-up itself (measured: 0.48 of 0.62 ms on SQLite).
_KEY_LOOKUP = (
    select(ApiKey.id, ApiKey.token_sha256, ApiKey.scope, ApiKey.revoked_at, ApiKey.expires_at,
           Organisation.id.label("org_id"), Organisation.kind, OrganisationOperator.operator_code)
    .join(Organisation, Organisation.id == ApiKey.org_id)
    .outerjoin(OrganisationOperator, OrganisationOperator.org_id == Organisation.id)
    .where(ApiKey.prefix == bindparam("prefix")))


def authenticate(connection: Connection | Session, token: str, now: datetime | None = None) -> Principal:
    """The principal of a valid, unexpired, unrevoked key; NotAuthenticatedError otherwise.

    Every failure gives the same message, so a caller cannot tell a wrong key from a revoked one.
    """
    invalid = NotAuthenticatedError("invalid, expired or revoked API key")
    prefix = token_prefix(token)
    if prefix is None:
        raise invalid
    rows = connection.execute(_KEY_LOOKUP, {"prefix": prefix}).all()
    if not rows or not token_matches(token, rows[0].token_sha256):
        raise invalid
    found = rows[0]
    now = now or utc_now()
    if found.revoked_at is not None or (found.expires_at is not None and found.expires_at <= now):
        raise invalid
    return Principal(org_id=found.org_id, org_kind=OrgKind(found.kind), scopes=Scope(found.scope).granted,
                     operator_codes=frozenset(r.operator_code for r in rows if r.operator_code is not None),
                     actor=found.id)
