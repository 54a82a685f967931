"""Quotes: POST a request (origin, destination, date, cargo) and get priced itineraries to book."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from karvan.api.auth import get_principal, require_scope
from karvan.api.deps import get_db, get_network
from karvan.api.idempotency import Idempotency, idempotency
from karvan.api.pagination import PageOut, PageParams
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.booking.bookings import RECORD_ID
from karvan.booking.quotes import Quote, QuoteRequest, create_quote, get_quote, list_quotes
from karvan.network.network import Network
from karvan.store.db import Database
from karvan.store.models import Scope
from karvan.tenancy.principal import Principal

router = APIRouter(prefix="/quotes", tags=["quotes"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=201, response_model=Quote,
             summary="Priced itineraries for a request, valid for 24 hours (Idempotency-Key accepted)")
def post_quote(body: QuoteRequest, principal: Principal = Depends(require_scope(Scope.WRITE)),
               db: Database = Depends(get_db), network: Network = Depends(get_network),
               idem: Idempotency = Depends(idempotency)) -> JSONResponse:
    with db.write_session() as session:
        if (stored := idem.replay(session)) is not None:
            return stored
        return idem.respond(session, 201, create_quote(session, network, principal, body))


@router.get("", response_model=PageOut[Quote], summary="The organisation's quotes, newest first")
def get_quotes(created_after: AwareDatetime | None = Query(None, description="ISO 8601 with offset"),
               created_before: AwareDatetime | None = Query(None, description="ISO 8601 with offset"),
               page: PageParams = Depends(), principal: Principal = Depends(get_principal),
               db: Database = Depends(get_db)) -> PageOut[Quote]:
    with db.session() as session:
        result = list_quotes(session, principal, created_after=created_after,
                             created_before=created_before, cursor=page.cursor, limit=page.limit)
    return PageOut.of(result, lambda quote: quote)


@router.get("/{quote_id}", response_model=Quote, summary="One quote")
async def get_one_quote(quote_id: str = Path(pattern=RECORD_ID),
                        principal: Principal = Depends(get_principal),
                        db: Database = Depends(get_db)) -> Quote:
    # a point read, on the event loop: see karvan.api.auth
    return db.loop_read(lambda session: get_quote(session, principal, quote_id))
