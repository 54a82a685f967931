"""Property-based tests of the booking API from its own OpenAPI document: whatever schemathesis sends to
/quotes, /shipments and /bookings with a valid key, the answer is never a 5xx and always matches the
documented response schema. Bounded to 20 examples per operation."""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from booking_api import Tenant
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

BOOKING_PATHS = r"^/(quotes|shipments|bookings)"
EXAMPLES_PER_OPERATION = 20


def test_no_server_error_and_documented_responses(api_app: FastAPI, tenant: Callable[..., Tenant]) -> None:
    headers = {"Authorization": f"Bearer {tenant(scope='write').key}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app).include(path_regex=BOOKING_PATHS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8  # the routers are mounted and documented

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        exercise()
