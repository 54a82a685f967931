"""Planning endpoints: Pareto itineraries for a request, and the corridors side by side.

Thin over `karvan.planner`: the body is a `PlanRequest`; unknown places and contradictions are 422
problems naming the field, a request no route satisfies is a 422 `no-route` problem saying why.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends

from karvan.api.deps import get_network
from karvan.api.problems import PROBLEM_RESPONSES
from karvan.errors import UnknownPlaceError
from karvan.network.network import Network
from karvan.network.search import resolve_place
from karvan.planner import Comparison, PlanRequest, PlanResult, compare, plan

router = APIRouter(prefix="/plan", tags=["planning"], responses=PROBLEM_RESPONSES)


def _resolved(network: Network, request: PlanRequest) -> PlanRequest:
    """The request with origin and destination as codes, so names and codes are both accepted, and a
    departure no earlier than now: a date means midnight at the origin, and when that has passed (today
    in Xi'an since 16:00 UTC) the cargo can only leave from now on, as a quote for it would."""
    update: dict[str, object] = {}
    for field in ("origin", "destination"):
        try:
            update[field] = resolve_place(network, getattr(request, field)).code
        except UnknownPlaceError as error:
            error.field = field
            raise
    depart = request.depart
    if not isinstance(depart, datetime):
        depart = datetime.combine(depart, time(0), ZoneInfo(network.place(str(update["origin"])).timezone))
    now = datetime.now(UTC)
    if depart.tzinfo is not None and depart < now:
        update["depart"] = now
    return request.model_copy(update=update)


@router.post("", response_model=PlanResult, summary="Pareto-optimal itineraries over time, cost and CO2e")
def post_plan(request: PlanRequest, network: Network = Depends(get_network)) -> PlanResult:
    return plan(network, _resolved(network, request))


@router.post("/compare", response_model=Comparison, summary="Each corridor's best itinerary, side by side")
def post_compare(request: PlanRequest, network: Network = Depends(get_network)) -> Comparison:
    return compare(network, _resolved(network, request))
