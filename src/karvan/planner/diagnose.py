"""Why there is no route: re-run the search without each constraint, then look for missing links."""

from __future__ import annotations

from typing import Any

from karvan.emissions.factors import FactorTable
from karvan.network.model import ContainerType
from karvan.network.network import Network
from karvan.planner.lines import great_circle_km
from karvan.planner.request import Cargo, PlanRequest
from karvan.planner.rules import Rules
from karvan.planner.search import pareto_labels


def _relaxations(request: PlanRequest) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for country in request.avoid_countries:
        others = tuple(c for c in request.avoid_countries if c != country)
        out.append((f"avoiding {country}", {"avoid_countries": others}))
    if request.via:
        out.append((f"via {', '.join(request.via)}", {"via": ()}))
    if request.modes:
        out.append((f"modes limited to {', '.join(m.value for m in request.modes)}", {"modes": ()}))
    if request.max_transshipments is not None:
        out.append((f"at most {request.max_transshipments} transshipments", {"max_transshipments": None}))
    if request.arrive_before is not None:
        out.append((f"arrival before {request.arrive_before}", {"arrive_before": None}))
    if request.dangerous_goods:
        out.append(("dangerous goods (a service on the way does not accept them)",
                    {"dangerous_goods": False}))
    if request.weight_kg is not None:
        out.append((f"gross weight {request.weight_kg:.0f} kg (over a service's limit)",
                    {"weight_kg": None}))
    cargo = request.cargo
    if cargo.container_type.is_reefer:
        dry = ContainerType.GP20 if cargo.container_type.teu == 1 else ContainerType.GP40
        out.append((f"reefer cargo (needs {cargo.count} reefer plugs on every leg)",
                    {"cargo": Cargo(container_type=dry, count=cargo.count)}))
    if cargo.count > 1:
        out.append((f"{cargo.count} containers ({cargo.teu} TEU, over a departure's capacity)",
                    {"cargo": Cargo(container_type=cargo.container_type, count=1)}))
    return out


def _feasible(network: Network, request: PlanRequest, factors: FactorTable | None) -> bool:
    return bool(pareto_labels(Rules(network, request, factors)))


def _missing_link(network: Network, request: PlanRequest) -> str:
    reached = {request.origin}
    frontier = [request.origin]
    while frontier:
        place = frontier.pop()
        for service in network.services_at.get(place, ()):
            for i, stop in enumerate(service.stops[:-1]):
                if stop == place:
                    for later in service.stops[i + 1:]:
                        if later not in reached and later in network.places:
                            reached.add(later)
                            frontier.append(later)
    dest = network.places[request.destination]
    if request.destination in reached:
        return (f"services connect {request.origin} to {request.destination}, but none departs within "
                f"{request.horizon_days} days of {request.depart}")
    nearest = min(reached, key=lambda c: great_circle_km(network.places[c].lat, network.places[c].lon,
                                                         dest.lat, dest.lon))
    km = great_circle_km(network.places[nearest].lat, network.places[nearest].lon, dest.lat, dest.lon)
    return (f"no service or chain of services connects {request.origin} to {request.destination}: from "
            f"{request.origin} services reach {len(reached) - 1} places, the closest being {nearest} "
            f"({km:.0f} km away); a link or service towards {request.destination} is missing")


def explain(network: Network, request: PlanRequest, factors: FactorTable | None = None) -> str:
    """One sentence naming the constraint(s) or missing link that leave no itinerary."""
    head = f"no itinerary from {request.origin} to {request.destination}"
    relaxations = _relaxations(request)
    culprits = [name for name, change in relaxations
                if _feasible(network, request.model_copy(update=change), factors)]
    if culprits:
        return f"{head}: prevented by {'; '.join(culprits)} (a route exists without it)"
    if relaxations:
        everything: dict[str, Any] = {}
        for _, change in relaxations:
            everything.update(change)
        everything["avoid_countries"] = ()
        if _feasible(network, request.model_copy(update=everything), factors):
            return (f"{head}: no single constraint is the cause, but together "
                    f"({'; '.join(name for name, _ in relaxations)}) they leave no route")
    return f"{head}: {_missing_link(network, request)}"
