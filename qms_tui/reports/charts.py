"""Charts for the reports: matplotlib (Agg backend, no pyplot state) to inline SVG.

Deterministic: a fixed ``svg.hashsalt``, no date in the metadata, text kept as text
(``svg.fonttype = none``: smaller, searchable, drawn in the report's font), so the same data
gives byte-identical SVG — the HTML golden files depend on it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import rcParams  # noqa: E402 - after choosing the backend
from matplotlib.figure import Figure  # noqa: E402

rcParams.update({
    "svg.hashsalt": "qms-tui",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 8,
    "axes.labelsize": 7.5,
    "legend.fontsize": 6.5,
    "legend.frameon": False,
})

# Traffic-light colours, dark enough to print in greyscale with distinct shades.
GREEN, YELLOW, RED, GREY, BLUE = "#2e7d32", "#c77c00", "#c62828", "#9e9e9e", "#1f4e79"
LIGHT_COLOUR = {"green": GREEN, "yellow": YELLOW, "red": RED, "none": GREY}
LIGHT_MARKER = {"green": "o", "yellow": "^", "red": "X", "none": "."}  # never colour alone
MM = 1 / 25.4


def _svg(fig: Figure, left: float = 0.08, bottom: float = 0.15, top: float = 0.84) -> str:
    # fixed margins: a "tight" bounding box costs one more drawing pass (twice the time)
    fig.subplots_adjust(left=left, right=0.99, bottom=bottom, top=top)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "qms-tui"})
    text = buf.getvalue()
    return text[text.index("<svg"):]  # inline: no XML declaration or DOCTYPE


def _unique_ids(svg: str, key: str) -> str:
    """Prefix every id (and its references) with ``key``: charts are inlined side by side."""
    ids = set(re.findall(r'id="([^"]+)"', svg))
    for ident in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{ident}"', f'id="{key}-{ident}"')
        svg = svg.replace(f"url(#{ident})", f"url(#{key}-{ident})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{key}-{ident}"')
    return svg


def _figure(width_mm: float, height_mm: float) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width_mm * MM, height_mm * MM))
    ax = fig.add_subplot()
    ax.grid(axis="y", linewidth=0.3, color="#cccccc")
    ax.set_axisbelow(True)
    return fig, ax


def indicator_chart(key: str, detail: dict[str, Any], labels: dict[str, str]) -> str:
    """Values per period against the target (or band) and the yellow threshold.

    ``labels``: translated "value", "target", "band", "threshold" and the unit."""
    series = detail.get("series") or []
    fig, ax = _figure(170, 52)
    xs = list(range(len(series)))
    values = [p["value"] for p in series]
    ax.plot(xs, values, color=BLUE, linewidth=1.1, zorder=2, label=labels["value"])
    for light, colour in LIGHT_COLOUR.items():  # one call per light: the marker shape tells it too
        pts = [(x, p["value"]) for x, p in zip(xs, series, strict=True) if p["light"] == light]
        if pts:
            ax.scatter([x for x, _v in pts], [v for _x, v in pts], color=colour,
                       marker=LIGHT_MARKER[light], s=22, zorder=3)
    target, direction = detail.get("target"), detail.get("direction")
    if direction == "band" and detail.get("band_low") is not None and detail.get("band_high") is not None:
        ax.axhspan(detail["band_low"], detail["band_high"], color=GREEN, alpha=0.12, linewidth=0,
                   label=labels["band"])
    elif target is not None:
        ax.axhline(target, color=GREEN, linewidth=1.0, linestyle="--", label=labels["target"])
        yellow = detail.get("yellow_from")
        yellow = 80.0 if yellow is None else yellow
        if target and direction == "higher":
            ax.axhline(target * yellow / 100.0, color=YELLOW, linewidth=0.8, linestyle=":",
                       label=labels["threshold"])
        elif target and direction == "lower" and yellow:
            ax.axhline(target * 100.0 / yellow, color=YELLOW, linewidth=0.8, linestyle=":",
                       label=labels["threshold"])
    step = max(1, len(series) // 12)
    ax.set_xticks(xs[::step], [p["period"] for p in series][::step])
    ax.tick_params(axis="x", labelrotation=0, labelsize=6.5)
    ax.set_xlim(-0.5, max(len(series) - 0.5, 0.5))
    if detail.get("unit"):
        ax.set_ylabel(detail["unit"])
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3)
    return _unique_ids(_svg(fig), key)


def bars_chart(key: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]],
               *, unit: str = "", stacked: bool = False, width_mm: float = 120, height_mm: float = 45) -> str:
    """Grouped (or stacked) bars: ``series`` = (label, values per category, colour)."""
    fig, ax = _figure(width_mm, height_mm)
    n = max(len(series), 1)
    xs = list(range(len(categories)))
    bottom = [0.0] * len(categories)
    width = 0.7 if stacked else 0.8 / n
    for k, (label, values, colour) in enumerate(series):
        if stacked:
            ax.bar(xs, values, width, bottom=bottom, color=colour, label=label, edgecolor="white", linewidth=0.4)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        else:
            offs = [x - 0.4 + width * (k + 0.5) for x in xs]
            bars = ax.bar(offs, values, width, color=colour, label=label)
            ax.bar_label(bars, fmt="%g", fontsize=6, padding=1)
    ax.set_xticks(xs, list(categories))
    if unit:
        ax.set_ylabel(unit)
    if len(series) > 1:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(series))
    return _unique_ids(_svg(fig, left=0.12, bottom=0.14, top=0.82), key)


def progress_chart(key: str, points: Sequence[tuple[str, float | None, str]], unit: str = "") -> str:
    """Baseline, target and result on one horizontal scale (which way is better does not matter:
    the distance from the baseline towards the target shows). ``points``: (label, value, colour)."""
    shown = [(label, value, colour) for label, value, colour in points if value is not None]
    fig, ax = _figure(120, 28)
    ax.grid(axis="x", linewidth=0.3, color="#cccccc")
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)
    ax.set_yticks([])
    values = [v for _l, v, _c in shown]
    lo, hi = min(values), max(values)
    span = (hi - lo) or abs(hi) or 1.0
    ax.set_xlim(lo - span * 0.25, hi + span * 0.25)
    ax.set_ylim(-1, 1)
    ax.axhline(0, color="#bbbbbb", linewidth=0.8, zorder=1)
    for n, (label, value, colour) in enumerate(shown):
        ax.scatter([value], [0], s=60, color=colour, zorder=3, marker="osD"[n % 3])
        ax.annotate(f"{label}\n{value:g}", (value, 0), xytext=(0, 10 if n % 2 == 0 else -22),
                    textcoords="offset points", ha="center", fontsize=6.5)
    if unit:
        ax.set_xlabel(unit)
    return _unique_ids(_svg(fig, left=0.04, bottom=0.3, top=0.95), key)
