"""A nonconformity and its corrective action, step by step (ISO 9001 10.2).

Header (code, state, severity, process, owner, age, what comes next), then description,
correction, root cause (5 whys numbered, Ishikawa grouped by 6M category), actions,
effectiveness checks and the record's history. Each step of the lifecycle is a key, offered
(in the footer and in the palette) only when the nonconformity's state allows it.
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
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.root_cause import RootCauseDialog
from qms_tui.screens.dialogs.trail_event import TrailEventDialog, summary_text
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.screens.workflow import WorkflowScreen, done_note, signature_lines
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value, status_cell
from qms_tui.widgets.tables import FitTable, fill_table

N, AS, EF = E.NcStatus, E.ActionStatus, E.Effectiveness
ENDED = (N.CLOSED, N.DISMISSED, N.CANCELLED)
OPEN_ACTION = (AS.PENDING, AS.IN_PROGRESS)
HISTORY = 50



@dataclass(frozen=True)
class NcData:
    detail: Any  # services.nonconformities.NcDetail
    history: list[Any]  # services.trail.TrailRow, newest first
    signatures: list[str]  # of the NC and its effectiveness checks, one line each (✔ matches / ✖ changed since)


def section(title: str, id: str | None = None) -> Static:
    return Static(title, classes="section-title", id=id, markup=False)


def status_text(status: str) -> str:
    """The state as words with a marker (never colour alone)."""
    return "◆ " + choice_label(E.NcStatus, status)


def rca_text(nc: Any, causes: list[Any]) -> Text:
    """The root cause: the method, the cause, then the whys numbered or the Ishikawa causes
    grouped by category."""
    out = Text()
    if not nc.root_cause and not causes:
        out.append(tr("No root-cause analysis yet."), style="dim")
        return out
    if nc.rca_method:
        out.append(f"{column_label('rca_method')}: ", style="bold")
        out.append(choice_label(E.RcaMethod, nc.rca_method) + "\n")
    if nc.root_cause:
        out.append(f"{column_label('root_cause')}: ", style="bold")
        out.append(nc.root_cause.strip() + "\n")
    if nc.rca_method == E.RcaMethod.ISHIKAWA:
        for category in E.IshikawaCategory:
            mine = [c for c in causes if c.category == category.value]
            if not mine:
                continue
            out.append(f"{category.label().capitalize()}\n", style="bold")
            for c in mine:
                out.append(f"  • {c.text}\n")
        loose = [c for c in causes if c.category not in E.IshikawaCategory.values()]
        for c in loose:
            out.append(f"  • {c.text}\n")
    else:
        for n, c in enumerate(causes, start=1):
            label = tr("Why {n}?", n=n) if nc.rca_method == E.RcaMethod.FIVE_WHYS else f"{n}."
            out.append(f"  {label} ", style="bold")
            out.append(f"{c.text}\n")
    out.rstrip()
    return out


class NonconformityScreen(WorkflowScreen):
    HELP = N_("""\
# Nonconformity

The nonconformity and its corrective action (ISO 9001 10.2), from the correction to the
closure. The keys at the bottom are the steps possible **now**; the same steps are in the
command palette (ctrl+p).

- **c** correction · **r** root-cause analysis (5 whys or Ishikawa) · **n** new action
- **d** marks the selected action done · **i** starts the implementation
- **p** plans an effectiveness check · **v** requests the verification
- **f** records the result of the effectiveness check (effective or not), signed by you as
  the verifier (who may own none of the actions)
- **x** closes with your electronic signature (quality coordinators) · **o** reopens (with
  the reason)
- **a** accepts a draft · **z** dismisses it · **delete** cancels the nonconformity (asks first)
- **e** edits the registration fields · **tab** moves between the tables; **enter** opens the
  selected action or check, or the details of a history event.
- **esc** goes back.
""")

    BINDINGS = [
        Binding("c", "correction", N_("Correction"), tooltip=N_("Record the correction (what was done at once)")),
        Binding("r", "root_cause", N_("Root cause"), tooltip=N_("Root-cause analysis: 5 whys or Ishikawa")),
        Binding("n", "add_action", N_("New action"), tooltip=N_("Add an action to the plan")),
        Binding("d", "action_done", N_("Action done"), tooltip=N_("Mark the selected action done")),
        Binding("i", "implement", N_("Implement"), tooltip=N_("Start the implementation of the plan")),
        Binding("p", "plan_check", N_("Plan check"), tooltip=N_("Plan an effectiveness check")),
        Binding("v", "verify", N_("Verification"), tooltip=N_("Request the verification of effectiveness")),
        Binding("f", "effectiveness", N_("Effectiveness"), tooltip=N_("Record the effectiveness check result")),
        Binding("x", "close_nc", N_("Close"), tooltip=N_("Close the nonconformity")),
        Binding("o", "reopen", N_("Reopen"), tooltip=N_("Reopen: a new root-cause analysis")),
        Binding("a", "accept", N_("Accept draft"), tooltip=N_("Accept the draft as a nonconformity")),
        Binding("z", "dismiss_draft", N_("Dismiss draft"), tooltip=N_("Not a nonconformity: dismiss it")),
        Binding("delete", "cancel_nc", N_("Cancel NC"), tooltip=N_("Cancel the nonconformity (e.g. a duplicate)")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the registration fields")),
    ]

    WRITES = frozenset({"correction", "root_cause", "add_action", "action_done", "implement", "plan_check",
                        "verify", "effectiveness", "close_nc", "reopen", "accept", "dismiss_draft",
                        "cancel_nc", "edit"})

    PERMS = {
        **{a: ("nonconformity", "transition") for a in ("correction", "root_cause", "implement", "verify",
                                                          "reopen", "accept", "dismiss_draft", "cancel_nc")},
        "add_action": ("action", "create"), "action_done": ("action", "transition"),
        "plan_check": ("effectiveness_check", "create"), "effectiveness": ("effectiveness_check", "transition"),
        "close_nc": ("nonconformity", "sign"), "edit": ("nonconformity", "update"),
    }

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="nc-body") as body:
            body.loading = True
            yield Static("", id="nc-head", classes="wf-head", markup=False)
            yield section(tr("Description"))
            yield Static("", id="nc-description", classes="section-text", markup=False)
            yield section(tr("Correction"))
            yield Static("", id="nc-correction", classes="section-text", markup=False)
            yield section(tr("Root cause"))
            yield Static("", id="nc-rca", classes="section-text", markup=False)
            yield section(tr("Actions"))
            yield self._table("nc-actions", ("code", "description", "owner", "due_date", "status"))
            yield section(tr("Effectiveness checks"))
            yield self._table("nc-checks", ("code", "planned_date", "criterion", "result", "performed_on"))
            yield section(tr("Electronic signatures"))
            yield Static("", id="nc-signatures", classes="section-text", markup=False)
            yield section(tr("History"))
            yield self._table("nc-history", ("at", "actor", "action", "summary"))
        yield Footer()

    def _table(self, id: str, columns: tuple[str, ...]) -> DataTable[Any]:
        table: DataTable[Any] = FitTable(id=id, cursor_type="row", zebra_stripes=True, classes="wf-table")
        labels = {"at": tr("When"), "actor": tr("Who"), "action": tr("What"), "summary": tr("Detail")}
        for name in columns:
            table.add_column(labels.get(name) or column_label(name), key=name)
        return table

    # ---------------------------------------------------------------- data

    @property
    def detail(self) -> Any:
        return self.data.detail if self.data is not None else None

    def load_detail(self) -> NcData:
        from qms_tui.services.nonconformities import nc_detail
        from qms_tui.services.trail import trail_page

        db = self.db()
        detail = nc_detail(db, self.code, today=self.qms.today)
        history = trail_page(db, entity="nonconformity", code=self.code, limit=HISTORY).rows
        signed = [f"{self.code} · {line}" for line in signature_lines(db, "nonconformity", self.code)]
        for check in detail.checks:
            signed += [f"{check.code} · {line}" for line in signature_lines(db, "effectiveness_check", check.code)]
        return NcData(detail, history, signed)

    def show(self, data: NcData) -> None:
        d = data.detail
        nc = d.nc
        body = self.query_one("#nc-body")
        body.loading = False
        self.query_one(AppHeader).set_title(f"{self.heading} · {nc.title}")
        self.query_one("#nc-head", Static).update(self._head(d))
        self.query_one("#nc-description", Static).update(nc.description or "—")
        self.query_one("#nc-correction", Static).update(self._correction(nc))
        self.query_one("#nc-rca", Static).update(rca_text(nc, list(d.causes)))
        self._fill_actions(d)
        self._fill_checks(d)
        signed = "\n".join(data.signatures) if data.signatures else tr("Not signed yet.")
        self.query_one("#nc-signatures", Static).update(signed)
        self._fill_history(data.history)
        if self.focused is None:
            body.focus()

    def _head(self, d: Any) -> Text:
        nc = d.nc
        t = Text()
        t.append(f"{nc.code}  ", style="bold")
        t.append(nc.title + "\n", style="bold")
        parts = [
            (tr("Status"), status_text(nc.status)),
            (column_label("severity"), choice_label(E.Severity, nc.severity) or tr("not classified")),
            (column_label("source"), choice_label(E.NcSource, nc.source)),
        ]
        self._pairs(t, parts)
        proc = f"{d.process} · {d.process_name}" if d.process else "—"
        self._pairs(t, [(column_label("process"), proc), (column_label("owner"), d.owner or "—")])
        age = tr("{n} days", n=d.age_days) if d.age_days != 1 else tr("1 day")
        origin = []
        if d.finding:
            origin.append((column_label("finding"), d.finding))
        if d.measurement is not None:
            m = d.measurement
            origin.append((column_label("measurement"), f"{m.indicator} {m.period} = {fmt_value(m.value)}"))
        self._pairs(t, [(column_label("detected_on"), fmt_value(nc.detected_on)), (tr("Age"), age), *origin])
        if nc.clauses:
            self._pairs(t, [(tr("Clauses"), ", ".join(nc.clauses))])
        if nc.status in ENDED:
            extra = []
            if nc.closed_on:
                extra.append((column_label("closed_on"), fmt_value(nc.closed_on)))
            if nc.status_reason:
                extra.append((column_label("status_reason"), nc.status_reason))
            if extra:
                self._pairs(t, extra)
        elif nc.status_reason:
            self._pairs(t, [(column_label("status_reason"), nc.status_reason)])
        if nc.reopen_count:
            self._pairs(t, [(column_label("reopen_count"), str(nc.reopen_count))])
        nexts = ", ".join(choice_label(E.NcStatus, s) for s in d.allowed) or "—"
        t.append(tr("Next possible states") + ": ", style="dim")
        t.append(nexts, style="dim")
        return t

    @staticmethod
    def _pairs(t: Text, pairs: list[tuple[str, str]]) -> None:
        for i, (label, value) in enumerate(pairs):
            if i:
                t.append("  ·  ", style="dim")
            t.append(f"{label}: ", style="bold")
            t.append(value)
        t.append("\n")

    def _correction(self, nc: Any) -> Text:
        if not nc.correction:
            return Text(tr("No correction recorded yet."), style="dim")
        t = Text(nc.correction.strip())
        if nc.correction_on:
            t.append(f"\n{column_label('correction_on')}: ", style="bold")
            t.append(fmt_value(nc.correction_on))
        if nc.extent:
            t.append(f"\n{column_label('extent')}: ", style="bold")
            t.append(nc.extent.strip())
        return t

    def _fill(self, id: str, rows: list[tuple[str, tuple[Any, ...]]], empty: str) -> None:
        fill_table(self.query_one(f"#{id}", DataTable), rows, empty)

    def _fill_actions(self, d: Any) -> None:
        today = self.qms.today
        rows = []
        for line in d.actions:
            a = line.action
            status = choice_label(E.ActionStatus, a.status)
            overdue = a.status in OPEN_ACTION and a.due_date is not None and a.due_date < today
            cell: Any = status_cell(status, True) if overdue else status
            rows.append((a.code, (a.code, fmt_value(a.description, 40), line.owner or "", fmt_value(a.due_date), cell)))
        self._fill("nc-actions", rows, tr("No actions yet."))

    def _fill_checks(self, d: Any) -> None:
        rows = [(c.code, (c.code, fmt_value(c.planned_date), fmt_value(c.criterion, 40),
                          choice_label(E.Effectiveness, c.result), fmt_value(c.performed_on)))
                for c in d.checks]
        self._fill("nc-checks", rows, tr("No effectiveness check planned yet."))

    def _fill_history(self, history: list[Any]) -> None:
        rows = [(str(h.seq), (fmt_value(h.at), h.actor, choice_label(E.TrailAction, h.action),
                              fmt_value(summary_text(h), 60)))
                for h in history]
        self._fill("nc-history", rows, tr("No history."))

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        d = self.detail
        s, allowed = d.nc.status, d.allowed
        if action == "correction":
            return N.CORRECTION in allowed or s == N.CORRECTION
        if action == "root_cause":
            return s in (N.CORRECTION, N.ROOT_CAUSE, N.ACTION_PLAN) and (N.ROOT_CAUSE in allowed or s == N.ROOT_CAUSE)
        if action == "add_action":
            return s in (N.ROOT_CAUSE, N.ACTION_PLAN, N.IMPLEMENTATION)
        if action == "action_done":
            return s not in (*ENDED, N.DRAFT) and any(x.action.status in OPEN_ACTION for x in d.actions)
        if action == "implement":
            return N.IMPLEMENTATION in allowed and s == N.ACTION_PLAN
        if action == "plan_check":
            return s in (N.ACTION_PLAN, N.IMPLEMENTATION, N.VERIFICATION)
        if action == "verify":
            return N.VERIFICATION in allowed
        if action == "effectiveness":
            return s == N.VERIFICATION and any(c.result == EF.PENDING for c in d.checks)
        if action == "close_nc":
            return N.CLOSED in allowed
        if action == "reopen":
            return s == N.CLOSED and N.ROOT_CAUSE in allowed
        if action == "accept":
            return N.REGISTERED in allowed and s == N.DRAFT
        if action == "dismiss_draft":
            return N.DISMISSED in allowed
        if action == "cancel_nc":
            return N.CANCELLED in allowed
        if action == "edit":
            return s not in ENDED
        return True

    # ---------------------------------------------------------------- steps

    def _svc(self) -> Any:
        from qms_tui.services import nonconformities

        return nonconformities

    def action_correction(self) -> None:
        if not self.ensure("correction"):
            return
        nc = self.detail.nc
        fields = [
            InputField("correction", "longtext", True, nc.correction or ""),
            InputField("correction_on", "date", True, (nc.correction_on or self.qms.today).isoformat()),
            InputField("extent", "longtext", False, nc.extent or "",
                       help=N_("Do similar nonconformities exist, or could they occur? (10.2.1 b 3)")),
        ]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().record_correction(self.db(), self.qms.actor, self.code, v["correction"],
                                                 v["correction_on"], v["extent"], expected_version=nc.version)

        self.step(TransitionDialog(tr("Correction of {code}", code=self.code), fields, submit),
                  done_note(N_("{code}: correction recorded")))

    def action_root_cause(self) -> None:
        if not self.ensure("root_cause"):
            return
        nc = self.detail.nc

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().record_root_cause(self.db(), self.qms.actor, self.code, v["method"],
                                                 v["root_cause"], v["causes"], expected_version=nc.version)

        intro = tr("Recording the analysis again replaces the previous causes.") if nc.root_cause else ""
        self.step(RootCauseDialog(tr("Root-cause analysis of {code}", code=self.code), submit,
                                  method=nc.rca_method, root_cause=nc.root_cause or "",
                                  causes=self.detail.causes, intro=intro),
                  done_note(N_("{code}: root cause recorded")))

    def action_add_action(self) -> None:
        if not self.ensure("add_action"):
            return

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            return self._svc().add_action(self.db(), self.qms.actor, self.code, data)

        title = tr("New action for {code} · {title}", code=self.code, title=self.detail.nc.title)
        dialog = RecordFormDialog("action", title, save, without=("nonconformity", "review", "review_output", "risk"),
                                  values={"kind": E.ActionKind.CORRECTIVE.value,
                                          "due_date": (self.qms.today + timedelta(days=30)).isoformat()},
                                  lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: action added")))

    def _selected_action(self) -> Any | None:
        table = self.query_one("#nc-actions", DataTable)
        lines = {x.action.code: x.action for x in self.detail.actions}
        if table.row_count and table.cursor_row >= 0:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key in lines and lines[key].status in OPEN_ACTION:
                return lines[key]
        open_ones = [a for a in lines.values() if a.status in OPEN_ACTION]
        return open_ones[0] if len(open_ones) == 1 else None

    def action_action_done(self) -> None:
        if not self.ensure("action_done"):
            return
        action = self._selected_action()
        if action is None:
            self.notify(tr("Select an action that is pending or in progress (tab to the actions table)"),
                        severity="warning")
            self.query_one("#nc-actions").focus()
            return
        fields = [
            InputField("completed_on", "date", True, self.qms.today.isoformat()),
            InputField("evidence_note", "longtext", False, action.evidence_note or ""),
        ]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().update_action_status(self.db(), self.qms.actor, action.code, AS.DONE.value,
                                                    v["completed_on"], v["evidence_note"] or None,
                                                    expected_version=action.version)

        title = tr("Action {code} done: {what}", code=action.code, what=fmt_value(action.description, 60))
        self.step(TransitionDialog(title, fields, submit, save_label=tr("Done")),
                  done_note(N_("{code} marked done")))

    def action_implement(self) -> None:
        if self.ensure("implement"):
            self.perform(lambda: self._svc().start_implementation(self.db(), self.qms.actor, self.code),
                         note=tr("{code}: implementation started", code=self.code))

    def action_plan_check(self) -> None:
        if not self.ensure("plan_check"):
            return
        fields = [
            InputField("planned_date", "date", True, (self.qms.today + timedelta(days=30)).isoformat()),
            InputField("criterion", "longtext", True,
                       help=N_("How will you know the nonconformity does not recur?")),
            InputField("verifier", "ref", False, ref="person",
                       help=N_("Someone who owns none of the actions (10.2.1 d)")),
        ]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().plan_effectiveness_check(self.db(), self.qms.actor, self.code, v["planned_date"],
                                                        v["criterion"], v["verifier"] or None)

        self.step(TransitionDialog(tr("Plan an effectiveness check of {code}", code=self.code), fields, submit,
                                   lookup=self.lookup),
                  done_note(N_("{code}: effectiveness check planned")))

    def action_verify(self) -> None:
        if self.ensure("verify"):
            self.perform(lambda: self._svc().request_verification(self.db(), self.qms.actor, self.code),
                         note=tr("{code}: verification requested", code=self.code))

    def action_effectiveness(self) -> None:
        if not self.ensure("effectiveness"):
            return
        pending = [c for c in self.detail.checks if c.result == EF.PENDING]
        results = ((EF.EFFECTIVE.label(), EF.EFFECTIVE.value), (EF.NOT_EFFECTIVE.label(), EF.NOT_EFFECTIVE.value))
        fields = [
            InputField("check", "choice", True, pending[0].code,
                       choices=tuple((f"{c.code} · {fmt_value(c.criterion, 50)}", c.code) for c in pending),
                       label=N_("Check")),
            InputField("result", "choice", True, choices=results),
            InputField("performed_on", "date", True, self.qms.today.isoformat()),
            InputField("evidence_note", "longtext", False,
                       help=N_("What was seen; if not effective, the nonconformity goes back to the root cause")),
            InputField("verifier", "ref", False, ref="person", help=N_("Blank: you")),
        ]

        def submit(v: dict[str, Any]) -> Any:
            return self._svc().record_effectiveness(self.db(), self.qms.actor, v["check"], v["result"],
                                                    v["performed_on"], v["evidence_note"] or None,
                                                    v["verifier"] or None, pin=v["pin"], comment=v["comment"])

        self.sign(tr("Effectiveness of the actions of {code}", code=self.code), submit,
                  lambda r: tr("{code}: {result}", code=r.code, result=choice_label(E.Effectiveness, r.result)),
                  meaning="verified_effectiveness", fields=fields,
                  intro=tr("You sign the result as the verifier of effectiveness; not effective sends the "
                           "nonconformity back to the root cause."))

    def action_close_nc(self) -> None:
        if not self.ensure("close_nc"):
            return
        fields = [InputField("closed_on", "date", True, self.qms.today.isoformat())]

        def submit(v: dict[str, Any]) -> Any:
            return self._svc().close_nc(self.db(), self.qms.actor, self.code, v["closed_on"],
                                        pin=v["pin"], comment=v["comment"])

        self.sign(tr("Close {code}", code=self.code), submit, tr("{code} closed", code=self.code),
                  meaning="closed", fields=fields,
                  intro=tr("The corrective action ends here: the latest effectiveness check was effective."))

    def _reason_step(self, title: str, call: Any, note: str, confirm: str | None = None) -> None:
        fields = [InputField("reason", "longtext", True)]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return call(self.db(), self.qms.actor, self.code, v["reason"])

        self.step(TransitionDialog(title, fields, submit, confirm=confirm), lambda _r: note)

    def action_reopen(self) -> None:
        if self.ensure("reopen"):
            self._reason_step(tr("Reopen {code}: why?", code=self.code), self._svc().reopen_nc,
                              tr("{code} reopened: new root-cause analysis", code=self.code))

    def action_accept(self) -> None:
        if self.ensure("accept"):
            self.perform(lambda: self._svc().accept_draft(self.db(), self.qms.actor, self.code),
                         note=tr("{code} accepted as a nonconformity", code=self.code))

    def action_dismiss_draft(self) -> None:
        if self.ensure("dismiss_draft"):
            self._reason_step(tr("Dismiss the draft {code}: why is it not a nonconformity?", code=self.code),
                              self._svc().dismiss_draft, tr("{code} dismissed", code=self.code),
                              confirm=tr("Dismiss {code}? This cannot be undone.", code=self.code))

    def action_cancel_nc(self) -> None:
        if self.ensure("cancel_nc"):
            self._reason_step(tr("Cancel {code}: why?", code=self.code), self._svc().cancel_nc,
                              tr("{code} cancelled", code=self.code),
                              confirm=tr("Cancel {code}? This cannot be undone.", code=self.code))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.qms.open_form("nonconformity", self.code, lambda result: self.reload() if result else None)

    # ---------------------------------------------------------------- rows

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if not key or self.data is None:
            return
        table_id = event.data_table.id
        if table_id == "nc-actions":
            self.qms.open_record("action", key)
        elif table_id == "nc-checks":
            self.qms.open_record("effectiveness_check", key)
        elif table_id == "nc-history":
            row = next((h for h in self.data.history if str(h.seq) == key), None)
            if row is not None:
                self.app.push_screen(TrailEventDialog(row))
