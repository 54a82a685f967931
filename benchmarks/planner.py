"""Planner latency: full Pareto queries over the bundled network, a Dijkstra baseline, and scaling.

1. `plan()` on N random origin-destination pairs of the bundled network (departure dates spread over
   two months, 90-day horizon, default cargo): p50/p95 wall and CPU latency. Targets: p50 <= 20 ms,
   p95 <= 100 ms. Queries with no route count too (they include the explanation).
2. Baseline in the same run: networkx Dijkstra on the equivalent time-expanded graph (one node per
   departure and arrival event of every service run over the horizon; ride, wait and transfer edges
   with the planner's dwell rules), single criterion: earliest arrival. Graph building is reported
   separately; the query is one `nx.dijkstra_path_length` from the origin's departures to a sink.
   Arrival times are checked against the planner's fastest itinerary.
3. Scaling: networks of 10x and 100x the bundled size made of copies of it joined by extra services,
   and how query time grows.

Run: .venv/bin/python benchmarks/planner.py [--queries 1000] [--baseline-queries 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx

from karvan.errors import NoRouteError
from karvan.network import load_network
from karvan.network.model import (
    ContainerType,
    Gauge,
    Link,
    Mode,
    Place,
    Schedule,
    Service,
    ServiceKind,
    Traction,
)
from karvan.network.network import Network
from karvan.planner import PlanRequest, plan
from karvan.planner.lines import Line
from karvan.planner.rules import Arrival, Rules

START = date(2026, 12, 1)
SOURCE = "estimate: benchmark network"


@dataclass
class Timing:
    wall_ms: list[float]
    cpu_ms: list[float]

    def line(self, label: str) -> str:
        def pct(values: list[float], q: float) -> float:
            return sorted(values)[min(len(values) - 1, int(q * len(values)))]
        wall, cpu = self.wall_ms, self.cpu_ms
        return (f"{label}: n={len(wall)}  wall p50 {statistics.median(wall):7.1f} ms  "
                f"p95 {pct(wall, 0.95):7.1f} ms  |  CPU p50 {statistics.median(cpu):7.1f} ms  "
                f"p95 {pct(cpu, 0.95):7.1f} ms")


def random_requests(network: Network, n: int, seed: int,
                    groups: list[list[str]] | None = None) -> list[PlanRequest]:
    """Random pairs; with `groups` (copies of a network), within one copy or into the next one."""
    rnd = random.Random(seed)
    groups = groups or [sorted(network.places)]
    out: list[PlanRequest] = []
    while len(out) < n:
        k = rnd.randrange(len(groups))
        origin = rnd.choice(groups[k])
        destination = rnd.choice(groups[(k + rnd.randrange(2)) % len(groups)])
        if origin == destination:
            continue
        out.append(PlanRequest(origin=origin, destination=destination,
                               depart=START + timedelta(days=rnd.randrange(60))))
    return out


def time_plans(network: Network, requests: list[PlanRequest]) -> tuple[Timing, dict[int, float], int]:
    """Latency of each query; fastest arrival (epoch s) per query index; number without a route."""
    timing = Timing([], [])
    fastest: dict[int, float] = {}
    no_route = 0
    for index, request in enumerate(requests):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            result = plan(network, request)
            fastest[index] = min(it.arrival.timestamp() for it in result.itineraries)
        except NoRouteError:
            no_route += 1
        timing.wall_ms.append((time.perf_counter() - wall) * 1000)
        timing.cpu_ms.append((time.process_time() - cpu) * 1000)
    return timing, fastest, no_route


class TimeExpanded:
    """The time-expanded graph of a network over a window, with the planner's dwell rules."""

    def __init__(self, network: Network, first_day: date, days: int) -> None:
        request = PlanRequest(origin=sorted(network.places)[0], destination=sorted(network.places)[1],
                              depart=first_day, horizon_days=days)
        self.rules = rules = Rules(network, request)
        self.graph = graph = nx.DiGraph()
        self.departures: dict[tuple[str, int, int], list[int]] = {}
        arrivals: list[tuple[str, Arrival, int, tuple[int, int, int]]] = []
        for line in rules.lines:
            t = rules.start_s
            while (first := line.calendar.next_at_or_after(t, rules.horizon_s)) is not None:
                t = first + 1
                for i in range(len(line.stops) - 1):
                    graph.add_edge(("trip", line.index, first, i), ("trip", line.index, first, i + 1),
                                   weight=line.offsets_s[i + 1] - line.offsets_s[i])
                    self.departures.setdefault((line.stops[i], line.index, i), []).append(
                        first + line.offsets_s[i])
                    arrivals.append((line.stops[i + 1], rules.arrival(line, i + 1),
                                     first + line.offsets_s[i + 1], (line.index, first, i + 1)))
        self.boards: dict[str, list[tuple[Line, int]]] = {}
        for line in rules.lines:
            for i, stop in enumerate(line.stops[:-1]):
                self.boards.setdefault(stop, []).append((line, i))
        for place, came, at_s, (line_index, first, i) in arrivals:
            for line, j in self.boards.get(place, ()):
                departure = rules.departure(line, j, at_s + rules.boarding(place, came, line, j).seconds)
                if departure is not None:
                    graph.add_edge(("trip", line_index, first, i),
                                   ("trip", line.index, departure - line.offsets_s[j], j),
                                   weight=departure - at_s)

    def earliest_arrival(self, request: PlanRequest) -> float | None:
        """Seconds since epoch of the earliest arrival, by Dijkstra from a source to a sink node."""
        rules, graph = self.rules, self.graph
        start = Rules(rules.network, request).start_s
        source, sink = ("source",), ("sink",)
        added = [source, sink]
        for line, i in self.boards.get(request.origin, ()):
            dwell_s = rules.boarding(request.origin, None, line, i).seconds
            departure = rules.departure(line, i, start + dwell_s)
            if departure is not None:
                graph.add_edge(source, ("trip", line.index, departure - line.offsets_s[i], i),
                               weight=departure - start)
        for node in list(graph.nodes):
            if node[0] == "trip":
                line = rules.lines[node[1]]
                if node[3] > 0 and line.stops[node[3]] == request.destination:
                    finish = rules.finishing(request.destination, rules.arrival(line, node[3]))
                    graph.add_edge(node, sink, weight=finish.seconds)
        try:
            return start + nx.dijkstra_path_length(graph, source, sink)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        finally:
            graph.remove_nodes_from(added)


def scaled(network: Network, copies: int, seed: int) -> tuple[Network, list[list[str]]]:
    """`copies` renamed copies of `network`, each joined to the next two by five rail services."""
    rnd = random.Random(seed)
    places, links, services = [], [], []

    def code(original: str, k: int) -> str:
        return original if k == 0 else f"{original[:2]}-{original[2:].replace('-', '')[:5]}{k}"

    for k in range(copies):
        for p in network.places.values():
            places.append(p.model_copy(update={"code": code(p.code, k)}))
        for lk in network.links.values():
            links.append(lk.model_copy(update={"id": f"{lk.id}#{k}", "a": code(lk.a, k), "b": code(lk.b, k)}))
        for s in network.services.values():
            services.append(s.model_copy(update={"id": f"{s.id}#{k}",
                                                 "stops": tuple(code(c, k) for c in s.stops)}))
    originals = sorted(network.places)
    for k in range(copies):
        for step in (1, 1, 1, 2, 2):
            a = code(rnd.choice(originals), k)
            b = code(rnd.choice(originals), (k + step) % copies)
            if a == b:
                continue
            links.append(Link(id=f"join-{k}-{len(links)}", a=a, b=b, mode=Mode.RAIL, distance_km=1500.0,
                              gauge=Gauge.BROAD, traction=Traction.DIESEL, source=SOURCE))
            services.append(Service(
                id=f"join-{k}-{len(services)}", name="joining service", operator="BENCH",
                kind=ServiceKind.BLOCK_TRAIN, mode=Mode.RAIL, stops=(a, b), run_hours=(48.0,),
                schedule=Schedule(departures_per_week=3),
                capacity_teu=100, tariff_usd={ContainerType.HC40: 2000.0}, source=SOURCE))
    by_code: dict[str, Place] = {p.code: p for p in places}
    links_out: list[Link] = links
    groups = [[code(c, k) for c in originals] for k in range(copies)]
    return (Network.from_records(by_code.values(), links_out, services, network.dwells,
                                 network.operators.values()), groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-queries", type=int, default=200)
    parser.add_argument("--scaled-queries", type=int, default=100)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on the machine "
          "inflates wall times; CPU times are this process only)")

    network = load_network()
    print(f"bundled network: {network.summary()}")
    requests = random_requests(network, args.queries, seed=1)
    timing, fastest, no_route = time_plans(network, requests)
    print(timing.line("planner, full Pareto query (bundled)") + f"  [{no_route} without route]")

    built = time.perf_counter()
    expanded = TimeExpanded(network, START - timedelta(days=45), 45 + 60 + 90)
    graph = expanded.graph
    print(f"time-expanded graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
          f"built in {time.perf_counter() - built:.1f} s")
    base = Timing([], [])
    agree = compared = 0
    for index, request in enumerate(requests[:args.baseline_queries]):
        wall, cpu = time.perf_counter(), time.process_time()
        arrival = expanded.earliest_arrival(request)
        base.wall_ms.append((time.perf_counter() - wall) * 1000)
        base.cpu_ms.append((time.process_time() - cpu) * 1000)
        if index in fastest and arrival is not None:
            compared += 1
            agree += abs(arrival - fastest[index]) < 1
    print(base.line("baseline, networkx Dijkstra earliest arrival") +
          f"  [fastest arrival equal to the planner's in {agree}/{compared}]")
    planner_p50 = statistics.median(timing.cpu_ms[:args.baseline_queries])
    print(f"ratio planner (3 criteria, Pareto set) / baseline (1 criterion), CPU p50: "
          f"{planner_p50 / statistics.median(base.cpu_ms):.2f}")

    for factor in (10, 100):
        big, groups = scaled(network, factor, seed=factor)
        big_requests = random_requests(big, args.scaled_queries, seed=factor, groups=groups)
        t, _, big_no_route = time_plans(big, big_requests)
        print(t.line(f"planner on {factor}x network ({len(big.places)} places, {len(big.services)} services)")
              + f"  [{big_no_route} without route]")


if __name__ == "__main__":
    main()
