"""Delivering the webhook outbox: signed POSTs, retried with backoff until the receiver takes them.

Each delivery is one event as a DCSA 3.0 body (`{"events": [event]}`), with the header
`Notification-Signature: sha256=<hex HMAC-SHA256 of the body under the subscription's secret>`.
A 2xx answer marks it delivered; anything else (or no answer) schedules a retry after
`backoff(attempts)`. A worker claims due rows by pushing their next attempt `LEASE` ahead before
sending, so several processes share the outbox without sending a row twice at once; delivery is at
least once (a crash after sending and before marking sends again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from karvan.store.db import Database
from karvan.store.tracking_models import EventRow, WebhookDeliveryRow, WebhookSubscriptionRow
from karvan.tracking.export import to_dcsa
from karvan.tracking.model import utc_text
from karvan.tracking.repository import from_row

SIGNATURE_HEADER = "Notification-Signature"
LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=10)
log = logging.getLogger("karvan.tracking.webhooks")


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)


def backoff(attempts: int, base_s: float = 1.0) -> timedelta:
    """base, 2 x base, 4 x base ... doubling per failed attempt, capped at ten minutes."""
    return min(timedelta(seconds=base_s * 2 ** min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


def _claim(db: Database, now: datetime, limit: int) -> list[int]:
    pending = select(WebhookDeliveryRow.id).where(WebhookDeliveryRow.delivered_at.is_(None),
                                                  WebhookDeliveryRow.next_attempt_at <= utc_text(now))
    with db.session() as session:  # a plain read first: most polls find nothing to do
        if session.scalar(pending.limit(1)) is None:
            return []
    with db.write_session() as session:  # on SQLite the write lock, only when there is work
        due = session.execute(pending.order_by(WebhookDeliveryRow.id).limit(limit)
                              .with_for_update(skip_locked=True)).scalars().all()
        if due:
            session.execute(update(WebhookDeliveryRow).where(WebhookDeliveryRow.id.in_(due))
                            .values(next_attempt_at=utc_text(now + LEASE)))
        session.commit()
    return list(due)


def deliver_due(db: Database, client: httpx.Client, *, now: datetime | None = None, limit: int = 50,
                backoff_base_s: float = 1.0) -> int:
    """Send every due delivery once; returns how many were delivered."""
    now = now or datetime.now(UTC)
    delivered = 0
    for delivery_id in _claim(db, now, limit):
        with db.session() as session:
            delivery = session.get(WebhookDeliveryRow, delivery_id)
            assert delivery is not None
            sub = session.get(WebhookSubscriptionRow, delivery.subscription_id)
            row = session.execute(select(EventRow.__table__)
                                  .where(EventRow.seq == delivery.event_seq)).first()
        if sub is None or row is None or not sub.active:
            outcome: str | None = "subscription gone"
        else:
            body = json.dumps({"events": [to_dcsa(from_row(row))]}, separators=(",", ":")).encode()
            try:
                response = client.post(sub.url, content=body, headers={
                    "Content-Type": "application/json", SIGNATURE_HEADER: sign(sub.secret, body)})
                outcome = None if response.is_success else f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                outcome = f"{type(error).__name__}: {error}"
        with db.write_session() as session:
            delivery = session.get(WebhookDeliveryRow, delivery_id)
            assert delivery is not None
            delivery.attempts += 1
            if outcome is None or outcome == "subscription gone":
                delivery.delivered_at = utc_text(datetime.now(UTC))
                delivery.last_error = outcome or ""
                delivered += 1 if outcome is None else 0
            else:
                delivery.last_error = outcome
                retry_at = datetime.now(UTC) + backoff(delivery.attempts, backoff_base_s)
                delivery.next_attempt_at = utc_text(retry_at)
            session.commit()
    return delivered


class Deliverer:
    """A background thread delivering the outbox every `interval_s` (and when woken)."""

    def __init__(self, db: Database, interval_s: float = 0.5, backoff_base_s: float = 1.0) -> None:
        self.db = db
        self.interval_s = interval_s
        self.backoff_base_s = backoff_base_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="karvan-webhooks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with httpx.Client(timeout=10.0) as client:
            while not self._stop.is_set():
                try:
                    while deliver_due(self.db, client, backoff_base_s=self.backoff_base_s) and \
                            not self._stop.is_set():
                        pass
                except Exception:  # keep delivering after a database or network hiccup
                    log.exception("webhook delivery round failed")
                self._wake.wait(self.interval_s)
                self._wake.clear()
