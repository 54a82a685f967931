"""RFC 9457 problem details for every error the API returns.

Body: `type`, `title`, `status`, `detail`, `instance`, plus `field` (the first offending field, dotted,
e.g. `body.capacity_teu` is reported as `capacity_teu`) and `errors` (every field with its message) for
validation failures. Bad input is never a 500: malformed JSON is 400, invalid fields 422, oversize
bodies 413, unknown routes 404, wrong methods 405.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from karvan.errors import (
    ConflictError,
    InputError,
    KarvanError,
    NoRouteError,
    NotFoundError,
    PermissionDeniedError,
)
from karvan.tenancy.orgs import NotAuthenticatedError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("karvan.api")

_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
           405: "Method not allowed", 409: "Conflict", 413: "Request body too large",
           415: "Unsupported media type", 422: "Unprocessable content", 429: "Too many requests",
           500: "Internal server error", 503: "Service unavailable"}


def problem(status: int, detail: str, *, slug: str | None = None, instance: str | None = None,
            field: str | None = None, errors: Sequence[dict[str, Any]] | None = None,
            headers: Mapping[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response; `slug` names the problem type (`/problems/<slug>`)."""
    title = _TITLES.get(status, "Error")
    body: dict[str, Any] = {
        "type": f"/problems/{slug}" if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if field:
        body["field"] = field
    if errors:
        body["errors"] = list(errors)
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_of(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or str(loc[0] if loc else "body")


def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem(400, "the request body is not valid JSON", slug="malformed-json",
                       instance=request.url.path, field="body")
    errors = [{"field": _field_of(e.get("loc", ())),
               "message": str(e.get("msg", "invalid")).removeprefix("Value error, "),
               "in": str(e["loc"][0]) if e.get("loc") else "body"} for e in raw]
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    return problem(422, f"{first['field']}: {first['message']}", slug="validation-error",
                   instance=request.url.path, field=first["field"], errors=errors)


def _status_for(exc: KarvanError) -> tuple[int, str]:
    if isinstance(exc, NotAuthenticatedError):
        return 401, "not-authenticated"
    if isinstance(exc, PermissionDeniedError):
        return 403, "forbidden"
    if isinstance(exc, NotFoundError):
        return 404, "not-found"
    if isinstance(exc, ConflictError):
        return 409, "conflict"
    if isinstance(exc, InputError):
        return 422, "invalid-input"
    if isinstance(exc, NoRouteError):
        return 422, "no-route"
    return 400, "bad-request"


def _karvan(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KarvanError)
    status, slug = _status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(exc, InputError):
        return problem(status, exc.detail, slug=slug, instance=request.url.path, field=exc.field,
                       record=exc.record, fix=exc.fix)
    return problem(status, str(exc), slug=slug, instance=request.url.path, headers=headers)


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    return problem(exc.status_code, detail, instance=request.url.path, headers=exc.headers)


def _data(request: Request, exc: Exception) -> JSONResponse:
    """The database refused a value the request carried (a NUL character in text on PostgreSQL, a
    number beyond its column): the client's input, so a 422, whichever router let it through."""
    return problem(422, "a value in the request cannot be stored: remove NUL characters and keep "
                   "numbers within range", slug="unstorable-value", instance=request.url.path)


def _statement(request: Request, exc: Exception) -> JSONResponse:
    """SQLAlchemy wraps what a column type raises while binding (e.g. an InputError for an
    out-of-range time) in a StatementError: answer the error the core meant."""
    assert isinstance(exc, StatementError)
    if isinstance(exc.orig, KarvanError):
        return _karvan(request, exc.orig)
    return _unexpected(request, exc)


def _pool_timeout(request: Request, exc: Exception) -> JSONResponse:
    """Every database connection of this process stayed busy for the pool's timeout: overload, which
    the client may retry, not a fault."""
    log.warning("no database connection free within the pool timeout on %s %s", request.method,
                request.url.path)
    return problem(503, "the service is overloaded: no database connection came free in time; retry "
                   "shortly", slug="overloaded", instance=request.url.path, headers={"Retry-After": "1"})


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "an unexpected error occurred; it has been logged", instance=request.url.path)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(KarvanError, _karvan)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DataError, _data)
    app.add_exception_handler(StatementError, _statement)
    app.add_exception_handler(PoolTimeoutError, _pool_timeout)
    app.add_exception_handler(Exception, _unexpected)


class Problem(BaseModel):
    """The problem+json body (RFC 9457) of every 4xx/5xx response."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": _TITLES[status]}
    for status in (400, 401, 403, 404, 409, 413, 422)
}
"""`responses=` for routers, so the OpenAPI spec documents the problem bodies."""
