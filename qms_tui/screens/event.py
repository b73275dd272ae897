"""An electoral event or participation mechanism: its dates, its stages in order, and the
indicators, audits, reviews, risks and nonconformities linked to it. **enter** on any item
opens its record."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.nonconformity import section
from qms_tui.screens.process import empty, fill, item, label, one_line
from qms_tui.screens.workflow import WorkflowScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.figure import Figure
from qms_tui.widgets.labels import choice_enum, choice_label, column_label, fmt_value

LINKED = (
    ("indicators", "indicator", N_("Indicators")),
    ("audits", "audit", N_("Audits")),
    ("reviews", "review", N_("Management reviews")),
    ("risks", "risk", N_("Risks and opportunities")),
    ("nonconformities", "nonconformity", N_("Nonconformities")),
)


class EventScreen(WorkflowScreen):
    HELP = N_("""\
# Electoral event

The event's dates, its stages in order (▶ marks the stage under way today) and every record
linked to it.

- **tab** / arrows move from item to item; **enter** opens it.
- **e** edits the event; **esc** goes back.
""")

    BINDINGS = [Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the event"))]
    WRITES = frozenset({"edit"})

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="card-body") as body:
            body.loading = True
            yield Static("", id="card-head", classes="wf-head", markup=False)
            yield section(tr("Stages"))
            yield Vertical(id="card-stages", classes="card-section")
            for key, _entity, title in LINKED:
                yield section(tr(title))
                yield Vertical(id=f"card-{key}", classes="card-section")
        yield Footer()

    def load_detail(self) -> Any:
        from qms_tui.services.processes import event_card

        return event_card(self.db(), self.code)

    async def show(self, card: Any) -> None:  # type: ignore[override]
        ev = card.event
        self.query_one("#card-body").loading = False
        self.query_one(AppHeader).set_title(f"{self.heading} · {ev.name}")
        self.query_one("#card-head", Static).update(self._head(ev))
        await fill(self.query_one("#card-stages"), self._stages(card.stages))
        for key, entity, _title in LINKED:
            await fill(self.query_one(f"#card-{key}"), self._linked(entity, getattr(card, key)))
        if self.focused is None:
            items = self.query(Figure)
            (items.first() if items else self.query_one("#card-body")).focus(scroll_visible=False)

    def _head(self, ev: Any) -> Text:
        t = Text()
        t.append(f"{ev.code}  {ev.name}\n", style="bold")
        t.append(f"{column_label('kind')}: ", style="bold")
        t.append(choice_label(E.EventKind, ev.kind) + "\n")
        for name in ("start_date", "key_date", "end_date"):
            t.append(f"{column_label(name)}: ", style="bold")
            t.append(fmt_value(getattr(ev, name)) + ("  ·  " if name != "end_date" else ""))
        if ev.description:
            t.append("\n" + one_line(ev.description, 300))
        return t

    def _stages(self, stages: list[Any]) -> list[Widget]:
        if not stages:
            return [empty(tr("No stages."))]
        today = self.qms.today
        out: list[Widget] = []
        for s in stages:
            now = s.start_date <= today <= s.end_date
            mark = "▶ " if now else "  "
            when = f"{fmt_value(s.start_date)} – {fmt_value(s.end_date)}"
            out.append(item("stage", s.code, label(f"{mark}{s.code}  {one_line(s.name, 50)}", "figure-fill"),
                            label(f"{choice_label(E.StageKind, s.kind)} · {when}"
                                  + (f" · {tr('under way')}" if now else ""), "card-meta")))
        return out

    def _linked(self, entity: str, links: list[Any]) -> list[Widget]:
        if not links:
            return [empty("—")]
        enum = choice_enum(entity, "status")
        out: list[Widget] = []
        for link in links:
            status = choice_label(enum, link.status) if enum is not None else (link.status or "")
            out.append(item(entity, link.code, label(f"{link.code}  {one_line(link.title, 60)}", "figure-fill"),
                            label(status, "card-meta")))
        return out

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.qms.open_form("event", self.code, lambda result: self.reload() if result else None)
