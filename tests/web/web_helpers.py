"""Helpers of the browser tests: the server description, signing in and screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page

SCREENSHOTS = Path("test-output/screenshots")


@dataclass(frozen=True)
class WebServer:
    url: str
    keys: dict[str, str]
    """API key per role: shipper, railway, admin."""
    operators: tuple[str, ...]
    """The network operator codes the railway organisation manages."""


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
