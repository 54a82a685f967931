"""Webhooks: signed deliveries from a persisted outbox, retried until a real receiver is back."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from dcsa_events import dcsa30_event
from fastapi import FastAPI
from fastapi.testclient import TestClient

from karvan.api.app import create_app
from karvan.network.network import Network
from karvan.tracking.webhooks import SIGNATURE_HEADER, verify

SECRET = "a-shared-secret-of-some-length"


class Receiver:
    """A webhook receiver on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if verify(SECRET, body, self.headers.get(SIGNATURE_HEADER, "")):
                    receiver.bodies.append(json.loads(body))
                else:
                    receiver.bad_signatures += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def event_ids(self) -> set[str]:
        return {e["eventID"] for body in self.bodies for e in body["events"]}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    yield server
    server.stop()


def _wait_for(condition: Callable[[], bool], timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _event(i: int) -> dict[str, Any]:
    return dcsa30_event(f"wh-{i}", "EQUIPMENT", "DISC", f"2026-11-07T09:{i:02d}:00+05:00",
                        container="CSQU3054383", locode="KZAAU")


def test_deliveries_are_signed_retried_and_survive_a_restart(
        database_url: str, api_network: Network, tenant: Callable[..., Any], receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARVAN_WEBHOOK_BACKOFF_S", "0.1")
    admin = tenant("corridor_admin", scope="write")
    headers = {"Authorization": f"Bearer {admin.key}"}
    app: FastAPI = create_app(database_url, network=api_network)
    with TestClient(app, headers=headers) as client:
        created = client.post("/webhooks", json={"url": f"http://127.0.0.1:{receiver.port}/hook",
                                                 "event_types": ["EQUIPMENT"], "secret": SECRET})
        assert created.status_code == 201 and created.json()["secret"] == SECRET
        client.post("/events", json={"events": [_event(0)]})
        assert _wait_for(lambda: receiver.event_ids() == {"wh-0"})
        receiver.stop()
        assert client.post("/events", json={"events": [_event(i) for i in range(1, 4)]}).status_code == 200
        time.sleep(0.5)  # a few failed attempts while the receiver is down
    # the app (and its delivery worker) stopped with deliveries pending; a new one takes over
    receiver.start()
    with TestClient(create_app(database_url, network=api_network), headers=headers) as client:
        assert _wait_for(lambda: receiver.event_ids() == {f"wh-{i}" for i in range(4)})
        assert client.get("/webhooks").json()[0]["event_types"] == ["EQUIPMENT"]
    assert receiver.bad_signatures == 0


def test_subscriptions_are_per_organisation(tenant: Callable[..., Any]) -> None:
    one, two = tenant("shipper", scope="write"), tenant("shipper", scope="write")
    created = one.client.post("/webhooks", json={"url": "http://127.0.0.1:9/hook"}).json()
    assert len(created["secret"]) >= 16
    assert two.client.get("/webhooks").json() == []
    assert two.client.delete(f"/webhooks/{created['id']}").status_code == 404
    assert one.client.delete(f"/webhooks/{created['id']}").status_code == 204
    assert one.client.get("/webhooks").json() == []
    assert one.client.post("/webhooks", json={"url": "not a url"}).status_code == 422
