"""Tables of the tracking capability: stored events (every version, never deleted), webhook
subscriptions and the webhook outbox.

Event times are stored as fixed-width UTC text (`2026-05-04T03:00:00.000000Z`), which sorts as time
does on both databases and costs nothing to index; the offset the event was reported with is kept in
`offset_minutes` so exports give the time back as it was sent.

Indexes are few on purpose: every index costs on bulk import (the two identity unique indexes, container
and time for tracking, shipment and time where a shipment is named). On SQLite, filters on place or
storage time scan in sequence order and stop at the page size.

On PostgreSQL (migration 0005) the table is partitioned by month of event time, for years of events:
its primary key is (seq, event_time), as a partitioned table's keys must hold the partition key, and it
has place and storage-time indexes, built per partition. Uniqueness across all partitions cannot live on
the partitioned table, so the identity rule (`(event_id, version)` and `content_key` each unique) and the
sequence number live in `tracking_event_keys`, one narrow row per stored event; see
`karvan.tracking.pg_events` (both tables draw `seq` from one sequence; a row written straight into
`tracking_events`, as some test fixtures do, skips the identity check). `POSTGRESQL_ONLY` and
`SQLITE_ONLY` name the schema objects of each shape.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from karvan.store.db import Base


class EventRow(Base):
    """One version of one event. `(event_id, version)` and `content_key` are each unique."""

    __tablename__ = "tracking_events"
    __table_args__ = (
        # unique indexes, not constraints: a bulk import may drop and rebuild them (migration 0008)
        Index("uq_tracking_events_content_key", "content_key", unique=True).ddl_if(dialect="sqlite"),
        Index("uq_tracking_events_event_id", "event_id", "version", unique=True).ddl_if(dialect="sqlite"),
        Index("ix_tracking_events_container_time", "container", "event_time"),
        Index("ix_tracking_events_shipment_time", "shipment", "event_time",
              sqlite_where=text("shipment IS NOT NULL"), postgresql_where=text("shipment IS NOT NULL")),
        Index("ix_tracking_events_locode", "locode", "seq").ddl_if(dialect="postgresql"),
        Index("ix_tracking_events_received_at", "received_at").ddl_if(dialect="postgresql"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(27), default="")
    content_key: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(10))
    classifier: Mapped[str] = mapped_column(String(3))
    event_time: Mapped[str] = mapped_column(String(27))
    offset_minutes: Mapped[int] = mapped_column(Integer, default=0)
    container: Mapped[str | None] = mapped_column(String(11), nullable=True)
    shipment: Mapped[str | None] = mapped_column(String(200), nullable=True)
    locode: Mapped[str | None] = mapped_column(String(5), nullable=True)
    facility: Mapped[str | None] = mapped_column(String(500), nullable=True)
    service: Mapped[str | None] = mapped_column(String(100), nullable=True)
    departure: Mapped[str | None] = mapped_column(String(100), nullable=True)
    mode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    operator: Mapped[str | None] = mapped_column(String(80), nullable=True)
    org_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    retracted: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[str] = mapped_column(String(27))
    body: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: references, routing, other identifiers, type-specific details, source format, and the event
    exactly as a standard document gave it (`original`)."""
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    """Where the event happened when the reporter gave coordinates (DCSA geoCoordinate, EPCIS geo: URI)."""


class EventIdentifierRow(Base):
    """Which stored events name an identifier other than a container (an SSCC, an SGTIN...), so a
    logistic unit can be tracked by its own number (canonical form, `tracking.formats.epc`)."""

    __tablename__ = "tracking_event_identifiers"

    identifier: Mapped[str] = mapped_column(String(500), primary_key=True)
    event_seq: Mapped[int] = mapped_column(Integer, primary_key=True)


class EventKeyRow(Base):
    """PostgreSQL only: the identity of every stored event, unique across all partitions."""

    __tablename__ = "tracking_event_keys"
    __table_args__ = (UniqueConstraint("event_id", "version"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_key: Mapped[str] = mapped_column(String(32), unique=True)
    event_id: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(27))


EVENT_PARTITION_PREFIX = "tracking_events_p"
"""Monthly partitions are named `tracking_events_p2026_03`; the catch-all one `tracking_events_pdefault`."""

POSTGRESQL_ONLY = frozenset({"tracking_event_keys", "ix_tracking_events_locode",
                             "ix_tracking_events_received_at"})
SQLITE_ONLY = frozenset({"uq_tracking_events_content_key", "uq_tracking_events_event_id"})
"""Schema objects that exist on one database only (on PostgreSQL uniqueness moves to the key table)."""


class WebhookSubscriptionRow(Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    event_types: Mapped[str] = mapped_column(String(200), default="")
    """Comma-separated event types (EQUIPMENT, TRANSPORT...); empty means all."""
    created_at: Mapped[str] = mapped_column(String(27))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class WebhookDeliveryRow(Base):
    """The outbox: one row per (subscription, event), written in the event's transaction."""

    __tablename__ = "webhook_outbox"
    __table_args__ = (UniqueConstraint("subscription_id", "event_seq"),
                      Index("ix_webhook_outbox_due", "delivered_at", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(String(40), index=True)
    event_seq: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[str] = mapped_column(String(27))
    delivered_at: Mapped[str | None] = mapped_column(String(27), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")


class RaisedExceptionRow(Base):
    """An exception raised for one cause of one container (`karvan.tracking.raised`): kept so that a cause
    is told once, however often the track is read or recomputed."""

    __tablename__ = "tracking_exceptions"
    __table_args__ = (UniqueConstraint("container", "cause"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    container: Mapped[str] = mapped_column(String(11))
    cause: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    locode: Mapped[str | None] = mapped_column(String(5), nullable=True)
    raised_at: Mapped[str] = mapped_column(String(27))
