"""The printable note: an A4 page in the layout of the paper CIM/SMGS form (numbered boxes), captions
in English and a second language, and a QR code linking to the public verification page.

Rendered with ReportLab. Text uses DejaVu Sans (Latin, Cyrillic, Georgian; the font file ships in
matplotlib's wheel with its licence); Chinese captions use ReportLab's built-in Adobe CID font
STSong-Light, which PDF readers supply.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from karvan.documents.labels import labels
from karvan.documents.model import LogisticsLocation, TradeParty
from karvan.documents.notes import ConsignmentNote

FONT = "DejaVuSans"
CJK_FONT = "STSong-Light"
MARGIN = 28.0
"""Points (1/72 inch) round the page's edge."""

BOXES: tuple[tuple[str, str], ...] = (
    ("1", "consignor"), ("4", "consignee"), ("16", "departure"), ("10", "destination"),
    ("7", "declarations"), ("9", "attached_documents"), ("14", "incoterm"), ("20", "payment"),
    ("57", "sections"), ("18", "equipment"), ("21", "goods"),
)
"""Box numbers as printed on the CIM/SMGS form (GLV-CIM/SMGS layout), with the caption of each."""


@cache
def _fonts() -> None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("matplotlib, whose wheel ships the DejaVu fonts, is not installed")
    ttf = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(ttf)))
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _caption(canvas: Canvas, x: float, y: float, w: float, box: str, key: str, second: str) -> None:
    """`box  English / second language`, shrunk to the box's width if the two do not fit at 6.5 pt."""
    first = f"{box}  {labels('en')[key]} / "
    other = labels(second)[key]
    font = CJK_FONT if second == "zh" else FONT
    wide = pdfmetrics.stringWidth(first, FONT, 6.5) + pdfmetrics.stringWidth(other, font, 6.5)
    size = min(6.5, 6.5 * (w - 6) / wide)
    canvas.setFont(FONT, size)
    canvas.drawString(x + 2, y - 8, first)
    canvas.setFont(font, size)
    canvas.drawString(x + 2 + pdfmetrics.stringWidth(first, FONT, size), y - 8, other)


def _box(canvas: Canvas, x: float, y: float, w: float, h: float, box: str, key: str, second: str,
         lines: Sequence[str]) -> None:
    """A framed box whose top-left corner is (x, y), its caption, and its text lines (cut to fit)."""
    canvas.rect(x, y - h, w, h)
    _caption(canvas, x, y, w, box, key, second)
    canvas.setFont(FONT, 7.5)
    for index, line in enumerate(lines[: int((h - 10) // 9)]):
        canvas.drawString(x + 4, y - 18 - index * 9, line[: int(w / 3.9)])


def _party(p: TradeParty) -> list[str]:
    tax = f"  {p.tax_registration_id}" if p.tax_registration_id else ""
    return [p.name, p.postal_address, p.country_id + tax]


def _place(loc: LogisticsLocation) -> list[str]:
    code = f"  station {loc.railway_station_code}" if loc.railway_station_code else ""
    return [f"{loc.name} ({loc.country_id})", f"UN/LOCODE {loc.id}{code}"]


def _contents(note: ConsignmentNote) -> dict[str, list[str]]:
    """The text lines of each box."""
    c = note.consignment
    sections = [f"{s.sequence_numeric}. {s.carrier_id} {s.departure_location.id} - {s.arrival_location.id} "
                f"{s.mode_code} {s.law.value if s.law else '(outside CIM/SMGS)'}"
                for s in c.carrier_sections] + [f"law changes: {x}" for x in c.law_changes_at]
    return {
        "consignor": _party(c.consignor), "consignee": _party(c.consignee),
        "departure": _place(c.departure_location), "destination": _place(c.destination_location),
        "declarations": list(c.consignor_declarations) or ["-"],
        "attached_documents": [f"{d.type_code} {d.id} {d.name}".strip()
                               for d in c.attached_documents] or ["-"],
        "incoterm": [f"{c.delivery_terms.incoterms_code} {c.delivery_terms.relevant_location}"],
        "payment": [f"{s.carrier_id}: {s.payer_code}" for s in c.carrier_sections if s.payer_code],
        "sections": sections,
        "equipment": [f"{e.id} {e.size_type_code} tare {e.tare_weight_kg:.0f} kg "
                      f"gross {e.gross_weight_kg:.0f} kg "
                      f"seals {', '.join(s.id for s in e.seals)}" for e in c.transport_equipment],
        "goods": [f"{i.sequence_numeric}. {i.transport_equipment_id} HS {i.hs_code} {i.description}; "
                  f"{i.package_quantity} {i.package_type_code}; {i.gross_weight_kg:.0f} kg"
                  + (f"; UN {i.dangerous_goods.un_dangerous_goods_id} class "
                     f"{i.dangerous_goods.hazard_class_code}" if i.dangerous_goods else "")
                  for i in c.items] + [f"total gross {c.total_gross_weight_kg:.0f} kg"],
    }


_LAYOUT: dict[str, tuple[float, float, float, float]] = {
    # key: (column 0-1 start, row top from the header in points, width fraction, height in points)
    "consignor": (0, 0, 0.5, 70), "consignee": (0, 70, 0.5, 70),
    "departure": (0.5, 0, 0.5, 36), "destination": (0.5, 36, 0.5, 36),
    "incoterm": (0.5, 72, 0.5, 20), "payment": (0.5, 92, 0.5, 48),
    "declarations": (0, 140, 0.5, 50), "attached_documents": (0.5, 140, 0.5, 50),
    "sections": (0, 190, 1, 86), "equipment": (0, 276, 1, 70), "goods": (0, 346, 1, 130),
}


def render_pdf(note: ConsignmentNote, *, verify_url: str, second_language: str = "ru") -> bytes:
    """The note as a one-page PDF, with the verification URL as text and as a QR code."""
    _fonts()
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"CIM/SMGS {note.note_number} v{note.version}")
    second = labels(second_language)
    canvas.setFont(FONT, 13)
    canvas.drawString(MARGIN, height - MARGIN - 12, f"{labels('en')['title']}")
    canvas.setFont(CJK_FONT if second_language == "zh" else FONT, 11)
    canvas.drawString(MARGIN, height - MARGIN - 26, second["title"])
    canvas.setFont(FONT, 8)
    canvas.drawRightString(width - MARGIN - 80, height - MARGIN - 12,
                           f"No. {note.note_number}  version {note.version}  {note.status.value}")
    canvas.drawRightString(width - MARGIN - 80, height - MARGIN - 24,
                           f"booking {note.consignment.booking_id}")
    inner = width - 2 * MARGIN
    top = height - MARGIN - 86
    numbers = dict((key, box) for box, key in BOXES)
    contents = _contents(note)
    for key, (column, row, fraction, box_height) in _LAYOUT.items():
        _box(canvas, MARGIN + column * inner, top - row, fraction * inner, box_height, numbers[key], key,
             second_language, contents[key])
    _signature(canvas, note, verify_url, top - 486, inner, second_language)
    widget = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 72.0
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, width - MARGIN - size, height - MARGIN - size + 6)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _signature(canvas: Canvas, note: ConsignmentNote, verify_url: str, y: float, width: float,
               second_language: str) -> None:
    lines = [f"SHA-256 {note.sha256}",
             f"Ed25519 key {note.key_id}  signature {note.signature}" if note.signature
             else "draft: not signed", f"{labels('en')['verify']}: {verify_url}"]
    canvas.rect(MARGIN, y - 52, width, 52)
    _caption(canvas, MARGIN, y, width, "", "signature", second_language)
    canvas.setFont(FONT, 6.5)
    for index, line in enumerate(lines):
        canvas.drawString(MARGIN + 4, y - 20 - index * 9, line)
