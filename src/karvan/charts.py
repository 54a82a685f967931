"""Chart pieces shared by the simulation and analytics reports (matplotlib on its file backend)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

__all__ = ["monthly_bars_by_corridor", "plt", "save"]


def save(fig: Any, path: Path) -> Path:
    """Write the figure as PNG and free it (reports draw many figures in one process)."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def monthly_bars_by_corridor(ax: Any, rows: Iterable[Mapping[str, Any]], value: str) -> None:
    """Stack `value` of rows with `month` and `corridor` keys: one bar per month, a layer per corridor."""
    by_corridor: defaultdict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        by_corridor[row["corridor"]][row["month"]] = row[value]
    months = sorted({month for values in by_corridor.values() for month in values})
    bottom = [0.0] * len(months)
    for corridor, values in sorted(by_corridor.items()):
        heights = [values.get(month, 0.0) for month in months]
        ax.bar(months, heights, bottom=bottom, label=corridor)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.tick_params(axis="x", rotation=45)
