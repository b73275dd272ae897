"""Filling the small tables of detail screens (an NC's actions, an audit's findings, a
circle's meetings…): rows replaced, the cursor kept, the widest text columns cut with "…" to
the table's width (as the record lists do, see ``paged_table.fit_rows``), and one dim line
when there is nothing to show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from qms_tui.widgets.paged_table import SCROLLBAR, _cut, fit_rows

Row = tuple[str, tuple[Any, ...]]  # (row key: the record's code, cells)


def fill_table(table: DataTable[Any], rows: Sequence[Row], empty: str, attempts: int = 5) -> None:
    """Replace ``table``'s rows; ``empty`` is shown (dim) when there are none. Rows that come
    before the table has its width are shown at once and fitted again once it has one."""
    keep = table.cursor_row
    table.clear()
    labels: list[str] = getattr(table, "qms_labels", None) or [str(c.label) for c in table.ordered_columns]
    table.qms_labels = labels  # type: ignore[attr-defined]  # the headings before any cut
    shown = list(rows) or [("", (empty, *([""] * (len(labels) - 1))))]  # the first column is never cut
    available = max(0, table.size.width - SCROLLBAR)
    fitted, widths = fit_rows(labels, [cells for _key, cells in shown], available, padding=table.cell_padding)
    if available:
        for column, label, width in zip(table.ordered_columns, labels, widths, strict=False):
            column.label = Text(_cut(label, width))
            column.content_width = width  # DataTable keeps the widest a column ever was
    for (key, _cells), cells in zip(shown, fitted, strict=True):
        if rows:
            table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells), key=key)
        else:
            table.add_row(Text(str(cells[0]), style="dim"), *cells[1:], key=key)
    table.move_cursor(row=min(max(keep, 0), max(0, table.row_count - 1)))
    if not available and attempts > 0 and table.is_attached:
        table.call_after_refresh(fill_table, table, rows, empty, attempts - 1)
