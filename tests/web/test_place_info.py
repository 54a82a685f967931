"""place_details: what the network map shows for a place, checked against the network it came from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.errors import NotFoundError
from karvan.network.loader import load_network
from karvan.network.model import Schedule
from karvan.network.rules import departures_per_week
from karvan.web.place_info import place_details

NETWORK = load_network(use_env=False)


@pytest.mark.parametrize("code", sorted(NETWORK.places)[:: max(1, len(NETWORK.places) // 12)])
def test_details_list_only_what_belongs_to_the_place(code: str) -> None:
    details = place_details(NETWORK, code)
    assert details["code"] == code
    for service in details["services"]:
        assert code in service["stops"]
    for dwell in details["dwells"]:
        assert dwell["place"] == code
    for link_id in details["links"]:
        assert code in (NETWORK.links[link_id].a, NETWORK.links[link_id].b)


def test_every_service_calling_at_a_place_is_listed() -> None:
    for service in NETWORK.services.values():
        listed = {s["id"] for s in place_details(NETWORK, service.stops[-1])["services"]}
        assert service.id in listed


def test_an_unknown_place_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        place_details(NETWORK, "XXNOPE")


@given(st.sets(st.integers(0, 6), min_size=1))
def test_a_timetable_departs_once_per_weekday(weekdays: set[int]) -> None:
    assert departures_per_week(Schedule(weekdays=tuple(sorted(weekdays)))) == len(weekdays)


@given(st.floats(0.1, 50))
def test_a_frequency_is_its_own_departures_per_week(per_week: float) -> None:
    assert departures_per_week(Schedule(departures_per_week=per_week)) == per_week
