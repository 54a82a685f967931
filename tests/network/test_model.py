"""Field-level rules of the network records: each refuses what a careless data file would say."""

from typing import Any

import pytest
from pydantic import ValidationError

from karvan.network.model import ContainerType, Dwell, Link, Place, Schedule, Service, is_estimate

PLACE: dict[str, Any] = {"code": "GEPTI", "name": "Poti", "country": "GE", "lat": 42.16, "lon": 41.66,
                         "timezone": "Asia/Tbilisi", "kinds": ["sea_port"], "source": "UN/LOCODE"}


@pytest.mark.parametrize("code", ["GEPTI", "KZ-ALTYN", "CN2AB"])
def test_unlocodes_and_marked_local_codes_are_accepted(code: str) -> None:
    assert Place.model_validate(dict(PLACE, code=code, country=code[:2])).code == code


@pytest.mark.parametrize("code", ["GEPT", "GE-PTI-LONGNAME", "gepti", "GEP1I", "GEPTI1"])
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="UN/LOCODE"):
        Place.model_validate(dict(PLACE, code=code))


def test_code_and_country_must_agree() -> None:
    with pytest.raises(ValidationError, match="country is AZ"):
        Place.model_validate(dict(PLACE, country="AZ"))


def test_local_codes_are_recognisable() -> None:
    assert Place.model_validate(dict(PLACE, code="GE-ANAK")).is_local_code
    assert not Place.model_validate(PLACE).is_local_code


def test_rail_links_need_gauge_and_traction_and_others_must_not_have_them() -> None:
    rail = {"id": "r", "a": "GEPTI", "b": "GETBS", "mode": "rail", "distance_km": 300, "source": "x y"}
    with pytest.raises(ValidationError, match="gauge"):
        Link.model_validate(rail)
    with pytest.raises(ValidationError, match="rail links only"):
        Link.model_validate(dict(rail, mode="road", gauge="1520", traction="electric"))
    assert Link.model_validate(dict(rail, gauge="1520", traction="electric")).other_end("GEPTI") == "GETBS"


def test_a_schedule_is_a_timetable_or_a_frequency_not_both() -> None:
    with pytest.raises(ValidationError, match="either"):
        Schedule.model_validate({"weekdays": [0], "departures_per_week": 2})
    with pytest.raises(ValidationError, match="weekdays"):
        Schedule.model_validate({"weekdays": [7]})
    assert Schedule.model_validate({"departures_per_week": 3.5}).weekdays is None


def test_service_run_times_match_its_stops() -> None:
    service = {"id": "s", "name": "s", "operator": "GR", "kind": "block_train", "mode": "rail",
               "stops": ["GEPTI", "GETBS", "AZBAK"], "run_hours": [10], "schedule": {"weekdays": [1]},
               "capacity_teu": 80, "tariff_usd": {"40GP": 900}, "source": "estimate: basis"}
    with pytest.raises(ValidationError, match="1 values for 2"):
        Service.model_validate(service)
    with pytest.raises(ValidationError, match="below run_hours"):
        Service.model_validate(dict(service, run_hours=[10, 20], run_hours_p90=[9, 25]))
    ok = Service.model_validate(dict(service, run_hours=[10, 20]))
    assert ok.p90_hours == ok.run_hours


def test_only_ferries_count_wagons() -> None:
    train = {"id": "s", "name": "s", "operator": "GR", "kind": "block_train", "mode": "rail",
             "stops": ["GEPTI", "GETBS"], "run_hours": [10], "schedule": {"weekdays": [1]},
             "capacity_teu": 80, "capacity_wagons": 40, "tariff_usd": {"40GP": 900},
             "source": "estimate: basis"}
    with pytest.raises(ValidationError, match="ferries"):
        Service.model_validate(train)
    ferry = Service.model_validate(dict(train, kind="rail_ferry", mode="ferry"))
    assert ferry.capacity_wagons == 40


def test_dwell_p90_is_not_below_p50() -> None:
    with pytest.raises(ValidationError, match="p90_hours"):
        Dwell.model_validate({"place": "GEPTI", "kind": "border", "p50_hours": 10, "p90_hours": 5,
                              "source": "x y"})


def test_container_types_know_their_size_and_reefer_need() -> None:
    assert ContainerType("20GP").teu == 1 and ContainerType("40HC").teu == 2
    assert ContainerType("40RF").is_reefer and not ContainerType("40HC").is_reefer


def test_estimates_are_recognised_by_their_label() -> None:
    assert is_estimate("Estimate: great-circle x 1.2")
    assert not is_estimate("UN/LOCODE 2024-2")
