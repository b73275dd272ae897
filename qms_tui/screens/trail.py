"""The audit trail, read-only: every change, newest first, one page at a time from the
database. Filter by text (code, summary, login), by kind of record and by who acted;
**enter** shows the event's columns before and after."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Select, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.screens.dialogs.trail_event import TrailEventDialog, summary_text
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, fmt_value
from qms_tui.widgets.paged_table import COUNT_CAP, Column, PagedTable, TablePage

DEBOUNCE = 0.2


def entity_name(entity: str) -> str:
    return tr(SPECS[entity].title) if entity in SPECS else {"record_clause": tr("Clause link")}.get(entity, entity)


class TrailScreen(QmsScreen[None]):
    HELP = N_("""\
# Audit trail

Every change made through the application, newest first: who, when, what, on which record.
The trail is hash-chained and read-only (`qms trail verify` checks it).

- **f** filters by text (record code, summary or login); **t** chooses the kind of record;
  **w** filters by who acted (exact login).
- **enter** shows the event: every column before and after the change.
- **[** **]** or ctrl+PgUp / ctrl+PgDn: other pages. **esc** goes back.
""")

    AUTO_FOCUS = "PagedTable DataTable"

    BINDINGS = [
        Binding("t", "focus_entity", N_("Kind"), tooltip=N_("Filter by the kind of record")),
        Binding("w", "focus_actor", N_("Who"), tooltip=N_("Filter by who acted (login)")),
        Binding("f5,ctrl+r", "reload", N_("Reload"), show=False),
    ]

    def __init__(self, *, entity: str | None = None, actor: str | None = None, code: str | None = None,
                 text: str = "") -> None:
        super().__init__(classes="trail-screen")
        self.entity = entity
        self.actor = actor or ""
        self.code = code
        self.text = text
        self.rows: dict[str, Any] = {}
        self._timer: Timer | None = None
        self._matches: Any = None  # TrailMatches of the last page (the worker thread sets it)

    @property
    def heading(self) -> str:
        title = tr("Audit trail")
        return f"{title} · {self.code}" if self.code else title

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        options = [(entity_name(e), e) for e in sorted(SPECS, key=entity_name)]
        options.append((entity_name("record_clause"), "record_clause"))
        with Horizontal(id="trail-filters"):
            yield Label(tr("Kind") + ":", classes="trail-filter-label")
            yield Select(options, value=self.entity if self.entity else Select.NULL, prompt=tr("(all)"),
                         allow_blank=True, compact=True, id="trail-entity")
            yield Label(tr("Who") + ":", classes="trail-filter-label")
            yield Input(self.actor, placeholder=tr("login"), compact=True, id="trail-actor")
        columns = [Column("seq", "#"), Column("at", tr("When"), sortable=False),
                   Column("actor", tr("Who"), sortable=False), Column("action", tr("What"), sortable=False),
                   Column("entity", tr("Record type"), sortable=False), Column("code", tr("Code"), sortable=False),
                   Column("summary", tr("Detail"), sortable=False)]
        yield PagedTable(columns, self.fetch, text=self.text, id="trail-table")
        yield Static(tr("enter: the event's changes · t: kind · w: who · f: text"), classes="trail-hint")
        yield Footer()

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    def fetch(self, text: str, order: str | None, descending: bool, offset: int, limit: int) -> TablePage:
        """Runs in the table's worker thread."""
        from qms_tui.services.trail import trail_page

        page = trail_page(self.services_db(), text=text or None, entity=self.entity, actor=self.actor or None,
                          code=self.code, offset=offset, limit=limit,
                          descending=descending if order == "seq" else True,
                          count_cap=COUNT_CAP if text.strip() else None, within=self._matches)
        self._matches = page.matches  # the next keystroke searches only these (and newer events)
        rows = []
        for r in page.rows:
            key = str(r.seq)
            self.rows[key] = r
            rows.append((key, (key, fmt_value(r.at), r.actor, choice_label(E.TrailAction, r.action),
                               entity_name(r.entity), r.code or f"#{r.record_id}", fmt_value(summary_text(r), 60))))
        return TablePage(rows, page.total, page.offset, page.exact)

    # ---------------------------------------------------------------- filters

    @on(Select.Changed, "#trail-entity")
    def _entity_changed(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if value != self.entity:
            self.entity = value
            self._refetch()

    @on(Input.Changed, "#trail-actor")
    def _actor_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, lambda: self._set_actor(event.value))

    @on(Input.Submitted, "#trail-actor")
    def _actor_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._set_actor(event.value)
        self.table.focus_rows()

    def _set_actor(self, value: str) -> None:
        if value.strip() != self.actor:
            self.actor = value.strip()
            self._refetch()

    def _refetch(self) -> None:
        self.table.start = 0
        self.table.reload()

    def action_focus_entity(self) -> None:
        self.query_one("#trail-entity").focus()

    def action_focus_actor(self) -> None:
        self.query_one("#trail-actor").focus()

    def action_reload(self) -> None:
        self.table.reload(keep_cursor=True)

    @on(PagedTable.Opened)
    def _opened(self, event: PagedTable.Opened) -> None:
        event.stop()
        row = self.rows.get(event.code)
        if row is not None:
            self.app.push_screen(TrailEventDialog(row))


def open_trail(app: Any) -> None:
    """Palette command: the whole trail."""
    app.push_screen(TrailScreen())


def open_my_trail(app: Any) -> None:
    """Palette command: what I changed."""
    app.push_screen(TrailScreen(actor=app.login))
