"""`karvan documents`: consignment notes at the command line (run on the server, as its operator)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from karvan.cli.common import console, one_line_errors
from karvan.cli.database import open_database, read_database
from karvan.documents import notes, transit
from karvan.documents.labels import LANGUAGES
from karvan.documents.model import Consignment
from karvan.documents.pdf import render_pdf
from karvan.errors import InputError
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

app = typer.Typer(help="CIM/SMGS consignment notes and transit declarations.", no_args_is_help=True)
DEFAULT_BASE_URL = "http://localhost:8000"


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the consignment note's content."""
    console.print_json(json.dumps(Consignment.model_json_schema()))


@app.command("verify")
@one_line_errors
def verify(note: str = typer.Argument(..., help="note number, cn_..."),
           version: int | None = typer.Option(None, "--version", min=1)) -> None:
    """Check a note against its hash and its issuer's signature; exit 1 if it does not verify."""
    with read_database() as db, db.session() as session:
        result = notes.verify_note(session, note, version)
    console.print(f"{result.note_number} v{result.version} {'valid' if result.valid else 'INVALID'}: "
                  f"{result.reason}; sha256 {result.sha256}", markup=False, highlight=False)
    if not result.valid:
        raise typer.Exit(1)


@app.command("pdf")
@one_line_errors
def pdf(note: str = typer.Argument(..., help="note number, cn_..."),
        out: Path = typer.Option(..., "--out", help="PDF file to write"),
        language: str = typer.Option("ru", "--language", help="second language: " + ", ".join(LANGUAGES)),
        base_url: str = typer.Option(DEFAULT_BASE_URL, "--base-url", help="where the verification page is")
        ) -> None:
    """Write the note as a PDF in the layout of the paper form."""
    with read_database() as db, db.session() as session:
        found = notes.get_note(session, Principal.system(), note)
    url = f"{base_url.rstrip('/')}/verify/{note}?version={found.version}"
    out.write_bytes(render_pdf(found, verify_url=url, second_language=language))
    console.print(f"wrote {out}", markup=False, highlight=False)


@app.command("cc015c")
@one_line_errors
def cc015c(note: str = typer.Argument(..., help="note number, cn_..."),
           details: Path = typer.Option(..., "--details", help="JSON file of transit details (LRN, offices, "
                                        "holder, guarantee)"),
           out: Path = typer.Option(..., "--out", help="XML file to write")) -> None:
    """Write the NCTS CC015C declaration, validated against the official XSD; lists missing items."""
    try:
        given = transit.TransitDetails.model_validate_json(details.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read {details}: {error}".replace("\n", " "), field="--details") from None
    with read_database() as db, db.session() as session:
        found = notes.get_note(session, Principal.system(), note)
    if not found.events:
        raise InputError(f"consignment note {note} is a draft", fix="issue it first")
    out.write_bytes(transit.build_cc015c(found.consignment, given, prepared_at=found.events[-1].at))
    console.print(f"wrote {out}", markup=False, highlight=False)


@app.command("reader-place")
@one_line_errors
def reader_place(org: str = typer.Argument(..., help="id or name of a customs or railway organisation"),
                 place: str = typer.Argument(..., help="place code, e.g. PLMAL")) -> None:
    """Let a customs or railway organisation read the documents of consignments passing a place."""
    db = open_database()
    try:
        with db.write_session() as session:
            found = orgs.find_org(session, org)
            notes.add_reader_place(session, Principal.system(), found.id, place, orgs.parse_kind(found.kind))
            session.commit()
    finally:
        db.dispose()
    console.print(f"{org} reads documents at {place}", markup=False, highlight=False)
