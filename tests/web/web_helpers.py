"""Helpers of the browser tests: a real server (`serve`), signing in and screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, Page

from karvan.network.loader import load_network
from karvan.store.db import Database
from karvan.store.migrate import upgrade
from karvan.store.models import OrgKind, Scope
from karvan.tenancy import orgs
from karvan.tenancy.principal import Principal

SCREENSHOTS = Path("test-output/screenshots")
TESTS = Path(__file__).resolve().parents[1]
"""tests/: on the server's import path, so a test app factory there (`track_story:pinned_app`) loads."""


@dataclass(frozen=True)
class WebServer:
    url: str
    keys: dict[str, str]
    """API key per role: shipper, railway, admin."""
    operators: tuple[str, ...]
    """The network operator codes the railway organisation manages."""
    org_ids: dict[str, str]
    """Organisation id per role, for tests that write a story straight into the database."""
    database_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _operators() -> tuple[str, ...]:
    """Every operator code with services in the bundled network: the test operator manages them all, so
    it can publish the departures of any itinerary and report events anywhere."""
    return tuple(sorted({s.operator for s in load_network(use_env=False).services.values()}))


def _seed(url: str, operators: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    db = Database(url)
    system = Principal.system()
    keys, ids = {}, {}
    with db.write_session() as session:
        for role, kind, codes in (("shipper", OrgKind.SHIPPER, ()), ("railway", OrgKind.RAILWAY, operators),
                                  ("admin", OrgKind.CORRIDOR_ADMIN, ())):
            org = orgs.create_org(session, system, name=f"Web test {role}", kind=kind, operator_codes=codes)
            keys[role] = orgs.create_key(session, system, org.id, scope=Scope.ADMIN, label="web tests").token
            ids[role] = org.id
        session.commit()
    db.dispose()
    return keys, ids


@contextmanager
def serve(data: Path, factory: str = "karvan.api.app:create_app",
          env: Mapping[str, str] | None = None) -> Iterator[WebServer]:
    """`uvicorn --factory FACTORY` on 127.0.0.1 (free port) over a fresh SQLite database in `data`, with a
    shipper, a railway operator (managing every operator code of the network) and a corridor admin."""
    url = f"sqlite:///{data / 'karvan.db'}"
    upgrade(url)
    operators = _operators()
    keys, ids = _seed(url, operators)
    port = _free_port()
    path = os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))
    server_env = {**os.environ, "KARVAN_DATABASE_URL": url, "KARVAN_DATA_DIR": str(data), "PYTHONPATH": path,
                  **(env or {})}
    server_env.pop("KARVAN_TILE_URL", None)
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", factory,
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=server_env, stdout=log, stderr=subprocess.STDOUT)
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
        yield WebServer(url=base, keys=keys, operators=operators, org_ids=ids, database_url=url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # open event streams hold a graceful shutdown
            proc.kill()
            proc.wait()
        log.close()


def screenshot(page: Page, name: str) -> Path:
    """Saves the whole page as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, key: str) -> None:
    page.goto("/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def open_page(browser: Browser, base_url: str) -> tuple[BrowserContext, Page, list[str]]:
    """A desktop-sized page (1280x800, UTC, British English) and the JavaScript errors it raises."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base_url,
                                  timezone_id="UTC", locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors
