"""Compute the sea and ferry links of the bundled network with `searoute` and write `links_sea.yaml`.

Why a script: sea distances depend on the route a ship takes (straits, canals, capes), so they are
computed on searoute's marine network rather than typed by hand. The output is deterministic for a
given searoute version and `places.yaml`; only the computation date in `source` changes between runs
(pass `--date` to pin it).

searoute starts and ends a route at the network node nearest to each point; the short straight hops
from the port to those nodes are added to the geometry and the distance, so every link joins its two
ports. Variants: `suez` is searoute's shortest route and must pass Suez; `cape` forbids Suez and
Panama and must pass the Cape of Good Hope. Caspian routes must stay inside the Caspian basin.

Usage: .venv/bin/python scripts/build_sea_links.py [--date YYYY-MM-DD] [--out PATH]
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import searoute
import yaml

NETWORK_DIR = Path(__file__).resolve().parents[1] / "src" / "karvan" / "data" / "network"
EARTH_RADIUS_KM = 6371.0088
CASPIAN_BOX = (46.0, 36.0, 55.5, 47.5)
"""(lon_min, lat_min, lon_max, lat_max) of the Caspian basin, to check that routes stay inside."""

VARIANTS: dict[str, dict[str, Any]] = {
    "": {"restrictions": ["northwest"], "must_pass": None},
    "suez": {"restrictions": ["northwest"], "must_pass": "suez"},
    "cape": {"restrictions": ["northwest", "suez", "panama"], "must_pass": "south_africa"},
}
DETOUR_REASONS = {
    "": "sea route around coastlines and through straits (searoute marine network)",
    "suez": "sea route via Malacca, Bab-el-Mandeb and the Suez Canal (searoute marine network)",
    "cape": "sea route round the Cape of Good Hope, avoiding Suez and Panama (searoute marine network)",
}


@dataclass(frozen=True)
class Pair:
    """One port pair to route, the link modes to write for it and the routing variant."""

    a: str
    b: str
    modes: tuple[str, ...]
    variant: str = ""
    caspian: bool = False


PAIRS: tuple[Pair, ...] = (
    # Caspian Sea: rail/Ro-Pax ferries and container feeders
    Pair("KZAAU", "AZALA", ("ferry", "sea"), caspian=True),
    Pair("KZKUR", "AZALA", ("ferry",), caspian=True),
    Pair("TMKRW", "AZALA", ("ferry", "sea"), caspian=True),
    # Black Sea: ferries and feeders between Georgia and Romania, Bulgaria, Turkey
    Pair("GEPTI", "ROCND", ("ferry", "sea")),
    Pair("GEBUS", "ROCND", ("ferry",)),
    Pair("GEBUS", "BGVAR", ("ferry",)),
    Pair("GEPTI", "BGVAR", ("sea",)),
    Pair("GEPTI", "TRIST", ("sea",)),
    Pair("TRIST", "ROCND", ("sea",)),
    Pair("TRMER", "TRIST", ("sea",)),
    # Short deep-sea legs of the loops
    Pair("CNLYG", "CNSGH", ("sea",)),
    Pair("NLRTM", "DEHAM", ("sea",)),
    # China - Europe deep sea via Suez and via the Cape of Good Hope
    *(Pair(a, b, ("sea",), variant)
      for a, b in (("CNSGH", "NLRTM"), ("CNSGH", "DEHAM"), ("CNLYG", "NLRTM"),
                   ("CNSGH", "ROCND"), ("CNSGH", "GEPTI"), ("CNLYG", "ROCND"))
      for variant in ("suez", "cape")),
    Pair("CNSGH", "TRMER", ("sea",), "suez"),
)


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _wrap(lon: float) -> float:
    """searoute may return longitudes beyond ±180 on routes across the antimeridian."""
    return (lon + 180.0) % 360.0 - 180.0


def route(a: tuple[float, float], b: tuple[float, float], variant: str,
          caspian: bool) -> tuple[float, list[tuple[float, float]]]:
    """Distance (km) and (lon, lat) geometry from port a to port b, both ends included."""
    spec = VARIANTS[variant]
    feature = searoute.searoute(a, b, units="km", restrictions=spec["restrictions"],
                                return_passages=True)
    passages = feature["properties"].get("traversed_passages") or []
    if spec["must_pass"] and spec["must_pass"] not in passages:
        raise SystemExit(f"route {a}->{b} ({variant}) does not pass {spec['must_pass']}: {passages}")
    inner = [(_wrap(lon), lat) for lon, lat in feature["geometry"]["coordinates"]]
    if caspian and not all(CASPIAN_BOX[0] <= lon <= CASPIAN_BOX[2]
                           and CASPIAN_BOX[1] <= lat <= CASPIAN_BOX[3] for lon, lat in inner):
        raise SystemExit(f"route {a}->{b} leaves the Caspian basin; searoute cannot route it")
    distance = (float(feature["properties"]["length"])
                + great_circle_km(*a, *inner[0]) + great_circle_km(*inner[-1], *b))
    return distance, [a, *inner, b]


def build(places: dict[str, tuple[float, float]], computed: str) -> list[dict[str, Any]]:
    source = f"searoute {version('searoute')} (marine network), computed {computed}"
    links: list[dict[str, Any]] = []
    for pair in PAIRS:
        a, b = places[pair.a], places[pair.b]
        distance, geometry = route(a, b, pair.variant, pair.caspian)
        direct = great_circle_km(*a, *b)
        for mode in pair.modes:
            link: dict[str, Any] = {
                "id": "-".join(filter(None, (mode, pair.a, pair.b, pair.variant))),
                "a": pair.a, "b": pair.b, "mode": mode,
                "distance_km": round(distance, 1),
                "geometry": [[round(lon, 4), round(lat, 4)] for lon, lat in geometry],
                "source": source,
            }
            if distance > 2 * direct:
                link["detour_reason"] = DETOUR_REASONS[pair.variant]
            links.append(link)
    return links


def read_places(path: Path) -> dict[str, tuple[float, float]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {p["code"]: (float(p["lon"]), float(p["lat"])) for p in document["places"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default=date.today().isoformat(), help="computation date to record")
    parser.add_argument("--out", type=Path, default=NETWORK_DIR / "links_sea.yaml")
    args = parser.parse_args()
    links = build(read_places(NETWORK_DIR / "places.yaml"), args.date)
    header = ("# GENERATED by scripts/build_sea_links.py - do not edit by hand; re-run the script.\n"
              "# Sea and ferry links: distances and geometries from searoute's marine network.\n")
    body = yaml.safe_dump({"links": links}, sort_keys=False, allow_unicode=True,
                          default_flow_style=None, width=120)
    args.out.write_text(header + body, encoding="utf-8")
    print(f"wrote {len(links)} links to {args.out}")


if __name__ == "__main__":
    main()
