"""Tables of the documents capability: consignment note versions, the places and railways of each note,
their lifecycle events, the organisations' signing keys and the places whose documents a customs or
railway organisation reads.

Nothing here is updated in place: an amendment is a new version row, and issue, border handover and
delivery are appended events that carry the hash of the version they concern.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from karvan.store.db import Base, UTCDateTime, utc_now
from karvan.store.models import new_id


class SigningKeyRow(Base):
    """An organisation's Ed25519 key; the private half never leaves the platform's database."""

    __tablename__ = "document_signing_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    public_key_b64: Mapped[str] = mapped_column(String(64))
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class NoteVersionRow(Base):
    __tablename__ = "consignment_note_versions"
    __table_args__ = (UniqueConstraint("note_number", "version"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("cnv"))
    note_number: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by: Mapped[str] = mapped_column(String(80))
    instructions: Mapped[dict[str, Any]] = mapped_column(JSON)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))


class NotePlaceRow(Base):
    """A place a note's consignment passes: what customs and railway readers are matched on."""

    __tablename__ = "consignment_note_places"

    note_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    place_code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class NoteCarrierRow(Base):
    """A railway (operator code) carrying a section of a note's consignment: it reads the note."""

    __tablename__ = "consignment_note_carriers"

    note_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    operator_code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class NoteEventRow(Base):
    """Issued, handed over at a border (XCNH) or delivered: who, where, and the hash of the version."""

    __tablename__ = "consignment_note_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    note_number: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    org_id: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(100), nullable=True)
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    place_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    railway: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ReaderPlaceRow(Base):
    """A place whose consignments' documents a customs or railway organisation may read."""

    __tablename__ = "document_reader_places"

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    place_code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
