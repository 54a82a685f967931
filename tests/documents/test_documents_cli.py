"""`karvan documents`: verify, PDF, the CC015C declaration and reader places on the server's own
database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from doc_corridor import corridor, instructions, seed_booking
from typer.testing import CliRunner

from karvan.cli.main import app
from karvan.documents import notes, transit
from karvan.store.db import Database
from karvan.store.models import OrgKind
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

runner = CliRunner()


def _issued_note() -> str:
    db = Database()
    try:
        with db.write_session() as session:
            shipper = orgs.create_org(session, Principal.system(), name="cli-shipper", kind=OrgKind.SHIPPER)
            orgs.create_org(session, Principal.system(), name="cli-customs", kind=OrgKind.CUSTOMS)
            session.commit()
            principal = Principal(org_id=shipper.id, org_kind=OrgKind.SHIPPER,
                                  scopes=Principal.system().scopes)
        booking_id = seed_booking(db, principal.org_id)
        with db.write_session() as session:
            note = notes.draft_note(session, corridor(), principal, booking_id, instructions())
            notes.issue_note(session, principal, note.note_number, now=datetime(2030, 5, 6, tzinfo=UTC))
            session.commit()
        return note.note_number
    finally:
        db.dispose()


def test_verify_pdf_and_reader_place(tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    number = _issued_note()
    verified = runner.invoke(app, ["documents", "verify", number])
    assert verified.exit_code == 0 and verified.stdout.startswith(f"{number} v1 valid")
    out = tmp_path / "note.pdf"
    written = runner.invoke(app, ["documents", "pdf", number, "--out", str(out), "--language", "kk"])
    assert written.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    assert runner.invoke(app, ["documents", "reader-place", "cli-customs", "AZBAK"]).exit_code == 0
    refused = runner.invoke(app, ["documents", "reader-place", "cli-shipper", "AZBAK"])
    assert refused.exit_code == 2 and "customs or railway" in refused.stderr


def test_an_unknown_note_is_one_line_and_exit_1() -> None:
    result = runner.invoke(app, ["documents", "verify", "cn_" + "0" * 32])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1


def test_cc015c_writes_a_valid_declaration_or_lists_every_missing_item(tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    number = _issued_note()
    details = tmp_path / "details.json"
    details.write_text(json.dumps({"lrn": "KRV2030000017", "office_of_departure": "BG005800"}),
                       encoding="utf-8")
    out = tmp_path / "cc015c.xml"
    command = ["documents", "cc015c", number, "--details", str(details), "--out", str(out)]
    partial = runner.invoke(app, command)
    assert partial.exit_code == 2 and partial.stderr.count("\n") == 1
    assert "transit.guarantee_reference" in partial.stderr and "transit.holder_eori" in partial.stderr
    assert not out.exists()
    details.write_text(json.dumps({
        "lrn": "KRV2030000017", "office_of_departure": "BG005800", "office_of_destination": "BG001000",
        "holder_eori": "BG123456789", "holder_city": "Sofia", "guarantee_type": "1",
        "guarantee_reference": "30BG0000000000001", "access_code": "AB12"}), encoding="utf-8")
    written = runner.invoke(app, command)
    assert written.exit_code == 0, written.stderr
    assert transit.validation_errors(out.read_bytes()) == []
