"""A table that shows one page of a query at a time: filter, sort and page in the database.

The built-in DataTable measures every cell it is given, so it only ever holds one page
(100 rows), in a :class:`~qms_tui.widgets.fast_table.FastDataTable` (one-line text cells
measured and drawn without Rich's layout: a page replaced and repainted in a few ms). ``fetch(text, order, descending, offset, limit) -> TablePage`` runs in a
thread worker. A keystroke in the filter queries at once when no query is running; while
one runs, keystrokes only note the newest text, which is queried when it returns (at most
one query in flight, none wasted on text already typed over, no fixed debounce delay).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.widgets.fast_table import FastDataTable
from qms_tui.widgets.labels import fmt_int, translate_bindings
from qms_tui.widgets.tables import SCROLLBAR, cut_cell, fit_rows

DEBOUNCE = 0.0  # kept for callers; the filter no longer waits (see the module docstring)
#: A filtered list counts its matches up to this many ("of 1,000+"): counting all the rows
#: that match a short filter on a large table would cost more than reading the page.
COUNT_CAP = 1_000
LOADING_AFTER = 0.25  # seconds before the status line says "loading…"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sortable: bool = True


@dataclass(frozen=True)
class TablePage:
    """Rows as ``(code, cells)``; ``total`` rows match the filter (at least that many when
    not ``exact``: the count stopped at a cap); this page starts at ``offset``."""

    rows: list[tuple[str, tuple[object, ...]]]
    total: int
    offset: int
    exact: bool = True


Fetch = Callable[[str, str | None, bool, int, int], TablePage]


class PagedTable(Vertical, can_focus=False):
    """Filter input + one page of rows + a status line ("rows 1–100 of 300 000")."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable > Input { margin: 0 0 1 0; }
    PagedTable > DataTable { height: 1fr; }
    PagedTable > .paged-status { height: 1; color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [
        Binding("f", "focus_filter", N_("Filter"), tooltip=N_("Type to narrow the list")),
        Binding("s", "sort", N_("Sort"), tooltip=N_("Sort by the column under the cursor (again: reverse, again: off)")),
        Binding("right_square_bracket", "next_page", N_("Next page"), show=False),
        Binding("left_square_bracket", "previous_page", N_("Previous page"), show=False),
        # priority: the DataTable itself binds these keys to horizontal scrolling
        Binding("ctrl+pagedown", "next_page", N_("Next page"), show=False, priority=True),
        Binding("ctrl+pageup", "previous_page", N_("Previous page"), show=False, priority=True),
    ]

    class Opened(Message):
        """Enter on a row: open the record with this code."""

        def __init__(self, table: PagedTable, code: str) -> None:
            super().__init__()
            self.table = table
            self.code = code

        @property
        def control(self) -> PagedTable:
            return self.table

    class Loaded(Message):
        def __init__(self, page: TablePage, serial: int) -> None:
            super().__init__()
            self.page = page
            self.serial = serial

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Fetch,
        *,
        page_size: int = 100,
        text: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        translate_bindings(self)
        self.columns = list(columns)
        self.fetch = fetch
        self.page_size = page_size
        self.text = text
        self.order: str | None = None
        self.descending = False
        self.start = 0
        self.total: int | None = None
        self.total_exact = True
        self._serial = 0
        self._timer: Timer | None = None
        self._restore_code: str | None = None
        self._shown: TablePage | None = None  # the page in the table, cut again on a resize
        self._fitted_width = 0
        self._in_flight = False  # a query is running
        self._stale = False  # and what it asks for is no longer what is wanted

    # ---------------------------------------------------------------- compose

    def compose(self) -> ComposeResult:
        yield Input(self.text, placeholder=tr("Filter by code or text…"), compact=True, classes="paged-filter")
        table: DataTable[object] = FastDataTable(cursor_type="row", zebra_stripes=True, classes="paged-rows")
        table.loading = True
        yield table
        yield Static(tr("loading…"), classes="paged-status")

    @property
    def table(self) -> DataTable[object]:
        return self.query_one(DataTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one(Input)

    @property
    def current_code(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:  # the cursor is outside the rows (table being rebuilt)
            return None
        return key.value

    def on_mount(self) -> None:
        self._add_columns()
        self.reload()

    def focus_rows(self) -> None:
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.filter_input.focus()

    # ---------------------------------------------------------------- loading

    def reload(self, *, keep_cursor: bool = False) -> None:
        """Fetch the current page again (after a filter, sort or page change, or an edit)."""
        self._restore_code = self.current_code if keep_cursor else None
        self._serial += 1
        if self._timer is None:  # say "loading…" only if the page is slow to come
            self._timer = self.set_timer(LOADING_AFTER, self._show_loading)
        if self._in_flight:  # asked for again when the running query returns
            self._stale = True
            return
        self._in_flight, self._stale = True, False
        self._load(self.text, self.order, self.descending, self.start, self._serial)

    @work(thread=True, exclusive=True, group="paged-table", exit_on_error=False)
    def _load(self, text: str, order: str | None, descending: bool, offset: int, serial: int) -> None:
        page = self.fetch(text, order, descending, offset, self.page_size)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(page, serial))

    def _show_loading(self) -> None:
        self._timer = None
        self.query_one(".paged-status", Static).update(tr("loading…"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # a query that failed (the screen shows the error) or was cancelled posts no page
        if event.worker.group == "paged-table" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self._in_flight = False
            if self._stale:
                self.reload()

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        self._in_flight = False
        if event.serial != self._serial or self._stale:
            restore, self._restore_code = self._restore_code, None
            self.reload()  # the filter, sort or page changed meanwhile: ask for that now
            self._restore_code = restore
            return
        page = event.page
        if page.offset >= page.total > 0 and page.offset > 0:
            # the filter shrank the result below this page: go back to the last page
            self.start = max(0, (page.total - 1) // self.page_size * self.page_size)
            self.reload()
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.total, self.total_exact = page.total, page.exact
        self._shown = page
        self._show_rows(page)
        self._restore_code = None
        self._update_status()
        if self.screen.focused is None:
            self.table.focus()

    def _show_rows(self, page: TablePage) -> None:
        """The page's rows in the table, the widest text columns cut (…) to fit its width."""
        table = self.table
        table.loading = False
        table.clear()
        self._fitted_width = available = max(0, table.size.width - SCROLLBAR)
        labels = [self._label(c) for c in self.columns]
        fitted, widths = fit_rows(labels, [cells for _code, cells in page.rows], available,
                                  padding=table.cell_padding)
        for column, label, width in zip(table.ordered_columns, labels, widths, strict=False):
            column.label = Text(cut_cell(label, width))
            # DataTable keeps the widest a column ever was, and paints before it measures new rows
            column.content_width = width
        for (code, _cells), cells in zip(page.rows, fitted, strict=True):
            # plain text, never markup: titles may contain brackets
            table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells), key=code)
        if self._restore_code and self._restore_code in table.rows:
            table.move_cursor(row=table.get_row_index(self._restore_code))
        if not available:  # the first page may arrive before the table has its size
            self.call_after_refresh(self._refit)

    def on_resize(self) -> None:
        self._refit()

    def on_fast_data_table_resized(self, event: FastDataTable.Resized) -> None:
        event.stop()
        self._refit()  # the table may get its final width after the page arrived

    def _refit(self) -> None:
        """A wider or narrower table: cut the columns again, keeping the cursor's row."""
        if self._shown is None or max(0, self.table.size.width - SCROLLBAR) == self._fitted_width:
            return
        table = self.table
        if table.row_count and self._restore_code is None:
            key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            self._restore_code = key.value
        self._show_rows(self._shown)
        self._restore_code = None

    def _update_status(self) -> None:
        total = self.total or 0
        if total == 0:
            text = tr("no rows") if not self.text else tr("no rows match “{text}”", text=self.text)
        else:
            first = self.start + 1
            last = min(self.start + self.page_size, total)
            shown = fmt_int(total) + ("" if self.total_exact else "+")
            text = tr("rows {first}–{last} of {total}", first=fmt_int(first), last=fmt_int(last), total=shown)
            if total > self.page_size:
                text += "  ·  " + tr("[ ] or ctrl+PgUp/PgDn: other pages")
        self.query_one(".paged-status", Static).update(text)

    # ---------------------------------------------------------------- filter

    @on(Input.Changed, ".paged-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply_filter(event.value)

    def _apply_filter(self, text: str) -> None:
        if text == self.text:
            return
        self.text = text
        self.start = 0
        self.reload()

    @on(Input.Submitted, ".paged-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply_filter(event.value)
        self.table.focus()

    # ---------------------------------------------------------------- rows

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Opened(self, str(event.row_key.value)))

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self._cycle_sort(event.column_index)

    def action_sort(self) -> None:
        self._cycle_sort(self.table.cursor_column)

    def _cycle_sort(self, index: int) -> None:
        if not 0 <= index < len(self.columns):
            return
        column = self.columns[index]
        if not column.sortable:
            self.notify(tr("This column cannot be sorted"), severity="warning")
            return
        if self.order != column.key:
            self.order, self.descending = column.key, False
        elif not self.descending:
            self.descending = True
        else:
            self.order, self.descending = None, False
        self._add_columns()
        self.start = 0
        self.reload()

    def _add_columns(self) -> None:
        table = self.table
        cursor_column = table.cursor_column
        table.clear(columns=True)
        for column in self.columns:
            table.add_column(Text(self._label(column)), key=column.key)
        table.move_cursor(column=min(cursor_column, len(self.columns) - 1))

    def _label(self, column: Column) -> str:
        """The column's heading, with ▲ or ▼ when the rows are sorted by it."""
        if column.key != self.order:
            return column.label
        return column.label + (" ▼" if self.descending else " ▲")

    # ---------------------------------------------------------------- pages

    def action_next_page(self) -> None:
        if self.total is not None and self.start + self.page_size < self.total:
            self.start += self.page_size
            self.reload()

    def action_previous_page(self) -> None:
        if self.start > 0:
            self.start = max(0, self.start - self.page_size)
            self.reload()
