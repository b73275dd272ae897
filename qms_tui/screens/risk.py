"""A risk or an opportunity (ISO 9001 6.1): its rating likelihood × impact, the level and
its band in words (with what the band asks for), the treatment, the residual rating after
treatment, and the actions that treat it. **n** plans an action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain import risk as rating
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.area import AreaScreen, clip, page_people, pairs, ref_text, section, text_block
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value, status_cell

AS = E.ActionStatus
OPEN_ACTION = (AS.PENDING, AS.IN_PROGRESS)
ACTION_MARK = {AS.PENDING: "○", AS.IN_PROGRESS: "◐", AS.DONE: "✔", AS.CANCELLED: "✖"}

#: What each band asks for (domain.risk), for a risk and for an opportunity.
RISK_MEANING = {
    rating.LOW: N_("accept and monitor"),
    rating.MEDIUM: N_("treat within the process's ordinary planning"),
    rating.HIGH: N_("treatment plan with owner and date; review quarterly"),
    rating.CRITICAL: N_("immediate treatment; report to top management"),
}
OPPORTUNITY_MEANING = {
    rating.LOW: N_("little value: keep it in view"),
    rating.MEDIUM: N_("pursue it within the process's ordinary planning"),
    rating.HIGH: N_("worth pursuing first, with owner and date"),
    rating.CRITICAL: N_("pursue it now; report to top management"),
}
BAND_STYLE = {rating.LOW: "", rating.MEDIUM: "", rating.HIGH: "bold", rating.CRITICAL: "bold reverse"}


@dataclass(frozen=True)
class RiskData:
    row: Any  # services.risks.RiskRow
    view: Any  # RecordView (process, event and owner with their names)
    actions: list[tuple[Any, str]]  # (ActionDTO, owner's name), by due date


def band_text(band: str | None, level: int | None) -> str:
    """``● high (12)``: symbol, word and level, never colour alone."""
    if band is None or level is None:
        return "—"
    return f"{rating.BAND_SYMBOL[band]} {tr(rating.BAND_LABEL[band])} ({level})"


def action_status(a: Any, today: Any) -> Text:
    overdue = a.status in OPEN_ACTION and a.due_date is not None and a.due_date < today
    return status_cell(f"{ACTION_MARK.get(a.status, '·')} {choice_label(AS, a.status)}", overdue)


def matrix(likelihood: int, impact: int, residual: tuple[int, int] | None) -> Text:
    """The 5 × 5 grid, impact up and likelihood across: [x] marks the rating, (x) the
    residual rating; each cell shows its level and its band's symbol."""
    t = Text(no_wrap=True)
    t.append(tr("Impact") + "\n", style="bold")
    for im in range(rating.SCALE_MAX, rating.SCALE_MIN - 1, -1):
        t.append(f"{im} │", style="dim")
        for lk in range(rating.SCALE_MIN, rating.SCALE_MAX + 1):
            lvl = lk * im
            band = rating.band(lvl)
            cell = f"{lvl:>2}{rating.BAND_SYMBOL[band]}"
            if (lk, im) == (likelihood, impact):
                t.append(f"[{cell}]", style="bold reverse")
            elif residual is not None and (lk, im) == residual:
                t.append(f"({cell})", style="bold")
            else:
                t.append(f" {cell} ", style="dim" if band == rating.LOW else "")
        t.append("\n")
    t.append("  └" + "─" * 25 + "\n", style="dim")
    t.append("    " + "    ".join(str(n) for n in range(1, 6)) + "\n", style="dim")
    t.append("    " + tr("Likelihood") + " →", style="bold")
    return t


class RiskScreen(AreaScreen):
    HELP = N_("""\
# Risk or opportunity

The rating likelihood × impact (1–5 each) gives the level (1–25) and its band:
○ low (1–4) · ◐ medium (5–9) · ● high (10–16) · ‼ critical (20–25), with what the band asks
for. In the grid, [x] is the rating and (x) the residual rating after treatment.

- **n** plans an action that treats the risk (or pursues the opportunity)
- **e** edits the risk (treatment, residual rating, status …)
- **enter** on an action opens it; **esc** goes back.
""")

    BINDINGS = [
        Binding("n", "add_action", N_("New action"), tooltip=N_("Plan an action that treats it")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the risk or opportunity")),
    ]

    WRITES = frozenset({"add_action", "edit"})

    PERMS = {"add_action": ("action", "create"), "edit": ("risk", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="risk-body") as body:
            body.loading = True
            yield Static("", id="risk-head", classes="wf-head", markup=False)
            with Horizontal(id="risk-rating"):
                yield Static("", id="risk-levels", markup=False)
                yield Static("", id="risk-matrix", markup=False)
            yield section(tr("Treatment"))
            yield text_block("risk-treatment")
            yield section(tr("Actions"))
            yield self.data_table("risk-actions", (
                ("code", column_label("code")), ("description", column_label("description")),
                ("owner", column_label("owner")), ("due_date", column_label("due_date")),
                ("status", column_label("status"))))
            yield section(tr("Description"))
            yield text_block("risk-description")
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def risk(self) -> Any:
        return self.data.row.risk if self.data is not None else None

    def load_detail(self) -> RiskData:
        from qms_tui.services.risks import risk_row
        from qms_tui.services.search import get_record, list_records

        db = self.db()
        row = risk_row(db, self.code)
        page = list_records(db, "action", where={"risk": self.code}, order="due_date", ref_fields=["owner"],
                            limit=500)
        names = page_people(db, page, "owner")
        return RiskData(row, get_record(db, "risk", self.code),
                        [(a, names.get(a.owner_id, "")) for a in page.rows])

    def show(self, data: RiskData) -> None:
        r = data.row.risk
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(r.title, 60)}")
        self.query_one("#risk-head", Static).update(self._head(data))
        self.query_one("#risk-levels", Static).update(self._levels(data.row))
        residual = ((r.residual_likelihood, r.residual_impact)
                    if r.residual_likelihood and r.residual_impact else None)
        self.query_one("#risk-matrix", Static).update(matrix(r.likelihood, r.impact, residual))
        self.query_one("#risk-treatment", Static).update(self._treatment(r))
        self.query_one("#risk-description", Static).update(r.description or "—")
        today = self.qms.today
        self.fill("risk-actions", [
            (a.code, (a.code, clip(a.description, 50), name or "—", fmt_value(a.due_date), action_status(a, today)))
            for a, name in data.actions], tr("No actions yet: n plans one."))
        self.show_body("risk-body")

    def _head(self, data: RiskData) -> Text:
        r, view = data.row.risk, data.view
        t = Text()
        t.append(f"{r.code}  ", style="bold")
        t.append(r.title + "\n", style="bold")
        pairs(t, [(column_label("kind"), choice_label(E.RiskKind, r.kind)),
                  (column_label("status"), choice_label(E.RiskStatus, r.status)),
                  (column_label("owner"), ref_text(view.refs.get("owner_id")))])
        pairs(t, [(column_label("process"), ref_text(view.refs.get("process_id"))),
                  (column_label("event"), ref_text(view.refs.get("event_id")))])
        t.append(f"{tr('Clauses')}: ", style="bold")
        t.append(", ".join(r.clauses) or "—")
        return t

    def _levels(self, row: Any) -> Text:
        r = row.risk
        meanings = OPPORTUNITY_MEANING if r.kind == E.RiskKind.OPPORTUNITY else RISK_MEANING
        t = Text()
        t.append(tr("Rating") + "\n", style="bold underline")
        t.append(f"{column_label('likelihood')}: ", style="bold")
        t.append(f"{r.likelihood}  ×  ")
        t.append(f"{column_label('impact')}: ", style="bold")
        t.append(f"{r.impact}\n")
        t.append(f"{tr('Level')}: ", style="bold")
        t.append(band_text(row.band, row.level) + "\n", style=BAND_STYLE[row.band])
        t.append("  " + tr(meanings[row.band]) + "\n", style="italic")
        t.append("\n" + tr("Residual (after treatment)") + "\n", style="bold underline")
        if row.residual_level is None:
            t.append(tr("not assessed yet (edit the risk to rate it)"), style="dim")
        else:
            t.append(f"{r.residual_likelihood} × {r.residual_impact} = ")
            t.append(band_text(row.residual_band, row.residual_level), style=BAND_STYLE[row.residual_band])
            if row.residual_level < row.level:
                t.append("\n  ↘ " + tr("lowered by {n} by the treatment", n=row.level - row.residual_level))
            elif row.residual_level == row.level:
                t.append("\n  → " + tr("not lowered by the treatment"))
        if row.open_actions:
            t.append("\n\n" + tr("Open actions: {n}", n=row.open_actions))
        return t

    def _treatment(self, r: Any) -> Text:
        t = Text()
        pairs(t, [(column_label("treatment"), choice_label(E.Treatment, r.treatment) or tr("not decided")),
                  (column_label("review_date"), fmt_value(r.review_date) or "—")])
        t.append((r.treatment_plan or "").strip() or tr("No treatment plan written."),
                 style="" if r.treatment_plan else "dim")
        return t

    # ---------------------------------------------------------------- steps

    def available(self, action: str) -> bool:
        if action == "add_action":
            return self.risk.status != E.RiskStatus.CLOSED
        return True

    def action_add_action(self) -> None:
        if not self.ensure("add_action"):
            return
        r = self.risk
        kind = E.ActionKind.IMPROVEMENT if r.kind == E.RiskKind.OPPORTUNITY else E.ActionKind.PREVENTIVE

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            from qms_tui.services.risks import add_risk_action

            return add_risk_action(self.db(), self.qms.actor, self.code, data)

        title = tr("New action for {code} · {title}", code=self.code, title=clip(r.title, 50))
        dialog = RecordFormDialog("action", title, save, without=("nonconformity", "review", "review_output", "risk"),
                                  values={"kind": kind.value,
                                          "due_date": (self.qms.today + timedelta(days=30)).isoformat()},
                                  lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: action added")))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    @on(DataTable.RowSelected, "#risk-actions")
    def _action_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.qms.open_record("action", event.row_key.value)
