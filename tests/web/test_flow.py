"""The whole journey in the browser: plan -> book -> the operator reports events (one by the form, one
by file upload) -> Track shows the container move and its ETA, live (server-sent events), without
reloading the page -> the booking appears in Analyse."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from web_helpers import WebServer, open_page, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

UNLOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
CONTAINER = "CSQU3054383"
"""A valid ISO 6346 number (check digit 3)."""


def _local(moment: datetime) -> str:
    """A datetime-local value (the pages run in UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def _plan_and_book(page: Page) -> tuple[str, str, str]:
    """Books the first itinerary Xi'an -> Poti; returns the shipment id and the first leg's two ends."""
    page.goto("/#/plan")
    page.get_by_label("From").fill("CNXIA")
    page.get_by_label("To").fill("Poti")
    page.get_by_role("button", name="Find itineraries").click()
    first = page.locator("article.itinerary").first
    expect(first).to_be_visible(timeout=60_000)
    first.get_by_role("button", name="Book this").click()

    expect(page.get_by_role("heading", name="Book")).to_be_visible()
    choices = page.locator('input[name="itinerary"]')
    expect(choices.first).to_be_attached(timeout=60_000)
    expect(page.locator(".choices label").first).to_contain_text("TEU free")
    screenshot(page, "book-form")
    if not page.locator('input[name="itinerary"]:checked').count():
        # The quote is planned from now: a planned departure that has just left is not quoted.
        choices.first.check()
    page.get_by_label("Container number").fill("CSQU3054384")
    page.get_by_label("Cargo description").fill("Auto parts")
    page.get_by_label("HS code").fill("870899")
    shipper = page.locator('fieldset[data-role="shipper"]')
    shipper.get_by_label("Name").fill("Xi'an Parts Co")
    shipper.get_by_label("Country").fill("CN")
    consignee = page.locator('fieldset[data-role="consignee"]')
    consignee.get_by_label("Name").fill("Tbilisi Motors LLC")
    consignee.get_by_label("Country").fill("GE")
    importer = page.locator('fieldset[data-role="importer_of_record"]')
    importer.get_by_label("Name").fill("Tbilisi Motors LLC")
    importer.get_by_label("Country").fill("GE")
    page.get_by_role("button", name="Request booking").click()
    # A wrong check digit is refused next to the container number, and nothing is booked.
    expect(page.get_by_label("Container number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-field="containers.0.number"] .field-msg')).not_to_be_empty()
    screenshot(page, "book-validation")
    page.get_by_label("Container number").fill(CONTAINER)
    page.get_by_role("button", name="Request booking").click()
    confirmation = page.get_by_role("status").filter(has_text="Reserved departures")
    expect(confirmation).to_contain_text("confirmed", timeout=60_000)
    screenshot(page, "book-confirmed")
    # The consignment note needs what the booking lacks (addresses, Incoterm place...): all listed at once.
    note_form = page.get_by_role("form", name="Consignment note")
    note_form.get_by_role("button", name="Draft consignment note").click()
    missing = page.locator("ul.missing")
    expect(missing).to_contain_text("shipment.parties.shipper.address")
    expect(missing).to_contain_text("instructions.incoterm_place")
    screenshot(page, "book-consignment-note-missing")
    ends = [(row.locator("td").nth(3).inner_text(), row.locator("td").nth(4).inner_text())
            for row in confirmation.locator("tbody tr").all()]
    origin = ends[0][0]
    # Events name places by UN/LOCODE: the first stop reached that has one (not a local code like KZ-ALTYN).
    destination = next(b for _, b in ends if UNLOCODE.fullmatch(b))
    confirmation.get_by_role("button", name="Track this shipment").click()
    page.wait_for_url("**/#/track/*")
    shipment_id = page.url.rsplit("/", 1)[-1]
    return shipment_id, origin, destination


def _report(page: Page, code: str, locode: str, when: datetime) -> None:
    form = page.get_by_role("form", name="Report a container event")
    form.get_by_label("Container").fill(CONTAINER)
    form.get_by_label("Event").select_option(code)
    form.get_by_label("Time (your time zone)").fill(_local(when))
    form.get_by_label("Place").fill(locode)
    form.get_by_role("button", name="Post event").click()
    expect(form.locator(".ok")).to_contain_text("Event posted")


def _upload(page: Page, document: dict[str, object]) -> None:
    form = page.get_by_role("form", name="Upload an event file")
    form.get_by_label("Event file").set_input_files(files=[{
        "name": "events.json", "mimeType": "application/json", "buffer": json.dumps(document).encode()}])
    form.get_by_role("button", name="Upload events").click()
    expect(form.locator(".ok")).to_contain_text("Event posted")


def test_plan_book_report_and_track_live(browser: Browser, page: Page, web_server: WebServer) -> None:
    sign_in(page, web_server.keys["shipper"])
    shipment_id, origin, destination = _plan_and_book(page)

    track = page
    expect(track.get_by_role("heading", name=f"Shipment {shipment_id}")).to_be_visible()
    expect(track.locator(".live")).to_have_text("live")
    card = track.get_by_role("article", name=f"Container {CONTAINER}")
    expect(card).to_contain_text("No events reported yet")

    context, operator, errors = open_page(browser, web_server.url)
    try:
        sign_in(operator, web_server.keys["railway"])
        operator.goto("/#/operate")
        now = datetime.now(UTC)
        _report(operator, "GTIN", origin, now - timedelta(hours=3))
        marker = track.locator(f".container-marker[data-locode='{origin}']")
        expect(marker).to_be_visible()
        screenshot(operator, "operate-event")
        _upload(operator, {"events": [{
            "type": "TRANSPORT", "code": "ARRI", "classifier": "ACT", "container": CONTAINER,
            "locode": destination, "time": (now - timedelta(minutes=5)).isoformat(timespec="seconds")}]})
        assert not errors, f"JavaScript errors on the operator's page: {errors}"
    finally:
        context.close()

    # The container moved on the open Track page, and its ETA band is shown.
    expect(track.locator(f".container-marker[data-locode='{destination}']")).to_be_visible()
    expect(card).to_contain_text("ARRI")  # the card was re-rendered: same locator, new content
    expect(card.locator(".eta")).to_contain_text("p90")
    track.wait_for_timeout(1200)  # let the marker finish gliding before the screenshot
    screenshot(track, "track")
    expect(track.locator("table").first).to_contain_text(CONTAINER)

    # A container can be looked up by number too.
    track.goto("/#/track")
    track.get_by_label("Container, SSCC or booking reference").fill(CONTAINER.lower())
    track.get_by_role("button", name="Find").click()
    expect(track.get_by_role("heading", name=f"Container {CONTAINER}")).to_be_visible()
    expect(track.locator(f".container-marker[data-locode='{destination}']")).to_be_visible()
    screenshot(track, "track-container")

    # An actual event off the booked route shows as an exception, live.
    off_route = {"type": "EQUIPMENT", "code": "INSP", "classifier": "ACT", "container": CONTAINER,
                 "locode": "RUMOW", "time": datetime.now(UTC).isoformat(timespec="seconds")}
    answer = httpx.post(f"{web_server.url}/events", json={"events": [off_route]},
                        headers={"Authorization": f"Bearer {web_server.keys['railway']}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    exceptions = track.get_by_role("list", name="Exceptions")
    expect(exceptions).to_contain_text("route deviation")
    # Other events may be marked too (a missed connection at a planned place, depending on the hour).
    expect(track.locator(".timeline li.exception", has_text="at RUMOW")).to_be_visible()
    expect(track.locator(".container-marker[data-locode='RUMOW']")).to_be_visible()
    track.wait_for_timeout(1200)  # the marker glides for a second
    screenshot(track, "track-exception")

    # The booking and the events now feed the shipper's analytics.
    track.goto("/#/analyse")
    volumes = track.get_by_role("region", name="Volumes by month and corridor")
    expect(volumes.locator("svg rect").first).to_be_attached(timeout=60_000)
    expect(volumes.locator("tbody tr")).to_have_count(1)
    screenshot(track, "analyse")
