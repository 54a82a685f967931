"""PNG charts of the analytics report: volumes by corridor, on-time performance, dwell per node."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def report_charts(report: dict[str, list[dict[str, Any]]], folder: Path) -> list[Path]:
    """The charts that have data, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    if report["volumes"]:
        months = sorted({r["month"] for r in report["volumes"]})
        by_corridor: defaultdict[str, dict[str, float]] = defaultdict(dict)
        for row in report["volumes"]:
            by_corridor[row["corridor"]][row["month"]] = row["teu"]
        fig, ax = plt.subplots(figsize=(10, 4))
        bottom = [0.0] * len(months)
        for corridor, values in sorted(by_corridor.items()):
            heights = [values.get(m, 0.0) for m in months]
            ax.bar(months, heights, bottom=bottom, label=corridor)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.set_ylabel("TEU booked (by departure month)")
        ax.set_title("Volumes by corridor")
        ax.legend(fontsize=8)
        ax.tick_params(axis="x", rotation=45)
        paths.append(_save(fig, folder / "volumes.png"))
    if report["on_time"]:
        fig, ax = plt.subplots(figsize=(10, 3.5))
        for corridor in sorted({r["corridor"] for r in report["on_time"]}):
            rows = [r for r in report["on_time"] if r["corridor"] == corridor]
            ax.plot([r["month"] for r in rows], [r["on_time_pct"] for r in rows], marker="o", label=corridor)
        ax.set_ylim(0, 105)
        ax.set_ylabel("% delivered on time")
        ax.set_title("On-time performance against the booked arrival")
        ax.legend(fontsize=8)
        paths.append(_save(fig, folder / "on_time.png"))
    if report["dwell"]:
        rows = report["dwell"]
        fig, ax = plt.subplots(figsize=(10, 0.35 * len(rows) + 1.2))
        ax.barh([r["locode"] for r in rows], [r["p90_hours"] for r in rows], color="#aed6f1", label="p90")
        ax.barh([r["locode"] for r in rows], [r["p50_hours"] for r in rows], color="#2e86c1", label="p50")
        ax.invert_yaxis()
        ax.set_xlabel("dwell hours")
        ax.set_title("Dwell per node")
        ax.legend()
        paths.append(_save(fig, folder / "dwell.png"))
    return paths
