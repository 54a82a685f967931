"""Organisations, users and API keys, with the rules of who may manage whom.

An organisation sees and manages only itself; a corridor_admin organisation (or the `karvan admin`
command, `Principal.system()`) manages every organisation. Other organisations' records are reported
as missing rather than forbidden, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from karvan.store import audit
from karvan.store.db import utc_now
from karvan.store.models import ApiKey, AuditEntry, Organisation, OrganisationOperator, OrgKind, Scope, User
from karvan.store.pagination import Page, paginate
from karvan.tenancy.keys import new_token
from karvan.tenancy.principal import Principal


class NotAuthenticatedError(PermissionDeniedError):
    """No valid API key came with the request (HTTP 401 rather than 403)."""


@dataclass(frozen=True)
class IssuedKey:
    """A new key: `token` is shown to its owner once and never stored."""

    key: ApiKey
    token: str


def parse_kind(kind: str) -> OrgKind:
    try:
        return OrgKind(kind)
    except ValueError:
        raise InputError(f"unknown organisation kind {kind!r}", field="kind",
                         fix="one of " + ", ".join(k.value for k in OrgKind)) from None


def parse_scope(scope: str) -> Scope:
    try:
        return Scope(scope)
    except ValueError:
        raise InputError(f"unknown scope {scope!r}", field="scope",
                         fix="one of " + ", ".join(s.value for s in Scope)) from None


def _require_manager(principal: Principal, org_id: str) -> None:
    """Managing an organisation (keys, users) needs the admin scope on it or on the corridor."""
    if not principal.is_corridor_admin:
        principal.require_own(org_id, "organisation")
    principal.require_scope(Scope.ADMIN)


def create_org(session: Session, principal: Principal, *, name: str, kind: OrgKind,
               operator_codes: Iterable[str] = (), known_operators: Collection[str] | None = None
               ) -> Organisation:
    """A new organisation; operator kinds name the network operator codes they manage."""
    if not principal.is_corridor_admin:
        raise PermissionDeniedError("only a corridor_admin organisation may create organisations")
    principal.require_scope(Scope.ADMIN)
    name = name.strip()
    if not name:
        raise InputError("the name is empty", field="name", fix="give the organisation's name")
    codes = sorted({c.strip().upper() for c in operator_codes if c.strip()})
    if codes and not kind.is_operator:
        raise InputError(f"a {kind.value} organisation cannot manage network operators", field="operators",
                         fix="only railway, port and ferry_line organisations name operator codes")
    if known_operators is not None:
        unknown = [c for c in codes if c not in known_operators]
        if unknown:
            raise InputError(f"unknown network operator(s) {', '.join(unknown)}", field="operators",
                             fix="use operator codes of the network, e.g. " +
                             ", ".join(sorted(known_operators)[:5]))
    if session.scalar(select(Organisation.id).where(Organisation.name == name)):
        raise ConflictError(f"an organisation named {name!r} already exists")
    taken = session.scalars(select(OrganisationOperator.operator_code)
                            .where(OrganisationOperator.operator_code.in_(codes))).all()
    if taken:
        raise ConflictError(f"operator(s) {', '.join(taken)} already belong to another organisation")
    org = Organisation(name=name, kind=kind.value,
                       operators=[OrganisationOperator(operator_code=c) for c in codes])
    session.add(org)
    session.flush()
    audit.record(session, org_id=principal.org_id, actor=principal.actor, action="org.create",
                 entity="organisation", entity_id=org.id,
                 detail={"name": name, "kind": kind.value, "operators": codes})
    return org


def get_org(session: Session, principal: Principal, org_id: str) -> Organisation:
    if not principal.is_corridor_admin:
        principal.require_own(org_id, "organisation")
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFoundError("no such organisation")
    return org


def find_org(session: Session, id_or_name: str) -> Organisation:
    """An organisation by id or exact name (for the admin commands)."""
    org = session.get(Organisation, id_or_name) or session.scalar(
        select(Organisation).where(Organisation.name == id_or_name))
    if org is None:
        raise NotFoundError(f"no organisation with id or name {id_or_name!r}")
    return org


def list_orgs(session: Session, principal: Principal, *, kind: OrgKind | None = None,
              cursor: str | None = None, limit: int = 50) -> Page[Organisation]:
    stmt = select(Organisation)
    if not principal.is_corridor_admin:
        stmt = stmt.where(Organisation.id == principal.org_id)
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind.value)
    return paginate(session, stmt, order_by=[Organisation.name, Organisation.id], cursor=cursor, limit=limit)


def create_key(session: Session, principal: Principal, org_id: str, *, scope: Scope,
               expires_at: datetime | None = None, label: str = "", user_id: str | None = None) -> IssuedKey:
    _require_manager(principal, org_id)
    get_org(session, principal, org_id)
    if expires_at is not None and expires_at <= utc_now():
        raise InputError("the expiry is in the past", field="expires_at", fix="give a future time")
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None or user.org_id != org_id:
            raise NotFoundError("no such user in this organisation")
    if expires_at is not None:
        expires_at = expires_at.astimezone(UTC)
    token = new_token()
    key = ApiKey(org_id=org_id, user_id=user_id, prefix=token.prefix, token_sha256=token.sha256,
                 scope=scope.value, label=label, expires_at=expires_at)
    session.add(key)
    session.flush()
    audit.record(session, org_id=org_id, actor=principal.actor, action="key.create", entity="api_key",
                 entity_id=key.id, detail={"scope": scope.value, "label": label,
                                           "expires_at": expires_at.isoformat() if expires_at else None})
    return IssuedKey(key=key, token=token.token)


def list_keys(session: Session, principal: Principal, org_id: str, *, cursor: str | None = None,
              limit: int = 50) -> Page[ApiKey]:
    _require_manager(principal, org_id)
    stmt = select(ApiKey).where(ApiKey.org_id == org_id)
    return paginate(session, stmt, order_by=[ApiKey.created_at, ApiKey.id], cursor=cursor, limit=limit)


def revoke_key(session: Session, principal: Principal, org_id: str, key_id: str) -> ApiKey:
    """Revoke a key; revoking it again changes nothing (the first revocation time stays)."""
    _require_manager(principal, org_id)
    key = session.get(ApiKey, key_id)
    if key is None or key.org_id != org_id:
        raise NotFoundError("no such API key")
    if key.revoked_at is None:
        key.revoked_at = utc_now()
        audit.record(session, org_id=org_id, actor=principal.actor, action="key.revoke", entity="api_key",
                     entity_id=key.id)
    return key


def create_user(session: Session, principal: Principal, org_id: str, *, email: str, name: str) -> User:
    _require_manager(principal, org_id)
    get_org(session, principal, org_id)
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise InputError(f"{email!r} is not an e-mail address", field="email", fix="e.g. ops@example.com")
    if session.scalar(select(User.id).where(User.email == email)):
        raise ConflictError(f"a user with e-mail {email} already exists")
    user = User(org_id=org_id, email=email, name=name.strip())
    session.add(user)
    session.flush()
    audit.record(session, org_id=org_id, actor=principal.actor, action="user.create", entity="user",
                 entity_id=user.id, detail={"email": email})
    return user


def list_users(session: Session, principal: Principal, org_id: str, *, cursor: str | None = None,
               limit: int = 50) -> Page[User]:
    if not principal.is_corridor_admin:
        principal.require_own(org_id, "organisation")
    stmt = select(User).where(User.org_id == org_id)
    return paginate(session, stmt, order_by=[User.email, User.id], cursor=cursor, limit=limit)


def list_audit(session: Session, principal: Principal, org_id: str, *, cursor: str | None = None,
               limit: int = 50) -> Page[AuditEntry]:
    """An organisation's audit entries, newest first."""
    _require_manager(principal, org_id)
    stmt = select(AuditEntry).where(AuditEntry.org_id == org_id)
    return paginate(session, stmt, order_by=[AuditEntry.id], cursor=cursor, limit=limit, descending=True)
