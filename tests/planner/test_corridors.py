"""Corridor naming from the bundled rules, and corridor comparison."""

from __future__ import annotations

from datetime import date

from planner_networks import toy_corridor

from karvan.planner import PlanRequest, compare
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
