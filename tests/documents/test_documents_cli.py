"""`karvan documents`: verify, PDF and reader places on the server's own database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from doc_corridor import corridor, instructions, seed_booking
from typer.testing import CliRunner

from karvan.cli.main import app
from karvan.documents import notes
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
