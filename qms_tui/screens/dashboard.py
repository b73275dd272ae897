"""Home: the policy, objectives with their indicators' lights, open nonconformities by age
and severity, overdue measurements, what is coming (audits, reviews), projects by PDCA stage.

Every figure is focusable; enter opens the list (filtered) or the record behind it.
"""

from __future__ import annotations

import os
import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, Label, Static
from textual.worker import get_current_worker

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.lifecycle import NC_OPEN
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.figure import Figure
from qms_tui.widgets.labels import LIGHTS, choice_label, fmt_int, fmt_number, fmt_percent
from qms_tui.widgets.status_badge import StatusBadge

PANELS = {
    "policy": N_("Quality policy"),
    "objectives": N_("Quality objectives and indicators"),
    "nc": N_("Open nonconformities (by age in days)"),
    "overdue": N_("Overdue measurements"),
    "agenda": N_("Coming up: audits and management reviews"),
    "projects": N_("Improvement projects by PDCA stage"),
}
BUCKET_LABELS = {"0-30": "0–30", "31-60": "31–60", "61-90": "61–90", "90+": "> 90"}
STAGES = (E.Pdca.PLAN, E.Pdca.DO, E.Pdca.CHECK, E.Pdca.ACT)
MAX_OVERDUE = 8
MAX_INDICATORS = 12  # per objective card
_LIGHT_ORDER = {"red": 0, "yellow": 1, "none": 2, "green": 3}
_BENCH_EXIT_AFTER_PAINT = bool(os.environ.get("QMS_BENCH_EXIT_AFTER_PAINT"))


def _label(text: str, classes: str = "") -> Label:
    return Label(text, classes=classes, markup=False)


class DashboardScreen(QmsScreen[None]):
    HELP = N_("""\
# Dashboard

The state of the quality management system today.

- **tab** / **shift+tab** or the arrow keys move between figures; **enter** opens the list
  or the record behind the figure (for example, the open major nonconformities older than
  90 days).
- Traffic lights: ✔ on target · ▲ at risk · ✖ off target · · no data.
- **ctrl+p** finds any list or action by name; **/** searches every record.
- **g** then **d** (or **home**) comes back here from anywhere; **f5** refreshes.
""")

    BINDINGS = [("f5,ctrl+r", "reload", N_("Refresh"))]

    class Loaded(Message):
        def __init__(self, data: Any) -> None:
            super().__init__()
            self.data = data

    def __init__(self) -> None:
        super().__init__(id="dashboard", classes="dashboard")
        self.data: Any = None

    def compose(self) -> ComposeResult:
        yield AppHeader(tr("Dashboard"))
        with VerticalScroll(id="dash-body"):
            yield self._panel("policy")
            with Horizontal(id="dash-columns"):
                yield self._panel("objectives")
                with Vertical(id="dash-side"):
                    for key in ("nc", "overdue", "agenda", "projects"):
                        yield self._panel(key)
        yield Footer()

    def _panel(self, key: str) -> Vertical:
        panel = Vertical(id=f"panel-{key}", classes="dash-panel")
        panel.border_title = tr(PANELS[key])
        panel.loading = True
        return panel

    def on_screen_resume(self) -> None:
        if _BENCH_EXIT_AFTER_PAINT and self.data is None:
            self.call_after_refresh(_bench_mark, "first-paint")
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load(self) -> None:
        from qms_tui.services.dashboard import dashboard  # keeps SQLAlchemy off the first paint

        data = dashboard(self.services_db(), today=self.qms.today)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(data))

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        focused = self.focused.id if self.focused is not None else None
        self.data = d = event.data
        await self._fill("policy", self._policy(d))
        await self._fill("objectives", self._objectives(d))
        await self._fill("nc", self._nonconformities(d))
        await self._fill("overdue", self._overdue(d))
        await self._fill("agenda", self._agenda(d))
        await self._fill("projects", self._projects(d))
        target = self.query(f"#{focused}") if focused else None
        if target:
            target.first().focus(scroll_visible=False)
        elif self.focused is None:
            figures = self.query(Figure)
            if figures:
                figures.first().focus(scroll_visible=False)
        if _BENCH_EXIT_AFTER_PAINT:  # bench/run: launch -> first data paint, then leave
            self.call_after_refresh(lambda: (_bench_mark("painted"), self.app.exit()))

    async def _fill(self, key: str, widgets: list[Widget]) -> None:
        panel = self.query_one(f"#panel-{key}")
        await panel.remove_children()
        await panel.mount_all(widgets)
        panel.loading = False

    # ---------------------------------------------------------------- panels

    def _policy(self, d: Any) -> list[Widget]:
        if d.policy is None:
            return [Figure(_label(tr("No approved quality policy yet. Enter to see the versions.")),
                           target=("list", "policy", {}, None), id="fig-policy")]
        p = d.policy
        since = tr("in force since {date}", date=p.effective_from.isoformat()) if p.effective_from else ""
        text = Static(p.text.strip(), classes="policy-text", markup=False)
        head = _label(" · ".join(x for x in (p.code, since) if x), "policy-meta")
        return [Figure(text, target=("record", "policy", p.code), id="fig-policy", classes="policy-figure"), head]

    def _objectives(self, d: Any) -> list[Widget]:
        out: list[Widget] = []
        if not d.objectives and not d.unlinked:
            out.append(_label(tr("No quality objectives or indicators yet."), "dash-empty"))
        for card in d.objectives:
            counts = "  ".join(f"{LIGHTS[light][0]}{card.count(light)}" for light in ("green", "yellow", "red", "none"))
            out.append(Figure(
                _label(f"{card.code}  {_one_line(card.title)}", "figure-fill objective-title"),
                _label(counts, "objective-counts"),
                target=("list", "indicator", {"objective": card.code}, card.code),
                id=f"fig-{card.code}", classes="objective",
                tooltip=tr("Enter: the indicators of {code}", code=card.code),
            ))
            out.extend(self._indicators(card.indicators, ("list", "indicator", {"objective": card.code}, card.code),
                                        f"fig-{card.code}-more"))
            if not card.indicators:
                out.append(_label("   " + tr("(no indicators)"), "dash-empty"))
        if d.unlinked:
            out.append(_label(tr("Indicators without an objective"), "dash-subtitle"))
            codes = [i.code for i in d.unlinked]
            out.extend(self._indicators(d.unlinked, ("list", "indicator", {"code": codes}, None), "fig-unlinked-more"))
        return out

    def _indicators(self, lights: Any, more: tuple[Any, ...], more_id: str) -> list[Widget]:
        """The indicators of a card; past MAX_INDICATORS only the worst ones and "… and n
        more" (a large institute has hundreds per objective: one widget each would take
        seconds to mount, and nobody reads them on the home screen)."""
        if len(lights) <= MAX_INDICATORS:
            return [self._indicator(i) for i in lights]
        worst = sorted(lights, key=lambda i: (_LIGHT_ORDER.get(i.light, 2), i.code))[:MAX_INDICATORS]
        rest = Figure(_label("   " + tr("… and {n} more", n=fmt_int(len(lights) - MAX_INDICATORS))),
                      target=more, id=more_id)
        return [*(self._indicator(i) for i in worst), rest]

    def _indicator(self, i: Any) -> Figure:
        tooltip = None
        if i.value is not None:
            value = f"{fmt_number(i.value)} {i.unit}".strip()
            target = f"{fmt_number(i.target)} {i.unit}".strip() if i.target is not None else "—"
            tooltip = tr("{period}: {value} (target {target})", period=i.period, value=value, target=target)
        return Figure(
            StatusBadge(i.light, classes="indicator-light"),
            _label(f"{i.code}  {_one_line(i.name)}", "figure-fill indicator-name"),
            _label(fmt_percent(i.attainment) if i.attainment is not None else "", "indicator-result"),
            target=("record", "indicator", i.code), id=f"fig-{i.code}", classes="indicator", tooltip=tooltip,
        )

    def _nonconformities(self, d: Any) -> list[Widget]:
        from qms_tui.services.dashboard import AGE_BUCKETS, UNCLASSIFIED, bucket_range
        from qms_tui.services.search import Between

        cells: list[Widget] = [_label(tr("Severity"), "nc-head")]
        cells += [_label(BUCKET_LABELS[key], "nc-head nc-num") for key, _l, _h in AGE_BUCKETS]
        cells.append(_label(tr("Total"), "nc-head nc-num"))
        open_states = list(NC_OPEN)
        severities = list(d.severities) or [E.Severity.MAJOR.value, E.Severity.MINOR.value]
        for sev in severities:
            name = (choice_label(E.Severity, sev) if sev != UNCLASSIFIED else tr("not classified")).capitalize()
            cells.append(_label(name, "nc-severity"))
            base = {"status": open_states, "severity": sev if sev != UNCLASSIFIED else None}
            for key, _l, _h in AGE_BUCKETS:
                oldest, newest = bucket_range(key, d.today)
                n = d.nc_count(sev, key)
                where = {**base, "detected_on": Between(oldest, newest)}
                cells.append(Figure(_label(fmt_int(n)), target=("list", "nonconformity", where,
                                    f"{name} · {BUCKET_LABELS[key]} " + tr("days")),
                                    id=f"fig-nc-{sev or 'none'}-{key.replace('+', 'plus')}",
                                    classes="nc-cell" + (" -zero" if n == 0 else "")))
            total = d.nc_severity_total(sev)
            cells.append(Figure(_label(fmt_int(total)), target=("list", "nonconformity", base, name),
                                id=f"fig-nc-{sev or 'none'}-total", classes="nc-cell nc-total"))
        grid = Grid(*cells, id="nc-grid")
        drafts = Figure(_label(tr("Drafts raised automatically to review: {n}", n=fmt_int(d.nc_drafts))),
                        target=("list", "nonconformity", {"status": E.NcStatus.DRAFT.value},
                                tr("drafts")), id="fig-nc-drafts", classes="-zero" if not d.nc_drafts else "")
        overdue = Figure(_label(tr("Actions past their due date: {n}", n=fmt_int(d.actions_overdue))),
                         target=("list", "action", {
                             "status": [E.ActionStatus.PENDING.value, E.ActionStatus.IN_PROGRESS.value],
                             "due_date": Between(None, _yesterday(d.today)),
                         }, tr("overdue")), id="fig-actions-overdue",
                         classes="-alert" if d.actions_overdue else "-zero")
        return [grid, drafts, overdue]

    def _overdue(self, d: Any) -> list[Widget]:
        if not d.overdue:
            return [_label(tr("None: every indicator is up to date."), "dash-empty")]
        out: list[Widget] = []
        for i in d.overdue[:MAX_OVERDUE]:
            missing = tr("{n} periods missing", n=i.missing) if i.missing != 1 else tr("1 period missing")
            last = tr("last: {period}", period=i.period) if i.period else tr("never measured")
            out.append(Figure(
                _label(f"{i.code} · {missing} · {last}", "overdue-detail"),
                _label(_one_line(i.name), "figure-fill"),
                target=("record", "indicator", i.code), id=f"fig-overdue-{i.code}", classes="-stacked",
            ))
        if len(d.overdue) > MAX_OVERDUE:
            codes = [i.code for i in d.overdue]
            out.append(Figure(_label(tr("… and {n} more", n=len(d.overdue) - MAX_OVERDUE)),
                              target=("list", "indicator", {"code": codes}, tr("overdue")), id="fig-overdue-more"))
        return out

    def _agenda(self, d: Any) -> list[Widget]:
        out: list[Widget] = []
        for entity, items, empty in (
            ("audit", d.audits, tr("No audits planned.")),
            ("review", d.reviews, tr("No management reviews planned.")),
        ):
            if not items:
                out.append(_label(empty, "dash-empty"))
            for u in items:
                enum = E.AuditStatus if entity == "audit" else E.ReviewStatus
                out.append(Figure(
                    _label(f"{u.date.isoformat()} · {u.code} · {choice_label(enum, u.status)}", "agenda-when"),
                    _label(_one_line(u.title), "figure-fill"),
                    target=("record", entity, u.code), id=f"fig-{u.code}", classes="-stacked",
                ))
        return out

    def _projects(self, d: Any) -> list[Widget]:
        out: list[Widget] = []
        for stage in STAGES:
            n = d.projects.get(stage.value, 0)
            out.append(Figure(_label(stage.label(), "figure-fill"), _label(fmt_int(n), "project-count"),
                              target=("list", "project", {"pdca_stage": stage.value}, stage.label()),
                              id=f"fig-pdca-{stage.value}", classes="pdca" + (" -zero" if n == 0 else "")))
        return out

    # ---------------------------------------------------------------- drill-down

    @on(Figure.Selected)
    def _selected(self, event: Figure.Selected) -> None:
        kind, entity, *rest = event.target
        if kind == "record":
            self.qms.open_record(entity, rest[0])
        else:
            where, caption = rest
            self.qms.open_list(entity, where=where, caption=caption, push=True)


def _bench_mark(what: str) -> None:
    """bench/startup.py reads these lines (only with QMS_BENCH_EXIT_AFTER_PAINT set)."""
    os.write(2, f"qms-bench-{what} {time.time():.6f}\n".encode())


def _one_line(text: str, width: int = 70) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= width else line[: width - 1] + "…"


def _yesterday(today: Any) -> Any:
    from datetime import timedelta

    return today - timedelta(days=1)
