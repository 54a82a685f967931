"""Demo tenants for a fresh installation, so `make run` can be signed into at once.

The demo creates, when missing, one organisation per role the web application has pages for, and
issues a new key for each at every start (keys are stored only as hashes, so old ones cannot be shown
again; they stay valid until revoked).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.store.models import Organisation, OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal


@dataclass(frozen=True)
class DemoTenant:
    name: str
    kind: OrgKind
    operators: tuple[str, ...] = ()


DEMO_TENANTS = (
    DemoTenant("Demo Corridor Administration", OrgKind.CORRIDOR_ADMIN),
    DemoTenant("Demo Silk Road Forwarding", OrgKind.FORWARDER),
    DemoTenant("Demo Kazakhstan Railways (KTZ)", OrgKind.RAILWAY, ("KTZ",)),
    DemoTenant("Demo Azerbaijan Railways (ADY)", OrgKind.RAILWAY, ("ADY",)),
    DemoTenant("Demo Caspian Shipping (ASCO)", OrgKind.FERRY_LINE, ("ASCO",)),
)


def ensure_demo_tenants(session: Session, known_operators: set[str]) -> dict[str, str]:
    """Create the demo organisations that are missing; return a fresh write-scope key per name."""
    tokens: dict[str, str] = {}
    system = Principal.system()
    for tenant in DEMO_TENANTS:
        org = session.scalar(select(Organisation).where(Organisation.name == tenant.name))
        if org is None:
            operators = [code for code in tenant.operators if code in known_operators]
            org = orgs.create_org(session, system, name=tenant.name, kind=tenant.kind,
                                  operator_codes=operators, known_operators=known_operators)
        scope = Scope.ADMIN if tenant.kind is OrgKind.CORRIDOR_ADMIN else Scope.WRITE
        issued = orgs.create_key(session, system, org.id, scope=scope, label="karvan demo")
        tokens[tenant.name] = issued.token
    return tokens
