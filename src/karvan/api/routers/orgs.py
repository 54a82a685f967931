"""Organisations, their users, API keys and audit log.

Any key reads its own organisation; managing users and keys needs the admin scope; a corridor_admin
organisation sees and manages all of them and creates new ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from karvan.api.auth import get_principal, require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.idempotency import Idempotency, idempotency
from karvan.api.pagination import PageOut, PageParams
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import ApiKey, AuditEntry, Organisation, OrgKind, Scope, User
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/orgs", tags=["organisations"], responses=PROBLEM_RESPONSES)


class OrgIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    operators: list[str] = Field(default_factory=list, description="network operator codes, e.g. KTZ")


class OrgOut(BaseModel):
    id: str
    name: str
    kind: OrgKind
    operators: list[str]
    created_at: datetime

    @classmethod
    def from_row(cls, org: Organisation) -> OrgOut:
        return cls(id=org.id, name=org.name, kind=OrgKind(org.kind), operators=org.operator_codes,
                   created_at=org.created_at)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)


class UserOut(BaseModel):
    id: str
    org_id: str
    email: str
    name: str
    created_at: datetime

    @classmethod
    def from_row(cls, user: User) -> UserOut:
        return cls(id=user.id, org_id=user.org_id, email=user.email, name=user.name,
                   created_at=user.created_at)


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: Scope
    expires_at: AwareDatetime | None = Field(None, description="ISO 8601 with offset; none = never")
    label: str = Field("", max_length=200)
    user_id: str | None = None


class KeyOut(BaseModel):
    id: str
    org_id: str
    prefix: str
    scope: Scope
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, key: ApiKey) -> KeyOut:
        return cls(id=key.id, org_id=key.org_id, prefix=key.prefix, scope=Scope(key.scope), label=key.label,
                   created_at=key.created_at, expires_at=key.expires_at, revoked_at=key.revoked_at)


class IssuedKeyOut(KeyOut):
    token: str = Field(description="the API key itself; shown only in this response")


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]

    @classmethod
    def from_row(cls, entry: AuditEntry) -> AuditOut:
        return cls(id=entry.id, at=entry.at, actor=entry.actor, action=entry.action, entity=entry.entity,
                   entity_id=entry.entity_id, detail=entry.detail)


def _known_operators(network: Network) -> set[str]:
    return set(network.operators) | {s.operator for s in network.services.values()}


@router.get("/me", response_model=OrgOut, summary="The caller's organisation")
def get_me(principal: Principal = Depends(get_principal), db: Database = Depends(get_db)) -> OrgOut:
    with db.session() as session:
        return OrgOut.from_row(orgs.get_org(session, principal, principal.org_id))


@router.get("", response_model=PageOut[OrgOut], summary="Organisations the caller may see")
def list_orgs(kind: OrgKind | None = Query(None), page: PageParams = Depends(),
              principal: Principal = Depends(get_principal),
              db: Database = Depends(get_db)) -> PageOut[OrgOut]:
    with db.session() as session:
        result = orgs.list_orgs(session, principal, kind=kind, cursor=page.cursor, limit=page.limit)
        return PageOut.of(result, OrgOut.from_row)


@router.post("", status_code=201, response_model=OrgOut, summary="Create an organisation (corridor_admin)")
def create_org(body: OrgIn, principal: Principal = Depends(require_scope(Scope.ADMIN)),
               db: Database = Depends(get_db), network: Network = Depends(get_network),
               idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        org = orgs.create_org(session, principal, name=body.name, kind=body.kind,
                              operator_codes=body.operators, known_operators=_known_operators(network))
        return idem.respond(session, 201, OrgOut.from_row(org))


@router.get("/{org_id}", response_model=OrgOut, summary="One organisation")
def get_org(org_id: str, principal: Principal = Depends(get_principal),
            db: Database = Depends(get_db)) -> OrgOut:
    with db.session() as session:
        return OrgOut.from_row(orgs.get_org(session, principal, org_id))


@router.get("/{org_id}/users", response_model=PageOut[UserOut], summary="An organisation's users")
def list_users(org_id: str, page: PageParams = Depends(), principal: Principal = Depends(get_principal),
               db: Database = Depends(get_db)) -> PageOut[UserOut]:
    with db.session() as session:
        result = orgs.list_users(session, principal, org_id, cursor=page.cursor, limit=page.limit)
        return PageOut.of(result, UserOut.from_row)


@router.post("/{org_id}/users", status_code=201, response_model=UserOut, summary="Add a user (admin scope)")
def create_user(org_id: str, body: UserIn, principal: Principal = Depends(get_principal),
                db: Database = Depends(get_db), idem: Idempotency = Depends(idempotency)
                ) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        user = orgs.create_user(session, principal, org_id, email=body.email, name=body.name)
        return idem.respond(session, 201, UserOut.from_row(user))


@router.get("/{org_id}/keys", response_model=PageOut[KeyOut], summary="API keys (never their secrets)")
def list_keys(org_id: str, page: PageParams = Depends(), principal: Principal = Depends(get_principal),
              db: Database = Depends(get_db)) -> PageOut[KeyOut]:
    with db.session() as session:
        result = orgs.list_keys(session, principal, org_id, cursor=page.cursor, limit=page.limit)
        return PageOut.of(result, KeyOut.from_row)


@router.post("/{org_id}/keys", status_code=201, response_model=IssuedKeyOut,
             summary="Issue an API key (admin scope); the token is shown once")
def create_key(org_id: str, body: KeyIn, principal: Principal = Depends(get_principal),
               db: Database = Depends(get_db)) -> JSONResponse:
    with db.write_session() as session:
        issued = orgs.create_key(session, principal, org_id, scope=body.scope, expires_at=body.expires_at,
                                 label=body.label, user_id=body.user_id)
        session.commit()
        out = IssuedKeyOut(**KeyOut.from_row(issued.key).model_dump(), token=issued.token)
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers={"Cache-Control": "no-store"})


@router.delete("/{org_id}/keys/{key_id}", status_code=204, summary="Revoke an API key (admin scope)")
def revoke_key(org_id: str, key_id: str, principal: Principal = Depends(get_principal),
               db: Database = Depends(get_db)) -> Response:
    with db.write_session() as session:
        orgs.revoke_key(session, principal, org_id, key_id)
        session.commit()
        return Response(status_code=204)


@router.get("/{org_id}/audit", response_model=PageOut[AuditOut], summary="Audit log, newest first (admin)")
def list_audit(org_id: str, page: PageParams = Depends(), principal: Principal = Depends(get_principal),
               db: Database = Depends(get_db)) -> PageOut[AuditOut]:
    with db.session() as session:
        result = orgs.list_audit(session, principal, org_id, cursor=page.cursor, limit=page.limit)
        return PageOut.of(result, AuditOut.from_row)
