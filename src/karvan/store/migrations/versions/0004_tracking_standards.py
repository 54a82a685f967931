"""Tracking as the standards publish it: DCSA 3.0.0 free-text event ids (up to 500 characters), EPCIS
`OTHER` events, coordinates, and the identifiers (SSCC, SGTIN...) events name.

Revision ID: 0004_tracking_standards
Revises: 0003_tracking
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_tracking_standards"
down_revision: str | Sequence[str] | None = "0003_tracking"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WIDER = (("event_id", 160, 500), ("code", 4, 10), ("shipment", 100, 200), ("facility", 200, 500),
          ("service", 80, 100))
"""(column, old length, new length) of the text columns that the standards allow longer values in."""


def upgrade() -> None:
    with op.batch_alter_table("tracking_events") as batch:
        for column, old, new in _WIDER:
            batch.alter_column(column, type_=sa.String(new), existing_type=sa.String(old))
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))
    op.create_table(
        "tracking_event_identifiers",
        sa.Column("identifier", sa.String(500), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("identifier", "event_seq", name=op.f("pk_tracking_event_identifiers")),
    )


def downgrade() -> None:
    op.drop_table("tracking_event_identifiers")
    with op.batch_alter_table("tracking_events") as batch:
        batch.drop_column("longitude")
        batch.drop_column("latitude")
        for column, old, new in _WIDER:
            batch.alter_column(column, type_=sa.String(old), existing_type=sa.String(new))
