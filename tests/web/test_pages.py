"""The web pages in headless Chromium against a real server: sign-in, roles, and each page's main job."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from web_helpers import WebServer, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_wrong_key_is_refused_next_to_the_field(page: Page) -> None:
    page.goto("/")
    page.get_by_label("API key").fill("kv_00000000_" + "x" * 43)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field-msg")).to_contain_text("not valid")
    expect(page.get_by_label("API key")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "signin-refused")


def test_network_map_shows_corridors_and_place_details(page: Page, web_server: WebServer) -> None:
    sign_in(page, web_server.keys["shipper"])
    page.goto("/#/network")
    expect(page.locator(".map-status")).to_contain_text("links")
    expect(page.locator("#network-map path.leaflet-interactive").first).to_be_attached()
    expect(page.locator(".legend")).to_contain_text("Rail")
    page.get_by_label("Place", exact=True).select_option(index=1)
    expect(page.get_by_role("complementary", name="Place details")).to_contain_text("Facilities")
    screenshot(page, "network")


def test_each_role_sees_its_own_pages(page: Page, web_server: WebServer) -> None:
    sign_in(page, web_server.keys["railway"])
    menu = page.get_by_role("navigation", name="Pages")
    expect(menu.get_by_role("link", name="Operate")).to_be_visible()
    expect(menu.get_by_role("link", name="Plan")).to_have_count(0)
    page.goto("/#/plan")
    expect(page.get_by_role("alert")).to_contain_text("cannot use this page")


def test_phone_width_has_a_menu_button(page: Page, web_server: WebServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, web_server.keys["shipper"])
    page.goto("/#/network")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("navigation", name="Pages").get_by_role("link", name="Plan")).to_be_visible()
    screenshot(page, "network-phone")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Plan").click()
    expect(page.get_by_label("From")).to_be_visible()
    screenshot(page, "plan-phone")


def test_sign_in_and_navigate_with_the_keyboard_only(page: Page, web_server: WebServer) -> None:
    page.goto("/")
    expect(page.get_by_label("API key")).to_be_focused()
    page.keyboard.type(web_server.keys["shipper"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # Focus moves to the page shown (Plan for a shipper): its first field is one Tab away.
    page.keyboard.press("Tab")
    expect(page.get_by_label("From")).to_be_focused()
    # Back through the header: the sign-out button, then the last menu entry.
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    menu = page.get_by_role("navigation", name="Pages")
    expect(menu.get_by_role("link", name="Analyse")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{web_server.url}/#/analyse")


def test_plan_lists_pareto_itineraries_and_compares_corridors(page: Page, web_server: WebServer) -> None:
    sign_in(page, web_server.keys["shipper"])
    page.goto("/#/plan")
    origin = page.get_by_label("From")
    origin.fill("xian")
    page.get_by_role("option").first.wait_for()
    origin.press("ArrowDown")
    origin.press("Enter")
    expect(origin).to_have_value("Xi'an (CNXIA)")
    page.get_by_label("To").fill("DEDUI")
    page.get_by_role("button", name="Find itineraries").click()
    cards = page.locator("article.itinerary")
    expect(cards.first).to_be_visible(timeout=30_000)
    expect(cards.first).to_contain_text("Days p50")
    expect(page.locator("#plan-map path.leaflet-interactive").first).to_be_attached()
    expect(page.locator(".chart svg")).to_have_count(3, timeout=30_000)
    screenshot(page, "plan")


def test_plan_shows_an_unknown_place_next_to_its_field(page: Page, web_server: WebServer) -> None:
    sign_in(page, web_server.keys["shipper"])
    page.goto("/#/plan")
    page.get_by_label("From").fill("CNXIA")
    page.get_by_label("To").fill("Atlantis")
    page.get_by_role("button", name="Find itineraries").click()
    expect(page.get_by_label("To")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-field="destination"] .field-msg')).to_contain_text("unknown place")


def test_operator_publishes_departures_and_sees_utilisation(page: Page, web_server: WebServer) -> None:
    sign_in(page, web_server.keys["railway"])
    page.goto("/#/operate")
    service = page.get_by_label("Service", exact=True)
    expect(service.locator("option").first).to_be_attached()
    page.get_by_role("button", name="Publish departures").click()
    expect(page.locator("form .ok")).to_contain_text("departures published")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.first.locator("meter")).to_be_attached()
    screenshot(page, "operate")
