"""A corridor comparison drawn for people: three aligned bar panels (days, cost, CO2e).

PNG for slides and reports; HTML wraps the same drawing (as SVG) with a table of the figures.
Matplotlib is imported when a chart is drawn, not when the planner is imported.
"""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import TYPE_CHECKING

from karvan.errors import InputError

if TYPE_CHECKING:
    from karvan.planner.compare import Comparison

PALETTE = ("#1b7f79", "#c0504d", "#4f81bd", "#f2a541", "#8064a2", "#7f7f7f", "#9bbb59")


def _figure(comparison: Comparison) -> object:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    options = list(reversed(comparison.corridors))
    names = [o.corridor for o in options]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(options))][::-1]
    fig, axes = plt.subplots(1, 3, figsize=(12, 1.2 + 0.7 * len(options)), sharey=True)
    panels = (
        ("Transit days (bar p50, line to p90)", [o.best.transit_days for o in options], "{:.1f}"),
        ("USD per container", [o.best.cost_usd for o in options], "{:,.0f}"),
        ("kg CO2e per container (WTW)", [o.best.co2e_kg for o in options], "{:,.0f}"),
    )
    for ax, (title, values, fmt) in zip(axes, panels, strict=True):
        bars = ax.barh(names, values, color=colors)
        labels = [fmt.format(v) for v in values]
        if title.startswith("Transit"):
            p90 = [o.best.transit_days_p90 for o in options]
            ax.hlines(range(len(options)), values, p90, colors="#333333", linewidth=2)
            ax.plot(p90, range(len(options)), "|", color="#333333", markersize=12)
            for y, x in enumerate(p90):
                ax.annotate(f"p90 {x:.1f}", (x, y), xytext=(5, 0), textcoords="offset points",
                            va="center", fontsize=9)
            ax.bar_label(bars, labels=labels, label_type="center", color="white", fontsize=9)
        else:
            ax.bar_label(bars, labels=labels, padding=3, fontsize=9)
        ax.set_title(title, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.25)
    request = comparison.request
    fig.suptitle(f"{request.origin} to {request.destination}, one {request.cargo.container_type.value}, "
                 f"ready {request.depart}", fontsize=12)
    fig.tight_layout()
    return fig


def write_chart(comparison: Comparison, path: Path) -> None:
    """Draw `comparison` to a .png or .html file."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html"):
        raise InputError(f"cannot draw a chart as {suffix or 'a file without suffix'}", field="chart",
                         fix="name the file .png or .html")
    fig = _figure(comparison)
    import matplotlib.pyplot as plt

    try:
        if suffix == ".png":
            fig.savefig(path, dpi=130)  # type: ignore[attr-defined]
            return
        svg = io.StringIO()
        fig.savefig(svg, format="svg")  # type: ignore[attr-defined]
        rows = "".join(
            f"<tr><td>{html.escape(o.corridor)}</td><td>{o.best.transit_days:.1f}</td>"
            f"<td>{o.best.transit_days_p90:.1f}</td><td>{o.best.cost_usd:,.0f}</td>"
            f"<td>{o.best.co2e_kg:,.0f}</td><td>{o.best.transshipments}</td>"
            f"<td>{html.escape(' > '.join(o.best.countries))}</td></tr>" for o in comparison.corridors)
        title = html.escape(f"Corridors {comparison.request.origin} to {comparison.request.destination}")
        path.write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px;text-align:right}"
            "td:first-child,td:last-child{text-align:left}</style></head><body>"
            f"<h1>{title}</h1>{svg.getvalue()[svg.getvalue().find('<svg'):]}"
            "<table><tr><th>Corridor</th><th>Days p50</th><th>Days p90</th><th>USD</th>"
            f"<th>kg CO2e WTW</th><th>Transshipments</th><th>Countries</th></tr>{rows}</table>"
            "</body></html>", encoding="utf-8")
    finally:
        plt.close(fig)  # type: ignore[arg-type]
