"""Errors are RFC 9457 problem+json naming the field, bad input is never a 500, and every request
leaves one JSON log line."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator

import pytest
from conftest import Tenant
from fastapi import FastAPI
from fastapi.testclient import TestClient

from karvan.api.middleware import JsonFormatter


def test_unknown_route_and_wrong_method_are_problems(tenant: Callable[..., Tenant]) -> None:
    client = tenant().client
    missing = client.get("/no/such/thing")
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")
    wrong = client.put("/orgs/me", json={})
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405


def test_query_parameter_errors_name_the_parameter(tenant: Callable[..., Tenant]) -> None:
    response = tenant().client.get("/orgs?limit=0")
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "limit"
    assert body["errors"][0]["in"] == "query"


def test_non_object_body_is_422_not_500(tenant: Callable[..., Tenant]) -> None:
    org = tenant()
    for body in ([1, 2], "text", None, 42):
        response = org.client.post(f"/orgs/{org.org_id}/users", json=body)
        assert response.status_code == 422, body


def test_a_value_the_database_cannot_store_is_422(database_url: str, tenant: Callable[..., Tenant]) -> None:
    """PostgreSQL text cannot hold NUL; SQLite can. Either way the client hears about its input."""
    org = tenant(scope="admin")
    response = org.client.post(f"/orgs/{org.org_id}/users", json={"email": "a@b.kz", "name": "A\u0000B"})
    if database_url.startswith("postgresql"):
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("unstorable-value")
    else:
        assert response.status_code == 201, response.text


def test_streamed_oversize_body_without_length_is_413(
    database_url: str, api_network: object, tenant: Callable[..., Tenant]
) -> None:
    from karvan.api.app import create_app

    key = tenant().key
    app = create_app(database_url, network=api_network, max_body_bytes=100)  # type: ignore[arg-type]

    def chunks() -> Iterator[bytes]:
        yield b'{"email": "'
        yield b"x" * 500
        yield b'@a.kz", "name": "X"}'

    response = TestClient(app, headers={"Authorization": f"Bearer {key}"}).post(
        "/orgs/me/users", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_unexpected_errors_are_opaque_500_problems(api_app: FastAPI, tenant: Callable[..., Tenant]) -> None:
    @api_app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    client = TestClient(
        api_app, headers={"Authorization": f"Bearer {tenant().key}"}, raise_server_exceptions=False
    )
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text


def test_one_json_access_line_per_request_with_the_organisation(
    tenant: Callable[..., Tenant], caplog: pytest.LogCaptureFixture
) -> None:
    org = tenant()
    with caplog.at_level(logging.INFO, logger="karvan.access"):
        org.client.get("/orgs/me")
        org.client.get("/health")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "karvan.access"]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/orgs/me", 200),
        ("GET", "/health", 200),
    ]
    assert lines[0]["org"] == org.org_id and lines[1]["org"] is None
    assert all(line["duration_ms"] >= 0 for line in lines)
    assert {line["pid"] for line in lines} == {os.getpid()}  # tells workers of `serve --workers N` apart


PLATFORM_PATHS = r"^/(orgs|departures)"


def test_platform_endpoints_never_fail_with_a_server_error(
    api_app: FastAPI, tenant: Callable[..., Tenant]
) -> None:
    """Whatever schemathesis generates from our OpenAPI document: no 5xx, and documented responses."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    headers = {"Authorization": f"Bearer {tenant('corridor_admin', scope='admin').key}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app).include(path_regex=PLATFORM_PATHS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        exercise()
