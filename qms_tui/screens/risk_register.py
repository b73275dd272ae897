"""The risk register (ISO 9001 6.1): every risk and opportunity, highest level first, with
its band in words and symbols, its residual rating and its open actions; filtered by type,
process and status. **enter** opens one; **n** registers a new one.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Select, Static
from textual.worker import get_current_worker

from qms_tui.domain import enums as E
from qms_tui.domain import risk as rating
from qms_tui.domain.enums import N_
from qms_tui.domain.permissions import may
from qms_tui.i18n import tr
from qms_tui.screens.area import clip
from qms_tui.screens.base import QmsScreen
from qms_tui.screens.risk import BAND_STYLE, band_text
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_int

ALL = "*"


class RiskRegisterScreen(QmsScreen[None]):
    HELP = N_("""\
# Risk register

Every risk and opportunity, highest level (likelihood × impact) first. Bands:
‼ critical (20–25) · ● high (10–16) · ◐ medium (5–9) · ○ low (1–4). "Residual" is the
rating after treatment.

- **t** chooses the type (risks, opportunities), **p** the process, **s** the status;
  **enter** on a list opens it.
- **enter** on a row opens the risk; **n** registers a new risk or opportunity.
- **esc** goes back.
""")

    AUTO_FOCUS = "#reg-table"

    BINDINGS = [
        Binding("n", "new", N_("New"), tooltip=N_("Register a risk or an opportunity")),
        Binding("t", "focus_filter('reg-kind')", N_("Type"), tooltip=N_("Show risks, opportunities or both")),
        Binding("p", "focus_filter('reg-process')", N_("Process"), tooltip=N_("Show one process")),
        Binding("s", "focus_filter('reg-status')", N_("Status"), tooltip=N_("Show one status")),
        Binding("f5,ctrl+r", "reload", N_("Reload"), show=False),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[Any], processes: list[tuple[str, str]] | None) -> None:
            super().__init__()
            self.rows = rows
            self.processes = processes

    def __init__(self, *, kind: str | None = None, process: str | None = None) -> None:
        super().__init__(classes="risk-register-screen")
        self.kind = kind
        self.process = process
        self.status: str | None = None
        self.rows: list[Any] = []
        self._processes_loaded = False

    def compose(self) -> ComposeResult:
        title = tr("Risk register")
        yield AppHeader(title)
        with Horizontal(id="reg-filters"):
            yield Label(column_label("kind"), classes="reg-label")
            yield Select([(tr("risks and opportunities"), ALL)] + [(k.label(), k.value) for k in E.RiskKind],
                         value=self.kind or ALL, allow_blank=False, compact=True, id="reg-kind")
            yield Label(column_label("process"), classes="reg-label")
            yield Select([(tr("every process"), ALL)], value=ALL, allow_blank=False, compact=True, id="reg-process")
            yield Label(column_label("status"), classes="reg-label")
            yield Select([(tr("any status"), ALL)] + [(s.label(), s.value) for s in E.RiskStatus],
                         value=ALL, allow_blank=False, compact=True, id="reg-status")
        table: DataTable[Any] = DataTable(id="reg-table", cursor_type="row", zebra_stripes=True)
        for key, label in (("band", tr("Level")), ("code", column_label("code")), ("title", column_label("title")),
                           ("kind", column_label("kind")), ("rating", tr("L × I")),
                           ("residual", tr("Residual")), ("status", column_label("status")),
                           ("process", column_label("process")), ("owner", column_label("owner")),
                           ("actions", tr("Open actions"))):
            table.add_column(label, key=key)
        table.loading = True
        yield table
        yield Static("", id="reg-summary", markup=False)
        yield Footer()

    # ---------------------------------------------------------------- loading

    def on_screen_resume(self) -> None:
        self._load()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="risk-register", exit_on_error=False)
    def _load(self) -> None:
        from qms_tui.services.risks import risk_register
        from qms_tui.services.search import lookup

        db = self.qms.database()
        processes = None if self._processes_loaded else lookup(db, "process", "", limit=500)
        rows = risk_register(db, kind=self.kind, process=self.process, status=self.status)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(rows, processes))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.processes is not None and not self._processes_loaded:
            self._processes_loaded = True
            select = self.query_one("#reg-process", Select)
            select.set_options([(tr("every process"), ALL)] + [(f"{code} · {clip(name, 40)}", code)
                                                               for code, name in event.processes])
            select.value = self.process or ALL
        self.rows = event.rows
        table = self.query_one("#reg-table", DataTable)
        keep = table.cursor_row
        table.loading = False
        table.clear()
        for r in event.rows:
            risk = r.risk
            residual = band_text(r.residual_band, r.residual_level) if r.residual_level is not None else "—"
            table.add_row(
                Text(band_text(r.band, r.level), style=BAND_STYLE[r.band]), risk.code, clip(risk.title, 50),
                choice_label(E.RiskKind, risk.kind), f"{risk.likelihood} × {risk.impact}", residual,
                choice_label(E.RiskStatus, risk.status), r.process or "—", r.owner or "—",
                str(r.open_actions) if r.open_actions else "—", key=risk.code)
        if not event.rows:
            table.add_row(Text(tr("Nothing matches these filters."), style="dim"),
                          *([""] * (len(table.columns) - 1)), key="")
        table.move_cursor(row=min(max(keep, 0), max(0, table.row_count - 1)))
        self.query_one("#reg-summary", Static).update(self._summary(event.rows))

    def _summary(self, rows: list[Any]) -> str:
        bands = [r.band for r in rows]
        parts = [f"{rating.BAND_SYMBOL[b]} {tr(rating.BAND_LABEL[b])} {fmt_int(bands.count(b))}"
                 for b in reversed(rating.BANDS) if b in bands]
        total = tr("{n} risks and opportunities", n=fmt_int(len(rows)))
        return " · ".join([total, *parts])

    # ---------------------------------------------------------------- filters

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        value = None if event.value in (ALL, Select.NULL) else str(event.value)
        name = event.select.id
        if name == "reg-kind":
            changed, self.kind = value != self.kind, value
        elif name == "reg-process":
            changed, self.process = value != self.process, value
        elif name == "reg-status":
            changed, self.status = value != self.status, value
        else:
            return
        if changed:
            self._load()

    def action_focus_filter(self, id: str) -> None:
        self.query_one(f"#{id}", Select).focus()

    # ---------------------------------------------------------------- rows

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            return True if may(self.qms.actor, "risk", "create") else None
        return True

    def action_new(self) -> None:
        self.qms.open_form("risk", None, self._created)

    def _created(self, result: Any) -> None:
        if result is not None:
            self.qms.open_record("risk", result.code)

    @on(DataTable.RowSelected, "#reg-table")
    def _opened(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.qms.open_record("risk", event.row_key.value)


def open_register(app: Any) -> None:
    """Palette command: the risk register."""
    app.push_screen(RiskRegisterScreen())
