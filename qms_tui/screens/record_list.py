"""The list of any kind of record: one page at a time, filter as you type, sort, open, new, edit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from qms_tui.domain.enums import N_
from qms_tui.domain.permissions import may
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.screens.columns import cells, columns_for, ref_fields
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import entity_plural
from qms_tui.widgets.paged_table import COUNT_CAP, PagedTable, TablePage


class RecordListScreen(QmsScreen[None]):
    HELP = N_("""\
# Record list

One page of records at a time (100 rows); the status line says which rows you see.

- **f** goes to the filter box: type to narrow the list by code or name; **enter** goes back
  to the rows.
- **enter** on a row opens the record; **e** edits it; **n** creates a new one.
- **s** sorts by the column under the cursor (again: reverse order; again: no sort).
  Clicking a column header does the same.
- **[** and **]** (or ctrl+PgUp / ctrl+PgDn) show the previous or next page.
- **x** exports the rows of the list, as filtered and sorted, to a CSV or XLSX file.
- **esc** goes back.
""")

    AUTO_FOCUS = "PagedTable DataTable"

    BINDINGS = [
        Binding("n", "new", N_("New"), tooltip=N_("Create a new record")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the selected record")),
        Binding("x", "export", N_("Export"), tooltip=N_("Export the rows of this list to CSV or XLSX")),
        Binding("f5,ctrl+r", "reload", N_("Reload"), show=False),
    ]

    def __init__(
        self,
        entity: str,
        *,
        where: Mapping[str, Any] | None = None,
        caption: str | None = None,
        text: str = "",
    ) -> None:
        super().__init__(classes=f"record-list list-{entity}")
        self.entity = entity
        self.where = dict(where or {})
        self.caption = caption
        self.initial_text = text

    @property
    def heading(self) -> str:
        title = entity_plural(self.entity)
        return f"{title} · {self.caption}" if self.caption else title

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        yield Static(self.heading, classes="screen-title")
        yield PagedTable(columns_for(self.entity), self.fetch, text=self.initial_text, id="records")
        yield Footer()

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    def fetch(self, text: str, order: str | None, descending: bool, offset: int, limit: int) -> TablePage:
        """Runs in the table's worker thread."""
        from qms_tui.services.search import list_records  # keeps SQLAlchemy off the first paint

        page = list_records(
            self.services_db(), self.entity, text=text, where=self.where, order=order,
            descending=descending, offset=offset, limit=limit, ref_fields=ref_fields(self.entity),
            count_cap=COUNT_CAP if text.strip() else None,
        )
        rows = [(row.code, cells(self.entity, row, page.refs)) for row in page.rows]
        return TablePage(rows, page.total, page.offset, page.exact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new", "edit"):
            verb = "create" if action == "new" else "update"
            return True if may(self.qms.actor, self.entity, verb) else None
        return True

    @on(PagedTable.Opened)
    def _opened(self, event: PagedTable.Opened) -> None:
        self.qms.open_record(self.entity, event.code)

    def on_screen_resume(self) -> None:
        if self.table.total is not None:
            self.table.reload(keep_cursor=True)

    def action_reload(self) -> None:
        self.table.reload(keep_cursor=True)

    def action_new(self) -> None:
        self.qms.open_form(self.entity, None, self._saved)

    def action_export(self) -> None:
        from qms_tui.screens.dialogs.export_list import export_current_list

        export_current_list(self)

    def action_edit(self) -> None:
        code = self.table.current_code
        if code is None:
            self.notify(tr("Select a row first"), severity="warning")
            return
        self.qms.open_form(self.entity, code, self._saved)

    def _saved(self, result: Any) -> None:
        if result is not None:
            self.table.reload(keep_cursor=True)
