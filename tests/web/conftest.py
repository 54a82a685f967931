"""A real Karvan server and headless Chromium for the browser tests.

`web_server` starts `uvicorn --factory karvan.api.app:create_app` on 127.0.0.1 (free port) over a fresh
SQLite database in a temporary directory, with a shipper, a railway operator (managing every operator code of
the network) and a corridor admin, and an API key each. `page` is a Playwright page of Debian's
Chromium. Helpers are in web_helpers.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import WebServer, open_page

from karvan.network.loader import load_network
from karvan.store.db import Database
from karvan.store.migrate import upgrade
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

expect.set_options(timeout=20_000)
"""The machine may be busy: wait up to 20 s for what the pages should show (planning takes a few)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _operators() -> tuple[str, ...]:
    """Every operator code with services in the bundled network: the test operator manages them all, so
    it can publish the departures of any itinerary and report events anywhere."""
    return tuple(sorted({s.operator for s in load_network(use_env=False).services.values()}))


def _seed(url: str, operators: tuple[str, ...]) -> dict[str, str]:
    db = Database(url)
    system = Principal.system()
    keys = {}
    with db.write_session() as session:
        for role, kind, codes in (("shipper", OrgKind.SHIPPER, ()), ("railway", OrgKind.RAILWAY, operators),
                                  ("admin", OrgKind.CORRIDOR_ADMIN, ())):
            org = orgs.create_org(session, system, name=f"Web test {role}", kind=kind, operator_codes=codes)
            keys[role] = orgs.create_key(session, system, org.id, scope=Scope.ADMIN, label="web tests").token
        session.commit()
    db.dispose()
    return keys


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    data = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{data / 'karvan.db'}"
    upgrade(url)
    operators = _operators()
    keys = _seed(url, operators)
    port = _free_port()
    env = {**os.environ, "KARVAN_DATABASE_URL": url, "KARVAN_DATA_DIR": str(data)}
    env.pop("KARVAN_TILE_URL", None)
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "karvan.api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {(data / 'server.log').read_text()}")
            time.sleep(0.2)
        yield WebServer(url=base, keys=keys, operators=operators)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # open event streams hold a graceful shutdown
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/system-deps.sh installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser, web_server: WebServer) -> Iterator[Page]:
    """A desktop-sized page; JavaScript errors fail the test."""
    context, page, errors = open_page(browser, web_server.url)
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
