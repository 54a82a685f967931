"""Corridor naming from the bundled rules, and corridor comparison."""

from __future__ import annotations

from datetime import date

from planner_networks import toy_corridor

from karvan.network.network import Network
from karvan.planner import PlanRequest, compare, plan
from karvan.planner.corridors import OTHER, bundled_corridors


def bits(*atoms: tuple[str, str]) -> int:
    corridors = bundled_corridors()
    return sum(corridors.atoms[a] for a in set(atoms))


def test_names_follow_the_first_matching_rule() -> None:
    corridors = bundled_corridors()
    assert corridors.name(bits(("country", "KZ"), ("country", "AZ"), ("mode", "ferry"))) == "Middle Corridor"
    assert corridors.name(bits(("country", "RU"), ("mode", "rail"))) == "Northern route"
    assert corridors.name(bits(("link", "*-cape"), ("mode", "sea"))) == "Sea via Cape of Good Hope"
    assert corridors.name(bits(("link", "*-suez"), ("mode", "sea"))) == "Sea via Suez"
    assert corridors.name(bits(("mode", "rail"))) == OTHER


def test_middle_corridor_needs_the_caspian_crossing() -> None:
    assert bundled_corridors().name(bits(("country", "KZ"), ("country", "AZ"), ("mode", "rail"))) == OTHER


def test_compare_shows_every_corridor_with_its_own_best() -> None:
    comparison = compare(toy_corridor(), PlanRequest(origin="CNAAA", destination="GEEEE",
                                                     depart=date(2026, 12, 1)))
    names = [o.corridor for o in comparison.corridors]
    assert sorted(names) == ["Middle Corridor", "Northern route"]
    for option in comparison.corridors:
        assert option.best.corridor == option.corridor
    arrivals = [o.best.arrival for o in comparison.corridors]
    assert arrivals == sorted(arrivals)


def test_compare_keeps_a_corridor_that_plan_drops_as_dominated() -> None:
    """With a low-emission northern train, the Middle Corridor is dominated on all three criteria."""
    network = toy_corridor()
    northern = network.services["kz-ru-ge"].model_copy(update={"emission_category": "rail_mixed"})
    network = Network.from_records(network.places.values(), network.links.values(),
                                   [*(s for s in network.services.values() if s.id != "kz-ru-ge"), northern],
                                   network.dwells)
    request = PlanRequest(origin="CNAAA", destination="GEEEE", depart=date(2026, 12, 1))
    assert {it.corridor for it in plan(network, request).itineraries} == {"Northern route"}
    assert {o.corridor for o in compare(network, request).corridors} == {"Northern route", "Middle Corridor"}
