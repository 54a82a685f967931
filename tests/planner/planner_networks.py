"""Small networks built in code for planner tests: a toy corridor and random networks."""

from __future__ import annotations

import itertools
from datetime import date, time

from hypothesis import strategies as st

from karvan.network.model import (
    ContainerType,
    Dwell,
    DwellKind,
    Gauge,
    Link,
    Mode,
    Place,
    PlaceKind,
    Schedule,
    Service,
    ServiceKind,
    Traction,
)
from karvan.network.network import Network
from karvan.planner.request import PlanRequest

SRC = "estimate: test fixture"
KIND = {Mode.RAIL: ServiceKind.BLOCK_TRAIN, Mode.FERRY: ServiceKind.CASPIAN_FERRY,
        Mode.SEA: ServiceKind.DEEP_SEA, Mode.ROAD: ServiceKind.TRUCK}


def place(code: str, lat: float, lon: float, tz: str = "UTC", port: bool = False) -> Place:
    kinds = (PlaceKind.SEA_PORT,) if port else (PlaceKind.RAIL_TERMINAL,)
    return Place(code=code, name=f"Place {code}", country=code[:2], lat=lat, lon=lon, timezone=tz,
                 kinds=kinds, source=SRC)


def link(a: str, b: str, km: float, mode: Mode = Mode.RAIL, gauge: Gauge | None = Gauge.BROAD,
         traction: Traction | None = Traction.DIESEL) -> Link:
    rail = mode is Mode.RAIL
    return Link(id=f"{mode.value}-{a}-{b}", a=a, b=b, mode=mode, distance_km=km,
                gauge=gauge if rail else None, traction=traction if rail else None, source=SRC)


def service(sid: str, stops: tuple[str, ...], hours: tuple[float, ...], *, mode: Mode = Mode.RAIL,
            weekdays: tuple[int, ...] | None = None, per_week: float | None = None, at: time = time(8, 0),
            tariff: float = 1000.0, p90: tuple[float, ...] | None = None, capacity_teu: int = 100,
            reefer_plugs: int = 0, dangerous_goods: bool = False, max_kg: float = 24_000) -> Service:
    schedule = Schedule(weekdays=weekdays, departures_per_week=per_week, departure_time=at) if (
        weekdays or per_week) else Schedule(weekdays=(0, 1, 2, 3, 4, 5, 6), departure_time=at)
    return Service(id=sid, name=f"Service {sid}", operator="OP", kind=KIND[mode], mode=mode, stops=stops,
                   run_hours=hours, run_hours_p90=p90, schedule=schedule, capacity_teu=capacity_teu,
                   reefer_plugs=reefer_plugs, dangerous_goods=dangerous_goods, max_gross_kg_per_teu=max_kg,
                   tariff_usd={ContainerType.GP40: tariff}, source=SRC)


def toy_corridor() -> Network:
    """China - Kazakhstan - Caspian ferry - Azerbaijan - Georgia, and a rail route via Russia.

    CNAAA (1435) -> KZBBB gauge change -> KZCCC port -> ferry -> AZDDD port -> GEEEE;
    KZBBB -> RUFFF -> GEEEE as the faster, dearer northern alternative.
    """
    places = [place("CNAAA", 34.3, 108.9, "Asia/Shanghai"), place("KZBBB", 45.2, 82.5, "Asia/Almaty"),
              place("KZCCC", 43.6, 51.2, "Asia/Almaty", port=True),
              place("AZDDD", 40.1, 49.4, "Asia/Baku", port=True),
              place("GEEEE", 42.1, 41.7, "Asia/Tbilisi"), place("RUFFF", 55.7, 37.6, "Europe/Moscow")]
    links = [link("CNAAA", "KZBBB", 2500, gauge=Gauge.STANDARD, traction=Traction.ELECTRIC),
             link("KZBBB", "KZCCC", 2800), link("KZCCC", "AZDDD", 450, mode=Mode.FERRY),
             link("AZDDD", "GEEEE", 900, traction=Traction.ELECTRIC), link("KZBBB", "RUFFF", 3500),
             link("RUFFF", "GEEEE", 2200)]
    services = [
        service("cn-kz", ("CNAAA", "KZBBB"), (60,), weekdays=(0, 3), p90=(80,)),
        service("kz-port", ("KZBBB", "KZCCC"), (70,), weekdays=(1, 4)),
        service("ferry", ("KZCCC", "AZDDD"), (20,), mode=Mode.FERRY, weekdays=(2,), tariff=900, p90=(60,)),
        service("az-ge", ("AZDDD", "GEEEE"), (24,), per_week=3),
        service("kz-ru-ge", ("KZBBB", "RUFFF", "GEEEE"), (90, 60), weekdays=(5,), tariff=2500),
    ]
    dwells = [Dwell(place="KZBBB", kind=DwellKind.GAUGE_CHANGE, p50_hours=30, p90_hours=70, source=SRC)]
    return Network.from_records(places, links, services, dwells)


CODES = ("CNAAA", "CNBBB", "KZCCC", "KZDDD", "AZEEE")
ZONES = {"CN": "Asia/Shanghai", "KZ": "Asia/Almaty", "AZ": "Asia/Baku"}
MAX_CHANGES = 2
"""Random cases allow at most this many changes, so brute force stays small."""


@st.composite
def networks(draw: st.DrawFn) -> Network:
    codes = CODES[:draw(st.integers(3, len(CODES)))]
    places = [place(c, 40.0 + i, 50.0 + 3 * i, ZONES[c[:2]], port=i % 2 == 0) for i, c in enumerate(codes)]
    services, links = [], {}
    for n in range(draw(st.integers(3, 8))):
        mode = draw(st.sampled_from((Mode.RAIL, Mode.RAIL, Mode.FERRY)))
        stops = tuple(draw(st.permutations(codes))[:draw(st.integers(2, min(4, len(codes))))])
        hours = tuple(draw(st.integers(1, 72)) for _ in stops[1:])
        if draw(st.booleans()):
            schedule = {"weekdays": tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3))))}
        else:
            schedule = {"per_week": draw(st.sampled_from((0.5, 1.0, 2.0, 3.5, 7.0)))}
        services.append(service(f"s{n}", stops, hours, mode=mode, at=time(draw(st.integers(0, 23)), 0),
                                tariff=draw(st.integers(1, 30)) * 100.0, **schedule))
        for a, b in itertools.pairwise(stops):
            if draw(st.booleans()):
                key = (mode, *sorted((a, b)))
                links.setdefault(key, link(a, b, draw(st.integers(100, 3000)), mode=mode,
                                           gauge=draw(st.sampled_from(tuple(Gauge))),
                                           traction=draw(st.sampled_from(tuple(Traction)))))
    dwells = [Dwell(place=c, kind=k, p50_hours=h, p90_hours=h * 2, source="estimate: test")
              for c in codes for k in DwellKind
              if (h := draw(st.sampled_from((None, 0, 5, 40)))) is not None]
    return Network.from_records(places, links.values(), services, dwells)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Network, PlanRequest]:
    network = draw(networks())
    codes = sorted(network.places)
    origin, destination = draw(st.permutations(codes))[:2]
    others = [c for c in codes if c not in (origin, destination)]
    via = tuple(draw(st.sets(st.sampled_from(others), max_size=1))) if others and draw(st.booleans()) else ()
    avoid_choices = sorted({c[:2] for c in others} - {origin[:2], destination[:2]})
    avoid = tuple(draw(st.sets(st.sampled_from(avoid_choices), max_size=1))) if avoid_choices and draw(
        st.booleans()) else ()
    request = PlanRequest(origin=origin, destination=destination, depart=date(2026, 3, 20), via=via,
                          avoid_countries=avoid, max_transshipments=MAX_CHANGES,
                          horizon_days=draw(st.integers(7, 28)))
    return network, request
