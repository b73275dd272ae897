"""A DataTable that measures and draws one-line text rows without Rich's layout machinery.

Textual's DataTable measures every new cell with Rich (``measure``) and draws every visible
cell through ``Console.render_lines(Styled(Padding(cell)))``, looking up its component
styles again for every row: about 25 ms to draw a page of 40 visible rows on this machine,
half of a keystroke's budget in a filtered list (bench/run, issue 8). Our list pages hold
one-line ``Text`` cells in rows of height 1, so a cell's width is the length of its text
and its line is the text cut or padded to the column width. :class:`FastDataTable` measures
and draws those rows directly (styles looked up once per repaint) and hands everything else
to DataTable: the header, row labels, fixed rows and columns, taller rows, cells that are
not one-line ``Text``. Same API, same messages, same CSS (``DataTable`` selectors match).

It overrides private methods of the pinned Textual version (``_update_dimensions``,
``_render_line_in_row``, ``_render_cell``); ``tests/tui/test_fast_table.py`` checks that it
draws exactly what DataTable draws, character by character and style by style.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.color import Color
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey


def _one_line(cell: object) -> Text | None:
    """``cell`` if it is a Text the fast path can draw (one line, no tabs)."""
    if type(cell) is Text:
        plain = cell.plain
        if "\n" not in plain and "\t" not in plain:
            return cell
    return None


class FastDataTable(DataTable[Any]):
    """DataTable with fast measuring and drawing of one-line ``Text`` rows (see the module)."""

    _fast: dict[str, Any] | None = None  # what one repaint looks up once (render_lines)

    class Resized(Message):
        """The table has a new size (its container may fit its columns again)."""

    def on_resize(self, _event: events.Resize) -> None:  # DataTable's own _on_resize runs too
        self.post_message(self.Resized())

    # ---------------------------------------------------------------- measuring

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        slow: list[RowKey] = []
        columns = self.ordered_columns
        for row_key in new_rows:
            row_index = self._row_locations.get(row_key)
            if row_index is None:
                continue
            row = self.rows.get(row_key)
            if row is None or row.label is not None or row.auto_height or row.height != 1:
                slow.append(row_key)
                continue
            _label, cells = self._get_row_renderables(row_index)
            texts = [_one_line(c) for c in cells]
            if any(t is None for t in texts):
                slow.append(row_key)
                continue
            for column, text in zip(columns, texts, strict=False):
                width = cell_len(text.plain)  # type: ignore[union-attr]
                if width > column.content_width:
                    column.content_width = width
        super()._update_dimensions(slow)  # the other rows, then the virtual size

    # ---------------------------------------------------------------- drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        self._fast = None
        try:
            return super().render_lines(crop)
        finally:
            self._fast = None

    def _fast_context(self) -> dict[str, Any]:
        """Styles and sizes that are the same for every row of one repaint."""
        if self._fast is None:
            columns = self.ordered_columns
            self._fast = {
                "columns": columns,
                "widths": [c.get_render_width(self) for c in columns],
                "even": self.get_component_styles("datatable--even-row").rich_style,
                "odd": self.get_component_styles("datatable--odd-row").rich_style,
                "cursor_type": self.cursor_type,
                "show_cursor": self.show_cursor,
                "show_hover": self._show_hover_cursor,
                "css_fg": self.cursor_foreground_priority == "css",
                "css_bg": self.cursor_background_priority == "css",
                "width": self.size.width,
                "background": self.background_colors[1],
                "padding": self.cell_padding,
                "console": self.app.console,
            }
        return self._fast

    def _plain_row(self, row_key: RowKey) -> tuple[int, list[Text]] | None:
        """(row index, cells) of a row the fast path draws, else None."""
        if (row_key is self._header_row_key or self.fixed_columns
                or (self._labelled_row_exists and self.show_row_labels)):
            return None
        row_index = self._row_locations.get(row_key)
        row = self.rows.get(row_key)
        if row_index is None or row is None or row_index < self.fixed_rows or row.height != 1:
            return None
        _label, cells = self._get_row_renderables(row_index)
        texts = [_one_line(c) for c in cells]
        if any(t is None for t in texts):
            return None
        return row_index, texts  # type: ignore[return-value]

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style,
                            cursor_location: Any, hover_location: Any) -> Any:
        plain = self._plain_row(row_key) if line_no == 0 else None
        if plain is None:
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        ctx = self._fast_context()
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location, ctx["cursor_type"],
                     ctx["show_cursor"], ctx["show_hover"], self._update_count, self._pseudo_class_state)
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row_index, texts = plain
        cursor_type = ctx["cursor_type"]
        if self.zebra_stripes:
            row_style = ctx["odd"] if row_index % 2 else ctx["even"]
        else:
            row_style = base_style
        scrollable: list[list[Segment]] = []
        for column_index, (text, width) in enumerate(zip(texts, ctx["widths"], strict=False)):
            cursor = _highlight(cursor_type, cursor_location, row_index, column_index)
            hover = _highlight(cursor_type, hover_location, row_index, column_index)
            scrollable.append(self._fast_cell(ctx, row_key, row_index, column_index, text, row_style,
                                              width, cursor, hover))
        # the rest of the line, as DataTable extends it
        remaining = max(0, ctx["width"] - sum(ctx["widths"]) - self._row_label_column_width)
        if cursor_type == "row":
            extend, _ = self._get_styles_to_render_cell(
                False, False, False, _highlight(cursor_type, hover_location, row_index or 0, 0),
                row_index == cursor_location.row, ctx["show_cursor"], ctx["show_hover"], False, False)
            extend = row_style + extend
        elif row_style.bgcolor is not None:
            faded = Color.from_rich_color(row_style.bgcolor).blend(ctx["background"], factor=0.25)
            extend = Style.from_color(color=row_style.color, bgcolor=faded.rich_color)
        else:
            extend = Style.from_color(row_style.color, row_style.bgcolor)
        extend += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable.append([Segment(" " * remaining, extend)])
        pair: Any = ([], scrollable)
        self._row_render_cache[cache_key] = pair
        return pair

    def _fast_cell(self, ctx: dict[str, Any], row_key: RowKey, row_index: int, column_index: int,
                   text: Text, base_style: Style, width: int, cursor: bool, hover: bool) -> list[Segment]:
        column_key = self._column_locations.get_key(column_index)
        cache_key = (row_key, column_key, base_style, cursor, hover, ctx["show_hover"],
                     self._update_count, self._pseudo_class_state)
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached[0]
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, ctx["show_cursor"], ctx["show_hover"], ctx["css_fg"], ctx["css_bg"])
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
        line = _cell_line(text, width, ctx["padding"], ctx["console"])
        segments = list(Segment.apply_style(line, pre_style, post_style))
        self._cell_render_cache[cache_key] = [segments]
        return segments

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        # DataTable's own row rendering (a row the fast path does not draw) and the height
        # measuring of tall rows call this: one-line Text cells still take the short way
        if row_index >= self.fixed_rows and column_index >= self.fixed_columns:
            row_key = self._row_locations.get_key(row_index)
            row = self.rows.get(row_key) if row_key is not None else None
            if row is not None and row.height == 1:
                _label, cells = self._get_row_renderables(row_index)
                text = _one_line(cells[column_index])
                if text is not None:
                    ctx = self._fast_context()
                    return [self._fast_cell(ctx, row_key, row_index, column_index, text, base_style,
                                            width, cursor, hover)]
        return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)


def _highlight(cursor_type: str, location: Any, row: int, column: int) -> bool:
    """DataTable._should_highlight for a cell at (row, column)."""
    if cursor_type == "row":
        return location.row == row
    if cursor_type == "cell":
        return location.row == row and location.column == column
    if cursor_type == "column":
        return location.column == column
    return False


def _cell_line(text: Text, width: int, padding: int, console: Any) -> list[Segment]:
    """One cell's line: padding, the text cut or padded to the inner width, padding — what
    ``render_lines(Padding(text, (0, padding)))`` gives for a one-line text (Rich's
    ``Text.wrap`` with ``no_wrap``: strip trailing spaces past the width, justify, truncate)."""
    inner = max(0, width - 2 * padding)
    pad = min(padding, width)
    right = min(padding, max(0, width - pad - inner))
    if inner and not text.style and not text.spans and (text.justify or "default") == "default":
        # the common case: one segment
        plain = text.plain
        if cell_len(plain) > inner:
            fitted = text.copy()
            fitted.rstrip_end(inner)
            fitted.truncate(inner, overflow="ellipsis" if text.overflow == "ellipsis" else "crop")
            plain = fitted.plain
        return [Segment(" " * pad + plain + " " * (inner - cell_len(plain) + right))]
    out: list[Segment] = [Segment(" " * pad)] if pad else []
    if inner:
        fitted = text.copy()
        fitted.end = ""
        justify = fitted.justify or "default"
        overflow = fitted.overflow or "fold"
        fitted.rstrip_end(inner)
        if justify == "left":
            fitted.truncate(inner, overflow=overflow, pad=True)
        elif justify in ("right", "center"):
            fitted.rstrip()
            fitted.truncate(inner, overflow=overflow)
            gap = inner - cell_len(fitted.plain)
            fitted.pad_left(gap if justify == "right" else gap // 2)
            if justify == "center":
                fitted.pad_right(inner - cell_len(fitted.plain))
        fitted.truncate(inner, overflow=overflow)
        if fitted.style or fitted.spans:  # as Text.__rich_console__: the base style becomes a span
            out.extend(Text("\n").join([fitted]).render(console))
        elif fitted.plain:
            out.append(Segment(fitted.plain))
        used = cell_len(fitted.plain)
        if used < inner:
            out.append(Segment(" " * (inner - used)))
    if right:
        out.append(Segment(" " * right))
    return out
