import pytest
from sim_corridor import corridor

from karvan.errors import NoRouteError
from karvan.network.model import DwellKind
from karvan.network.network import Network
from karvan.simulation.routing import Handle, Ride, find_route, route_via


def _kinds(route: tuple[Ride | Handle, ...], place: str) -> set[DwellKind]:
    return {d.kind for step in route if isinstance(step, Handle) and step.place == place for d in step.dwells}


def test_route_rides_every_service_in_order(network: Network) -> None:
    route = find_route(network, "CNXIA", "GETBS")
    assert [s.service for s in route if isinstance(s, Ride)] == ["CN", "KZ", "FERRY", "AZ"]
    assert [s.place for s in route if isinstance(s, Handle)] == ["KZDOS", "KZAAU", "AZALA"]


def test_dwell_rules_match_the_planner(network: Network) -> None:
    route = find_route(network, "CNXIA", "GETBS")
    assert _kinds(route, "KZDOS") == {DwellKind.GAUGE_CHANGE, DwellKind.BORDER}
    assert _kinds(route, "KZAAU") == {DwellKind.PORT_HANDLING, DwellKind.BORDER}  # leaves Kazakhstan
    assert _kinds(route, "AZALA") == {DwellKind.PORT_HANDLING, DwellKind.BORDER}
    ferry_only = find_route(network, "KZAAU", "AZALA")
    assert _kinds(ferry_only, "KZAAU") == _kinds(ferry_only, "AZALA") == {DwellKind.PORT_HANDLING}


def test_network_figures_are_used_where_present(network: Network) -> None:
    route = find_route(network, "CNXIA", "KZAAU")
    dwells = [d for s in route if isinstance(s, Handle) for d in s.dwells]
    gauge = next(d for d in dwells if d.kind is DwellKind.GAUGE_CHANGE)
    assert (gauge.p50_hours, gauge.p90_hours) == (10, 20)


def test_via_and_missing_connections() -> None:
    network = corridor()
    assert route_via(network, "CNXIA", "GETBS", ["KZAAU"]) == find_route(network, "CNXIA", "GETBS")
    with pytest.raises(NoRouteError):
        find_route(network, "GETBS", "CNXIA")
