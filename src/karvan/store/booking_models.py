"""Tables of the booking capability: quotes, shipments and their containers, bookings and their legs.

Every row carries `org_id`: the organisation that owns it, the only one that sees it. A booking's legs
point at the platform's `departures` rows whose `booked_teu` / `booked_reefer_plugs` they hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from karvan.store.db import Base, UTCDateTime, utc_now
from karvan.store.models import new_id


class QuoteRow(Base):
    """Priced itineraries for one request, valid until `valid_until`."""

    __tablename__ = "quotes"
    __table_args__ = (Index("ix_quotes_org_created", "org_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("quo"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by: Mapped[str] = mapped_column(String(80))
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    itineraries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class ShipmentRow(Base):
    __tablename__ = "shipments"
    __table_args__ = (Index("ix_shipments_org_created", "org_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("shp"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by: Mapped[str] = mapped_column(String(80))
    reference: Mapped[str] = mapped_column(String(80), default="")
    parties: Mapped[dict[str, Any]] = mapped_column(JSON)

    containers: Mapped[list[ShipmentContainerRow]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", lazy="selectin",
        order_by="ShipmentContainerRow.position")


class ShipmentContainerRow(Base):
    """One container of a shipment; its own table so tracking can find a shipment by container number."""

    __tablename__ = "shipment_containers"

    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(11), index=True)
    container_type: Mapped[str] = mapped_column(String(8))
    gross_kg: Mapped[float] = mapped_column(Float)
    cargo_description: Mapped[str] = mapped_column(Text)
    hs_code: Mapped[str] = mapped_column(String(10))
    dangerous_goods_class: Mapped[str | None] = mapped_column(String(4), nullable=True)
    reefer_set_point_c: Mapped[float | None] = mapped_column(Float, nullable=True)

    shipment: Mapped[ShipmentRow] = relationship(back_populates="containers")


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_org_created", "org_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("bkg"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by: Mapped[str] = mapped_column(String(80))
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.id", ondelete="RESTRICT"))
    itinerary_index: Mapped[int] = mapped_column(Integer)
    shipment_id: Mapped[str | None] = mapped_column(
        ForeignKey("shipments.id", ondelete="RESTRICT"), nullable=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    teu: Mapped[int] = mapped_column(Integer)
    reefer_plugs: Mapped[int] = mapped_column(Integer)
    dangerous_goods: Mapped[bool] = mapped_column(Boolean, default=False)
    price_usd: Mapped[float] = mapped_column(Float)
    departs_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    arrives_at: Mapped[datetime] = mapped_column(UTCDateTime())

    legs: Mapped[list[BookingLegRow]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", lazy="selectin",
        order_by="BookingLegRow.position")


class BookingLegRow(Base):
    """One leg of a booked itinerary and the departure whose slots it holds."""

    __tablename__ = "booking_legs"

    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    departure_id: Mapped[str] = mapped_column(ForeignKey("departures.id", ondelete="RESTRICT"), index=True)
    service_id: Mapped[str] = mapped_column(String(80))
    operator_code: Mapped[str] = mapped_column(String(40), index=True)
    origin: Mapped[str] = mapped_column(String(10))
    destination: Mapped[str] = mapped_column(String(10))
    departs_at: Mapped[datetime] = mapped_column(UTCDateTime())
    arrives_at: Mapped[datetime] = mapped_column(UTCDateTime())

    booking: Mapped[BookingRow] = relationship(back_populates="legs")
