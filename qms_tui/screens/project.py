"""An improvement project (ISO 9001 10.3) run through PDCA: the four stages as a bar with
the current one marked in words, the baseline, target, measured result and improvement
(and whether the target was reached), the benefit, and the circle's meetings about it.

**a** advances to the next stage, asking what that stage requires (Check: the measured
result; closing after Act: the benefit); **b** goes back a stage (from Act: a new PDCA turn);
**delete** cancels the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.area import AreaScreen, clip, pairs, ref_text, section, text_block
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import (
    choice_label,
    column_label,
    fmt_number,
    fmt_percent,
    fmt_value,
    yes_no,
)

P = E.Pdca
STAGES = (P.PLAN, P.DO, P.CHECK, P.ACT)
FINISHED = (P.CLOSED, P.CANCELLED)
NEXT = {P.PLAN: P.DO, P.DO: P.CHECK, P.CHECK: P.ACT, P.ACT: P.CLOSED}
BACK = {P.DO: P.PLAN, P.CHECK: P.DO, P.ACT: P.PLAN}


@dataclass(frozen=True)
class ProjectData:
    detail: Any  # services.circles.ProjectDetail
    view: Any  # RecordView (circle, process, indicator, nonconformity, risk with names)


def raw_number(x: float | None) -> str:
    """A number as an input shows it (no grouping, so it parses back)."""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(x)


def letter(stage: str) -> str:
    """The stage's initial in the current language (P H V A in Spanish, P D C A in English)."""
    return (P(stage).label().strip()[:1] or stage[:1]).upper()


def pdca_short(stage: str) -> str:
    """``P-[H]-V-A``: the current stage in brackets; ``P-H-V-A ✔`` when closed."""
    letters = [f"[{letter(s)}]" if s == stage else letter(s) for s in STAGES]
    text = "-".join(letters)
    if stage == P.CLOSED:
        text += " ✔"
    elif stage == P.CANCELLED:
        text += " ✖"
    return text


def pdca_bar(stage: str) -> Text:
    """The four stages in a row: ✔ done, ▶ … ◀ the current one, ○ to come; then the stage
    in words (closed and cancelled projects say so)."""
    t = Text(no_wrap=False)
    current = STAGES.index(P(stage)) if stage in STAGES else None
    for n, s in enumerate(STAGES):
        if n:
            t.append(" ── ", style="dim")
        name = f"{letter(s)} {P(s).label()}"
        if stage == P.CLOSED or (current is not None and n < current):
            t.append(f"✔ {name}")
        elif current == n:
            t.append(f"▶ {name.upper()} ◀", style="bold reverse")
        elif stage == P.CANCELLED:
            t.append(f"· {name}", style="dim")
        else:
            t.append(f"○ {name}", style="dim")
    t.append("\n")
    if current is not None:
        t.append(tr("Current stage: {stage} ({n} of 4)", stage=P(stage).label(), n=current + 1), style="bold")
    elif stage == P.CLOSED:
        t.append("✔ " + tr("The project is closed."), style="bold")
    else:
        t.append("✖ " + tr("The project was cancelled."), style="bold")
    return t


class ProjectScreen(AreaScreen):
    HELP = N_("""\
# Improvement project

The PDCA cycle (Plan, Do, Check, Act) as a bar: ✔ stages done, ▶ STAGE ◀ the current one,
○ stages to come. Then the figures: baseline, target, measured result, the improvement
(result − baseline) and whether the target was reached.

- **a** advances to the next stage; Check asks for the measured result, closing (after Act)
  for the benefit obtained
- **b** goes back a stage (from Act back to Plan: a new turn of the cycle)
- **delete** cancels the project (asks first) · **e** edits it
- **enter** on a meeting opens it; **esc** goes back.
""")

    BINDINGS = [
        Binding("a", "advance", N_("Advance stage"), tooltip=N_("Move the project to the next PDCA stage")),
        Binding("b", "back_stage", N_("Back a stage"), tooltip=N_("Return to the previous PDCA stage")),
        Binding("delete", "cancel_project", N_("Cancel project"), tooltip=N_("Cancel the project")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the project")),
    ]

    WRITES = frozenset({"advance", "back_stage", "cancel_project", "edit"})

    PERMS = {"advance": ("project", "transition"), "back_stage": ("project", "transition"),
             "cancel_project": ("project", "transition"), "edit": ("project", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="proj-body") as body:
            body.loading = True
            yield Static("", id="proj-head", classes="wf-head", markup=False)
            yield Static("", id="proj-pdca", classes="wf-head", markup=False)
            yield section(tr("Results"))
            yield text_block("proj-results")
            yield section(column_label("problem"))
            yield text_block("proj-problem")
            yield section(column_label("benefit"))
            yield text_block("proj-benefit")
            yield section(tr("Meetings about it"))
            yield self.data_table("proj-meetings", (
                ("date", column_label("date")), ("code", column_label("code")),
                ("pdca_stage", column_label("pdca_stage")), ("place", column_label("place"))))
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def project(self) -> Any:
        return self.data.detail.project if self.data is not None else None

    def load_detail(self) -> ProjectData:
        from qms_tui.services.circles import project_detail
        from qms_tui.services.search import get_record

        db = self.db()
        return ProjectData(project_detail(db, self.code), get_record(db, "project", self.code))

    def show(self, data: ProjectData) -> None:
        d, p = data.detail, data.detail.project
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(p.title, 60)}")
        self.query_one("#proj-head", Static).update(self._head(data))
        self.query_one("#proj-pdca", Static).update(pdca_bar(p.pdca_stage))
        self.query_one("#proj-results", Static).update(self._results(d))
        self.query_one("#proj-problem", Static).update(p.problem.strip() or "—")
        benefit = self.query_one("#proj-benefit", Static)
        benefit.update(p.benefit.strip() if p.benefit else Text(tr("Not stated yet (needed to close)."),
                                                                  style="dim"))
        self.fill("proj-meetings", [
            (m.code, (fmt_value(m.date), m.code, choice_label(P, m.pdca_stage) or "—", clip(m.place, 40) or "—"))
            for m in d.meetings], tr("No meetings about this project yet."))
        self.show_body("proj-body")

    def _head(self, data: ProjectData) -> Text:
        p, refs = data.detail.project, data.view.refs
        t = Text()
        t.append(f"{p.code}  ", style="bold")
        t.append(p.title + "\n", style="bold")
        pairs(t, [(column_label("circle"), ref_text(refs.get("circle_id"))),
                  (column_label("process"), ref_text(refs.get("process_id")))])
        pairs(t, [(column_label("indicator"), ref_text(refs.get("indicator_id"))),
                  (column_label("nonconformity"), ref_text(refs.get("nonconformity_id"))),
                  (column_label("risk"), ref_text(refs.get("risk_id")))])
        dates = [(column_label("started_on"), fmt_value(p.started_on)),
                 (column_label("due_date"), fmt_value(p.due_date) or "—")]
        if p.closed_on:
            dates.append((column_label("closed_on"), fmt_value(p.closed_on)))
        pairs(t, dates)
        t.append(f"{tr('Clauses')}: ", style="bold")
        t.append(", ".join(p.clauses) or "—")
        return t

    def _results(self, d: Any) -> Text:
        p = d.project
        unit = p.unit or ""

        def num(x: float | None) -> str:
            return f"{fmt_number(x)} {unit}".strip() if x is not None else "—"

        t = Text()
        pairs(t, [(column_label("baseline"), num(p.baseline)), (column_label("target"), num(p.target)),
                  (column_label("measured_result"), num(p.measured_result) if p.measured_result is not None
                   else tr("not measured yet"))])
        if d.improvement is not None:
            sign = "+" if d.improvement > 0 else ""
            improvement = f"{sign}{num(d.improvement)}"
        else:
            improvement = "—"
        items = [(tr("Improvement"), improvement)]
        if d.progress is not None:
            items.append((tr("Of the way to the target"), fmt_percent(d.progress)))
        pairs(t, items)
        t.append(f"{tr('Target reached')}: ", style="bold")
        if d.target_reached is None:
            t.append("— " + tr("(needs a target and a measured result)"), style="dim")
        elif d.target_reached:
            t.append("✔ " + yes_no(True), style="bold")
        else:
            t.append("✖ " + yes_no(False) + " · " + tr("not yet"), style="bold")
        return t

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        stage = self.project.pdca_stage
        if action == "back_stage":
            return stage in BACK
        return stage not in FINISHED

    # ---------------------------------------------------------------- steps

    def _advance(self, target: str, **values: Any) -> Any:
        from qms_tui.services.circles import advance_project

        return advance_project(self.db(), self.qms.actor, self.code, target, **values)

    def action_advance(self) -> None:
        if not self.ensure("advance"):
            return
        p = self.project
        target = NEXT[P(p.pdca_stage)]
        stored = raw_number(p.measured_result)
        unit_help = N_("in {unit}") if p.unit else None
        name = P(target).label()
        if target == P.CHECK:
            fields = [InputField("measured_result", "text", True, stored,
                                 help=unit_help and tr(unit_help, unit=p.unit)),
                      InputField("benefit", "longtext", False, p.benefit or "",
                                 help=N_("What the change brought so far (optional now, required to close)"))]

            def submit(v: dict[str, Any], _confirmed: bool) -> Any:
                return self._advance(target, measured_result=v["measured_result"], benefit=v["benefit"] or None)

            title = tr("{code} to {stage}: what was the result?", code=self.code, stage=name)
            self.step(TransitionDialog(title, fields, submit, save_label=tr("Advance")),
                      lambda _r: tr("{code}: now at {stage}", code=self.code, stage=name))
        elif target == P.CLOSED:
            fields = [InputField("benefit", "longtext", True, p.benefit or "",
                                 help=N_("The benefit obtained, in words and figures")),
                      InputField("measured_result", "text", False, stored),
                      InputField("closed_on", "date", True, self.qms.today.isoformat())]

            def submit(v: dict[str, Any], _confirmed: bool) -> Any:
                return self._advance(target, measured_result=v["measured_result"] or None, benefit=v["benefit"],
                                     closed_on=v["closed_on"])

            self.step(TransitionDialog(tr("Close {code}: the cycle is complete", code=self.code), fields, submit,
                                       confirm=tr("Close {code}? It can no longer change afterwards.",
                                                  code=self.code), save_label=tr("Close")),
                      lambda _r: tr("{code} closed", code=self.code))
        else:
            self.perform(lambda: self._advance(target),
                         note=tr("{code}: now at {stage}", code=self.code, stage=name))

    def action_back_stage(self) -> None:
        if not self.ensure("back_stage"):
            return
        stage = P(self.project.pdca_stage)
        target = BACK[stage]
        name = P(target).label()
        if stage == P.ACT:
            question = tr("Start a new PDCA turn of {code}, back at {stage}? The stored result is kept.",
                          code=self.code, stage=name)
        else:
            question = tr("Take {code} back to {stage}?", code=self.code, stage=name)
        self.perform(lambda: self._advance(target), note=tr("{code}: now at {stage}", code=self.code, stage=name),
                     confirm=question)

    def action_cancel_project(self) -> None:
        if self.ensure("cancel_project"):
            self.perform(lambda: self._advance(P.CANCELLED.value), note=tr("{code} cancelled", code=self.code),
                         confirm=tr("Cancel {code}? This cannot be undone.", code=self.code))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    @on(DataTable.RowSelected, "#proj-meetings")
    def _meeting_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.qms.open_record("meeting", event.row_key.value)
