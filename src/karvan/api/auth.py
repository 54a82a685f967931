"""Authentication for every endpoint: `Authorization: Bearer <API key>`.

`create_app` installs `authenticated` as an app-wide dependency, so every route, whoever wrote it,
needs a valid key except the public paths (health and readiness; the OpenAPI document and /docs are not
routes and stay public). In a route, ask for the caller with

    principal: Principal = Depends(get_principal)            # any valid key
    principal: Principal = Depends(require_scope("write"))   # a key with write (or admin) scope

The key is checked once per request (the guard keeps the principal on `request.state`), on the event
loop: the look-up is one indexed read (well under a millisecond, and under MVCC or SQLite's WAL a read
never waits for a lock), cheaper than a hop to the thread pool, which under load also queues for the GIL
behind every busy worker thread (see benchmarks/api.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from karvan.api.deps import get_db
from karvan.store.db import Database
from karvan.store.models import Scope
from karvan.tenancy.auth import authenticate
from karvan.tenancy.orgs import NotAuthenticatedError
from karvan.tenancy.principal import Principal

PUBLIC_PATHS = frozenset({"/health", "/ready"})

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer kv_…`")


async def get_principal(request: Request,
                        credentials: HTTPAuthorizationCredentials | None = Security(_bearer),
                        db: Database = Depends(get_db)) -> Principal:
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:  # already checked by the app-wide guard
        return known
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticatedError("missing API key; send 'Authorization: Bearer <key>'")
    principal = db.loop_read_core(lambda connection: authenticate(connection, credentials.credentials))
    request.state.org_id = principal.org_id
    request.state.principal = principal
    return principal


async def authenticated(request: Request,
                        credentials: HTTPAuthorizationCredentials | None = Security(_bearer),
                        db: Database = Depends(get_db)) -> None:
    """The app-wide guard: every non-public route authenticates."""
    if request.url.path not in PUBLIC_PATHS:
        await get_principal(request, credentials, db)


def require_scope(scope: Scope | str) -> Callable[..., Awaitable[Principal]]:
    """A dependency giving the principal if its key has `scope` (higher scopes include lower ones)."""
    needed = Scope(scope)

    async def dependency(principal: Principal = Depends(get_principal)) -> Principal:
        principal.require_scope(needed)
        return principal

    dependency.__name__ = f"require_scope_{needed.value}"
    return dependency
