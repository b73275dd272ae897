"""Tables that fit the terminal: :func:`fit_rows` cuts the widest text columns with "…" to a
width (the record lists use it on every page), and :func:`fill_table` fills the small tables
of detail screens (an NC's actions, an audit's findings, a circle's meetings…) with it:
rows replaced, the cursor kept, one dim line instead of the table when there is nothing to
show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable, Static

Row = tuple[str, tuple[Any, ...]]  # (row key: the record's code, cells)
SCROLLBAR = 2  # the vertical scrollbar's columns, shown when the rows are taller than the table


class FitTable(DataTable[Any]):
    """A DataTable that :func:`fill_table` fills: its rows are fitted again when its width
    changes (the window, or its screen's scrollbar coming and going). Without rows it gives
    way to a line of text saying so (its headings, cut to make room for a long message in a
    row, told nothing)."""

    filled: tuple[Sequence[Row], str] | None = None
    fitted_width = -1
    note: Static | None = None

    def show_empty(self, message: str | None) -> bool:
        """``message`` instead of the table (None: the table again). False when it cannot
        be shown yet (the table is not mounted): the caller then shows it as a row."""
        if message is None:
            self.display = True
            if self.note is not None:
                self.note.display = False
            return True
        if self.note is None:
            if self.parent is None:
                return False
            self.note = Static(message, classes="card-empty fit-table-empty", markup=False)
            self.parent.mount(self.note, after=self)
        else:
            self.note.update(message)
            self.note.display = True
        self.display = False
        return True

    def on_resize(self, _event: events.Resize) -> None:  # DataTable's own _on_resize runs too
        if self.filled is not None and max(0, self.size.width - SCROLLBAR) != self.fitted_width:
            fill_table(self, *self.filled)


def fill_table(table: DataTable[Any], rows: Sequence[Row], empty: str) -> None:
    """Replace ``table``'s rows; ``empty`` is shown (dim) when there are none. Rows that come
    before the table has its width are shown at once; a :class:`FitTable` fits them again
    whenever its width changes."""
    keep = table.cursor_row
    table.clear()
    labels: list[str] = getattr(table, "qms_labels", None) or [str(c.label) for c in table.ordered_columns]
    table.qms_labels = labels  # type: ignore[attr-defined]  # the headings before any cut
    if isinstance(table, FitTable) and table.show_empty(None if rows else empty) and not rows:
        table.filled, table.fitted_width = (rows, empty), -1
        return
    shown = list(rows) or [("", (empty, *([""] * (len(labels) - 1))))]  # the first column is never cut
    available = max(0, table.size.width - SCROLLBAR)
    if isinstance(table, FitTable):
        table.filled, table.fitted_width = (rows, empty), available
    keys = [str(c.key.value) for c in table.ordered_columns]
    name = next((i for i, k in enumerate(keys) if i and k in NAME_KEYS), 1)
    fitted, widths = fit_rows(labels, [cells for _key, cells in shown], available, padding=table.cell_padding,
                              name=name)
    if available:
        for column, label, width in zip(table.ordered_columns, labels, widths, strict=False):
            column.label = Text(cut_cell(label, width))
            column.content_width = width  # DataTable keeps the widest a column ever was
    for (key, _cells), cells in zip(shown, fitted, strict=True):
        if rows:
            table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells), key=key)
        else:
            table.add_row(Text(str(cells[0]), style="dim"), *cells[1:], key=key)
    table.move_cursor(row=min(max(keep, 0), max(0, table.row_count - 1)))


MIN_CUT = 10  # a column is never cut narrower than this (nor than its heading)
NAME_SHARE = 3  # the name or title column keeps a third of the width
#: Column keys that hold a record's name or main text (the column that keeps its share);
#: without one, the column after the code.
NAME_KEYS = frozenset({"name", "title", "description", "question", "criterion", "summary"})


def fit_rows(labels: Sequence[str], rows: Sequence[Sequence[object]], available: int,
             padding: int = 1, name: int = 1) -> tuple[list[tuple[object, ...]], list[int]]:
    """``rows`` with the text of their widest columns cut (ending in …) so that every column
    fits in ``available`` cells, and the width of each column: the widest column loses width
    first, then the next, never below :data:`MIN_CUT` (headings longer than their column's
    text are cut as well); the first column (the record's code) is never cut, and column
    ``name`` (its name or title) keeps a :data:`NAME_SHARE` of the width. Strings and one-line rich
    ``Text`` are cut; other cells are left as they are (and measured by the table).
    ``available`` 0 (not laid out yet): nothing is cut."""
    n = len(labels)
    data = [0] * n  # the widest text of each column
    for row in rows:
        for i, cell in enumerate(row[:n]):
            data[i] = max(data[i], _width(cell))
    natural = [max(d, cell_len(label)) for d, label in zip(data, labels, strict=True)]
    widths = list(natural)
    if available > 0:
        floor = [min(w, MIN_CUT) if i else w for i, w in enumerate(natural)]
        if 0 < name < n:  # the name keeps its share, unless the other columns then cannot fit at all
            floor[name] = min(natural[name], max(MIN_CUT, available // NAME_SHARE))
            over = sum(floor) + 2 * padding * n - available
            if over > 0:
                floor[name] = max(min(natural[name], MIN_CUT), floor[name] - over)
        excess = sum(widths) + 2 * padding * n - available
        while excess > 0:
            i = max(range(n), key=lambda k: widths[k] - floor[k])
            room = widths[i] - floor[i]
            if room <= 0:
                break  # nothing left to cut: the table scrolls sideways
            runner_up = max((widths[k] for k in range(n) if k != i), default=0)
            step = min(room, excess, max(1, widths[i] - runner_up))
            widths[i] -= step
            excess -= step
    if widths == natural:
        return [tuple(r) for r in rows], widths
    out = [tuple(cut_cell(cell, widths[i]) if i < n else cell for i, cell in enumerate(row)) for row in rows]
    return out, widths


def _width(cell: object) -> int:
    if isinstance(cell, str):
        return cell_len(cell)
    if isinstance(cell, Text) and "\n" not in cell.plain:
        return cell.cell_len
    return MIN_CUT


def cut_cell(text: Any, width: int) -> Any:
    if isinstance(text, Text):
        if "\n" in text.plain or text.cell_len <= width:
            return text
        cut = text.copy()
        cut.truncate(width, overflow="ellipsis")
        return cut
    if not isinstance(text, str):
        return text
    if cell_len(text) <= width:
        return text
    cut = text[: max(0, width - 1)]
    while cell_len(cut) > width - 1:
        cut = cut[:-1]
    return cut + "…"
