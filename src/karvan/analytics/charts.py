"""PNG charts of the analytics report: volumes by corridor, on-time performance, dwell per node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from karvan.charts import monthly_bars_by_corridor, plt, save


def report_charts(report: dict[str, list[dict[str, Any]]], folder: Path) -> list[Path]:
    """The charts that have data, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    if report["volumes"]:
        fig, ax = plt.subplots(figsize=(10, 4))
        monthly_bars_by_corridor(ax, report["volumes"], "teu")
        ax.set_ylabel("TEU booked (by departure month)")
        ax.set_title("Volumes by corridor")
        ax.legend(fontsize=8)
        paths.append(save(fig, folder / "volumes.png"))
    if report["on_time"]:
        fig, ax = plt.subplots(figsize=(10, 3.5))
        for corridor in sorted({r["corridor"] for r in report["on_time"]}):
            rows = [r for r in report["on_time"] if r["corridor"] == corridor]
            ax.plot([r["month"] for r in rows], [r["on_time_pct"] for r in rows], marker="o", label=corridor)
        ax.set_ylim(0, 105)
        ax.set_ylabel("% delivered on time")
        ax.set_title("On-time performance against the booked arrival")
        ax.legend(fontsize=8)
        paths.append(save(fig, folder / "on_time.png"))
    if report["dwell"]:
        rows = report["dwell"]
        fig, ax = plt.subplots(figsize=(10, 0.35 * len(rows) + 1.2))
        ax.barh([r["locode"] for r in rows], [r["p90_hours"] for r in rows], color="#aed6f1", label="p90")
        ax.barh([r["locode"] for r in rows], [r["p50_hours"] for r in rows], color="#2e86c1", label="p50")
        ax.invert_yaxis()
        ax.set_xlabel("dwell hours")
        ax.set_title("Dwell per node")
        ax.legend()
        paths.append(save(fig, folder / "dwell.png"))
    return paths
