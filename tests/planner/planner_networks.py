"""Small networks built in code for planner tests: a toy corridor and random networks."""

from __future__ import annotations

from datetime import time

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
