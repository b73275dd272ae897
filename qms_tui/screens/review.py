"""A management review (ISO 9001 9.3): the 9.3.2 inputs a) … f) summarised from the data,
holding the review (date, conclusions), the 9.3.3 decisions each with its tracked actions,
and the approval of the minutes.

**i** gathers the inputs from the data (text people wrote is kept), **enter** on an input
edits its text, **h** holds the review, **d** records a decision (with an optional action),
**n** adds an action to the selected decision, **a** approves the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
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
from qms_tui.screens.area import (
    AreaScreen,
    clip,
    page_people,
    pairs,
    ref_text,
    section,
    signature_lines,
    text_block,
)
from qms_tui.screens.dialogs.area_text_edit import AreaTextEditDialog
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.screens.risk import action_status
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value

RV = E.ReviewStatus
STATUS_MARK = {RV.PLANNED: "○", RV.HELD: "◐", RV.MINUTES_APPROVED: "✔"}
GATHERED_MARK = "⚙"
EDITED_MARK = "✎"
ACTION_ROW = "act:"
OUTPUT_ROW = "out:"


@dataclass(frozen=True)
class ReviewData:
    detail: Any  # services.reviews.ReviewDetail
    view: Any  # RecordView (event with its name)
    owners: dict[int, str]  # action id -> owner's name
    signatures: list[str]  # of the minutes, one line each


def status_text(status: str) -> str:
    return f"{STATUS_MARK.get(status, '·')} {choice_label(RV, status)}"


def common_first_line(texts: list[str]) -> str | None:
    """The first line every text starts with (the period the inputs cover), if any."""
    firsts = {next((x.strip() for x in (t or "").splitlines() if x.strip()), "") for t in texts}
    if len(texts) > 1 and len(firsts) == 1:
        return firsts.pop() or None
    return None


def first_line(text: str | None, width: int = 70, skip: str | None = None) -> str:
    """The first line of ``text`` worth showing in a table cell (``skip`` is left out)."""
    lines = [x for x in (text or "").splitlines() if x.strip() and x.strip() != skip]
    more = " …" if len(lines) > 1 else ""
    return clip(lines[0], width - len(more)) + more if lines else "—"


class ReviewScreen(AreaScreen):
    HELP = N_("""\
# Management review

The review's inputs (ISO 9001 9.3.2, items a to f), its conclusions, and its decisions
(9.3.3) each with the actions that carry it out. States: ○ planned · ◐ held · ✔ minutes
approved (nothing changes afterwards).

- **i** gathers the inputs from the data of the period (⚙ gathered); text people wrote
  (✎ edited) is never overwritten
- **enter** (or **t**) on an input edits its text in a large editor (ctrl+s saves)
- **h** holds the review: the date and the conclusions
- **d** records a decision, optionally with its tracked action (what, owner, due date)
- **n** adds another action to the selected decision
- **a** approves the minutes with your electronic signature · **e** edits the review's plan
- **enter** on a decision or an action opens it; **tab** moves between the tables.
""")

    BINDINGS = [
        Binding("i", "gather", N_("Gather inputs"), tooltip=N_("Summarise the 9.3.2 inputs from the data")),
        Binding("t", "edit_input", N_("Edit input"), tooltip=N_("Edit the text of the selected input")),
        Binding("h", "hold", N_("Hold review"), tooltip=N_("Record that the review was held, with its conclusions")),
        Binding("d", "add_decision", N_("New decision"), tooltip=N_("Record a 9.3.3 decision and its action")),
        Binding("n", "add_action", N_("New action"), tooltip=N_("Add an action to the selected decision")),
        Binding("a", "approve_minutes", N_("Approve minutes"), tooltip=N_("Approve the minutes of the review")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the review's plan")),
    ]

    WRITES = frozenset({"gather", "edit_input", "hold", "add_decision", "add_action", "approve_minutes", "edit"})

    PERMS = {"gather": ("review_input", "create"), "edit_input": ("review_input", "update"),
             "hold": ("review", "transition"), "add_decision": ("review_output", "create"),
             "add_action": ("action", "create"), "approve_minutes": ("review", "sign"), "edit": ("review", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="rev-body") as body:
            body.loading = True
            yield Static("", id="rev-head", classes="wf-head", markup=False)
            yield section(tr("Inputs (9.3.2)"))
            yield Static("", id="rev-period", classes="section-text", markup=False)
            yield self.data_table("rev-inputs", (
                ("item", column_label("item")), ("source", tr("Written by")), ("summary", column_label("summary"))))
            yield Static("", id="rev-input-text", classes="section-text", markup=False)
            yield section(tr("Conclusions"))
            yield text_block("rev-conclusions")
            yield section(tr("Decisions (9.3.3) and their actions"))
            yield self.data_table("rev-outputs", (
                ("code", column_label("code")), ("what", tr("Decision / action")), ("who", tr("Type / owner")),
                ("due_date", column_label("due_date")), ("status", column_label("status"))))
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def detail(self) -> Any:
        return self.data.detail if self.data is not None else None

    @property
    def review(self) -> Any:
        return self.data.detail.review if self.data is not None else None

    def load_detail(self) -> ReviewData:
        from qms_tui.services.reviews import review_detail
        from qms_tui.services.search import get_record, list_records

        db = self.db()
        detail = review_detail(db, self.code)
        page = list_records(db, "action", where={"review": self.code}, ref_fields=["owner"], limit=500)
        return ReviewData(detail, get_record(db, "review", self.code), page_people(db, page, "owner"),
                          signature_lines(db, "review", self.code))

    def show(self, data: ReviewData) -> None:
        d = data.detail
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(d.review.title, 60)}")
        self.query_one("#rev-head", Static).update(self._head(data))
        common = common_first_line([i.summary for i in d.inputs])
        period = self.query_one("#rev-period", Static)
        period.display = bool(common)
        period.update(common or "")
        rows = []
        for i in d.inputs:
            source = f"{EDITED_MARK} {tr('people')}" if i.code in d.edited else f"{GATHERED_MARK} {tr('the data')}"
            rows.append((i.code, (clip(choice_label(E.ReviewInputItem, i.item), 30), source,
                                  first_line(i.summary, skip=common))))
        self.fill("rev-inputs", rows, tr("No inputs yet: i gathers them from the data."))
        self._show_input()
        self.query_one("#rev-conclusions", Static).update(self._conclusions(d.review))
        self.fill("rev-outputs", self._output_rows(data), tr("No decisions yet."))
        self.show_body("rev-body")

    def _head(self, data: ReviewData) -> Text:
        r, d = data.detail.review, data.detail
        t = Text()
        t.append(f"{r.code}  ", style="bold")
        t.append(r.title + "   ", style="bold")
        t.append(status_text(r.status) + "\n", style="bold")
        pairs(t, [(column_label("planned_date"), fmt_value(r.planned_date)),
                  (column_label("held_on"), fmt_value(r.held_on) or tr("not yet")),
                  (column_label("event"), ref_text(data.view.refs.get("event_id")))])
        items = [(tr("Previous review"), d.previous_review or "—")]
        if r.status == RV.MINUTES_APPROVED:
            items += [(column_label("minutes_approved_by"), d.approver_name or "—"),
                      (column_label("minutes_approved_on"), fmt_value(r.minutes_approved_on))]
        pairs(t, items)
        for line in data.signatures:
            t.append(f"{tr('Signature')}: ", style="bold")
            t.append(line + "\n")
        t.append(self._next_step(r), style="dim")
        return t

    def _next_step(self, r: Any) -> str:
        if r.status == RV.PLANNED:
            if not self.detail.inputs:
                return tr("Next: gather the inputs (i), then hold the review (h).")
            return tr("Next: check the inputs, then hold the review (h).")
        if r.status == RV.HELD:
            if not self.detail.outputs:
                return tr("Next: record the decisions (d), then approve the minutes (a).")
            return tr("Next: approve the minutes (a).")
        return tr("The minutes are approved: the review can no longer change.")

    def _conclusions(self, r: Any) -> Text:
        t = Text()
        if r.participants:
            t.append(f"{column_label('participants')}: ", style="bold")
            t.append(r.participants.strip() + "\n")
        if r.conclusions:
            t.append(r.conclusions.strip())
        else:
            t.append(tr("Not held yet: h records the date and the conclusions."), style="dim")
        t.rstrip()
        return t

    def _output_rows(self, data: ReviewData) -> list[tuple[str, tuple[Any, ...]]]:
        today = self.qms.today
        rows: list[tuple[str, tuple[Any, ...]]] = []

        def action_row(a: Any) -> tuple[str, tuple[Any, ...]]:
            return (ACTION_ROW + a.code, (f"  ↳ {a.code}", clip(a.description, 50), data.owners.get(a.id, "—"),
                                          fmt_value(a.due_date), action_status(a, today)))

        for line in data.detail.outputs:
            o = line.output
            count = tr("{n} actions", n=len(line.actions)) if len(line.actions) != 1 else tr("1 action")
            rows.append((OUTPUT_ROW + o.code, (Text(o.code, style="bold"), Text(clip(o.decision, 50), style="bold"),
                                               choice_label(E.ReviewOutputKind, o.kind), "",
                                               count if line.actions else tr("no action"))))
            rows += [action_row(a) for a in line.actions]
        if data.detail.other_actions:
            rows.append(("", (Text(tr("Actions without a decision"), style="dim italic"), "", "", "", "")))
            rows += [action_row(a) for a in data.detail.other_actions]
        return rows

    # ---------------------------------------------------------------- the selected input

    def _selected_input(self) -> Any | None:
        code = self.selected("rev-inputs")
        return next((i for i in self.detail.inputs if i.code == code), None) if self.detail else None

    def _show_input(self) -> None:
        box = self.query_one("#rev-input-text", Static)
        i = self._selected_input()
        if i is None:
            box.display = False
            return
        box.display = True
        t = Text()
        t.append(choice_label(E.ReviewInputItem, i.item) + "\n", style="bold")
        t.append(i.summary.strip() or "—")
        box.update(t)

    @on(DataTable.RowHighlighted, "#rev-inputs")
    def _input_highlighted(self) -> None:
        if self.data is not None:
            self._show_input()

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        s = self.review.status
        if action in ("gather", "edit"):
            return s != RV.MINUTES_APPROVED
        if action == "edit_input":
            return s != RV.MINUTES_APPROVED and bool(self.detail.inputs)
        if action == "hold":
            return s == RV.PLANNED
        if action == "add_decision":
            return s == RV.HELD
        if action == "add_action":
            return s == RV.HELD and bool(self.detail.outputs)
        if action == "approve_minutes":
            return s == RV.HELD
        return True

    # ---------------------------------------------------------------- steps

    def _svc(self) -> Any:
        from qms_tui.services import reviews

        return reviews

    def action_gather(self) -> None:
        if not self.ensure("gather"):
            return
        today = self.qms.today

        def call() -> Any:
            from qms_tui.i18n import get_language

            return self._svc().gather_inputs(self.db(), self.qms.actor, self.code, today=today,
                                             lang=get_language())

        edited = len(self.detail.edited)
        note = tr("{code}: inputs gathered from the data", code=self.code)
        if edited:
            note += " · " + tr("{n} edited by people kept as they were", n=edited)
        self.perform(call, note=note)

    def action_edit_input(self) -> None:
        if not self.ensure("edit_input"):
            return
        i = self._selected_input()
        if i is None:
            self.notify(tr("Select an input (tab to the inputs table)"), severity="warning")
            self.query_one("#rev-inputs").focus()
            return

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().edit_input(self.db(), self.qms.actor, i.code, v["summary"],
                                          expected_version=i.version)

        title = tr("{code} · {item}", code=self.code, item=choice_label(E.ReviewInputItem, i.item))
        intro = tr("Your text is kept when the inputs are gathered again.")
        self.step(AreaTextEditDialog(title, i.summary, submit, name="summary", intro=intro),
                  done_note(N_("{code}: input text saved")))

    def action_hold(self) -> None:
        if not self.ensure("hold"):
            return
        r = self.review
        fields = [
            InputField("held_on", "date", True, self.qms.today.isoformat()),
            InputField("conclusions", "longtext", True, r.conclusions or "",
                       help=N_("What the review concluded about the QMS's suitability, adequacy and effectiveness")),
            InputField("participants", "longtext", False, r.participants or ""),
        ]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().hold_review(self.db(), self.qms.actor, self.code, v["held_on"], v["conclusions"],
                                           v["participants"])

        self.step(TransitionDialog(tr("Hold the review {code}", code=self.code), fields, submit),
                  done_note(N_("{code}: review held")))

    def action_add_decision(self) -> None:
        if not self.ensure("add_decision"):
            return
        kinds = tuple((k.label(), k.value) for k in E.ReviewOutputKind)
        due = (self.qms.today + timedelta(days=60)).isoformat()
        fields = [
            InputField("kind", "choice", True, E.ReviewOutputKind.IMPROVEMENT.value, choices=kinds),
            InputField("decision", "longtext", True),
            InputField("description", "longtext", False, label=N_("Action (optional)"),
                       help=N_("What will be done; leave blank for a decision without a tracked action")),
            InputField("owner", "ref", False, ref="person"),
            InputField("due_date", "date", False, due),
            InputField("resources", "longtext", False),
        ]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            action = None
            if str(v["description"]).strip() or str(v["owner"]).strip():
                action = {"description": v["description"], "owner": v["owner"], "due_date": v["due_date"],
                          "resources": v["resources"] or None}
            return self._svc().add_output(self.db(), self.qms.actor, self.code, v["kind"], v["decision"], action)

        def note(result: Any) -> str:
            output, action = result
            if action is not None:
                return tr("{code}: decision recorded with action {action}", code=output.code, action=action.code)
            return tr("{code}: decision recorded", code=output.code)

        self.step(TransitionDialog(tr("New decision of the review {code}", code=self.code), fields, submit,
                                   lookup=self.lookup), note)

    def _selected_output(self) -> Any | None:
        key = self.selected("rev-outputs") or ""
        lines = self.detail.outputs
        if key.startswith(OUTPUT_ROW):
            return next((x.output for x in lines if x.output.code == key[len(OUTPUT_ROW):]), None)
        if key.startswith(ACTION_ROW):
            code = key[len(ACTION_ROW):]
            return next((x.output for x in lines if any(a.code == code for a in x.actions)), None)
        return lines[0].output if len(lines) == 1 else None

    def action_add_action(self) -> None:
        if not self.ensure("add_action"):
            return
        output = self._selected_output()
        if output is None:
            self.notify(tr("Select a decision (tab to the decisions table)"), severity="warning")
            self.query_one("#rev-outputs").focus()
            return

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            return self._svc().add_output_action(self.db(), self.qms.actor, output.code, data)

        title = tr("New action for the decision {code} · {decision}", code=output.code,
                   decision=clip(output.decision, 50))
        dialog = RecordFormDialog("action", title, save, without=("nonconformity", "review", "review_output", "risk"),
                                  values={"kind": E.ActionKind.IMPROVEMENT.value,
                                          "due_date": (self.qms.today + timedelta(days=60)).isoformat()},
                                  lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: action added")))

    def action_approve_minutes(self) -> None:
        if not self.ensure("approve_minutes"):
            return
        intro = tr("Once the minutes are approved, the review, its inputs and its decisions can no longer "
                   "change; the actions are still followed up.")
        fields = [InputField("approved_on", "date", True, self.qms.today.isoformat())]

        def call(values: dict[str, Any]) -> Any:
            return self._svc().approve_minutes(self.db(), self.qms.actor, self.code, values["approved_on"],
                                               pin=values["pin"], comment=values["comment"])

        self.approve(tr("Approve the minutes of {code}", code=self.code), call,
                     tr("{code}: minutes approved", code=self.code), intro=intro, fields=fields)

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    # ---------------------------------------------------------------- rows

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value or ""
        if not key or self.data is None:
            return
        if event.data_table.id == "rev-inputs":
            if self.check_action("edit_input", ()) is True:
                self.action_edit_input()
            else:
                self.qms.open_record("review_input", key)
        elif key.startswith(OUTPUT_ROW):
            self.qms.open_record("review_output", key[len(OUTPUT_ROW):])
        elif key.startswith(ACTION_ROW):
            self.qms.open_record("action", key[len(ACTION_ROW):])
