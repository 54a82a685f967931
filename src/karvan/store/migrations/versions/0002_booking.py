"""Booking tables: quotes, shipments and their containers, bookings and their legs; reefer plugs
booked on departures.

Revision ID: 0002_booking
Revises: 0001_platform
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_booking"
down_revision: str | Sequence[str] | None = "0001_platform"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("departures") as batch:
        batch.add_column(sa.Column("booked_reefer_plugs", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "quotes",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("valid_until", _TS, nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("itineraries", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE",
                                name=op.f("fk_quotes_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
    )
    op.create_index("ix_quotes_org_created", "quotes", ["org_id", "created_at", "id"])
    op.create_table(
        "shipments",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("reference", sa.String(80), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE",
                                name=op.f("fk_shipments_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
    )
    op.create_index("ix_shipments_org_created", "shipments", ["org_id", "created_at", "id"])
    op.create_table(
        "shipment_containers",
        sa.Column("shipment_id", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(11), nullable=False),
        sa.Column("container_type", sa.String(8), nullable=False),
        sa.Column("gross_kg", sa.Float(), nullable=False),
        sa.Column("cargo_description", sa.Text(), nullable=False),
        sa.Column("hs_code", sa.String(10), nullable=False),
        sa.Column("dangerous_goods_class", sa.String(4), nullable=True),
        sa.Column("reefer_set_point_c", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], ondelete="CASCADE",
                                name=op.f("fk_shipment_containers_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("shipment_id", "position", name=op.f("pk_shipment_containers")),
    )
    op.create_index(op.f("ix_shipment_containers_number"), "shipment_containers", ["number"])
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("quote_id", sa.String(40), nullable=False),
        sa.Column("itinerary_index", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.String(40), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("teu", sa.Integer(), nullable=False),
        sa.Column("reefer_plugs", sa.Integer(), nullable=False),
        sa.Column("dangerous_goods", sa.Boolean(), nullable=False),
        sa.Column("price_usd", sa.Float(), nullable=False),
        sa.Column("departs_at", _TS, nullable=False),
        sa.Column("arrives_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE",
                                name=op.f("fk_bookings_org_id_organisations")),
        sa.ForeignKeyConstraint(["quote_id"], ["quotes.id"], ondelete="RESTRICT",
                                name=op.f("fk_bookings_quote_id_quotes")),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipments.id"], ondelete="RESTRICT",
                                name=op.f("fk_bookings_shipment_id_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    op.create_index("ix_bookings_org_created", "bookings", ["org_id", "created_at", "id"])
    op.create_index(op.f("ix_bookings_status"), "bookings", ["status"])
    op.create_index(op.f("ix_bookings_departs_at"), "bookings", ["departs_at"])
    op.create_table(
        "booking_legs",
        sa.Column("booking_id", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("departure_id", sa.String(40), nullable=False),
        sa.Column("service_id", sa.String(80), nullable=False),
        sa.Column("operator_code", sa.String(40), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("destination", sa.String(10), nullable=False),
        sa.Column("departs_at", _TS, nullable=False),
        sa.Column("arrives_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE",
                                name=op.f("fk_booking_legs_booking_id_bookings")),
        sa.ForeignKeyConstraint(["departure_id"], ["departures.id"], ondelete="RESTRICT",
                                name=op.f("fk_booking_legs_departure_id_departures")),
        sa.PrimaryKeyConstraint("booking_id", "position", name=op.f("pk_booking_legs")),
    )
    op.create_index(op.f("ix_booking_legs_departure_id"), "booking_legs", ["departure_id"])
    op.create_index(op.f("ix_booking_legs_operator_code"), "booking_legs", ["operator_code"])


def downgrade() -> None:
    for table in ("booking_legs", "bookings", "shipment_containers", "shipments", "quotes"):
        op.drop_table(table)
    with op.batch_alter_table("departures") as batch:
        batch.drop_column("booked_reefer_plugs")
