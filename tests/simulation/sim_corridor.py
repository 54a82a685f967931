"""A small synthetic corridor for simulation tests: rail to a gauge change, rail to a port, a ferry, rail."""

from __future__ import annotations

from typing import Any

from karvan.network.model import Dwell, Link, Place, Service
from karvan.network.network import Network
from karvan.simulation.scenario import Scenario, parse_scenario

SRC = "estimate: synthetic test network"


def _place(code: str, lat: float, lon: float, tz: str, kinds: list[str], **facilities: Any) -> Place:
    return Place.model_validate({"code": code, "name": code, "country": code[:2], "lat": lat, "lon": lon,
                                 "timezone": tz, "kinds": kinds, "facilities": facilities, "source": SRC})


def _service(sid: str, kind: str, mode: str, stops: list[str], hours: list[float], capacity: int,
             p90: list[float] | None = None, **schedule: Any) -> Service:
    return Service.model_validate({
        "id": sid, "name": sid, "operator": "TEST", "kind": kind, "mode": mode, "stops": stops,
        "run_hours": hours, "run_hours_p90": p90, "schedule": schedule or {"weekdays": list(range(7))},
        "capacity_teu": capacity, "tariff_usd": {"40HC": 1000}, "source": SRC})


def corridor(gauge_teu_per_day: float = 760, ferry_capacity: int = 200, train_capacity: int = 100,
             ferry_per_week: float = 3, trains_per_week: float | None = None) -> Network:
    """The corridor; trains run daily by timetable unless `trains_per_week` gives a frequency."""
    trains = {"departures_per_week": trains_per_week} if trains_per_week else {}
    places = [
        _place("CNXIA", 34.28, 108.95, "Asia/Shanghai", ["rail_terminal"]),
        _place("KZDOS", 45.25, 82.48, "Asia/Almaty", ["border_crossing"], customs=True,
               gauge_change={"capacity_teu_per_day": gauge_teu_per_day, "source": SRC}),
        _place("KZAAU", 43.65, 51.15, "Asia/Aqtau", ["sea_port"], ferry_berth=True),
        _place("AZALA", 39.95, 49.40, "Asia/Baku", ["sea_port"], ferry_berth=True),
        _place("GETBS", 41.72, 44.78, "Asia/Tbilisi", ["rail_terminal"]),
    ]
    links = [
        Link(id="L1", a="CNXIA", b="KZDOS", mode="rail", distance_km=2500, gauge="1435",
             traction="electric", source=SRC),
        Link(id="L2", a="KZDOS", b="KZAAU", mode="rail", distance_km=2800, gauge="1520",
             traction="diesel", source=SRC),
        Link(id="L3", a="KZAAU", b="AZALA", mode="ferry", distance_km=420, source=SRC),
        Link(id="L4", a="AZALA", b="GETBS", mode="rail", distance_km=600, gauge="1520",
             traction="electric", source=SRC),
    ]
    services = [
        _service("CN", "block_train", "rail", ["CNXIA", "KZDOS"], [100], train_capacity, [120], **trains),
        _service("KZ", "block_train", "rail", ["KZDOS", "KZAAU"], [80], train_capacity, [100], **trains),
        _service("FERRY", "caspian_ferry", "ferry", ["KZAAU", "AZALA"], [22], ferry_capacity, [30],
                 departures_per_week=ferry_per_week),
        _service("AZ", "block_train", "rail", ["AZALA", "GETBS"], [30], train_capacity, [36], **trains),
    ]
    dwells = [
        Dwell(place="KZDOS", kind="border", p50_hours=6, p90_hours=12, source=SRC),
        Dwell(place="KZDOS", kind="gauge_change", p50_hours=10, p90_hours=20, source=SRC),
        Dwell(place="KZAAU", kind="port_handling", p50_hours=24, p90_hours=60, source=SRC),
        Dwell(place="AZALA", kind="port_handling", p50_hours=12, p90_hours=30, source=SRC),
    ]
    return Network.from_records(places, links, services, dwells)


def scenario(**overrides: Any) -> Scenario:
    raw: dict[str, Any] = {
        "name": "test", "seed": 7, "horizon_days": 120, "warmup_days": 20, "replications": 2,
        "demand": [{"origin": "CNXIA", "destination": "GETBS", "containers_per_week": 40}],
    }
    raw.update(overrides)
    return parse_scenario(raw)
