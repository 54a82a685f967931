"""The live feed posts valid Karvan JSON events, in time order, paced, to a local HTTP server."""

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest

from karvan.errors import InputError
from karvan.iso6346 import is_valid
from karvan.simulation.feed import run_feed
from karvan.simulation.scenario import parse_scenario

SCENARIO = parse_scenario({
    "name": "feed", "seed": 3, "horizon_days": 30, "warmup_days": 1, "weather": False,
    "demand": [{"origin": "CNXIA", "destination": "AZALA", "containers_per_week": 20, "via": ["KZ-ALTYN"]}]})


class _Capture(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str | None, dict[str, Any]]]] = []
    status = 201

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.headers.get("Authorization"), body))
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"detail": "bad key"}' if self.status >= 400 else b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, type[_Capture]]]:
    handler = type("Handler", (_Capture,), {"received": [], "status": 201})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_events_are_valid_and_ordered(server: tuple[str, type[_Capture]]) -> None:
    url, handler = server
    waits: list[float] = []
    sent = run_feed(SCENARIO, url, "secret", speed=3600.0, max_events=120, sleep=waits.append)
    events = [e for auth, body in handler.received for e in body["events"]]
    assert sent == len(events) == 120
    assert all(auth == "Bearer secret" for auth, _ in handler.received)
    schema = json.loads(Path(str(resources.files("karvan") / "data" / "schemas" / "karvan-event.schema.json"))
                        .read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for event in events:
        validator.validate(event)
        assert is_valid(event["container"])
    simulated = [datetime.fromisoformat(e["details"]["simulated_time"]) for e in events]
    assert simulated == sorted(simulated)
    assert {e["code"] for e in events} >= {"GTIN", "LOAD", "DEPA", "ARRI", "DISC", "XGCT"}
    assert waits and all(w > 0 for w in waits)


def test_history_keeps_real_durations_ends_now_and_is_posted_without_waiting(
        server: tuple[str, type[_Capture]]) -> None:
    url, handler = server
    waits: list[float] = []
    before = datetime.now(UTC)
    run_feed(SCENARIO, url, "secret", speed=3600.0, history_days=30, max_events=200, sleep=waits.append)
    events = [e for _, body in handler.received for e in body["events"]]
    stamped = [datetime.fromisoformat(e["time"]) for e in events]
    simulated = [datetime.fromisoformat(e["details"]["simulated_time"]) for e in events]
    assert waits == []
    assert max(stamped) <= datetime.now(UTC)
    assert min(stamped) < before - timedelta(days=1)
    # One simulated hour is one real hour in the history part.
    drift = (stamped[-1] - stamped[0]) - (simulated[-1] - simulated[0])
    assert abs(drift.total_seconds()) <= 2  # both ends are written to the second


def test_refused_key_is_an_input_error(server: tuple[str, type[_Capture]]) -> None:
    url, handler = server
    handler.status = 401
    with pytest.raises(InputError):
        run_feed(SCENARIO, url, "wrong", speed=1e9, max_events=5, sleep=lambda _: None)


def test_karvan_api_accepts_the_feed(tenant: Any) -> None:
    admin = tenant("corridor_admin")
    sent = run_feed(SCENARIO, "http://testserver", admin.key, speed=1e9, max_events=60,
                    sleep=lambda _: None, client=admin.client)
    stored = admin.client.get("/events", params={"limit": 100})
    assert stored.status_code == 200, stored.text
    assert sent == 60 and "KRVU" in stored.text


def test_unreachable_api_is_an_input_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError) as info:
        run_feed(SCENARIO, f"http://127.0.0.1:{port}", "k", speed=1e9, max_events=3, sleep=lambda _: None)
    assert info.value.field == "feed"
