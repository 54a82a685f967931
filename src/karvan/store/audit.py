"""Writing the audit log, in the caller's transaction so a change and its record commit together.

An entry is inserted at once with a Core statement rather than added to the session for its next flush:
on the booking path the ORM's flush of two entries cost more than the booking's own statements
(measured), and entries keep the order in which they were recorded.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from karvan.store.models import AuditEntry

_INSERT = insert(cast(Table, AuditEntry.__table__))


def record(session: Session, *, org_id: str | None, actor: str, action: str, entity: str,
           entity_id: str, detail: dict[str, Any] | None = None) -> None:
    session.execute(_INSERT, {"org_id": org_id or None, "actor": actor, "action": action, "entity": entity,
                              "entity_id": entity_id, "detail": detail or {}})
