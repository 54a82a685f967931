"""The baseline scenario against published 2024 volumes of the Middle Corridor.

Reads the `result.json` of `karvan simulate scenarios/baseline.yaml` and prints, per year, the model's
Caspian containers (TEU sailing between Kazakhstan or Turkmenistan and Azerbaijan, both ways, empties
included), the tonnes crossing the Caspian (container cargo and the non-container cargo sharing the
ferries), the Middle Corridor's cargo tonnes and the container trains from China, next to the published
figures with their sources.

Run: karvan simulate scenarios/baseline.yaml -o out/baseline
     PYTHONPATH=src .venv/bin/python benchmarks/calibration_2024.py out/baseline/result.json [--markdown]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from karvan.simulation.engine import NON_CONTAINER

CASPIAN_EAST = {"KZAAU", "KZKUR", "TMKRW"}
CASPIAN_WEST = {"AZALA"}
BLACK_SEA_FERRY_PORTS = {"GEPTI", "GEBUS", "ROCND", "BGVAR"}
TEU_PER_TRAIN = 100  # Caspian News 2024-10 (ADY chairman): ~300 trains ~ 30,000 TEU
CHINA_ORIGINS = ("Middle: ",)  # westbound lines of the baseline start in China

PUBLISHED = {
    "caspian_teu": (56_500,
                    "Astana Times 2025-03: Caspian crossing KZ<->AZ seaports 2024, 56,500 TEU (+176 %)"),
    "caspian_t": (3_300_000, "Astana Times 2025-03: Caspian crossing KZ<->AZ seaports 2024, 3.3 Mt (+20 %)"),
    "titr_t": (4_500_000, "TITR 2024: 4.1 Mt in January-November (Trend 3982954, Government of Kazakhstan), "
                          "about 4.5 Mt for the year"),
    "china_trains": (358, "Vibewire/RailFreight: 358 container block trains from China on the Middle "
                          "Corridor in 2024"),
}


def _ends(segment: str) -> tuple[str, str]:
    """Place codes of a segment 'A-B' (local codes contain a hyphen themselves, e.g. KZ-ALTYN)."""
    parts = segment.split("-")
    for cut in range(1, len(parts)):
        a, b = "-".join(parts[:cut]), "-".join(parts[cut:])
        if (len(a) == 5 or "-" in a) and (len(b) == 5 or "-" in b):
            return a, b
    raise ValueError(f"cannot split segment {segment!r}")


def _crosses(segment: str, east: set[str], west: set[str]) -> bool:
    a, b = _ends(segment)
    return (a in east and b in west) or (a in west and b in east)


def measure(summary: dict[str, Any]) -> dict[str, float]:
    per_year = 365.0 / float(summary["measured_days"])
    caspian_teu = caspian_t = black_sea_other_t = 0.0
    for row in summary["throughput_monthly"]:
        if _crosses(row["segment"], CASPIAN_EAST, CASPIAN_WEST):
            caspian_teu += row["teu"]
            caspian_t += row["tonnes"]
        elif row["corridor"] == NON_CONTAINER and set(_ends(row["segment"])) <= BLACK_SEA_FERRY_PORTS:
            black_sea_other_t += row["tonnes"]
    middle_t = sum(r["tonnes"] for r in summary["delivered_monthly"] if r["corridor"].startswith("Middle"))
    china_teu = sum(r["teu"] for r in summary["delivered_monthly"] if r["corridor"].startswith(CHINA_ORIGINS))
    caspian_other_t = sum(
        r["tonnes"] for r in summary["throughput_monthly"]
        if r["corridor"] == NON_CONTAINER and _crosses(r["segment"], CASPIAN_EAST, CASPIAN_WEST))
    return {
        "caspian_teu": caspian_teu * per_year,
        "caspian_t": caspian_t * per_year,
        "titr_t": (middle_t + caspian_other_t + black_sea_other_t) * per_year,
        "china_trains": china_teu / TEU_PER_TRAIN * per_year,
    }


LABELS = {
    "caspian_teu": "Caspian containers, TEU/year (both ways, empties included)",
    "caspian_t": "Tonnes across the Caspian (containers' cargo + non-container on ferries)",
    "titr_t": "Middle Corridor cargo, t/year (container cargo + non-container on the ferries)",
    "china_trains": f"Container trains from China, per year ({TEU_PER_TRAIN} TEU each)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result", type=Path, help="result.json of karvan simulate")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    summary = json.loads(args.result.read_text(encoding="utf-8"))["summary"]
    model = measure(summary)
    rows = [(LABELS[k], f"{model[k]:,.0f}", f"{PUBLISHED[k][0]:,}",
             f"{100 * (model[k] - PUBLISHED[k][0]) / PUBLISHED[k][0]:+.0f}", PUBLISHED[k][1]) for k in LABELS]
    head = ("figure", "model", "published 2024", "diff %", "source")
    if args.markdown:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        print("\n".join("| " + " | ".join(r) + " |" for r in rows))
        return
    for r in rows:
        print(f"{r[0]:<80} {r[1]:>12} {r[2]:>12} {r[3]:>6}  {r[4][:60]}")


if __name__ == "__main__":
    main()
