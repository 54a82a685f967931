"""Turning a bearer token into a `Principal`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.store.db import utc_now
from karvan.store.models import ApiKey, Organisation, OrgKind, Scope
from karvan.tenancy.keys import token_matches, token_prefix
from karvan.tenancy.orgs import NotAuthenticatedError
from karvan.tenancy.principal import Principal


def authenticate(session: Session, token: str, now: datetime | None = None) -> Principal:
    """The principal of a valid, unexpired, unrevoked key; NotAuthenticatedError otherwise.

    Every failure gives the same message, so a caller cannot tell a wrong key from a revoked one.
    """
    invalid = NotAuthenticatedError("invalid, expired or revoked API key")
    prefix = token_prefix(token)
    if prefix is None:
        raise invalid
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not token_matches(token, key.token_sha256):
        raise invalid
    now = now or utc_now()
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        raise invalid
    org = session.get(Organisation, key.org_id)
    if org is None:
        raise invalid
    return Principal(org_id=org.id, org_kind=OrgKind(org.kind), scopes=Scope(key.scope).granted,
                     operator_codes=frozenset(org.operator_codes), actor=key.id)
