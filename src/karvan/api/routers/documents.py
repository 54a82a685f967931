"""Transport documents: the CIM/SMGS consignment note (draft, amend, issue, hand over, deliver, PDF),
the NCTS CC015C transit declaration, and the public verification page the note's QR code opens."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from karvan.api import problems
from karvan.api.auth import get_principal, require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.booking.bookings import RECORD_ID
from karvan.documents import notes, transit
from karvan.documents.build import ConsignorInstructions
from karvan.documents.errors import MissingDataError
from karvan.documents.labels import LANGUAGES
from karvan.documents.model import Consignment
from karvan.documents.pdf import render_pdf
from karvan.errors import NotFoundError
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import Scope
from karvan.tenancy.auth import authenticate
from karvan.tenancy.orgs import NotAuthenticatedError
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/documents", tags=["documents"], responses=PROBLEM_RESPONSES)
NOTE_NUMBER = r"^cn_[0-9a-f]{32}$"
VERIFY_PATH = "/verify/{note_number}"


class DraftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    booking_id: str = Field(pattern=RECORD_ID, description="a confirmed booking of your organisation")
    instructions: ConsignorInstructions


class HandoverRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    place: str = Field(min_length=2, max_length=10, description="code of the border place")
    railway: str = Field(min_length=1, max_length=40, description="operator code of the railway taking over")


def verify_url(request: Request, note_number: str, version: int) -> str:
    return str(request.base_url).rstrip("/") + f"/verify/{note_number}?version={version}"


@router.get("/consignment-notes/schema", summary="JSON Schema of the consignment note's content")
def note_schema() -> dict[str, Any]:
    return Consignment.model_json_schema()


@router.post("/consignment-notes", status_code=201, response_model=notes.ConsignmentNote,
             summary="Draft the consignment note of a confirmed booking")
def post_note(body: DraftRequest, principal: Principal = Depends(require_scope(Scope.WRITE)),
              db: Database = Depends(get_db),
              network: Network = Depends(get_network)) -> notes.ConsignmentNote:
    with db.write_session() as session:
        note = notes.draft_note(session, network, principal, body.booking_id, body.instructions)
        session.commit()
    return note


@router.get("/consignment-notes", summary="Numbers of the notes your organisation may read")
def get_notes(booking_id: str | None = Query(None, pattern=RECORD_ID, description="only this booking's note"),
              principal: Principal = Depends(get_principal), db: Database = Depends(get_db)) -> list[str]:
    with db.session() as session:
        return notes.readable_notes(session, principal, booking_id=booking_id)


@router.get("/consignment-notes/{note_number}", response_model=notes.ConsignmentNote,
            summary="A consignment note (latest version unless `version` is given)")
def get_note(note_number: str = Path(pattern=NOTE_NUMBER), version: int | None = Query(None, ge=1),
             principal: Principal = Depends(get_principal),
             db: Database = Depends(get_db)) -> notes.ConsignmentNote:
    with db.session() as session:
        return notes.get_note(session, principal, note_number, version)


@router.post("/consignment-notes/{note_number}/amendments", status_code=201,
             response_model=notes.ConsignmentNote, summary="A new draft version with new instructions")
def amend(body: ConsignorInstructions, note_number: str = Path(pattern=NOTE_NUMBER),
          principal: Principal = Depends(require_scope(Scope.WRITE)), db: Database = Depends(get_db),
          network: Network = Depends(get_network)) -> notes.ConsignmentNote:
    with db.write_session() as session:
        note = notes.amend_note(session, network, principal, note_number, body)
        session.commit()
    return note


@router.post("/consignment-notes/{note_number}/issue", response_model=notes.ConsignmentNote,
             summary="Hash and sign the latest version with your organisation's Ed25519 key")
def issue(note_number: str = Path(pattern=NOTE_NUMBER),
          principal: Principal = Depends(require_scope(Scope.WRITE)),
          db: Database = Depends(get_db)) -> notes.ConsignmentNote:
    with db.write_session() as session:
        note = notes.issue_note(session, principal, note_number)
        session.commit()
    return note


@router.post("/consignment-notes/{note_number}/handovers", response_model=notes.ConsignmentNote,
             summary="Record the border handover (XCNH) to your railway")
def handover(body: HandoverRequest, note_number: str = Path(pattern=NOTE_NUMBER),
             principal: Principal = Depends(require_scope(Scope.WRITE)),
             db: Database = Depends(get_db)) -> notes.ConsignmentNote:
    with db.write_session() as session:
        note = notes.hand_over(session, principal, note_number, place=body.place, railway=body.railway)
        session.commit()
    return note


@router.post("/consignment-notes/{note_number}/delivery", response_model=notes.ConsignmentNote,
             summary="Record delivery (railway of the last section)")
def delivery(note_number: str = Path(pattern=NOTE_NUMBER),
             principal: Principal = Depends(require_scope(Scope.WRITE)),
             db: Database = Depends(get_db)) -> notes.ConsignmentNote:
    with db.write_session() as session:
        note = notes.deliver(session, principal, note_number)
        session.commit()
    return note


@router.get("/consignment-notes/{note_number}/pdf", response_class=Response,
            summary="The note as a PDF in the layout of the paper form, with a verification QR code")
def note_pdf(request: Request, note_number: str = Path(pattern=NOTE_NUMBER),
             version: int | None = Query(None, ge=1),
             language: str = Query("ru", pattern="^(" + "|".join(LANGUAGES) + ")$",
                                   description="second language of the captions"),
             principal: Principal = Depends(get_principal), db: Database = Depends(get_db)) -> Response:
    with db.session() as session:
        note = notes.get_note(session, principal, note_number, version)
    url = verify_url(request, note_number, note.version)
    pdf = render_pdf(note, verify_url=url, second_language=language)
    return Response(pdf, media_type="application/pdf")


@router.post("/consignment-notes/{note_number}/transit-declaration", response_class=Response,
             summary="The NCTS CC015C declaration, validated against the official XSD")
def transit_declaration(body: transit.TransitDetails, note_number: str = Path(pattern=NOTE_NUMBER),
                        principal: Principal = Depends(get_principal),
                        db: Database = Depends(get_db)) -> Response:
    with db.session() as session:
        note = notes.get_note(session, principal, note_number)
    message = transit.build_cc015c(note.consignment, body, prepared_at=note.events[-1].at
                                   if note.events else note.consignment.carrier_sections[0].departs_at)
    return Response(message, media_type="application/xml")


async def _verify(request: Request) -> Response:
    """Public: validity and hash; the content too when the caller's key may read the note."""
    note_number = request.path_params["note_number"]
    version = request.query_params.get("version")
    db: Database = request.app.state.db
    try:
        result = db.loop_read(lambda s: notes.verify_note(s, note_number, int(version) if version else None))
    except (ValueError, NotFoundError) as error:
        return problems.problem(404, str(error), slug="not-found", instance=request.url.path)
    body: dict[str, Any] = result.model_dump(mode="json")
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if token:
        try:
            principal = db.loop_read_core(lambda connection: authenticate(connection, token))
            body["note"] = db.loop_read(lambda s: notes.get_note(s, principal, note_number, result.version)
                                        ).consignment.model_dump(mode="json")
        except (NotAuthenticatedError, NotFoundError):
            pass  # the reader's key does not allow the content: validity and hash only
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(_verification_page(body))
    return JSONResponse(body)


def _verification_page(body: dict[str, Any]) -> str:
    """The page a phone shows after scanning the note's QR code: a verdict, the hash and the key."""
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(body.get(k)))}</td></tr>" for k in (
        "note_number", "version", "status", "sha256", "key_id", "public_key", "issued_at", "reason"))
    verdict = "valid" if body["valid"] else "NOT VALID"
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>CIM/SMGS {verdict}</title>"
            f"<h1>Consignment note {verdict}</h1><table>{rows}</table>"
            "<p>Commercial data is shown to readers whose API key allows it (JSON).</p></html>")


def _missing(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MissingDataError)
    return problems.problem(422, exc.detail, slug="missing-data", instance=request.url.path,
                            record=exc.record, fix=exc.fix,
                            errors=[{"field": m.field, "message": m.message} for m in exc.missing])


def _no_schema(request: Request, exc: Exception) -> JSONResponse:
    return problems.problem(503, str(exc), slug="schema-unavailable", instance=request.url.path)


def _invalid_message(request: Request, exc: Exception) -> JSONResponse:
    return problems.problem(500, str(exc), slug="invalid-message", instance=request.url.path)


def install(app: FastAPI) -> None:
    """The router, the public verification page (outside the API's authentication) and the problem
    listing every missing data item."""
    app.include_router(router)
    app.add_route(VERIFY_PATH, _verify, methods=["GET"], include_in_schema=False)
    app.add_exception_handler(MissingDataError, _missing)
    app.add_exception_handler(transit.SchemaUnavailableError, _no_schema)
    app.add_exception_handler(transit.InvalidMessageError, _invalid_message)
