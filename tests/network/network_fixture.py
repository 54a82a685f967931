"""A small Middle Corridor network as plain dicts, for tests to break one field at a time.

Xi'an -1435- Altynkol (gauge change) -1520- Aktau ~ferry~ Alat -1520- Tbilisi. Coordinates are the
official UN/LOCODE ones (Altynkol has none: it uses a local code); distances are round figures
chosen above the great-circle distances, as real track and sailing distances are.
"""

from __future__ import annotations

import copy
from typing import Any

from karvan.network.model import Dwell, Link, Operator, Place, Service
from karvan.network.network import Network

Doc = dict[str, list[dict[str, Any]]]

SOURCE = "test fixture"


def _place(code: str, name: str, lat: float, lon: float, tz: str, kinds: list[str],
           **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "country": code[:2], "lat": lat, "lon": lon, "timezone": tz,
            "kinds": kinds, "source": SOURCE, **extra}


def _rail(id_: str, a: str, b: str, km: float, gauge: str) -> dict[str, Any]:
    return {"id": id_, "a": a, "b": b, "mode": "rail", "distance_km": km, "gauge": gauge,
            "traction": "electric", "source": SOURCE}


def _service(id_: str, mode: str, kind: str, stops: list[str], hours: list[float]) -> dict[str, Any]:
    return {"id": id_, "name": id_, "operator": "OPX", "kind": kind, "mode": mode, "stops": stops,
            "run_hours": hours, "schedule": {"departures_per_week": 3}, "capacity_teu": 80,
            "tariff_usd": {"40HC": 2000}, "source": SOURCE}


BASE: Doc = {
    "places": [
        _place("CNXIA", "Xi'an", 34.28333, 108.95, "Asia/Shanghai", ["rail_terminal", "dry_port"],
               alt_names=["Xi'an International Port"]),
        _place("KZ-ALTYN", "Altynkol", 44.2, 80.3, "Asia/Almaty", ["border_crossing", "rail_terminal"],
               facilities={"gauge_change": {"capacity_teu_per_day": 600, "source": SOURCE}}),
        _place("KZAAU", "Aktau", 43.65, 51.15, "Asia/Aqtau", ["sea_port", "rail_terminal"]),
        _place("AZALA", "Alat", 39.95, 49.4, "Asia/Baku", ["sea_port", "rail_terminal"],
               alt_names=["Baku International Sea Trade Port", "Port of Baku"]),
        _place("GETBS", "Tbilisi", 41.71667, 44.78333, "Asia/Tbilisi", ["rail_terminal", "city"]),
    ],
    "links": [
        _rail("xia-altyn", "CNXIA", "KZ-ALTYN", 3400, "1435"),
        _rail("altyn-aktau", "KZ-ALTYN", "KZAAU", 3000, "1520"),
        {"id": "aktau-alat", "a": "KZAAU", "b": "AZALA", "mode": "ferry", "distance_km": 470,
         "source": SOURCE},
        _rail("alat-tbilisi", "AZALA", "GETBS", 580, "1520"),
    ],
    "services": [
        _service("train-cn", "rail", "block_train", ["CNXIA", "KZ-ALTYN"], [90]),
        _service("train-kz", "rail", "block_train", ["KZ-ALTYN", "KZAAU"], [80]),
        _service("ferry", "ferry", "caspian_ferry", ["KZAAU", "AZALA"], [24]),
        _service("train-az", "rail", "block_train", ["AZALA", "GETBS"], [20]),
    ],
    "dwell": [
        {"place": "KZ-ALTYN", "kind": "gauge_change", "p50_hours": 10, "p90_hours": 30, "source": SOURCE},
        {"place": "KZAAU", "kind": "port_handling", "p50_hours": 48, "p90_hours": 120,
         "source": "estimate: two days between train arrival and ferry departure"},
    ],
    "operators": [
        {"code": "OPX", "name": "Example Operator", "kind": "multimodal", "country": "KZ", "source": SOURCE},
    ],
}


def doc() -> Doc:
    """A fresh deep copy of BASE to break."""
    return copy.deepcopy(BASE)


def build(document: Doc | None = None) -> Network:
    d = BASE if document is None else document
    return Network.from_records(
        places=[Place.model_validate(p) for p in d.get("places", [])],
        links=[Link.model_validate(x) for x in d.get("links", [])],
        services=[Service.model_validate(s) for s in d.get("services", [])],
        dwells=[Dwell.model_validate(x) for x in d.get("dwell", [])],
        operators=[Operator.model_validate(o) for o in d.get("operators", [])],
    )


def record(document: Doc, section: str, key: str) -> dict[str, Any]:
    """The record of `section` whose code or id is `key`, to modify in place."""
    field = {"places": "code", "operators": "code"}.get(section, "id")
    return next(r for r in document[section] if r[field] == key)
