"""`Idempotency-Key` for POST requests: a retried request gets the first response again.

Use it in a route that creates something:

    def create(body: In, idem: Idempotency = Depends(idempotency), db: Database = Depends(get_db),
               principal = Depends(require_scope("write"))):
        with db.write_session() as session:
            if (stored := idem.replay(session)) is not None:
                return stored
            ... change the database through the core ...
            return idem.respond(session, 201, payload)   # stores the response and commits, atomically

The stored response is written in the same transaction as the change, so either both exist or
neither. A concurrent duplicate waits for the first request to commit, then gets its response. Reusing a
key with a different method, path or body is a 422 naming the `Idempotency-Key` header.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from karvan.api.auth import get_principal
from karvan.errors import InputError
from karvan.store.models import IdempotencyRecord
from karvan.tenancy.principal import Principal

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def request_sha256(method: str, path: str, body: bytes) -> str:
    """Fingerprint of a request; JSON bodies are canonicalised so key order and spacing do not matter."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


@dataclass
class Idempotency:
    org_id: str
    key: str | None
    fingerprint: str

    def _stored(self, session: Session) -> IdempotencyRecord | None:
        if self.key is None:
            return None
        return session.get(IdempotencyRecord, (self.org_id, self.key))

    def _response(self, record: IdempotencyRecord) -> JSONResponse:
        if record.request_sha256 != self.fingerprint:
            raise InputError("this Idempotency-Key was already used for a different request",
                             field=HEADER, fix="use a new key for a new request; retry only identical ones")
        return JSONResponse(json.loads(record.response_body), status_code=record.status_code,
                            headers={"Idempotent-Replayed": "true"})

    def replay(self, session: Session) -> JSONResponse | None:
        """The stored response of an earlier identical request with this key, if any.

        Concurrent requests with the same key queue here until the first one commits: on PostgreSQL
        through a transaction-scoped advisory lock on the key, on SQLite through the write session's
        database lock. So a duplicate replays the first response instead of failing on a constraint.
        """
        if self.key is not None and session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                            {"k": f"{self.org_id}\n{self.key}"})
        record = self._stored(session)
        return None if record is None else self._response(record)

    def respond(self, session: Session, status_code: int, payload: Any) -> JSONResponse:
        """Store the response under the key (if one was sent), commit, and return the response."""
        content = jsonable_encoder(payload)
        if self.key is not None:
            session.add(IdempotencyRecord(org_id=self.org_id, key=self.key, request_sha256=self.fingerprint,
                                          status_code=status_code, response_body=json.dumps(content)))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            record = self._stored(session)
            if record is None:
                raise
            return self._response(record)
        return JSONResponse(content, status_code=status_code)


async def idempotency(request: Request, principal: Principal = Depends(get_principal)) -> Idempotency:
    key = request.headers.get(HEADER)
    if key is not None and not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise InputError(f"the key must be 1 to {MAX_KEY_LENGTH} characters", field=HEADER,
                         fix="send a UUID, e.g. from uuidgen")
    body = await request.body()
    return Idempotency(org_id=principal.org_id, key=key,
                       fingerprint=request_sha256(request.method, request.url.path, body))
