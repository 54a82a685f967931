"""Tracking tables: events (all versions), webhook subscriptions and the webhook outbox.

Revision ID: 0003_tracking
Revises: 0001_platform
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_tracking"
down_revision: str | Sequence[str] | None = "0001_platform"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(160), nullable=False),
        sa.Column("version", sa.String(27), nullable=False),
        sa.Column("content_key", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(10), nullable=False),
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("classifier", sa.String(3), nullable=False),
        sa.Column("event_time", sa.String(27), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("container", sa.String(11), nullable=True),
        sa.Column("shipment", sa.String(100), nullable=True),
        sa.Column("locode", sa.String(5), nullable=True),
        sa.Column("facility", sa.String(200), nullable=True),
        sa.Column("service", sa.String(80), nullable=True),
        sa.Column("departure", sa.String(100), nullable=True),
        sa.Column("mode", sa.String(10), nullable=True),
        sa.Column("operator", sa.String(80), nullable=True),
        sa.Column("org_id", sa.String(40), nullable=True),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.String(27), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint("content_key", name=op.f("uq_tracking_events_content_key")),
        sa.UniqueConstraint("event_id", "version", name=op.f("uq_tracking_events_event_id")),
    )
    op.create_index("ix_tracking_events_container_time", "tracking_events", ["container", "event_time"])
    named = sa.text("shipment IS NOT NULL")
    op.create_index("ix_tracking_events_shipment_time", "tracking_events", ["shipment", "event_time"],
                    sqlite_where=named, postgresql_where=named)
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("event_types", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_index(op.f("ix_webhook_subscriptions_org_id"), "webhook_subscriptions", ["org_id"])
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.String(40), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.String(27), nullable=False),
        sa.Column("delivered_at", sa.String(27), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_outbox")),
        sa.UniqueConstraint("subscription_id", "event_seq", name=op.f("uq_webhook_outbox_subscription_id")),
    )
    op.create_index(op.f("ix_webhook_outbox_subscription_id"), "webhook_outbox", ["subscription_id"])
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["delivered_at", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("webhook_outbox")
    op.drop_table("webhook_subscriptions")
    op.drop_table("tracking_events")
