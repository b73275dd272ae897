"""A small bar chart of an indicator's measurements against its target and thresholds,
drawn with Unicode block characters (no plotting library).

Each measurement is a bar (eighth blocks give 8 levels per row); horizontal lines mark the
target and the thresholds, each with its own glyph (─ target, ╌ green from, ┈ yellow from,
═ band limits). Under every bar its traffic-light symbol (✔ ▲ ✖) and the periods; a legend
in words explains every glyph. Colours only repeat what the glyphs and words already say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from qms_tui.i18n import tr
from qms_tui.widgets.labels import LIGHTS, fmt_number

EIGHTHS = " ▁▂▃▄▅▆▇█"
PLOT_ROWS = 8
MAX_SLOT = 6


@dataclass(frozen=True)
class ChartPoint:
    label: str  # the period ("2025-03")
    value: float
    light: str  # green | yellow | red | none


@dataclass(frozen=True)
class ChartLine:
    """A horizontal reference line; ``kind``: target, green, yellow or band."""

    value: float
    kind: str
    label: str  # translated legend text ("target 98 %")


GLYPHS = {"target": "─", "green": "╌", "yellow": "┈", "band": "═"}


class TrendChart(Widget):
    """``set_data(points, lines)``; points oldest first."""

    DEFAULT_CSS = """
    TrendChart { height: auto; width: 1fr; padding: 0 1; }
    TrendChart > .trend-chart--axis { color: $text-muted; }
    TrendChart > .trend-chart--green { color: $text-success; }
    TrendChart > .trend-chart--yellow { color: $text-warning; }
    TrendChart > .trend-chart--red { color: $text-error; }
    TrendChart > .trend-chart--none { color: $text-muted; }
    TrendChart > .trend-chart--target { color: $text; text-style: bold; }
    TrendChart > .trend-chart--band { color: $text-accent; }
    """

    COMPONENT_CLASSES = {
        "trend-chart--axis", "trend-chart--green", "trend-chart--yellow", "trend-chart--red",
        "trend-chart--none", "trend-chart--target", "trend-chart--band",
    }

    def __init__(self, points: Sequence[ChartPoint] = (), lines: Sequence[ChartLine] = (), *,
                 unit: str = "", rows: int = PLOT_ROWS, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.points = list(points)
        self.lines = list(lines)
        self.unit = unit
        self.rows = rows

    def set_data(self, points: Sequence[ChartPoint], lines: Sequence[ChartLine], unit: str = "") -> None:
        self.points = list(points)
        self.lines = list(lines)
        self.unit = unit
        self.refresh(layout=True)

    def _style(self, name: str) -> Style:
        try:
            return self.get_component_rich_style(f"trend-chart--{name}", partial=True)
        except Exception:  # not mounted yet (tests calling chart_text directly)
            return Style()

    def render(self) -> Text:
        return self.chart_text(max(20, self.content_size.width or 78))

    def chart_text(self, width: int) -> Text:
        """The whole chart as text ``width`` cells wide (pure: used by render and tests)."""
        if not self.points:
            return Text(tr("No measurements yet: nothing to draw."), style=self._style("axis"))
        values = [p.value for p in self.points]
        refs = [line.value for line in self.lines]
        lo, hi = min(values + refs), max(values + refs)
        pad = (hi - lo) * 0.08 if hi > lo else max(abs(hi) * 0.1, 1.0)
        lo, hi = lo - pad, hi + pad
        if lo < 0 <= min(values + refs):
            lo = 0.0
        top_label, bottom_label = fmt_number(hi, 1), fmt_number(lo, 1)
        axis_w = max(len(top_label), len(bottom_label)) + 1
        plot_w = max(10, width - axis_w - 1)
        n = len(self.points)
        if n > plot_w // 2:  # too many bars for the width: the most recent ones
            n = plot_w // 2
        points = self.points[-n:]
        slot = max(2, min(MAX_SLOT, plot_w // n))
        bar = max(1, slot - 1)
        span = hi - lo
        rows = self.rows
        # which plot row (0 = bottom) each reference line falls on
        line_rows: dict[int, ChartLine] = {}
        for line in sorted(self.lines, key=lambda x: ("target", "band", "green", "yellow").index(x.kind)
                           if x.kind in ("target", "band", "green", "yellow") else 9):
            r = min(rows - 1, max(0, int((line.value - lo) / span * rows)))
            line_rows.setdefault(r, line)
        levels = [(p.value - lo) / span * rows * 8 for p in points]
        out = Text(no_wrap=True, overflow="crop")
        axis = self._style("axis")
        for row in range(rows - 1, -1, -1):
            label = top_label if row == rows - 1 else bottom_label if row == 0 else ""
            out.append(label.rjust(axis_w - 1) + "│", style=axis)
            ref = line_rows.get(row)
            for i, p in enumerate(points):
                eighths = int(round(min(8.0, max(0.0, levels[i] - row * 8))))
                cells = EIGHTHS[eighths] * bar
                if eighths == 0 and ref is not None:
                    out.append(GLYPHS.get(ref.kind, "─") * bar, style=self._style(ref.kind))
                else:
                    out.append(cells, style=self._style(p.light))
                gap = slot - bar
                if gap:
                    out.append((GLYPHS.get(ref.kind, "─") if ref is not None else " ") * gap,
                               style=self._style(ref.kind) if ref is not None else Style())
            out.append("\n")
        # light symbols under the bars
        out.append(" " * (axis_w - 1) + "└", style=axis)
        for p in points:
            symbol = LIGHTS.get(p.light, LIGHTS["none"])[0]
            out.append(symbol.center(bar)[:bar], style=self._style(p.light))
            out.append(" " * (slot - bar))
        out.append("\n")
        out.append(self._period_row(points, axis_w, slot), style=axis)
        out.append("\n")
        out.append_text(self._legend(width))
        return out

    def _period_row(self, points: Sequence[ChartPoint], axis_w: int, slot: int) -> str:
        """Period labels under their bars, as many as fit; the newest always shows."""
        width = axis_w + slot * len(points) + 12
        row = [" "] * width
        last = len(points) - 1
        last_start = min(axis_w + last * slot, width - len(points[last].label))
        taken_until = 0
        for i, p in enumerate(points):
            start = last_start if i == last else axis_w + i * slot
            if i != last and (start < taken_until or start + len(p.label) >= last_start):
                continue
            row[start:start + len(p.label)] = list(p.label)
            taken_until = start + len(p.label) + 1
        return "".join(row).rstrip()

    def _legend(self, width: int) -> Text:
        items: list[tuple[str, str, str]] = [
            ("█", tr("measured value"), "none"),
        ]
        for light in ("green", "yellow", "red"):
            symbol, msgid = LIGHTS[light]
            items.append((symbol, tr(msgid), light))
        for line in self.lines:
            items.append((GLYPHS.get(line.kind, "─") * 2, line.label, line.kind))
        legend = Text(no_wrap=False)
        used = 0
        for glyph, label, style in items:
            piece = f"{glyph} {label}"
            if used and used + len(piece) + 3 > width:
                legend.append("\n")
                used = 0
            elif used:
                legend.append("   ")
                used += 3
            legend.append(glyph, style=self._style(style))
            legend.append(f" {label}")
            used += len(piece)
        return legend
