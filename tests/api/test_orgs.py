"""Organisations, users and keys: each organisation manages only itself; corridor_admin manages all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Tenant
from fastapi import FastAPI
from fastapi.testclient import TestClient

from karvan.store.models import ApiKey, Organisation, User


def _counts(app: FastAPI) -> tuple[int, int, int]:
    with app.state.db.session() as session:
        return (
            session.query(Organisation).count(),
            session.query(User).count(),
            session.query(ApiKey).count(),
        )


@pytest.fixture
def admin(tenant: Callable[..., Tenant]) -> Tenant:
    return tenant("corridor_admin", scope="admin", name="Corridor Secretariat")


def test_me_shows_own_organisation(tenant: Callable[..., Tenant]) -> None:
    railway = tenant("railway", operators=["KTZ"], name="KTZ Express")
    body = railway.client.get("/orgs/me").json()
    assert (body["id"], body["name"], body["kind"], body["operators"]) == (
        railway.org_id,
        "KTZ Express",
        "railway",
        ["KTZ"],
    )


def test_corridor_admin_creates_an_operator_org_and_its_key_works(
    admin: Tenant, api_client: Callable[..., TestClient]
) -> None:
    created = admin.client.post(
        "/orgs", json={"name": "ADY Container", "kind": "railway", "operators": ["ady"]}
    )
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["operators"] == ["ADY"]
    issued = admin.client.post(f"/orgs/{org['id']}/keys", json={"scope": "write", "label": "ops"})
    assert issued.status_code == 201
    assert issued.headers["cache-control"] == "no-store"
    assert api_client(issued.json()["token"]).get("/orgs/me").json()["id"] == org["id"]
    listed = admin.client.get(f"/orgs/{org['id']}/keys").json()["items"]
    assert [k["id"] for k in listed] == [issued.json()["id"]]
    assert "token" not in listed[0]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "X", "kind": "shipper", "operators": ["KTZ"]}, 422, "operators"),
        ({"name": "X", "kind": "railway", "operators": ["NOPE"]}, 422, "operators"),
        ({"name": "X", "kind": "pirate"}, 422, "kind"),
        ({"name": "", "kind": "shipper"}, 422, "name"),
    ],
)
def test_bad_organisations_are_refused(
    admin: Tenant, api_app: FastAPI, body: dict[str, Any], status: int, field: str
) -> None:
    before = _counts(api_app)
    response = admin.client.post("/orgs", json=body)
    assert (response.status_code, response.json().get("field")) == (status, field)
    assert _counts(api_app) == before


def test_operator_codes_and_names_are_unique(
    admin: Tenant, tenant: Callable[..., Tenant], api_app: FastAPI
) -> None:
    tenant("railway", operators=["KTZ"], name="KTZ Express")
    before = _counts(api_app)
    taken = admin.client.post("/orgs", json={"name": "Other", "kind": "railway", "operators": ["KTZ"]})
    assert taken.status_code == 409
    same_name = admin.client.post("/orgs", json={"name": "KTZ Express", "kind": "shipper"})
    assert same_name.status_code == 409
    assert _counts(api_app) == before


def test_other_organisations_cannot_create_organisations(
    tenant: Callable[..., Tenant], api_app: FastAPI
) -> None:
    before = _counts(api_app)
    for kind in ("shipper", "railway", "forwarder"):
        response = tenant(kind).client.post("/orgs", json={"name": f"Mine {kind}", "kind": "shipper"})
        assert response.status_code == 403
    assert _counts(api_app)[0] == before[0] + 3  # only the three tenants themselves


def test_corridor_admin_needs_the_admin_scope(tenant: Callable[..., Tenant], api_app: FastAPI) -> None:
    writer = tenant("corridor_admin", scope="write")
    assert writer.client.post("/orgs", json={"name": "Y", "kind": "shipper"}).status_code == 403


def test_an_organisation_cannot_see_or_manage_another(
    tenant: Callable[..., Tenant], api_app: FastAPI, api_client: Callable[..., TestClient]
) -> None:
    a, b = tenant("shipper"), tenant("forwarder")
    b_key = b.client.post(f"/orgs/{b.org_id}/keys", json={"scope": "read"}).json()
    before = _counts(api_app)
    attempts = [
        a.client.get(f"/orgs/{b.org_id}"),
        a.client.get(f"/orgs/{b.org_id}/users"),
        a.client.get(f"/orgs/{b.org_id}/keys"),
        a.client.get(f"/orgs/{b.org_id}/audit"),
        a.client.post(f"/orgs/{b.org_id}/keys", json={"scope": "admin"}),
        a.client.post(f"/orgs/{b.org_id}/users", json={"email": "x@a.kz", "name": "X"}),
        a.client.delete(f"/orgs/{b.org_id}/keys/{b_key['id']}"),
        a.client.delete(f"/orgs/{a.org_id}/keys/{b_key['id']}"),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert _counts(api_app) == before
    assert api_client(b_key["token"]).get("/orgs/me").status_code == 200  # not revoked
    assert [o["id"] for o in a.client.get("/orgs").json()["items"]] == [a.org_id]


def test_corridor_admin_sees_every_organisation_page_by_page(
    admin: Tenant, tenant: Callable[..., Tenant]
) -> None:
    others = {tenant("shipper").org_id for _ in range(4)}
    seen: list[str] = []
    url = "/orgs?limit=2"
    while url:
        page = admin.client.get(url).json()
        seen += [o["id"] for o in page["items"]]
        url = f"/orgs?limit=2&cursor={page['next_cursor']}" if page["next_cursor"] else ""
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == others | {admin.org_id}
    shippers = admin.client.get("/orgs?kind=shipper").json()["items"]
    assert {o["id"] for o in shippers} == others


def test_write_key_cannot_manage_keys_or_users(tenant: Callable[..., Tenant], api_app: FastAPI) -> None:
    writer = tenant("shipper", scope="write")
    before = _counts(api_app)
    assert writer.client.post(f"/orgs/{writer.org_id}/keys", json={"scope": "admin"}).status_code == 403
    assert (
        writer.client.post(f"/orgs/{writer.org_id}/users", json={"email": "a@b.kz", "name": "A"}).status_code
        == 403
    )
    assert _counts(api_app) == before


def test_users_are_unique_by_email(tenant: Callable[..., Tenant]) -> None:
    org = tenant("forwarder")
    first = org.client.post(f"/orgs/{org.org_id}/users", json={"email": "Ops@Example.com", "name": "Ops"})
    assert first.status_code == 201
    assert first.json()["email"] == "ops@example.com"
    assert (
        org.client.post(
            f"/orgs/{org.org_id}/users", json={"email": "ops@example.com", "name": "Again"}
        ).status_code
        == 409
    )
    bad = org.client.post(f"/orgs/{org.org_id}/users", json={"email": "nobody", "name": "N"})
    assert (bad.status_code, bad.json()["field"]) == (422, "email")
    assert [u["email"] for u in org.client.get(f"/orgs/{org.org_id}/users").json()["items"]] == [
        "ops@example.com"
    ]


def test_key_expiry_must_be_future_and_have_an_offset(tenant: Callable[..., Tenant]) -> None:
    org = tenant()
    past = org.client.post(
        f"/orgs/{org.org_id}/keys", json={"scope": "read", "expires_at": "2020-01-01T00:00:00Z"}
    )
    assert (past.status_code, past.json()["field"]) == (422, "expires_at")
    naive = org.client.post(
        f"/orgs/{org.org_id}/keys", json={"scope": "read", "expires_at": "2030-01-01T00:00:00"}
    )
    assert (naive.status_code, naive.json()["field"]) == (422, "expires_at")


def test_audit_log_records_changes_newest_first(tenant: Callable[..., Tenant]) -> None:
    org = tenant()
    key = org.client.post(f"/orgs/{org.org_id}/keys", json={"scope": "read"}).json()
    org.client.delete(f"/orgs/{org.org_id}/keys/{key['id']}")
    entries = org.client.get(f"/orgs/{org.org_id}/audit").json()["items"]
    assert [e["action"] for e in entries][:2] == ["key.revoke", "key.create"]
    assert entries[0]["entity_id"] == key["id"]
    assert all("token" not in str(e["detail"]) for e in entries)


def test_idempotent_org_creation(admin: Tenant, api_app: FastAPI) -> None:
    headers = {"Idempotency-Key": "create-ady"}
    body = {"name": "ADY Container", "kind": "railway", "operators": ["ADY"]}
    first = admin.client.post("/orgs", json=body, headers=headers)
    retry = admin.client.post("/orgs", json=body, headers=headers)
    assert (first.status_code, retry.status_code, retry.json()) == (201, 201, first.json())
    assert _counts(api_app)[0] == 2
