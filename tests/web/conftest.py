"""A real Karvan server and headless Chromium for the browser tests.

`web_server` starts `uvicorn --factory karvan.api.app:create_app` on 127.0.0.1 (free port) over a fresh
SQLite database in a temporary directory, with a shipper, a railway operator (managing every operator code of
the network) and a corridor admin, and an API key each. `page` is a Playwright page of Debian's
Chromium. Helpers are in web_helpers.py; `serve` there starts a server of your own (another app factory,
more environment), e.g. one whose tracking clock is pinned.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from web_helpers import WebServer, open_page, serve

expect.set_options(timeout=20_000)
"""The machine may be busy: wait up to 20 s for what the pages should show (planning takes a few)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    with serve(tmp_path_factory.mktemp("web")) as server:
        yield server


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
