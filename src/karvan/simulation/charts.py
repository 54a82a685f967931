"""Charts (PNG) and one self-contained HTML page of a simulation result, for people rather than parsers."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from karvan.charts import monthly_bars_by_corridor, plt, save

HIGH = "#c0392b"
NORMAL = "#2e86c1"


def throughput_chart(summary: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4.5))
    monthly_bars_by_corridor(ax, summary["delivered_monthly"], "teu")
    ax.set_ylabel("TEU delivered per month (mean of replications)")
    ax.set_title("Throughput by corridor")
    ax.legend(fontsize=8, ncol=2)
    return save(fig, path)


def transit_chart(summary: dict[str, Any], path: Path) -> Path:
    ods = list(summary["transit_hours"])
    fig, axes = plt.subplots(len(ods) or 1, 1, figsize=(10, 2.2 * max(len(ods), 1)), squeeze=False)
    for ax, od in zip(axes[:, 0], ods, strict=False):
        stats = summary["transit_hours"][od]
        days = [int(k) for k in stats["histogram_days"]]
        ax.bar(days, list(stats["histogram_days"].values()), width=0.9, color=NORMAL)
        for q, style in (("p50", "-"), ("p90", "--")):
            if stats[q]["mean"] is not None:
                days = stats[q]["mean"] / 24
                ax.axvline(days, color=HIGH, linestyle=style, label=f"{q} {days:.1f} d")
        ax.set_title(f"{od}: door transit time", fontsize=9)
        ax.set_ylabel("containers", fontsize=8)
        ax.legend(fontsize=7)
    axes[-1, 0].set_xlabel("days from ready at origin to delivered")
    return save(fig, path)


def utilisation_chart(summary: dict[str, Any], path: Path, top: int = 18) -> Path:
    rows = sorted(summary["resources"], key=lambda r: -(r["utilisation"]["mean"] or 0))[:top]
    fig, ax = plt.subplots(figsize=(10, 0.35 * len(rows) + 1.2))
    means = [r["utilisation"]["mean"] or 0 for r in rows]
    errors = [[m - (r["utilisation"]["ci95_low"] if r["utilisation"]["ci95_low"] is not None else m)
               for m, r in zip(means, rows, strict=True)],
              [(r["utilisation"]["ci95_high"] if r["utilisation"]["ci95_high"] is not None else m) - m
               for m, r in zip(means, rows, strict=True)]]
    ax.barh([r["id"] for r in rows], [m * 100 for m in means],
            xerr=[[e * 100 for e in side] for side in errors],
            color=[HIGH if m >= 0.85 else NORMAL for m in means])
    ax.invert_yaxis()
    ax.axvline(85, color="grey", linestyle=":")
    ax.set_xlabel("utilisation % (95 % CI across replications)")
    ax.set_title("Resource utilisation")
    return save(fig, path)


def bottleneck_chart(summary: dict[str, Any], path: Path, top: int = 12) -> Path:
    rows = summary["bottlenecks"][:top]
    fig, ax = plt.subplots(figsize=(10, 0.4 * max(len(rows), 1) + 1.2))
    ax.barh([f"{r['rank']}. {r['id']}" for r in rows],
            [r["delay_teu_hours_per_week"]["mean"] or 0 for r in rows], color=HIGH)
    ax.invert_yaxis()
    ax.set_xlabel("congestion delay caused, TEU-hours per week")
    ax.set_title("Bottlenecks, ranked")
    return save(fig, path)


def charts(result: dict[str, Any], folder: Path) -> list[Path]:
    summary = result["summary"]
    return [throughput_chart(summary, folder / "throughput.png"),
            transit_chart(summary, folder / "transit.png"),
            bottleneck_chart(summary, folder / "bottlenecks.png"),
            utilisation_chart(summary, folder / "utilisation.png")]


def _ci(cell: dict[str, Any], scale: float = 1.0, digits: int = 1) -> str:
    if cell["mean"] is None:
        return "-"
    text = f"{cell['mean'] * scale:,.{digits}f}"
    if cell["ci95_low"] is not None:
        text += f" ({cell['ci95_low'] * scale:,.{digits}f}-{cell['ci95_high'] * scale:,.{digits}f})"
    return text


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def html_page(result: dict[str, Any], images: list[Path]) -> str:
    s = result["summary"]
    scenario = result["scenario"]
    corridors = [[c, _ci(v["teu_per_year"], digits=0), _ci(v["tonnes_per_year"], digits=0)]
                 for c, v in s["corridors"].items()]
    transit = [[od, _ci(v["p50"], 1 / 24), _ci(v["p90"], 1 / 24)] for od, v in s["transit_hours"].items()]
    bottlenecks = [[str(b["rank"]), b["id"], _ci(b["delay_teu_hours_per_week"], digits=0),
                    _ci(b["utilisation"], 100)] for b in s["bottlenecks"][:15]]
    nodes = [[p, _ci(v["wait_hours_mean"]), _ci(v["queue_containers_mean"])] for p, v in s["nodes"].items()]
    pictures = "".join(
        f'<img alt="{p.stem}" src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}">'
        for p in images)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Karvan simulation: {html.escape(scenario['name'])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}
img{{max-width:100%;display:block;margin:1em 0}}</style></head><body>
<h1>Simulation: {html.escape(scenario['name'])}</h1>
<p>{html.escape(scenario.get('description') or '')}</p>
<p>{s['replications']} replications, {s['measured_days']:.0f} measured days after
{scenario['warmup_days']:.0f} warm-up days, seed {scenario['seed']}. Figures are means with 95 %
confidence intervals.</p>
<h2>Corridors (per year)</h2>{_table(['corridor', 'TEU', 'tonnes'], corridors)}
<h2>Door transit time (days)</h2>{_table(['origin-destination', 'p50', 'p90'], transit)}
<h2>Bottlenecks</h2><p>Ranked by congestion delay caused (TEU-hours per week): time containers waited
because the resource was busy, full, closed or its sailing cancelled, not the ordinary wait for the next
scheduled departure.</p>{_table(['rank', 'resource', 'delay TEU-h/week', 'utilisation %'], bottlenecks)}
<h2>Waiting at nodes</h2>{_table(['place', 'mean wait (h)', 'mean queue (containers)'], nodes)}
{pictures}</body></html>"""


def write_outputs(result: dict[str, Any], folder: Path) -> list[Path]:
    """result.json, the PNG charts and report.html in `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "result.json"
    json_path.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")
    images = charts(result, folder)
    page = folder / "report.html"
    page.write_text(html_page(result, images), encoding="utf-8")
    return [json_path, *images, page]
