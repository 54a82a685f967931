"""Tracking exceptions raised once per cause: one row per (container, cause), written when it is first raised.

Revision ID: 0007_tracking_exceptions
Revises: 0006_documents
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_tracking_exceptions"
down_revision: str | Sequence[str] | None = "0006_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_exceptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("container", sa.String(11), nullable=False),
        sa.Column("cause", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("locode", sa.String(5), nullable=True),
        sa.Column("raised_at", sa.String(27), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_exceptions")),
        sa.UniqueConstraint("container", "cause", name=op.f("uq_tracking_exceptions_container")),
    )


def downgrade() -> None:
    op.drop_table("tracking_exceptions")
