"""The consignment note's lifecycle: draft -> issued (hashed and signed) -> handed over at each border
(XCNH) -> delivered. An amendment is a new draft version; nothing is overwritten, every step is an
appended row plus an entry in the owner's audit log.

Who may do what:
- the booking's shipper drafts, amends and issues (the note is signed with its organisation's key);
- the railway taking a consignment over at a border records the handover; the railway of the last rail
  section records delivery;
- the shipper, the railways carrying a section, and customs or railway organisations registered for a
  place the consignment passes read the note; others are told it does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from karvan.booking.bookings import get_booking
from karvan.booking.shipments import get_shipment
from karvan.documents.build import ConsignorInstructions, build_note
from karvan.documents.model import Consignment, NoteStatus
from karvan.documents.signing import new_key_pair, sha256_hex, sign, verify
from karvan.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from karvan.network.network import Network
from karvan.store import audit
from karvan.store.booking_models import BookingRow
from karvan.store.db import utc_now
from karvan.store.documents_models import (
    NoteCarrierRow,
    NoteEventRow,
    NotePlaceRow,
    NoteVersionRow,
    ReaderPlaceRow,
    SigningKeyRow,
)
from karvan.store.models import OrgKind, Scope, new_id
from karvan.tenancy.principal import Principal

XCNH = "XCNH"
"""The tracking code of a border handover of the note (see karvan.tracking.codes)."""


class NoteEvent(BaseModel):
    kind: str
    version: int
    at: datetime
    org_id: str
    actor: str
    sha256: str
    place: str | None = None
    railway: str | None = None
    key_id: str | None = None
    signature: str | None = None


class ConsignmentNote(BaseModel):
    """One version of a note with its status and signature, as its readers see it."""

    note_number: str
    version: int
    latest_version: int
    status: NoteStatus
    sha256: str
    signature: str | None
    key_id: str | None
    public_key: str | None
    consignment: Consignment
    events: list[NoteEvent]


class Verification(BaseModel):
    """What the public verification page shows: validity and hash, no commercial data."""

    note_number: str
    version: int
    status: NoteStatus
    sha256: str
    valid: bool
    reason: str
    key_id: str | None
    public_key: str | None
    issued_at: datetime | None


def signing_key(session: Session, org_id: str) -> SigningKeyRow:
    """The organisation's signing key, made on first use."""
    row = session.scalars(select(SigningKeyRow).where(SigningKeyRow.org_id == org_id)
                          .order_by(SigningKeyRow.created_at)).first()
    if row is None:
        pair = new_key_pair()
        row = SigningKeyRow(key_id=pair.key_id, org_id=org_id, public_key_b64=pair.public_b64,
                            private_key_pem=pair.private_pem.decode())
        session.add(row)
        session.flush()
    return row


def _versions(session: Session, note_number: str) -> list[NoteVersionRow]:
    rows = list(session.scalars(select(NoteVersionRow).where(NoteVersionRow.note_number == note_number)
                                .order_by(NoteVersionRow.version)))
    if not rows:
        raise NotFoundError(f"no consignment note {note_number!r} visible to your organisation")
    return rows


def _events(session: Session, note_number: str) -> list[NoteEventRow]:
    return list(session.scalars(select(NoteEventRow).where(NoteEventRow.note_number == note_number)
                                .order_by(NoteEventRow.id)))


def _status(events: list[NoteEventRow], version: int) -> NoteStatus:
    kinds = [e.kind for e in events if e.version == version]
    if not kinds:
        return NoteStatus.DRAFT
    return {"issued": NoteStatus.ISSUED, XCNH: NoteStatus.HANDED_OVER,
            "delivered": NoteStatus.DELIVERED}[kinds[-1]]


def _may_read(session: Session, principal: Principal, owner: str, consignment: Consignment) -> bool:
    if principal.org_id == owner or (principal.is_corridor_admin and not principal.org_id):
        return True
    if any(principal.manages_operator(c) for c in consignment.railways):
        return True
    if principal.org_kind not in (OrgKind.CUSTOMS, OrgKind.RAILWAY):
        return False
    watched = set(session.scalars(select(ReaderPlaceRow.place_code)
                                  .where(ReaderPlaceRow.org_id == principal.org_id)))
    return bool(watched & consignment.place_ids)


def _view(session: Session, principal: Principal, note_number: str,
          version: int | None = None) -> ConsignmentNote:
    rows = _versions(session, note_number)
    latest = rows[-1]
    consignment = Consignment.model_validate(latest.body)
    if not _may_read(session, principal, latest.org_id, consignment):
        raise NotFoundError(f"no consignment note {note_number!r} visible to your organisation")
    chosen = latest if version is None else next((r for r in rows if r.version == version), None)
    if chosen is None:
        raise NotFoundError(f"consignment note {note_number} has versions 1 to {latest.version}")
    events = _events(session, note_number)
    issued = next((e for e in events if e.version == chosen.version and e.kind == "issued"), None)
    key = session.get(SigningKeyRow, issued.key_id) if issued and issued.key_id else None
    return ConsignmentNote(
        note_number=note_number, version=chosen.version, latest_version=latest.version,
        status=_status(events, chosen.version), sha256=chosen.sha256,
        signature=issued.signature if issued else None, key_id=issued.key_id if issued else None,
        public_key=key.public_key_b64 if key else None,
        consignment=Consignment.model_validate(chosen.body),
        events=[NoteEvent(kind=e.kind, version=e.version, at=e.at, org_id=e.org_id, actor=e.actor,
                          sha256=e.sha256, place=e.place_code, railway=e.railway, key_id=e.key_id,
                          signature=e.signature) for e in events])


def get_note(session: Session, principal: Principal, note_number: str,
             version: int | None = None) -> ConsignmentNote:
    principal.require_scope(Scope.READ)
    return _view(session, principal, note_number, version)


def note_for_booking(session: Session, booking_id: str) -> str | None:
    return session.scalars(select(NoteVersionRow.note_number)
                           .where(NoteVersionRow.booking_id == booking_id)).first()


def _add_version(session: Session, principal: Principal, network: Network, booking_id: str,
                 note_number: str, version: int, instructions: ConsignorInstructions) -> ConsignmentNote:
    booking = get_booking(session, principal, booking_id)
    shipment = get_shipment(session, principal, booking.shipment_id) if booking.shipment_id else None
    consignment = build_note(booking, shipment, network, instructions, issuer_org_id=principal.org_id,
                             note_number=note_number, version=version)
    digest = sha256_hex(consignment)
    session.add(NoteVersionRow(note_number=note_number, version=version, org_id=principal.org_id,
                               booking_id=booking_id, created_by=principal.actor,
                               instructions=instructions.model_dump(mode="json"),
                               body=consignment.model_dump(mode="json"), sha256=digest))
    places = set(session.scalars(select(NotePlaceRow.place_code)
                                 .where(NotePlaceRow.note_number == note_number)))
    session.add_all(NotePlaceRow(note_number=note_number, place_code=p)
                    for p in sorted(consignment.place_ids - places))
    carriers = set(session.scalars(select(NoteCarrierRow.operator_code)
                                   .where(NoteCarrierRow.note_number == note_number)))
    session.add_all(NoteCarrierRow(note_number=note_number, operator_code=c)
                    for c in consignment.railways if c not in carriers)
    session.flush()
    audit.record(session, org_id=principal.org_id, actor=principal.actor,
                 action="consignment_note.draft" if version == 1 else "consignment_note.amend",
                 entity="consignment_note", entity_id=note_number,
                 detail={"version": version, "sha256": digest, "booking_id": booking_id})
    return _view(session, principal, note_number, version)


def _own_booking(session: Session, principal: Principal, booking_id: str) -> None:
    row = session.get(BookingRow, booking_id)
    if row is None or row.org_id != principal.org_id:
        raise NotFoundError(f"no booking {booking_id!r} in your organisation")


def draft_note(session: Session, network: Network, principal: Principal, booking_id: str,
               instructions: ConsignorInstructions) -> ConsignmentNote:
    """Version 1 of the note of one of the principal's confirmed bookings (the caller commits)."""
    principal.require_scope(Scope.WRITE)
    _own_booking(session, principal, booking_id)
    existing = note_for_booking(session, booking_id)
    if existing is not None:
        raise ConflictError(f"booking {booking_id} already has consignment note {existing}; amend it")
    return _add_version(session, principal, network, booking_id, new_id("cn"), 1, instructions)


def amend_note(session: Session, network: Network, principal: Principal, note_number: str,
               instructions: ConsignorInstructions) -> ConsignmentNote:
    """A new draft version with new instructions; earlier versions and their signatures stay."""
    principal.require_scope(Scope.WRITE)
    latest = _owned_latest(session, principal, note_number)
    if _status(_events(session, note_number), latest.version) is NoteStatus.DELIVERED:
        raise ConflictError(f"consignment note {note_number} is delivered; it can no longer be amended")
    return _add_version(session, principal, network, latest.booking_id, note_number, latest.version + 1,
                        instructions)


def _owned_latest(session: Session, principal: Principal, note_number: str) -> NoteVersionRow:
    latest = _versions(session, note_number)[-1]
    if latest.org_id != principal.org_id:
        raise NotFoundError(f"no consignment note {note_number!r} in your organisation")
    return latest


def _append(session: Session, principal: Principal, row: NoteVersionRow, kind: str, now: datetime,
            **fields: str | None) -> None:
    session.add(NoteEventRow(note_number=row.note_number, version=row.version, kind=kind,
                             at=now.astimezone(UTC), org_id=principal.org_id, actor=principal.actor,
                             sha256=row.sha256, **fields))
    session.flush()
    audit.record(session, org_id=row.org_id, actor=principal.actor, action=f"consignment_note.{kind.lower()}",
                 entity="consignment_note", entity_id=row.note_number,
                 detail={"version": row.version, "sha256": row.sha256, "by_org": principal.org_id,
                         **{k: v for k, v in fields.items() if k in ("place_code", "railway")}})


def issue_note(session: Session, principal: Principal, note_number: str,
               *, now: datetime | None = None) -> ConsignmentNote:
    """Sign the latest version with the organisation's key; it becomes the note in force."""
    principal.require_scope(Scope.WRITE)
    latest = _owned_latest(session, principal, note_number)
    if _status(_events(session, note_number), latest.version) is not NoteStatus.DRAFT:
        raise ConflictError(f"version {latest.version} of consignment note {note_number} is already issued")
    key = signing_key(session, principal.org_id)
    body = Consignment.model_validate(latest.body)
    if sha256_hex(body) != latest.sha256:
        raise ConflictError(f"consignment note {note_number} version {latest.version} does not match its "
                            "stored hash; it was altered outside Karvan")
    signature = sign(body, key.private_key_pem.encode())
    _append(session, principal, latest, "issued", now or utc_now(), signature=signature, key_id=key.key_id)
    return _view(session, principal, note_number)


def _issued_latest(session: Session, note_number: str) -> tuple[NoteVersionRow, Consignment]:
    rows = _versions(session, note_number)
    events = _events(session, note_number)
    issued = [r for r in rows if _status(events, r.version) is not NoteStatus.DRAFT]
    if not issued:
        raise ConflictError(f"consignment note {note_number} is not issued yet")
    status = _status(events, issued[-1].version)
    if status is NoteStatus.DELIVERED:
        raise ConflictError(f"consignment note {note_number} is already delivered")
    return issued[-1], Consignment.model_validate(issued[-1].body)


def hand_over(session: Session, principal: Principal, note_number: str, *, place: str, railway: str,
              now: datetime | None = None) -> ConsignmentNote:
    """Record the XCNH event: at `place`, `railway` (managed by the principal) takes the consignment over."""
    principal.require_scope(Scope.WRITE)
    row, consignment = _issued_latest(session, note_number)
    if not principal.manages_operator(railway):
        raise PermissionDeniedError(f"your organisation does not manage railway {railway}; the railway "
                                    "taking the consignment over records the handover")
    starts = [s for s in consignment.carrier_sections[1:]
              if s.carrier_id == railway and s.departure_location.id == place]
    if not starts:
        sections = ", ".join(f"{s.carrier_id} from {s.departure_location.id}"
                             for s in consignment.carrier_sections[1:])
        raise InputError(f"{railway} takes over no section at {place}", field="place",
                         fix=f"use one of the later sections: {sections}")
    _append(session, principal, row, XCNH, now or utc_now(), place_code=place, railway=railway)
    return _view(session, principal, note_number)


def deliver(session: Session, principal: Principal, note_number: str,
            *, now: datetime | None = None) -> ConsignmentNote:
    """The railway of the last rail section records delivery at the destination."""
    principal.require_scope(Scope.WRITE)
    row, consignment = _issued_latest(session, note_number)
    last = consignment.railways[-1] if consignment.railways else None
    if last is None or not principal.manages_operator(last):
        raise PermissionDeniedError(f"only the railway of the last section ({last}) records delivery")
    _append(session, principal, row, "delivered", now or utc_now(),
            place_code=consignment.destination_location.id, railway=last)
    return _view(session, principal, note_number)


def readable_notes(session: Session, principal: Principal, *, booking_id: str | None = None) -> list[str]:
    """Numbers of the notes the principal may read (its own, its railways', its places'), optionally
    only the note of one booking."""
    principal.require_scope(Scope.READ)
    own = select(NoteVersionRow.note_number).where(NoteVersionRow.org_id == principal.org_id)
    places = select(ReaderPlaceRow.place_code).where(ReaderPlaceRow.org_id == principal.org_id)
    at_places = select(NotePlaceRow.note_number).where(NotePlaceRow.place_code.in_(places))
    carried = select(NoteCarrierRow.note_number).where(
        NoteCarrierRow.operator_code.in_(sorted(principal.operator_codes)))
    numbers = set(session.scalars(own)) | set(session.scalars(carried))
    if principal.org_kind in (OrgKind.CUSTOMS, OrgKind.RAILWAY):
        numbers |= set(session.scalars(at_places))
    if booking_id is not None:
        numbers &= set(session.scalars(select(NoteVersionRow.note_number)
                                       .where(NoteVersionRow.booking_id == booking_id)))
    return sorted(numbers)


def add_reader_place(session: Session, principal: Principal, org_id: str, place: str,
                     org_kind: OrgKind) -> None:
    """Let a customs or railway organisation read the documents of consignments passing `place`."""
    principal.require_scope(Scope.ADMIN)
    if not principal.is_corridor_admin:
        raise PermissionDeniedError("only a corridor administrator assigns places to readers")
    if org_kind not in (OrgKind.CUSTOMS, OrgKind.RAILWAY):
        raise InputError(f"a {org_kind.value} organisation cannot read others' documents", field="org",
                         fix="assign places to a customs or railway organisation")
    if session.get(ReaderPlaceRow, (org_id, place)) is None:
        session.add(ReaderPlaceRow(org_id=org_id, place_code=place))
        session.flush()
        audit.record(session, org_id=org_id, actor=principal.actor, action="documents.reader_place",
                     entity="organisation", entity_id=org_id, detail={"place": place})


def verify_note(session: Session, note_number: str, version: int | None = None) -> Verification:
    """Check a note's stored content against its hash and its issuer's signature; public."""
    rows = _versions(session, note_number)
    row = rows[-1] if version is None else next((r for r in rows if r.version == version), None)
    if row is None:
        raise NotFoundError(f"consignment note {note_number} has no version {version}")
    events = _events(session, note_number)
    issued = next((e for e in events if e.version == row.version and e.kind == "issued"), None)
    key = session.get(SigningKeyRow, issued.key_id) if issued and issued.key_id else None
    body = Consignment.model_validate(row.body)
    if issued is None or key is None or issued.signature is None:
        valid, reason = False, "this version is a draft: it is not signed"
    elif sha256_hex(body) != issued.sha256:
        valid, reason = False, "the stored content does not match the signed hash"
    elif not verify(body, issued.signature, key.public_key_b64):
        valid, reason = False, "the signature does not match the issuer's key"
    else:
        latest_issued = max((e.version for e in events if e.kind == "issued"), default=row.version)
        valid = True
        reason = "signed by the issuer" + ("" if latest_issued == row.version else
                                           f"; superseded by version {latest_issued}")
    return Verification(note_number=note_number, version=row.version, status=_status(events, row.version),
                        sha256=row.sha256, valid=valid, reason=reason, key_id=key.key_id if key else None,
                        public_key=key.public_key_b64 if key else None,
                        issued_at=issued.at if issued else None)

