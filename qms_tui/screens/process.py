"""A process's health card (ISO 9001 4.4 *ficha de proceso*): owner, applicability and its
justification, the ISO/TS 54001 electoral process, indicators with their lights, open
nonconformities, risks, the last and next audit, and the documents. Every item is focusable
and **enter** opens its record."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.risk import BAND_LABEL
from qms_tui.i18n import tr
from qms_tui.screens.nonconformity import section
from qms_tui.screens.workflow import WorkflowScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.figure import Figure
from qms_tui.widgets.labels import choice_label, column_label, fmt_percent, fmt_value, yes_no
from qms_tui.widgets.status_badge import StatusBadge

RISK_MARK = {"low": "·", "medium": "▲", "high": "✖", "critical": "✖✖"}


def label(text: str, classes: str = "") -> Label:
    return Label(text, classes=classes, markup=False)


def item(entity: str, code: str, *children: Widget, id_prefix: str = "card") -> Figure:
    return Figure(*children, target=("record", entity, code), id=f"{id_prefix}-{entity}-{code}",
                  classes="card-item")


def one_line(text: str | None, width: int = 70) -> str:
    return fmt_value(text or "", width)


def empty(text: str) -> Label:
    return label(text, "card-empty")


async def fill(container: Widget, widgets: list[Widget]) -> None:
    await container.remove_children()
    await container.mount_all(widgets)


class ProcessScreen(WorkflowScreen):
    HELP = N_("""\
# Process card

Everything about one process: its owner, whether it applies (and why not), the ISO/TS 54001
electoral process it implements, its indicators (✔ on target · ▲ at risk · ✖ off target),
open nonconformities, risks, audits and documents.

- **tab** / arrows move from item to item; **enter** opens it.
- **e** edits the process; **esc** goes back.
""")

    BINDINGS = [Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the process"))]
    WRITES = frozenset({"edit"})

    SECTIONS = (
        ("indicators", N_("Indicators")),
        ("ncs", N_("Open nonconformities")),
        ("risks", N_("Risks and opportunities")),
        ("audits", N_("Audits")),
        ("documents", N_("Documents")),
    )

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="card-body") as body:
            body.loading = True
            yield Static("", id="card-head", classes="wf-head", markup=False)
            for key, title in self.SECTIONS:
                yield section(tr(title))
                yield Vertical(id=f"card-{key}", classes="card-section")
        yield Footer()

    def load_detail(self) -> Any:
        from qms_tui.services.processes import process_card

        return process_card(self.db(), self.code, today=self.qms.today)

    async def show(self, card: Any) -> None:  # type: ignore[override]
        p = card.process
        self.query_one("#card-body").loading = False
        self.query_one(AppHeader).set_title(f"{self.heading} · {p.name}")
        self.query_one("#card-head", Static).update(self._head(card))
        focused = self.focused.id if self.focused is not None else None
        await fill(self.query_one("#card-indicators"), self._indicators(card))
        await fill(self.query_one("#card-ncs"), self._ncs(card))
        await fill(self.query_one("#card-risks"), self._risks(card))
        await fill(self.query_one("#card-audits"), self._audits(card))
        await fill(self.query_one("#card-documents"), self._documents(card))
        again = self.query(f"#{focused}") if focused else None
        if again:
            again.first().focus(scroll_visible=False)
        elif self.focused is None:
            items = self.query(Figure)
            (items.first() if items else self.query_one("#card-body")).focus(scroll_visible=False)

    def _head(self, card: Any) -> Text:
        p = card.process
        t = Text()
        t.append(f"{p.code}  {p.name}\n", style="bold")
        t.append(f"{column_label('category')}: ", style="bold")
        t.append(choice_label(E.ProcessCategory, p.category))
        t.append("  ·  ", style="dim")
        t.append(f"{column_label('owner')}: ", style="bold")
        t.append(card.owner or "—")
        if card.org_unit:
            t.append("  ·  ", style="dim")
            t.append(f"{column_label('org_unit')}: ", style="bold")
            t.append(card.org_unit)
        t.append("\n")
        t.append(f"{column_label('applicable')}: ", style="bold")
        if card.applicable:
            t.append("✔ " + yes_no(True))
        else:
            t.append("✖ " + tr("not applicable"), style="bold")
            t.append(" — " + (card.justification or tr("no justification recorded")))
        t.append("\n")
        t.append(f"{tr('ISO/TS 54001 electoral process')}: ", style="bold")
        if card.ts_process is not None:
            t.append(f"{p.ts_process_no} · {card.ts_title} ({card.ts_process.number})")
        else:
            t.append("—")
        if card.clauses:
            t.append("\n")
            t.append(f"{tr('Clauses')}: ", style="bold")
            t.append(", ".join(card.clauses))
        for name in ("purpose", "inputs", "outputs"):
            value = getattr(p, name, None)
            if value:
                t.append(f"\n{column_label(name)}: ", style="bold")
                t.append(one_line(value, 200))
        return t

    def _indicators(self, card: Any) -> list[Widget]:
        if not card.indicators:
            return [empty(tr("No indicators."))]
        out: list[Widget] = []
        for st in card.indicators:
            result = fmt_percent(st.attainment) if st.attainment is not None else ""
            last = f"{st.last_period}" if st.last_period else tr("never measured")
            out.append(item("indicator", st.code, StatusBadge(st.light, classes="card-badge"),
                            label(f"{st.code}  {one_line(st.name, 60)}", "figure-fill"),
                            label(f"{last}  {result}".strip(), "card-meta")))
        return out

    def _ncs(self, card: Any) -> list[Widget]:
        if not card.nonconformities:
            return [empty(tr("No open nonconformities."))]
        return [item("nonconformity", nc.code,
                     label(f"{nc.code}  {one_line(nc.title, 60)}", "figure-fill"),
                     label(" · ".join(x for x in (choice_label(E.Severity, nc.severity),
                                                  choice_label(E.NcStatus, nc.status)) if x), "card-meta"))
                for nc in card.nonconformities]

    def _risks(self, card: Any) -> list[Widget]:
        if not card.risks:
            return [empty(tr("No risks or opportunities."))]
        out: list[Widget] = []
        for r in card.risks:
            band = f"{RISK_MARK.get(r.band, '')} {tr(BAND_LABEL.get(r.band, r.band))} ({r.level})"
            out.append(item("risk", r.code, label(f"{r.code}  {one_line(r.title, 60)}", "figure-fill"),
                            label(f"{choice_label(E.RiskKind, r.risk.kind)} · {band}", "card-meta")))
        return out

    def _audits(self, card: Any) -> list[Widget]:
        out: list[Widget] = []
        for title, audit in ((tr("Last audit"), card.last_audit), (tr("Next audit"), card.next_audit)):
            if audit is None:
                out.append(empty(f"{title}: —"))
                continue
            when = fmt_value(audit.actual_end or audit.planned_start)
            out.append(item("audit", audit.code, label(f"{title}: {audit.code}  {one_line(audit.title, 50)}",
                                                       "figure-fill"),
                            label(f"{when} · {choice_label(E.AuditStatus, audit.status)}", "card-meta")))
        return out

    def _documents(self, card: Any) -> list[Widget]:
        if not card.documents:
            return [empty(tr("No controlled documents."))]
        return [item("document", d.code, label(f"{d.code}  {one_line(d.title, 60)}", "figure-fill"),
                     label(choice_label(E.DocumentKind, d.kind), "card-meta"))
                for d in card.documents]

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.qms.open_form("process", self.code, lambda result: self.reload() if result else None)
