"""GET /track with a booked itinerary: progress, ETA from the plan, a missed connection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from dcsa_events import dcsa30_event
from fastapi import FastAPI
from track_story import CONTAINER, T0, Clock, book, move


def test_track_follows_the_booked_plan_and_flags_a_missed_connection(
        api_app: FastAPI, tenant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karvan.api.routers.track.datetime", Clock)
    monkeypatch.setattr(Clock, "at", T0)
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    owner = tenant("shipper", scope="read")
    book(api_app.state.db, owner.org_id, ktz.org_id)
    assert ktz.client.post("/events", json={"events": [move("DEPA", "KZDOS", 0)]}).status_code == 200
    on_time = owner.client.get(f"/track/{CONTAINER}").json()
    assert on_time["status"] == "in_transit" and on_time["eta"]["basis"] == "plan"
    assert on_time["progress"] == {"current_leg": 0, "legs": 2, "places_reached": 1, "places": 3}
    assert not [e for e in on_time["exceptions"] if e["kind"] == "missed_connection"]
    # the train arrives at Aktau after the ferry's planned departure
    assert ktz.client.post("/events", json={"events": [move("ARRI", "KZAAU", 250)]}).status_code == 200
    Clock.at = T0 + timedelta(hours=250)
    late = owner.client.get(f"/track/{CONTAINER}").json()
    assert late["last_event"]["locode"] == "KZAAU" and late["progress"]["current_leg"] == 1
    missed = [e for e in late["exceptions"] if e["kind"] == "missed_connection"]
    assert len(missed) == 1 and missed[0]["locode"] == "KZAAU"
    assert late["eta"]["p50"] > on_time["eta"]["p50"] and late["eta"]["p90"] >= late["eta"]["p50"]


def test_a_position_reported_only_as_coordinates_is_shown_as_reported(
        api_app: FastAPI, tenant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """No UN/LOCODE is invented for a gate-out known only by its coordinates: the state gives them."""
    monkeypatch.setattr("karvan.api.routers.track.datetime", Clock)
    monkeypatch.setattr(Clock, "at", T0 + timedelta(hours=2))
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    where = {"geoCoordinate": {"latitude": "45.0183", "longitude": "78.4421"}}
    gate_out = dcsa30_event("GTOT-GEO", "EQUIPMENT", "GTOT", T0.isoformat(), container=CONTAINER,
                            eventLocation=where)
    assert ktz.client.post("/events", json={"events": [gate_out]}).status_code == 200
    state = ktz.client.get(f"/track/{CONTAINER}").json()
    assert state["last_event"]["locode"] is None
    assert (state["last_event"]["latitude"], state["last_event"]["longitude"]) == (45.0183, 78.4421)
    assert state["events"][0]["latitude"] == 45.0183


def test_a_missed_connection_is_raised_once_when_the_late_arrival_is_stored(
        api_app: FastAPI, tenant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("karvan.api.routers.track.datetime", Clock)
    monkeypatch.setattr("karvan.tracking.service.datetime", Clock)
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    owner = tenant("shipper", scope="read")
    book(api_app.state.db, owner.org_id, ktz.org_id)
    monkeypatch.setattr(Clock, "at", T0)
    assert ktz.client.post("/events", json={"events": [move("DEPA", "KZDOS", 0)]}).status_code == 200
    assert not owner.client.get(f"/track/{CONTAINER}").json()["exceptions"]
    monkeypatch.setattr(Clock, "at", T0 + timedelta(hours=250))
    assert ktz.client.post("/events", json={"events": [move("ARRI", "KZAAU", 250)]}).status_code == 200
    first = [e for e in owner.client.get(f"/track/{CONTAINER}").json()["exceptions"]
             if e["kind"] == "missed_connection"]
    assert len(first) == 1 and first[0]["raised_at"] == (T0 + timedelta(hours=250)).isoformat()
    # read later, and another report stored: the same cause, still the first raising (the message
    # follows the current re-plan)
    monkeypatch.setattr(Clock, "at", T0 + timedelta(hours=260))
    discharged = dcsa30_event("DISC-KZAAU", "EQUIPMENT", "DISC", (T0 + timedelta(hours=255)).isoformat(),
                              container=CONTAINER, locode="KZAAU")
    assert ktz.client.post("/events", json={"events": [discharged]}).status_code == 200
    again = [e for e in owner.client.get(f"/track/{CONTAINER}").json()["exceptions"]
             if e["kind"] == "missed_connection"]
    assert [(e["cause"], e["raised_at"]) for e in again] == [(e["cause"], e["raised_at"]) for e in first]


def test_a_shipment_is_tracked_on_the_same_pinned_clock_as_its_container(
        api_app: FastAPI, tenant: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Both routes read the router's one clock: pinned, they give the same state, ETA and exceptions."""
    monkeypatch.setattr("karvan.api.routers.track.datetime", Clock)
    monkeypatch.setattr(Clock, "at", T0 + timedelta(hours=250))
    ktz = tenant("railway", operators=["KTZ"], scope="write")
    owner = tenant("shipper", scope="read")
    shipment_id, _ = book(api_app.state.db, owner.org_id, ktz.org_id)
    assert ktz.client.post("/events", json={"events": [move("DEPA", "KZDOS", 0)]}).status_code == 200
    alone = owner.client.get(f"/track/{CONTAINER}").json()
    shipment = owner.client.get(f"/track/shipments/{shipment_id}").json()
    assert shipment["containers"] == [{k: v for k, v in alone.items() if k != "kind"}]
