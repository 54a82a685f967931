"""Ranking: objective order, the best of each corridor first, no near-duplicates."""

from __future__ import annotations

from karvan.planner.ranking import Candidate, near_duplicate, rank
from karvan.planner.request import Objective

DAY = 86_400.0


def c(corridor: str, days: float, cost: float, co2: float) -> Candidate:
    return Candidate(corridor, days * DAY, cost, co2, f"{corridor}-{days}-{cost}-{co2}")


def test_orders_by_the_objective() -> None:
    items = [c("A", 10, 500, 900), c("B", 20, 100, 800), c("C", 30, 300, 100)]
    assert [x.corridor for x in rank(items, lambda x: x, Objective.TIME, 5)] == ["A", "B", "C"]
    assert [x.corridor for x in rank(items, lambda x: x, Objective.COST, 5)] == ["B", "C", "A"]
    assert [x.corridor for x in rank(items, lambda x: x, Objective.CO2, 5)] == ["C", "B", "A"]


def test_each_corridor_gets_in_before_a_second_option_of_another() -> None:
    items = [c("A", 10, 500, 900), c("A", 11, 400, 850), c("A", 12, 300, 800), c("B", 30, 900, 990)]
    chosen = rank(items, lambda x: x, Objective.TIME, 2)
    assert {x.corridor for x in chosen} == {"A", "B"}


def test_near_duplicates_are_skipped() -> None:
    first, twin, other = c("A", 10, 1000, 900), c("A", 10.2, 1010, 905), c("A", 14, 700, 900)
    assert near_duplicate(first, twin) and not near_duplicate(first, other)
    assert rank([first, twin, other], lambda x: x, Objective.TIME, 5) == [first, other]
    assert not near_duplicate(first, c("B", 10, 1000, 900))
