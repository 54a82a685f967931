"""The platform tables: organisations, the network operators they own, users, API keys, departures,
the audit log and stored idempotent responses.

Ids are opaque strings with a type prefix (`org_…`, `dep_…`) so that they cannot be enumerated and
read well in logs. Other capabilities define their own tables on the same `Base` in their own modules
and migrations; they may reference `organisations.id` and `departures.id`.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from karvan.store.db import Base, UTCDateTime, utc_now


def new_id(prefix: str) -> str:
    """An opaque id such as `org_5f3c…`: 16 random bytes, hex."""
    return f"{prefix}_{secrets.token_hex(16)}"


class OrgKind(StrEnum):
    SHIPPER = "shipper"
    FORWARDER = "forwarder"
    RAILWAY = "railway"
    PORT = "port"
    FERRY_LINE = "ferry_line"
    CORRIDOR_ADMIN = "corridor_admin"
    CUSTOMS = "customs"

    @property
    def is_operator(self) -> bool:
        """Operator kinds own network operator codes and publish services' departures."""
        return self in (OrgKind.RAILWAY, OrgKind.PORT, OrgKind.FERRY_LINE)


class Scope(StrEnum):
    """What an API key may do; each level includes the ones before it."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"

    @property
    def granted(self) -> frozenset[Scope]:
        order = list(Scope)
        return frozenset(order[: order.index(self) + 1])


class DepartureStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("org"))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    operators: Mapped[list[OrganisationOperator]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin",
        order_by="OrganisationOperator.operator_code")

    @property
    def operator_codes(self) -> list[str]:
        return [o.operator_code for o in self.operators]


class OrganisationOperator(Base):
    """A network operator code (e.g. KTZ) and the one organisation that manages its services."""

    __tablename__ = "organisation_operators"

    operator_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="operators")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("usr"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class ApiKey(Base):
    """An API key: only its lookup prefix and the SHA-256 of the whole token are kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("key"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Departure(Base):
    """One dated run of a network service, published by the organisation owning the service's operator.

    `booked_teu` belongs to the booking capability: it changes it only with a single conditional
    UPDATE (`booked_teu = booked_teu + n WHERE booked_teu + n <= capacity_teu`), so that concurrent
    bookings can never overbook; the check constraint is the last line of defence.
    """

    __tablename__ = "departures"
    __table_args__ = (
        UniqueConstraint("service_id", "departs_at"),
        CheckConstraint("capacity_teu >= 0", name="capacity_non_negative"),
        CheckConstraint("booked_teu >= 0 AND booked_teu <= capacity_teu", name="booked_within_capacity"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dep"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    operator_code: Mapped[str] = mapped_column(String(40), index=True)
    service_id: Mapped[str] = mapped_column(String(80), index=True)
    origin: Mapped[str] = mapped_column(String(10))
    destination: Mapped[str] = mapped_column(String(10))
    departs_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    capacity_teu: Mapped[int] = mapped_column(Integer)
    booked_teu: Mapped[int] = mapped_column(Integer, default=0)
    reefer_plugs: Mapped[int] = mapped_column(Integer, default=0)
    booked_reefer_plugs: Mapped[int] = mapped_column(Integer, default=0)  # added by migration 0002_booking
    dangerous_goods: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=DepartureStatus.SCHEDULED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class AuditEntry(Base):
    """Who changed what: one row per accepted change, written in the same transaction as the change."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    org_id: Mapped[str | None] = mapped_column(String(40), index=True, nullable=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IdempotencyRecord(Base):
    """The response first given to a POST carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_keys"

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
