"""Liveness and readiness: the only routes that need no API key."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from karvan.api.deps import get_db
from karvan.store.db import Database
from karvan.store.migrate import current_revisions, head_revisions

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    migrations: str
    detail: str | None = None


@router.get("/health", summary="The process is up", response_model=Health)
def health() -> Health:
    return Health(status="ok")


@router.get("/ready", summary="The database answers and is migrated", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Not ready"}})
def ready(db: Database = Depends(get_db)) -> JSONResponse:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        missing = head_revisions() - current_revisions(db.url)
    except Exception as exc:  # any failure to reach the database means "not ready", never a 500
        body = Readiness(status="unavailable", database="unreachable", migrations="unknown",
                         detail=type(exc).__name__)
        return JSONResponse(body.model_dump(), status_code=503)
    if missing:
        body = Readiness(status="unavailable", database="ok", migrations="pending",
                         detail="run 'karvan db upgrade' (missing " + ", ".join(sorted(missing)) + ")")
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(Readiness(status="ok", database=db.dialect, migrations="current").model_dump())
