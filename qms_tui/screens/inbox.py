"""The inbox: the notifications addressed to the person using the app, newest first.

Unread ones are in bold with a "●" marker (never colour alone). **enter** marks the
notification read and opens its record; the header's "✉ N" is refreshed when the inbox closes.
"""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import entity_title
from qms_tui.widgets.paged_table import Column, PagedTable, TablePage

UNREAD_MARK = "●"
PAGE_SIZE = 50


def open_inbox(app: Any) -> None:
    """Palette command: the inbox (when it closes, the header below counts again)."""
    app.push_screen(InboxScreen())


def _entity(entity: str) -> str:
    try:
        return entity_title(entity)
    except KeyError:
        return entity


def refresh_header_count(app: Any) -> None:
    for header in app.screen.query(AppHeader):
        header.refresh_unread()


class InboxScreen(QmsScreen[None]):
    HELP = N_("""\
# Inbox

The notifications addressed to you, newest first: reminders of measurements, audits,
management reviews, actions, effectiveness checks and document reviews that are due or
overdue, and scheduled reports. Unread ones are in **bold** with a ● marker.

- **enter** marks the notification read and opens its record.
- **u** shows only the unread ones (again: all).
- **a** marks all read.
- **f** filters by text or code; **[** and **]** show other pages.
- **esc** goes back (the ✉ count in the header is updated).
""")

    AUTO_FOCUS = "PagedTable DataTable"

    BINDINGS = [
        Binding("u", "toggle_unread", N_("Unread only"), tooltip=N_("Show only unread notifications (again: all)")),
        Binding("a", "mark_all_read", N_("Mark all read"), tooltip=N_("Mark every notification read")),
        Binding("f5,ctrl+r", "reload", N_("Reload"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="inbox")
        self.unread_only = False
        self._rows: dict[str, Any] = {}
        self._rows_lock = threading.Lock()

    @property
    def heading(self) -> str:
        title = tr("Inbox")
        return f"{title} · {tr('unread only')}" if self.unread_only else title

    def compose(self) -> ComposeResult:
        yield AppHeader(tr("Inbox"))
        yield Static(self.heading, classes="screen-title")
        columns = [Column("read", " ", sortable=False), Column("created_at", tr("Received"), sortable=False),
                   Column("kind", tr("What"), sortable=False), Column("record", tr("Record"), sortable=False),
                   Column("title", tr("Notification"), sortable=False)]
        yield PagedTable(columns, self.fetch, page_size=PAGE_SIZE, id="inbox")
        yield Footer()

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    # ---------------------------------------------------------------- loading (worker thread)

    def fetch(self, text: str, order: str | None, descending: bool, offset: int, limit: int) -> TablePage:
        from qms_tui.services.notifications import inbox

        page = inbox(self.services_db(), self.qms.login, unread_only=self.unread_only, text=text,
                     offset=offset, limit=limit)
        with self._rows_lock:
            self._rows = {str(n.id): n for n in page.rows}
        return TablePage([(str(n.id), self._cells(n)) for n in page.rows], page.total, page.offset)

    def _cells(self, n: Any) -> tuple[object, ...]:
        from qms_tui.services.notifications import KINDS

        style = "bold" if n.unread else ""
        received = n.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if n.created_at else ""
        record = f"{_entity(n.entity)} {n.record_code}" if n.entity and n.record_code else ""
        cells = (UNREAD_MARK if n.unread else " ", received, tr(KINDS.get(n.kind, n.kind)), record, n.title)
        return tuple(Text(c, style=style) for c in cells)

    # ---------------------------------------------------------------- opening

    @on(PagedTable.Opened)
    def _opened(self, event: PagedTable.Opened) -> None:
        event.stop()
        with self._rows_lock:
            n = self._rows.get(event.code)
        if n is None:
            return
        if n.unread:
            self._mark_read(n.id)
        if n.entity and n.record_code:
            self.qms.open_record(n.entity, n.record_code)
        else:
            self.notify(n.body or n.title, title=n.title if n.body else None, timeout=10)

    @work(thread=True, group="inbox-write", exit_on_error=False)
    def _mark_read(self, notification_id: int) -> None:
        from qms_tui.services.notifications import mark_read

        mark_read(self.services_db(), self.qms.actor, notification_id)
        self.app.call_from_thread(self._after_write)

    def _after_write(self) -> None:
        if self.is_current:
            self.table.reload(keep_cursor=True)
        refresh_header_count(self.app)

    def on_screen_resume(self) -> None:
        if self.table.total is not None:
            self.table.reload(keep_cursor=True)

    # ---------------------------------------------------------------- actions

    def action_reload(self) -> None:
        self.table.reload(keep_cursor=True)

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.query_one(".screen-title", Static).update(self.heading)
        self.table.start = 0
        self.table.reload()

    @work(thread=True, group="inbox-write", exit_on_error=False)
    def action_mark_all_read(self) -> None:
        from qms_tui.services.notifications import mark_all_read

        count = mark_all_read(self.services_db(), self.qms.actor)
        self.app.call_from_thread(self.notify, tr("{n} notifications marked read", n=count))
        self.app.call_from_thread(self._after_write)
