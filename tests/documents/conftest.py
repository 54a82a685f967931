"""Fixtures of the documents tests: the corridor of `doc_corridor` and organisations."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from doc_corridor import corridor

from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal


@pytest.fixture
def network() -> Network:
    return corridor()


@pytest.fixture
def api_network() -> Network:
    return corridor()


@pytest.fixture
def org_factory(db: Database) -> Callable[..., Principal]:
    """Organisations made through the tenancy core, as principals holding a write key."""
    def make(kind: OrgKind = OrgKind.SHIPPER, operators: tuple[str, ...] = (),
             actor: str = "test") -> Principal:
        with db.write_session() as session:
            org = orgs.create_org(session, Principal.system(), name=f"{kind.value}-{uuid.uuid4().hex[:8]}",
                                  kind=kind, operator_codes=operators)
            session.commit()
            org_id = org.id
        return Principal(org_id=org_id, org_kind=kind, scopes=Scope.WRITE.granted,
                         operator_codes=frozenset(operators), actor=actor)

    return make
