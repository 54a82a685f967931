"""POST /plan and /plan/compare: the planner over HTTP, with names or codes and field-named errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

DEPART = (date.today() + timedelta(days=7)).isoformat()


def test_plan_accepts_names_and_returns_pareto_itineraries(tenant: Callable[..., Any]) -> None:
    client = tenant().client
    answer = client.post("/plan", json={"origin": "Xi'an", "destination": "DEDUI", "depart": DEPART})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["request"]["origin"] == "CNXIA"
    itineraries = body["itineraries"]
    assert itineraries
    for it in itineraries:
        assert it["legs"][0]["origin"]["locode"] == "CNXIA"
        assert it["legs"][-1]["destination"]["locode"] == "DEDUI"
        assert it["transit_days_p90"] >= it["transit_days"]
    # Pareto: no itinerary is at least as good as another on all three criteria and better on one.
    figures = [(it["transit_days"], it["cost_usd"], it["co2e_kg"]) for it in itineraries]
    for a in figures:
        assert not any(b != a and all(x <= y for x, y in zip(b, a, strict=True)) for b in figures)


def test_avoiding_a_country_keeps_every_leg_out_of_it(tenant: Callable[..., Any]) -> None:
    client = tenant().client
    body = client.post("/plan", json={"origin": "CNXIA", "destination": "DEDUI", "depart": DEPART,
                                      "avoid_countries": ["RU"]}).json()
    assert body["itineraries"]
    for it in body["itineraries"]:
        assert "RU" not in it["countries"]


def test_unknown_place_names_the_field(tenant: Callable[..., Any]) -> None:
    client = tenant().client
    answer = client.post("/plan", json={"origin": "CNXIA", "destination": "Atlantis", "depart": DEPART})
    assert answer.status_code == 422
    assert answer.json()["field"] == "destination"


def test_compare_gives_one_row_per_corridor(tenant: Callable[..., Any]) -> None:
    client = tenant().client
    request = {"origin": "CNXIA", "destination": "DEDUI", "depart": DEPART}
    body = client.post("/plan/compare", json=request).json()
    names = [row["corridor"] for row in body["corridors"]]
    assert len(names) == len(set(names)) >= 2


def test_no_itinerary_departs_before_now(tenant: Callable[..., Any]) -> None:
    client = tenant().client
    before = datetime.now(UTC)
    body = client.post("/plan", json={"origin": "CNXIA", "destination": "GEPTI",
                                      "depart": date.today().isoformat()}).json()
    assert body["itineraries"]
    for it in body["itineraries"]:
        assert datetime.fromisoformat(it["legs"][0]["departure"]) >= before
