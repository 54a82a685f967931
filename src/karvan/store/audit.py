"""Writing the audit log, in the caller's transaction so a change and its record commit together."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from karvan.store.models import AuditEntry


def record(session: Session, *, org_id: str | None, actor: str, action: str, entity: str,
           entity_id: str, detail: dict[str, Any] | None = None) -> None:
    session.add(AuditEntry(org_id=org_id or None, actor=actor, action=action, entity=entity,
                           entity_id=entity_id, detail=detail or {}))
