"""Documents tables: signing keys, consignment note versions, their places, railways and lifecycle events, and
the places customs and railway organisations read documents for. OrgKind is a plain string column, so
the new `customs` kind needs no schema change.

Revision ID: 0006_documents
Revises: 0002_booking, 0005_event_partitions (notes refer to bookings)
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_documents"
down_revision: str | Sequence[str] | None = ("0002_booking", "0005_event_partitions")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE",
                                   name=op.f(f"fk_{table}_org_id_organisations"))


def upgrade() -> None:
    op.create_table(
        "document_signing_keys",
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("public_key_b64", sa.String(64), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _org_fk("document_signing_keys"),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_document_signing_keys")),
    )
    op.create_index(op.f("ix_document_signing_keys_org_id"), "document_signing_keys", ["org_id"])
    op.create_table(
        "consignment_note_versions",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("note_number", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("booking_id", sa.String(40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("instructions", sa.JSON(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _org_fk("consignment_note_versions"),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="RESTRICT",
                                name=op.f("fk_consignment_note_versions_booking_id_bookings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consignment_note_versions")),
        sa.UniqueConstraint("note_number", "version",
                            name=op.f("uq_consignment_note_versions_note_number")),
    )
    for column in ("note_number", "org_id", "booking_id"):
        op.create_index(op.f(f"ix_consignment_note_versions_{column}"), "consignment_note_versions", [column])
    op.create_table(
        "consignment_note_places",
        sa.Column("note_number", sa.String(40), nullable=False),
        sa.Column("place_code", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("note_number", "place_code", name=op.f("pk_consignment_note_places")),
    )
    op.create_index(op.f("ix_consignment_note_places_place_code"), "consignment_note_places", ["place_code"])
    op.create_table(
        "consignment_note_carriers",
        sa.Column("note_number", sa.String(40), nullable=False),
        sa.Column("operator_code", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("note_number", "operator_code", name=op.f("pk_consignment_note_carriers")),
    )
    op.create_index(op.f("ix_consignment_note_carriers_operator_code"), "consignment_note_carriers",
                    ["operator_code"])
    op.create_table(
        "consignment_note_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("note_number", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(100), nullable=True),
        sa.Column("key_id", sa.String(16), nullable=True),
        sa.Column("place_code", sa.String(10), nullable=True),
        sa.Column("railway", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consignment_note_events")),
    )
    op.create_index(op.f("ix_consignment_note_events_note_number"), "consignment_note_events",
                    ["note_number"])
    op.create_table(
        "document_reader_places",
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("place_code", sa.String(10), nullable=False),
        _org_fk("document_reader_places"),
        sa.PrimaryKeyConstraint("org_id", "place_code", name=op.f("pk_document_reader_places")),
    )
    op.create_index(op.f("ix_document_reader_places_place_code"), "document_reader_places", ["place_code"])


def downgrade() -> None:
    for table in ("document_reader_places", "consignment_note_events", "consignment_note_carriers",
                  "consignment_note_places",
                  "consignment_note_versions", "document_signing_keys"):
        op.drop_table(table)
