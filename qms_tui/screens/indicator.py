"""An indicator (ISO 9001 9.1.1): its *ficha* (formula, unit, direction, target,
thresholds, frequency, owner), where it stands (light, attainment, trend), the trend chart
against the target and thresholds, and its measurements one page at a time.

**m** records a measurement; **r** raises the nonconformity of the selected measurement
when it is off target (red), in one step, and opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.measurement import measurement_dialog
from qms_tui.screens.nonconformity import section
from qms_tui.screens.workflow import WorkflowScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import (
    LIGHTS,
    choice_label,
    column_label,
    fmt_number,
    fmt_percent,
    fmt_value,
    light_text,
)
from qms_tui.widgets.paged_table import Column, PagedTable, TablePage
from qms_tui.widgets.status_badge import StatusBadge
from qms_tui.widgets.trend_chart import ChartLine, ChartPoint, TrendChart

SERIES = 24
TRENDS = {
    "improving": ("↗", N_("improving")),
    "worsening": ("↘", N_("worsening")),
    "stable": ("→", N_("stable")),
    "insufficient": ("·", N_("not enough data for a trend")),
}


@dataclass(frozen=True)
class IndicatorData:
    status: Any  # services.indicators.IndicatorStatus
    view: Any  # services.search.RecordView (references with names)
    series: list[Any]  # services.indicators.SeriesPoint, oldest first


@dataclass(frozen=True)
class MeasurementRow:
    id: int
    period: str
    value: float
    light: str


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{fmt_number(value)} {unit}".strip()


def reference_lines(ind: Any) -> list[ChartLine]:
    """The target and the thresholds of ``ind`` in the indicator's own units."""
    from qms_tui.services.indicators import thresholds_of

    unit = ind.unit or ""
    if ind.direction == E.Direction.BAND:
        if ind.band_low is None or ind.band_high is None:
            return []
        label = tr("band {low}–{high}", low=fmt_number(ind.band_low), high=_num(ind.band_high, unit))
        lines = [ChartLine(ind.band_low, "band", label), ChartLine(ind.band_high, "band", "")]
        tol = ind.band_tolerance or 0.0
        if tol > 0:
            lines += [ChartLine(ind.band_low - tol, "yellow", tr("at risk within ±{tol}", tol=_num(tol, unit))),
                      ChartLine(ind.band_high + tol, "yellow", "")]
        return lines
    if ind.target is None:
        return []
    th = thresholds_of(ind)
    lines = [ChartLine(ind.target, "target", tr("target {value}", value=_num(ind.target, unit)))]
    if ind.direction == E.Direction.HIGHER:
        green = ind.target * th.green_from / 100.0
        yellow = ind.target * th.yellow_from / 100.0
        green_label, yellow_label = N_("on target from {value}"), N_("at risk from {value}")
    else:
        green = ind.target * 100.0 / th.green_from if th.green_from else None
        yellow = ind.target * 100.0 / th.yellow_from if th.yellow_from else None
        green_label, yellow_label = N_("on target up to {value}"), N_("at risk up to {value}")
    if green is not None and abs(green - ind.target) > 1e-9:
        lines.append(ChartLine(green, "green", tr(green_label, value=_num(green, unit))))
    if yellow is not None and (green is None or abs(yellow - green) > 1e-9):
        lines.append(ChartLine(yellow, "yellow", tr(yellow_label, value=_num(yellow, unit))))
    return lines


class IndicatorScreen(WorkflowScreen):
    HELP = N_("""\
# Indicator

The indicator's *ficha*, where it stands (✔ on target · ▲ at risk · ✖ off target), the trend
chart against the target and the thresholds, and the measurements (newest first).

- **m** records a measurement (period, value, note); if the period already has one, you are
  asked before it is replaced.
- **r** raises a nonconformity from the selected measurement when it is off target (✖), and
  opens it.
- In the measurements: **f** filters, **[** **]** page, **enter** opens the measurement.
- **e** edits the indicator; **esc** goes back.
""")

    BINDINGS = [
        Binding("m", "measure", N_("Record measurement"), tooltip=N_("Record the value of a period")),
        Binding("r", "raise_nc", N_("Raise NC"), tooltip=N_("Raise a nonconformity from the selected red measurement")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the indicator")),
    ]

    WRITES = frozenset({"measure", "raise_nc", "edit"})
    PERMS = {"measure": ("measurement", "create"), "raise_nc": ("nonconformity", "create")}

    def __init__(self, entity: str, code: str) -> None:
        super().__init__(entity, code)
        self.rows: dict[str, MeasurementRow] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="ind-body") as body:
            body.loading = True
            with Horizontal(id="ind-top"):
                with Vertical(id="ind-state", classes="wf-head"):
                    yield StatusBadge("none", id="ind-badge")
                    yield Static("", id="ind-figures", markup=False)
                yield Static("", id="ind-ficha", classes="wf-head", markup=False)
            yield section(tr("Trend against the target and thresholds"))
            yield TrendChart(id="ind-chart")
            yield section(tr("Measurements"))
            yield Vertical(id="ind-measurements")
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def indicator(self) -> Any:
        return self.data.status.indicator if self.data is not None else None

    def load_detail(self) -> IndicatorData:
        from qms_tui.services.indicators import indicator_status, series
        from qms_tui.services.search import get_record

        db = self.db()
        status = indicator_status(db, self.code, today=self.qms.today)
        return IndicatorData(status, get_record(db, "indicator", self.code), series(db, self.code, SERIES))

    def show(self, data: IndicatorData) -> None:
        st, ind = data.status, data.status.indicator
        body = self.query_one("#ind-body")
        body.loading = False
        if self.focused is None:
            body.focus()
        self.query_one(AppHeader).set_title(f"{self.heading} · {ind.name}")
        self.query_one("#ind-ficha", Static).update(self._ficha(data))
        self.query_one("#ind-badge", StatusBadge).light = st.light
        self.query_one("#ind-figures", Static).update(self._figures(st))
        points = [ChartPoint(p.period, p.value, p.light) for p in data.series]
        self.query_one("#ind-chart", TrendChart).set_data(points, reference_lines(ind), ind.unit or "")
        host = self.query_one("#ind-measurements")
        if not host.children:
            columns = [Column("period", column_label("period")), Column("value", column_label("value")),
                       Column("light", tr("Status"), sortable=False), Column("note", column_label("note"), sortable=False),
                       Column("recorded_at", column_label("recorded_at"))]
            host.mount(PagedTable(columns, self.fetch, page_size=50, id="ind-table"))
        else:
            self.query_one(PagedTable).reload(keep_cursor=True)

    def _ficha(self, data: IndicatorData) -> Table:
        ind, refs = data.status.indicator, data.view.refs
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")

        def ref(column: str) -> str:
            r = refs.get(column)
            return f"{r[0]} · {r[1]}" if r and r[1] and r[1] != r[0] else (r[0] if r else "—")

        unit = ind.unit or ""
        if ind.direction == E.Direction.BAND:
            target = tr("between {low} and {high}", low=_num(ind.band_low), high=_num(ind.band_high, unit))
            if ind.band_tolerance:
                target += " · " + tr("tolerance ±{tol}", tol=_num(ind.band_tolerance, unit))
        else:
            target = _num(ind.target, unit)
        from qms_tui.services.indicators import thresholds_of

        th = thresholds_of(ind)
        thresholds = tr("✔ on target from {green} of attainment · ▲ at risk from {yellow} · ✖ below",
                        green=fmt_percent(th.green_from), yellow=fmt_percent(th.yellow_from))
        rows = [
            (column_label("name"), ind.name),
            (column_label("definition"), fmt_value(ind.definition, 160) or "—"),
            (column_label("formula"), ind.formula or "—"),
            (column_label("unit"), unit or "—"),
            (column_label("direction"), choice_label(E.Direction, ind.direction)),
            (column_label("target"), target),
            (tr("Thresholds"), thresholds if ind.direction != E.Direction.BAND else "—"),
            (column_label("frequency"), choice_label(E.Frequency, ind.frequency)),
            (column_label("owner"), ref("owner_id")),
            (column_label("objective"), ref("objective_id")),
            (column_label("process"), ref("process_id")),
            (column_label("source"), ind.source or "—"),
        ]
        if ind.baseline is not None:
            rows.append((column_label("baseline"), f"{_num(ind.baseline, unit)} ({ind.baseline_period or '—'})"))
        if not ind.active:
            rows.append((column_label("active"), tr("no")))
        for label, value in rows:
            grid.add_row(label, Text(str(value)))
        return grid

    def _figures(self, st: Any) -> Text:
        unit = st.indicator.unit or ""
        t = Text()
        if st.last_period:
            t.append(f"{tr('Last')}: ", style="bold")
            t.append(f"{st.last_period} = {_num(st.last_value, unit)}\n")
        t.append(f"{column_label('attainment')}: ", style="bold")
        t.append((fmt_percent(st.attainment) if st.attainment is not None else "—") + "\n")
        arrow, msgid = TRENDS.get(st.trend, TRENDS["insufficient"])
        t.append(f"{tr('Trend')}: ", style="bold")
        t.append(f"{arrow} {tr(msgid)}\n")
        if st.overdue:
            t.append("⚠ " + (tr("{n} periods missing", n=st.missing) if st.missing != 1
                             else tr("1 period missing")), style="bold")
        elif st.last_period is None:
            t.append(tr("never measured"), style="dim")
        t.rstrip()
        return t

    def fetch(self, text: str, order: str | None, descending: bool, offset: int, limit: int) -> TablePage:
        """Runs in the table's worker thread."""
        from qms_tui.services.indicators import light_of, measurements_page

        if order is None:
            order, descending = "period_start", True
        elif order == "period":
            order = "period_start"
        ind = self.indicator
        page = measurements_page(self.db(), indicator=self.code, text=text or None, offset=offset, limit=limit,
                                 order=order, descending=descending)
        rows = []
        unit = (ind.unit or "") if ind is not None else ""
        for m in page.rows:
            light = light_of(ind, m.value) if ind is not None else "none"
            self.rows[m.code] = MeasurementRow(m.id, m.period, m.value, light)
            rows.append((m.code, (m.period, _num(m.value, unit), light_text(light), fmt_value(m.note, 40),
                                  fmt_value(m.recorded_at))))
        return TablePage(rows, page.total, page.offset)

    # ---------------------------------------------------------------- steps

    def available(self, action: str) -> bool:
        if action == "raise_nc":
            return any(p.light == "red" for p in self.data.series) or any(
                r.light == "red" for r in self.rows.values())
        return True

    def action_measure(self) -> None:
        if not self.ensure("measure"):
            return
        ind = self.indicator

        def record(values: dict[str, Any], replace: bool) -> Any:
            from qms_tui.services.indicators import record_measurement

            return record_measurement(self.db(), self.qms.actor, self.code, values["period"], values["value"],
                                      values["note"] or None, replace=replace, today=self.qms.today)

        def existing(period: str) -> float | None:
            from qms_tui.services.indicators import measurements_page

            page = measurements_page(self.db(), indicator=self.code, text=period, limit=50)
            return next((m.value for m in page.rows if m.period == period), None)

        self.step(measurement_dialog(ind, record, existing, self.qms.today),
                  lambda m: tr("{code}: {period} = {value}", code=self.code, period=m.period,
                               value=_num(m.value, ind.unit or "")))

    def action_raise_nc(self) -> None:
        if not self.ensure("raise_nc"):
            return
        tables = self.query(PagedTable)
        code = tables.first().current_code if tables else None
        row = self.rows.get(code or "")
        if row is None or row.light != "red":
            symbol = LIGHTS["red"][0]
            self.notify(tr("Select a measurement off target ({symbol}) in the table", symbol=symbol),
                        severity="warning")
            if tables:
                tables.first().focus_rows()
            return

        def call() -> Any:
            from qms_tui.services.nonconformities import raise_from_measurement
            from qms_tui.services.search import list_records

            db = self.db()
            found = list_records(db, "nonconformity", where={"measurement": code}, limit=1)
            if found.rows:
                return found.rows[0], False
            return raise_from_measurement(db, self.qms.actor, row.id), True

        self.perform(call, done=self._raised)

    def _raised(self, result: tuple[Any, bool]) -> None:
        nc, created = result
        if created:
            self.notify(tr("{code} raised", code=nc.code))
        else:
            self.notify(tr("This measurement already has its nonconformity: {code}", code=nc.code))
        self.qms.open_record("nonconformity", nc.code)

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.qms.open_form("indicator", self.code, lambda result: self.reload() if result else None)

    @on(PagedTable.Opened)
    def _opened(self, event: PagedTable.Opened) -> None:
        event.stop()
        self.qms.open_record("measurement", event.code)
