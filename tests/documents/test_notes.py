"""The note's lifecycle and who may read it: drafted and issued by the shipper, handed over by the
railway taking over, delivered by the last railway; amendments are versions; readers by kind and place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from doc_corridor import instructions, seed_booking
from sqlalchemy import select, update

from karvan.documents import notes
from karvan.documents.model import NoteStatus
from karvan.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.documents_models import NoteVersionRow
from karvan.store.models import AuditEntry, OrgKind
from karvan.tenancy.principal import Principal

NOW = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


def _issued(db: Database, network: Network, shipper: Principal) -> str:
    booking_id = seed_booking(db, shipper.org_id)
    with db.write_session() as session:
        note = notes.draft_note(session, network, shipper, booking_id, instructions())
        notes.issue_note(session, shipper, note.note_number, now=NOW)
        session.commit()
    return note.note_number


def test_issue_signs_and_anyone_verifies(db: Database, network: Network,
                                         org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    number = _issued(db, network, shipper)
    with db.session() as session:
        note = notes.get_note(session, shipper, number)
        check = notes.verify_note(session, number)
    assert note.status is NoteStatus.ISSUED and note.signature and note.public_key
    assert check.valid and check.sha256 == note.sha256


def test_tampering_in_the_database_is_detected(db: Database, network: Network,
                                               org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    number = _issued(db, network, shipper)
    with db.write_session() as session:
        row = session.scalars(select(NoteVersionRow).where(NoteVersionRow.note_number == number)).one()
        body = dict(row.body, total_gross_weight_kg=1.0)
        session.execute(update(NoteVersionRow).where(NoteVersionRow.id == row.id).values(body=body))
        session.commit()
    with db.session() as session:
        check = notes.verify_note(session, number)
    assert not check.valid and "does not match" in check.reason


def test_handover_delivery_and_amendment_keep_every_version(
        db: Database, network: Network, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    ktz, tcdd = org_factory(OrgKind.RAILWAY, ("KTZ",)), org_factory(OrgKind.RAILWAY, ("TCDD",))
    number = _issued(db, network, shipper)
    with db.write_session() as session:
        notes.hand_over(session, ktz, number, place="KZ-ALTYN", railway="KTZ", now=NOW)
        amended = notes.amend_note(session, network, shipper, number, instructions(incoterm="DAP"))
        assert amended.version == 2 and amended.status is NoteStatus.DRAFT
        notes.issue_note(session, shipper, number, now=NOW)
        notes.hand_over(session, tcdd, number, place="AZBAK", railway="TCDD", now=NOW)
        done = notes.deliver(session, tcdd, number, now=NOW)
        session.commit()
    assert done.status is NoteStatus.DELIVERED and done.version == 2
    handovers = [e for e in done.events if e.kind == notes.XCNH]
    assert [(e.version, e.railway, e.place) for e in handovers] == [
        (1, "KTZ", "KZ-ALTYN"), (2, "TCDD", "AZBAK")]
    assert handovers[0].sha256 != handovers[1].sha256
    with db.session() as session:
        first = notes.get_note(session, shipper, number, version=1)
        assert first.consignment.delivery_terms.incoterms_code == "FCA"
        assert notes.verify_note(session, number, 1).valid
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.entity_id == number)
                                                     .order_by(AuditEntry.id))]
    assert actions == ["consignment_note.draft", "consignment_note.issued", "consignment_note.xcnh",
                       "consignment_note.amend", "consignment_note.issued", "consignment_note.xcnh",
                       "consignment_note.delivered"]


def test_only_the_railway_taking_over_records_the_handover(
        db: Database, network: Network, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    ktz = org_factory(OrgKind.RAILWAY, ("KTZ",))
    number = _issued(db, network, shipper)
    with db.write_session() as session:
        with pytest.raises(PermissionDeniedError):
            notes.hand_over(session, ktz, number, place="AZBAK", railway="TCDD", now=NOW)
        with pytest.raises(InputError, match="KTZ from KZ-ALTYN"):
            notes.hand_over(session, ktz, number, place="AZBAK", railway="KTZ", now=NOW)
        with pytest.raises(PermissionDeniedError):
            notes.deliver(session, ktz, number, now=NOW)


def test_a_draft_cannot_be_handed_over_and_a_booking_has_one_note(
        db: Database, network: Network, org_factory: Callable[..., Principal]) -> None:
    shipper = org_factory()
    ktz = org_factory(OrgKind.RAILWAY, ("KTZ",))
    booking_id = seed_booking(db, shipper.org_id)
    with db.write_session() as session:
        note = notes.draft_note(session, network, shipper, booking_id, instructions())
        with pytest.raises(ConflictError, match="not issued"):
            notes.hand_over(session, ktz, note.note_number, place="KZ-ALTYN", railway="KTZ", now=NOW)
        with pytest.raises(ConflictError, match="already has"):
            notes.draft_note(session, network, shipper, booking_id, instructions())
        assert not notes.verify_note(session, note.note_number).valid


def test_readers_by_kind_and_place(db: Database, network: Network,
                                   org_factory: Callable[..., Principal]) -> None:
    shipper, other_shipper = org_factory(), org_factory()
    customs_on_route, customs_elsewhere = org_factory(OrgKind.CUSTOMS), org_factory(OrgKind.CUSTOMS)
    carrier, stranger_railway = org_factory(OrgKind.RAILWAY, ("KTZ",)), org_factory(OrgKind.RAILWAY, ("RZD",))
    forwarder = org_factory(OrgKind.FORWARDER)
    number = _issued(db, network, shipper)
    with db.write_session() as session:
        admin = Principal.system()
        notes.add_reader_place(session, admin, customs_on_route.org_id, "AZBAK", OrgKind.CUSTOMS)
        notes.add_reader_place(session, admin, customs_elsewhere.org_id, "PLMAL", OrgKind.CUSTOMS)
        with pytest.raises(InputError):
            notes.add_reader_place(session, admin, forwarder.org_id, "AZBAK", OrgKind.FORWARDER)
        with pytest.raises(PermissionDeniedError):
            notes.add_reader_place(session, customs_on_route, customs_on_route.org_id, "BGSOF",
                                   OrgKind.CUSTOMS)
        session.commit()
    with db.session() as session:
        for reader in (shipper, customs_on_route, carrier):
            assert notes.get_note(session, reader, number).note_number == number
            assert notes.readable_notes(session, reader) == [number]
        for outsider in (other_shipper, customs_elsewhere, stranger_railway, forwarder):
            with pytest.raises(NotFoundError):
                notes.get_note(session, outsider, number)
            assert notes.readable_notes(session, outsider) == []
