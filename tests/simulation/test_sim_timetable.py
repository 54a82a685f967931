from datetime import date
from itertools import pairwise

import pytest
from sim_corridor import scenario

from karvan.errors import InputError
from karvan.network.network import Network
from karvan.simulation.timetable import apply_capacity_changes, departure_hours


def test_weekly_timetable_gives_one_departure_per_listed_day(network: Network) -> None:
    times = departure_hours(network.services["CN"], network, scenario(horizon_days=28))
    assert len(times) == 28
    assert all(0 <= t < 28 * 24 for t in times)
    assert times == sorted(times)


def test_frequency_is_evenly_spaced(network: Network) -> None:
    ferry = departure_hours(network.services["FERRY"], network, scenario(horizon_days=28))
    assert len(ferry) in (12, 13)
    gaps = {round(b - a, 6) for a, b in pairwise(ferry)}
    assert gaps == {56.0}


def test_timetable_is_read_in_the_first_stops_time_zone(network: Network) -> None:
    # CN departs at 00:00 Asia/Shanghai (UTC+8): 16:00 UTC the day before, so the first in the
    # horizon starting Monday 00:00 UTC is at 16 h.
    spec = scenario(horizon_days=7, warmup_days=0, start=date(2026, 1, 5))
    times = departure_hours(network.services["CN"], network, spec)
    assert times[0] == pytest.approx(16.0)


def test_capacity_changes(network: Network) -> None:
    changed = apply_capacity_changes(network, scenario(capacity={"services": [
        {"service": "FERRY", "capacity_teu": 999, "departures_per_week": 7},
        {"service": "AZ", "remove": True}]}))
    assert changed.services["FERRY"].capacity_teu == 999
    assert changed.services["FERRY"].schedule.departures_per_week == 7
    assert "AZ" not in changed.services and "AZ" in network.services


def test_unknown_service_is_an_input_error(network: Network) -> None:
    with pytest.raises(InputError) as info:
        apply_capacity_changes(network, scenario(capacity={"services": [{"service": "NOPE",
                                                                           "remove": True}]}))
    assert info.value.field == "capacity.services.service"
