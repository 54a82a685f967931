"""Every route but health/ready needs a valid key; scopes, revocation and expiry are enforced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from conftest import Tenant
from fastapi.testclient import TestClient

from karvan.store.db import utc_now
from karvan.store.models import ApiKey


def test_missing_key_is_401_problem(api_client: Callable[..., TestClient]) -> None:
    response = api_client().get("/orgs/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


def test_every_non_public_route_requires_a_key(api_app: object,
                                               api_client: Callable[..., TestClient]) -> None:
    from fastapi import FastAPI
    from fastapi.routing import APIRoute

    assert isinstance(api_app, FastAPI)
    client = api_client()
    for route in api_app.routes:
        if not isinstance(route, APIRoute) or route.path in ("/health", "/ready"):
            continue
        path = route.path.replace("{", "").replace("}", "")
        for method in route.methods:
            response = client.request(method, path, json={})
            assert response.status_code == 401, (method, route.path, response.status_code)


def test_wrong_and_malformed_keys_are_401(tenant: Callable[..., Tenant],
                                          api_client: Callable[..., TestClient]) -> None:
    good = tenant()
    tampered = good.key[:-1] + ("A" if good.key[-1] != "A" else "B")
    for key in (tampered, "kv_00000000_" + "x" * 43, "not-a-key"):
        assert api_client(key).get("/orgs/me").status_code == 401
    assert good.client.get("/orgs/me").status_code == 200


def test_revoked_key_stops_working(tenant: Callable[..., Tenant],
                                   api_client: Callable[..., TestClient]) -> None:
    admin = tenant()
    issued = admin.client.post(f"/orgs/{admin.org_id}/keys", json={"scope": "read"}).json()
    reader = api_client(issued["token"])
    assert reader.get("/orgs/me").status_code == 200
    assert admin.client.delete(f"/orgs/{admin.org_id}/keys/{issued['id']}").status_code == 204
    assert reader.get("/orgs/me").status_code == 401


def test_expired_key_stops_working(tenant: Callable[..., Tenant], api_client: Callable[..., TestClient],
                                   api_app: object) -> None:
    admin = tenant()
    issued = admin.client.post(f"/orgs/{admin.org_id}/keys", json={
        "scope": "read", "expires_at": (utc_now() + timedelta(hours=1)).isoformat()}).json()
    reader = api_client(issued["token"])
    assert reader.get("/orgs/me").status_code == 200
    with api_app.state.db.write_session() as session:  # type: ignore[attr-defined]
        key = session.get(ApiKey, issued["id"])
        assert key is not None
        key.expires_at = utc_now() - timedelta(seconds=1)
        session.commit()
    assert reader.get("/orgs/me").status_code == 401


def test_only_the_hash_of_a_key_is_stored(tenant: Callable[..., Tenant], api_app: object) -> None:
    admin = tenant()
    with api_app.state.db.session() as session:  # type: ignore[attr-defined]
        stored = [(k.prefix, k.token_sha256) for k in session.query(ApiKey).all()]
    assert stored
    assert all(admin.key not in value for row in stored for value in row)


def test_read_scope_cannot_write(tenant: Callable[..., Tenant]) -> None:
    reader = tenant(scope="read")
    response = reader.client.post(f"/orgs/{reader.org_id}/users", json={"email": "a@b.kz", "name": "A"})
    assert response.status_code == 403
    assert reader.client.get(f"/orgs/{reader.org_id}/users").json()["items"] == []
