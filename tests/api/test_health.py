"""/health and /ready are public; /ready reports the database and its migrations."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from karvan.api.app import create_app


def test_health_needs_no_key(api_client: Callable[..., TestClient]) -> None:
    response = api_client().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_the_migrated_database(api_client: Callable[..., TestClient], database_url: str) -> None:
    response = api_client().get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == database_url.split(":")[0].split("+")[0]
    assert body["migrations"] == "current"


def test_ready_is_503_on_an_unmigrated_database(tmp_path: object) -> None:
    app = create_app(f"sqlite:///{tmp_path}/empty.db")
    response = TestClient(app).get("/ready")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_ready_is_503_when_the_database_is_unreachable() -> None:
    app = create_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    response = TestClient(app).get("/ready")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_openapi_and_docs_are_public(api_client: Callable[..., TestClient]) -> None:
    client = api_client()
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert "/orgs" in spec.json()["paths"]
    assert client.get("/docs").status_code == 200
