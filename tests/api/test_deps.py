"""Routes under more concurrent requests than the thread pool has threads and the pool connections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from booking_api import Tenant
from fastapi import FastAPI


@pytest.mark.parametrize("path", ["/orgs/me", "/departures?limit=5", "/webhooks"])
def test_sync_routes_keep_going_when_requests_outnumber_threads_and_connections(
        api_app: FastAPI, tenant: Callable[..., Tenant], monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """100 concurrent requests against 40 threads and 15 pooled connections all succeed.

    With a session closed only after FastAPI had validated the response (which takes a thread), every
    thread could wait for a connection that only a queued request could give back: all would wait out
    the pool timeout (10 s here, ample for 100 short reads) and fail with 503 (see karvan.api.deps)."""
    shipper = tenant()
    monkeypatch.setattr(api_app.state.db.engine.pool, "_timeout", 10)  # QueuePool has no public setter

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=api_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://karvan",
                                     headers={"Authorization": f"Bearer {shipper.key}"}) as client:
            answers = await asyncio.gather(*(client.get(path) for _ in range(100)))
        return [answer.status_code for answer in answers]

    assert asyncio.run(burst()) == [200] * 100
