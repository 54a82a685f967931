"""Webhook subscriptions and the outbox they are delivered from.

Enqueuing happens in the transaction that stores the events, so an acknowledged event always has its
deliveries recorded; `karvan.tracking.webhooks` delivers them later, surviving restarts. A subscription
receives the events its organisation may read, of the event types it asked for.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from karvan.store.models import Organisation, OrgKind
from karvan.store.tracking_models import WebhookDeliveryRow, WebhookSubscriptionRow
from karvan.tenancy.principal import Principal
from karvan.tracking.links import visible_containers
from karvan.tracking.model import EventType, utc_text
from karvan.tracking.repository import StoredEvent


@dataclass(frozen=True)
class Subscription:
    id: str
    org_id: str
    url: str
    secret: str
    event_types: tuple[str, ...]


def _from_row(row: WebhookSubscriptionRow) -> Subscription:
    return Subscription(row.id, row.org_id, row.url, row.secret,
                        tuple(t for t in row.event_types.split(",") if t))


def subscribe(session: Session, org_id: str, url: str, event_types: Sequence[EventType] = (),
              secret: str | None = None) -> Subscription:
    row = WebhookSubscriptionRow(id=f"whs_{secrets.token_hex(12)}", org_id=org_id, url=url,
                                 secret=secret or secrets.token_urlsafe(32),
                                 event_types=",".join(t.value for t in event_types),
                                 created_at=utc_text(datetime.now(UTC)), active=True)
    session.add(row)
    session.flush()
    return _from_row(row)


def subscriptions(session: Session, org_id: str | None = None) -> list[Subscription]:
    statement = select(WebhookSubscriptionRow).where(WebhookSubscriptionRow.active.is_(True))
    if org_id is not None:
        statement = statement.where(WebhookSubscriptionRow.org_id == org_id)
    return [_from_row(r) for r in session.execute(statement.order_by(WebhookSubscriptionRow.id)).scalars()]


def unsubscribe(session: Session, org_id: str, subscription_id: str) -> bool:
    row = session.get(WebhookSubscriptionRow, subscription_id)
    if row is None or row.org_id != org_id:
        return False
    row.active = False
    return True


def _principal_of(session: Session, org_id: str) -> Principal:
    org = session.get(Organisation, org_id)
    kind = OrgKind(org.kind) if org is not None else OrgKind.SHIPPER
    return Principal(org_id=org_id, org_kind=kind, scopes=frozenset(),
                     operator_codes=frozenset(org.operator_codes if org is not None else ()))


def enqueue(session: Session, events: Sequence[StoredEvent]) -> int:
    """Record one pending delivery per (subscription, visible event); returns how many."""
    if not events:
        return 0
    subs = subscriptions(session)
    if not subs:
        return 0
    now = utc_text(datetime.now(UTC))
    rows = []
    for sub in subs:
        containers = visible_containers(session, _principal_of(session, sub.org_id))
        visible = None if containers is None else set(containers)
        for stored in events:
            if sub.event_types and stored.event.event_type.value not in sub.event_types:
                continue
            if visible is not None and stored.event.container not in visible and stored.org_id != sub.org_id:
                continue
            rows.append({"subscription_id": sub.id, "event_seq": stored.seq, "attempts": 0,
                         "next_attempt_at": now, "delivered_at": None, "last_error": ""})
    if rows:
        session.execute(insert(WebhookDeliveryRow), rows)
    return len(rows)
