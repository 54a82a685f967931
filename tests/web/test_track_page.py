"""The Track page finds whatever a person tracks by: a container whose ETA was re-planned after a missed
ferry, a logistic unit (SSCC) packed into it by an EPCIS AggregationEvent, and a booking reference, each
with its containers' states; bad input shows the API's problem next to the field.

The server runs with its tracking clock pinned to the story (`track_story:pinned_app`), so the ETA and the
re-plan are the same at any hour; the booking is written into the database as tests/api/test_track.py does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from dcsa_events import dcsa30_event
from playwright.sync_api import Browser, Locator, Page, expect
from track_story import CONTAINER, LEGS, T0, book, move
from web_helpers import WebServer, open_page, screenshot, serve, sign_in

from karvan.store.db import Database

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NOW = T0 + timedelta(hours=250)
"""The train reached Aktau at NOW, two days after the booked ferry left."""
SSCC = "urn:epc:id:sscc:4870012.0000000451"
SSCC_LINK = "https://id.gs1.org/00/048700120000004510"
"""The same logistic unit as a GS1 Digital Link (slashes and all, in the page's route and the API path)."""
POSITION = {"latitude": "45.0183", "longitude": "78.4421"}


@dataclass(frozen=True)
class Story:
    server: WebServer
    shipment: str
    booking: str

    def get(self, role: str, path: str) -> Any:
        answer = httpx.get(f"{self.server.url}{path}", timeout=30,
                           headers={"Authorization": f"Bearer {self.server.keys[role]}"})
        assert answer.status_code == 200, answer.text
        return answer.json()


def _epcis(*events: dict[str, Any]) -> dict[str, Any]:
    return {"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": T0.isoformat(),
            "epcisBody": {"eventList": list(events)}}


def _packing() -> dict[str, Any]:
    """The SSCC commissioned (a CBV step that moves no container: kept as "other") and packed into the
    container (an AggregationEvent), at Dostyk the day before the train leaves."""
    when = (T0 - timedelta(hours=20)).isoformat()
    common = {"eventTime": when, "eventTimeZoneOffset": "+00:00", "action": "ADD",
              "readPoint": {"id": "urn:unece:locode:KZDOS"}}
    return _epcis(
        {"type": "ObjectEvent", "eventID": "urn:uuid:0b6a2c1e-7d3f-4e59-8a41-2f0c9d7e5b11",
         "epcList": [SSCC], "bizStep": "commissioning", **common},
        {"type": "AggregationEvent", "eventID": "urn:uuid:0b6a2c1e-7d3f-4e59-8a41-2f0c9d7e5b12",
         "parentID": f"urn:epc:id:bic:{CONTAINER}", "childEPCs": [SSCC], "bizStep": "packing",
         **{**common, "eventTime": (T0 - timedelta(hours=19)).isoformat()}})


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    """The booking Dostyk -> Aktau -> Alat; the railway reports the booking confirmed (an event naming no
    container), the packing, the departure, a tracker's position fix (coordinates only) and the late
    arrival at Aktau."""
    with serve(tmp_path_factory.mktemp("web-track"), factory="track_story:pinned_app",
               env={"KARVAN_TEST_NOW": NOW.isoformat()}) as server:
        db = Database(server.database_url)
        shipment, booking = book(db, server.org_ids["shipper"], server.org_ids["railway"])
        db.dispose()
        confirmed = dcsa30_event("CONF-1", "SHIPMENT", "CONF", (T0 - timedelta(hours=30)).isoformat(),
                                 booking=booking)
        fix = dcsa30_event("IOT-FIX-1", "IOT", "DETC", (NOW - timedelta(hours=30)).isoformat(),
                           container=CONTAINER, eventLocation={"geoCoordinate": POSITION},
                           iotDetails={"iotEventCode": "LOC"})
        headers = {"Authorization": f"Bearer {server.keys['railway']}"}
        for document in ({"events": [confirmed]}, _packing(),
                         {"events": [move("DEPA", "KZDOS", 0), fix, move("ARRI", "KZAAU", 250)]}):
            answer = httpx.post(f"{server.url}/events", json=document, headers=headers, timeout=30)
            assert answer.status_code == 200 and answer.json()["rejected"] == 0, answer.text
        yield Story(server, shipment, booking)


@pytest.fixture()
def page(browser: Browser, story: Story) -> Iterator[Page]:
    context, page, errors = open_page(browser, story.server.url)
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _find(page: Page, query: str) -> None:
    page.goto("/#/track")
    page.get_by_label("Container, SSCC or booking reference").fill(query)
    page.get_by_role("button", name="Find").click()


def _when(moment: datetime | str) -> str:
    """A time as the page writes it."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _expect_state(card: Locator, state: dict[str, Any]) -> None:
    """The card shows the API's state: status, ETA band, and the re-plan with the booked and new ETA."""
    eta = state["eta"]
    expect(card.get_by_role("heading", name=CONTAINER)).to_contain_text(state["status"].replace("_", " "))
    expect(card.locator(".eta")).to_contain_text(f"{_when(eta['p50'])} (p50) – {_when(eta['p90'])} (p90)")
    expect(card.locator(".replan")).to_have_text(f"Re-planned: {eta['replan']}")
    expect(card.locator(".booked")).to_have_text(
        f"ETA was {_when(eta['booked'])} (booked), now {_when(eta['p50'])} (p50)")


def test_a_container_that_missed_its_ferry_shows_the_replanned_journey(page: Page, story: Story) -> None:
    sign_in(page, story.server.keys["shipper"])
    _find(page, CONTAINER.lower())
    expect(page.get_by_role("heading", name=f"Container {CONTAINER}")).to_be_visible()
    state = story.get("shipper", f"/track/{CONTAINER}")
    service, _, origin, _, departs_h, arrives_h = LEGS[1]
    missed = f"missed {service} {_when(T0 + timedelta(hours=departs_h))}; re-planned via "
    assert state["eta"]["replan"].startswith(missed)
    assert state["eta"]["booked"] == (T0 + timedelta(hours=arrives_h)).isoformat()
    card = page.get_by_role("article", name=f"Container {CONTAINER}")
    _expect_state(card, state)
    # Every exception with its severity, most severe first; the missed ferry is one of them.
    exceptions = card.get_by_role("list", name="Exceptions").get_by_role("listitem")
    expect(exceptions).to_have_count(len(state["exceptions"]))
    for item, exception in zip(exceptions.all(), _by_severity(state["exceptions"]), strict=True):
        expect(item).to_have_attribute("data-severity", exception["severity"])
        expect(item).to_contain_text(f"{exception['severity']} {exception['kind'].replace('_', ' ')}: ")
        expect(item).to_contain_text(exception["message"])
    assert any(e["kind"] == "missed_connection" and e["locode"] == origin for e in state["exceptions"])
    # The tracker's fix is on the map and in the timeline where it was reported, with no place made up.
    expect(page.locator("path.sighting")).to_have_count(1)
    expect(card.locator(".timeline li", has_text="DETC")).to_contain_text(
        f"{float(POSITION['latitude'])}, {float(POSITION['longitude'])} (reported position)")
    expect(page.locator(f".container-marker[data-locode='{origin}']")).to_be_visible()
    screenshot(page, "track-replanned")


def _by_severity(exceptions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = ["critical", "warning", "info"]
    return sorted(exceptions, key=lambda e: order.index(e["severity"]))


def test_an_sscc_packed_into_a_container_shows_the_container(page: Page, story: Story) -> None:
    sign_in(page, story.server.keys["railway"])
    _find(page, SSCC_LINK)
    expect(page).to_have_url(f"{story.server.url}/#/track/find/https%3A%2F%2Fid.gs1.org%2F00%2F048700120000004510")
    found = story.get("railway", f"/track/{SSCC}")
    assert found["kind"] == "unit" and found["in_container"] == CONTAINER
    expect(page.get_by_role("heading", name=f"Unit {found['unit']}")).to_be_visible()
    unit = page.get_by_role("region", name="Events of the unit")
    expect(unit).to_contain_text(f"In container {CONTAINER}.")
    # The unit's own events: the commissioning kept as "other" with its step, the packing linked.
    expect(unit.locator(".timeline li")).to_have_count(len(found["events"]))
    expect(unit.locator(".timeline li", has_text="commissioning")).to_contain_text(
        "OTHER (business step: commissioning) at KZDOS")
    expect(unit.locator(".timeline li", has_text="packing")).to_contain_text(f"container {CONTAINER}")
    _expect_state(page.get_by_role("article", name=f"Container {CONTAINER}"), found["containers"][0])
    screenshot(page, "track-unit")


def test_a_booking_reference_shows_its_events_and_containers(page: Page, story: Story) -> None:
    sign_in(page, story.server.keys["shipper"])
    _find(page, story.booking)
    found = story.get("shipper", f"/track/{story.booking}")
    assert found["kind"] == "reference" and found["shipment"] == story.shipment
    expect(page.get_by_role("heading", name=f"Reference {story.booking}")).to_be_visible()
    reference = page.get_by_role("region", name="Events of the reference")
    expect(reference.get_by_role("link", name=story.shipment)).to_have_attribute(
        "href", f"#/track/{story.shipment}")
    # The booking's confirmation names no container and no place: shown as reported.
    expect(reference.locator(".timeline li", has_text="CONF")).to_contain_text("at no place reported")
    _expect_state(page.get_by_role("article", name=f"Container {CONTAINER}"), found["containers"][0])
    expect(page.locator(".container-marker")).to_have_count(1)
    screenshot(page, "track-reference")


def test_bad_input_shows_the_problem_next_to_the_field(page: Page, story: Story) -> None:
    sign_in(page, story.server.keys["shipper"])
    query = page.get_by_label("Container, SSCC or booking reference")
    _find(page, "")
    expect(query).to_have_attribute("aria-invalid", "true")
    wrong = CONTAINER[:-1] + str((int(CONTAINER[-1]) + 1) % 10)
    _find(page, wrong)
    problem = httpx.get(f"{story.server.url}/track/{wrong}", timeout=30,
                        headers={"Authorization": f"Bearer {story.server.keys['shipper']}"}).json()
    assert problem["field"] == "query"
    expect(query).to_have_attribute("aria-invalid", "true")
    expect(query).to_have_value(wrong)
    message = page.locator('[data-field="query"] .field-msg')
    expect(message).to_have_text(f"{problem['detail']} ({problem['fix']})")
    expect(page.get_by_role("alert")).to_contain_text(problem["detail"])
    screenshot(page, "track-invalid")
    _find(page, "no-such-reference")
    expect(page.get_by_role("alert")).to_contain_text(
        "no container, unit or booking reference 'no-such-reference'")
