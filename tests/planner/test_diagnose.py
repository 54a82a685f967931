"""Explaining why there is no route: the constraint to drop, or the missing link."""

from __future__ import annotations

from datetime import date

import pytest
from planner_networks import toy_corridor

from karvan.errors import NoRouteError
from karvan.network.model import ContainerType
from karvan.planner import Cargo, PlanRequest, plan
from karvan.planner.diagnose import explain

NETWORK = toy_corridor()


def request(**changes: object) -> PlanRequest:
    base: dict[str, object] = {"origin": "CNAAA", "destination": "GEEEE", "depart": date(2026, 12, 1)}
    return PlanRequest.model_validate(base | changes)


@pytest.mark.parametrize("changes,culprit", [
    ({"cargo": Cargo(container_type=ContainerType.RF40)}, "reefer"),
    ({"dangerous_goods": True}, "dangerous goods"),
    ({"cargo": Cargo(container_type=ContainerType.HC40, count=60)}, "60 containers"),
    ({"weight_kg": 60_000}, "gross weight"),
    ({"arrive_before": date(2026, 12, 5)}, "arrival before"),
    ({"avoid_countries": ("RU", "AZ")}, "avoiding RU; avoiding AZ"),
])
def test_no_route_names_the_constraint(changes: dict[str, object], culprit: str) -> None:
    with pytest.raises(NoRouteError, match=culprit):
        plan(NETWORK, request(**changes))


def test_no_route_names_the_missing_link() -> None:
    with pytest.raises(NoRouteError, match="no service or chain of services connects GEEEE to CNAAA"):
        plan(NETWORK, request(origin="GEEEE", destination="CNAAA"))


def test_every_constraint_whose_removal_restores_a_route_is_named() -> None:
    """Rail only rules out the ferry; avoiding Russia rules out the rail route: dropping either helps."""
    message = explain(NETWORK, request(modes=("rail",), avoid_countries=("RU",)))
    assert "prevented by" in message and "modes limited to rail" in message and "avoiding RU" in message


def test_constraints_that_each_block_every_route_are_named_together() -> None:
    """No service takes reefers or dangerous goods: dropping one alone does not help."""
    message = explain(NETWORK, request(dangerous_goods=True, cargo=Cargo(container_type=ContainerType.RF40)))
    assert "no single constraint" in message and "reefer" in message and "dangerous goods" in message
