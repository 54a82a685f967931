"""Webhook subscriptions: an organisation asks for tracking events to be POSTed to its URL.

Deliveries are signed (`Notification-Signature: sha256=<HMAC-SHA256 of the body>` with the secret
returned once, at creation) and retried from a persisted outbox; see `karvan.tracking.webhooks`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Response
from pydantic import BaseModel, Field, HttpUrl

from karvan.api.auth import require_scope
from karvan.api.deps import get_db
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.errors import NotFoundError
from karvan.store.db import Database
from karvan.tenancy.principal import Principal
from karvan.tracking import outbox
from karvan.tracking.model import EventType
from karvan.tracking.webhooks import Deliverer

BACKOFF_ENV = "KARVAN_WEBHOOK_BACKOFF_S"
"""First retry delay in seconds (doubling after each failure); default 1."""


def webhook_deliverer(app: FastAPI) -> Deliverer:
    """The app's delivery worker, started on first use (the lifespan stops it)."""
    deliverer: Deliverer | None = getattr(app.state, "webhook_deliverer", None)
    if deliverer is None:
        base_s = float(os.environ.get(BACKOFF_ENV) or 1.0)
        deliverer = app.state.webhook_deliverer = Deliverer(app.state.db, backoff_base_s=base_s)
        deliverer.start()
    return deliverer


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    webhook_deliverer(app)  # deliver what the outbox still holds from before a restart
    yield
    app.state.webhook_deliverer.stop()


router = APIRouter(prefix="/webhooks", tags=["tracking"], responses=PROBLEM_RESPONSES, lifespan=_lifespan)


class SubscriptionIn(BaseModel):
    url: HttpUrl
    event_types: list[EventType] = Field(default_factory=list, description="empty: every type")
    secret: str | None = Field(None, min_length=16, max_length=200,
                               description="shared secret for the signature; generated if omitted")


class SubscriptionOut(BaseModel):
    id: str
    url: str
    event_types: list[str]


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="shown only once")


@router.post("", status_code=201, response_model=SubscriptionCreated, summary="Subscribe to tracking events")
def create(body: SubscriptionIn, principal: Principal = Depends(require_scope("write")),
           db: Database = Depends(get_db)) -> SubscriptionCreated:
    with db.write_session() as session:
        sub = outbox.subscribe(session, principal.org_id, str(body.url), body.event_types, body.secret)
        session.commit()
    return SubscriptionCreated(id=sub.id, url=sub.url, event_types=list(sub.event_types), secret=sub.secret)


@router.get("", response_model=list[SubscriptionOut], summary="The organisation's subscriptions")
def list_subscriptions(principal: Principal = Depends(require_scope("read")),
                       db: Database = Depends(get_db)) -> list[SubscriptionOut]:
    with db.session() as session:
        return [SubscriptionOut(id=s.id, url=s.url, event_types=list(s.event_types))
                for s in outbox.subscriptions(session, principal.org_id)]


@router.delete("/{subscription_id}", status_code=204, summary="Stop a subscription")
def delete(subscription_id: str, principal: Principal = Depends(require_scope("write")),
           db: Database = Depends(get_db)) -> Response:
    with db.write_session() as session:
        if not outbox.unsubscribe(session, principal.org_id, subscription_id):
            raise NotFoundError(f"no subscription {subscription_id}")
        session.commit()
        return Response(status_code=204)
