"""The printed note: every box's content and both languages' captions are in the PDF's text, the QR
code carries the verification URL, and page 1 is rendered to test-output/ for a look."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from doc_corridor import CONTAINERS, instructions, seed_booking

from karvan.documents import notes
from karvan.documents.labels import LANGUAGES, labels
from karvan.documents.pdf import render_pdf
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.tenancy.principal import Principal

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
URL = "https://karvan.example/verify/cn_x?version=1"


@pytest.fixture
def note(db: Database, network: Network, org_factory: Callable[..., Principal]) -> notes.ConsignmentNote:
    shipper = org_factory()
    booking_id = seed_booking(db, shipper.org_id)
    with db.write_session() as session:
        drafted = notes.draft_note(session, network, shipper, booking_id, instructions())
        issued = notes.issue_note(session, shipper, drafted.note_number,
                                  now=datetime(2030, 5, 6, 9, 0, tzinfo=UTC))
        session.commit()
    return issued


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_pdf_holds_the_notes_content_in_english_and_russian(note: notes.ConsignmentNote) -> None:
    pdf = render_pdf(note, verify_url=f"https://karvan.example/verify/{note.note_number}?version=1")
    text = _text(pdf)
    for expected in (note.note_number, "Xi'an Electronics Co.", "Sofia Trading EOOD", "FCA Xi'an",
                     "KZ-7788", "SEAL01", "847130", "AZBAK: SMGS -> CIM", note.sha256, *CONTAINERS,
                     labels("en")["consignor"], labels("ru")["consignor"], labels("ru")["sections"]):
        assert expected in text, expected
    OUTPUT.mkdir(exist_ok=True)
    page = pypdfium2.PdfDocument(pdf)[0]
    page.render(scale=2).to_pil().save(OUTPUT / "consignment_note_page1.png")
    assert (OUTPUT / "consignment_note_page1.png").stat().st_size > 10_000


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang not in ("en", "ru")])
def test_every_label_set_prints(note: notes.ConsignmentNote, language: str) -> None:
    text = _text(render_pdf(note, verify_url=URL, second_language=language))
    assert labels("en")["goods"] in text
    if language != "zh":  # the CID font's text extracts as glyph ids, not Unicode
        assert labels(language)["goods"] in text


def test_every_label_set_has_the_english_keys() -> None:
    keys = set(labels("en"))
    assert all(set(labels(lang)) == keys for lang in LANGUAGES)
