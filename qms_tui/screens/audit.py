"""An audit (ISO 9001 9.2; ISO 19011): the plan, the team, the checklist by clause and the
findings, with the steps of its lifecycle on keys. A major or minor finding raises its
nonconformity in one step (**r**), which opens the new nonconformity."""

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
from qms_tui.domain.lifecycle import AUDIT, allowed
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.screens.nonconformity import section
from qms_tui.screens.workflow import WorkflowScreen, done_note, signature_lines
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value
from qms_tui.widgets.tables import FitTable, fill_table

S, FK, CR = E.AuditStatus, E.FindingKind, E.ChecklistResult
UNDER_WAY = (S.CONFIRMED, S.PERFORMED)
NOT_FINISHED = (S.PLANNED, S.CONFIRMED, S.PERFORMED)
NC_KINDS = (FK.MAJOR, FK.MINOR)
#: a text marker per finding kind, so the kind never depends on colour
KIND_MARK = {FK.MAJOR: "✖✖", FK.MINOR: "✖", FK.OBSERVATION: "◇", FK.OFI: "↗", FK.STRENGTH: "✔"}
RESULT_MARK = {CR.PENDING: "·", CR.CONFORMING: "✔", CR.NONCONFORMING: "✖", CR.OBSERVATION: "◇",
               CR.NOT_APPLICABLE: "—"}


@dataclass(frozen=True)
class AuditData:
    detail: Any  # services.audits.AuditDetail
    signatures: list[str]  # of the report, one line each (✔ matches / ✖ changed since)


class AuditScreen(WorkflowScreen):
    HELP = N_("""\
# Audit

The audit plan (scope, criteria, dates, lead auditor), its team, the checklist by clause and
the findings. The keys at the bottom are the steps possible **now** (also in ctrl+p).

- **c** confirms the audit · **p** records it as performed (actual dates)
- **m** adds a team member · **k** generates the checklist from the audit's clauses
- **enter** on a checklist item records its result and the evidence seen
- **n** adds a finding (of the selected checklist item, if the checklist has the cursor)
- **r** raises the nonconformity of the selected major or minor finding and opens it
- **a** accepts the report (conclusions) with your electronic signature · **x** closes the audit (asks first)
- **delete** cancels the audit (asks first) · **e** edits the plan
- **tab** moves between the tables; **esc** goes back.
""")

    BINDINGS = [
        Binding("c", "confirm", N_("Confirm"), tooltip=N_("Confirm the audit (dates and team agreed)")),
        Binding("p", "perform", N_("Performed"), tooltip=N_("Record the audit as performed, with its dates")),
        Binding("m", "add_member", N_("Team member"), tooltip=N_("Add a person to the audit team")),
        Binding("k", "checklist", N_("Checklist"), tooltip=N_("Generate the checklist from the audit's clauses")),
        Binding("n", "add_finding", N_("New finding"), tooltip=N_("Record a finding")),
        Binding("r", "raise_nc", N_("Raise NC"), tooltip=N_("Raise the nonconformity of the selected finding")),
        Binding("a", "accept_report", N_("Accept report"), tooltip=N_("Accept the report with its conclusions")),
        Binding("x", "close_audit", N_("Close"), tooltip=N_("Close the audit")),
        Binding("delete", "cancel_audit", N_("Cancel audit"), tooltip=N_("Cancel the audit")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the audit plan")),
    ]

    WRITES = frozenset({"confirm", "perform", "add_member", "checklist", "add_finding", "raise_nc",
                        "accept_report", "close_audit", "cancel_audit", "edit", "record_result"})

    PERMS = {
        "confirm": ("audit", "transition"), "perform": ("audit", "transition"),
        "close_audit": ("audit", "transition"), "cancel_audit": ("audit", "transition"),
        "accept_report": ("audit", "sign"), "add_member": ("audit_member", "create"),
        "checklist": ("checklist_item", "create"), "record_result": ("checklist_item", "update"),
        "add_finding": ("finding", "create"), "raise_nc": ("nonconformity", "create"), "edit": ("audit", "update"),
    }

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="audit-body") as body:
            body.loading = True
            yield Static("", id="audit-head", classes="wf-head", markup=False)
            yield section(tr("Audit plan"))
            yield Static("", id="audit-plan", classes="section-text", markup=False)
            yield section(tr("Team"))
            yield self._table("audit-team", (("code", column_label("person")), ("name", column_label("name")),
                                             ("role", column_label("role"))))
            yield section(tr("Checklist by clause"), id="checklist-title")
            yield self._table("audit-checklist", (("code", column_label("code")), ("clause", column_label("clause")),
                                                  ("question", column_label("question")),
                                                  ("result", column_label("result")),
                                                  ("evidence", column_label("evidence_note"))))
            yield section(tr("Findings"), id="findings-title")
            yield self._table("audit-findings", (("code", column_label("code")), ("kind", column_label("kind")),
                                                 ("title", column_label("title")),
                                                 ("nc", tr("Nonconformity"))))
            yield section(tr("Conclusions"))
            yield Static("", id="audit-conclusions", classes="section-text", markup=False)
            yield section(tr("Electronic signatures"))
            yield Static("", id="audit-signatures", classes="section-text", markup=False)
        yield Footer()

    @staticmethod
    def _table(id: str, columns: tuple[tuple[str, str], ...]) -> DataTable[Any]:
        table: DataTable[Any] = FitTable(id=id, cursor_type="row", zebra_stripes=True, classes="wf-table")
        for key, label in columns:
            table.add_column(label, key=key)
        return table

    # ---------------------------------------------------------------- data

    @property
    def detail(self) -> Any:
        return self.data.detail if self.data is not None else None

    def load_detail(self) -> AuditData:
        from qms_tui.services.audits import audit_detail

        db = self.db()
        return AuditData(audit_detail(db, self.code), signature_lines(db, "audit", self.code))

    def show(self, data: AuditData) -> None:
        d = data.detail
        a = d.audit
        body = self.query_one("#audit-body")
        body.loading = False
        self.query_one(AppHeader).set_title(f"{self.heading} · {a.title}")
        self.query_one("#audit-head", Static).update(self._head(d))
        self.query_one("#audit-plan", Static).update(self._plan(d))
        self._fill("audit-team", [(f"{c}\t{r}", (c, n, choice_label(E.AuditRole, r))) for c, n, r in d.team],
                   tr("Nobody on the team yet."))
        self._fill("audit-checklist", [
            (i.code, (i.code, i.clause, fmt_value(i.question, 50), self._result(i.result),
                      fmt_value(i.evidence_note, 30)))
            for i in d.checklist], tr("No checklist yet (k generates it from the clauses)."))
        self._fill("audit-findings", [
            (f.code, (f.code, self._kind(f.kind), fmt_value(f.title, 50),
                      nc or ("— " + tr("to raise") if f.kind in NC_KINDS else "")))
            for f, nc in d.findings], tr("No findings yet."))
        pending = sum(1 for i in d.checklist if i.result == CR.PENDING)
        done = len(d.checklist) - pending
        self.query_one("#checklist-title", Static).update(
            tr("Checklist by clause") + "  " + tr("({done} of {total} answered)", done=done, total=len(d.checklist)))
        counts = ", ".join(f"{FK(k).label()}: {n}" for k, n in d.counts.items() if n)
        self.query_one("#findings-title", Static).update(tr("Findings") + (f"  ({counts})" if counts else ""))
        self.query_one("#audit-conclusions", Static).update(a.conclusions or tr("No conclusions yet."))
        signed = "\n".join(data.signatures) if data.signatures else tr("Not signed yet.")
        self.query_one("#audit-signatures", Static).update(signed)
        if self.focused is None:
            body.focus()

    @staticmethod
    def _kind(kind: str) -> str:
        return f"{KIND_MARK.get(kind, '')} {choice_label(E.FindingKind, kind)}".strip()

    @staticmethod
    def _result(result: str | None) -> str:
        value = result or CR.PENDING.value
        return f"{RESULT_MARK.get(value, '')} {choice_label(E.ChecklistResult, value)}".strip()

    def _head(self, d: Any) -> Text:
        a = d.audit
        t = Text()
        t.append(f"{a.code}  ", style="bold")
        t.append(a.title + "\n", style="bold")
        pairs = [(tr("Status"), "◆ " + choice_label(E.AuditStatus, a.status)),
                 (column_label("kind"), choice_label(E.AuditKind, a.kind))]
        _pairs(t, pairs)
        planned = f"{fmt_value(a.planned_start)} – {fmt_value(a.planned_end)}"
        dates = [(tr("Planned"), planned)]
        if a.actual_start:
            dates.append((tr("Performed"), f"{fmt_value(a.actual_start)} – {fmt_value(a.actual_end)}"))
        _pairs(t, dates)
        proc = f"{d.process} · {d.process_name}" if d.process else "—"
        _pairs(t, [(column_label("lead_auditor"), d.lead_auditor or "—"), (column_label("process"), proc)])
        if d.programme:
            _pairs(t, [(column_label("programme"), d.programme)])
        nexts = ", ".join(choice_label(E.AuditStatus, s) for s in allowed(AUDIT, a.status)) or "—"
        t.append(tr("Next possible states") + ": " + nexts, style="dim")
        return t

    def _plan(self, d: Any) -> Text:
        a = d.audit
        t = Text()
        for name in ("scope", "criteria", "objectives", "plan", "methods"):
            value = getattr(a, name, None)
            if value:
                t.append(f"{column_label(name)}: ", style="bold")
                t.append(value.strip() + "\n")
        if a.clauses:
            t.append(f"{tr('Clauses')}: ", style="bold")
            t.append(", ".join(a.clauses) + "\n")
        t.rstrip()
        return t if t.plain else Text("—", style="dim")

    def _fill(self, id: str, rows: list[tuple[str, tuple[Any, ...]]], empty: str) -> None:
        fill_table(self.query_one(f"#{id}", DataTable), rows, empty)

    def _selected(self, id: str) -> str | None:
        table = self.query_one(f"#{id}", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key or None

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        a = self.detail.audit
        s, nexts = a.status, allowed(AUDIT, a.status)
        if action == "confirm":
            return S.CONFIRMED in nexts
        if action == "perform":
            return S.PERFORMED in nexts
        if action in ("add_member", "checklist"):
            return s in NOT_FINISHED
        if action in ("add_finding", "record_result"):
            return s in UNDER_WAY
        if action == "raise_nc":
            return any(f.kind in NC_KINDS and nc is None for f, nc in self.detail.findings)
        if action == "accept_report":
            return S.REPORT_ACCEPTED in nexts
        if action == "close_audit":
            return S.CLOSED in nexts
        if action == "cancel_audit":
            return S.CANCELLED in nexts
        if action == "edit":
            return s not in (S.CLOSED, S.CANCELLED)
        return True

    # ---------------------------------------------------------------- steps

    def _svc(self) -> Any:
        from qms_tui.services import audits

        return audits

    def action_confirm(self) -> None:
        if self.ensure("confirm"):
            self.perform(lambda: self._svc().confirm_audit(self.db(), self.qms.actor, self.code),
                         note=tr("{code} confirmed", code=self.code))

    def action_perform(self) -> None:
        if not self.ensure("perform"):
            return
        a = self.detail.audit
        fields = [InputField("actual_start", "date", True, fmt_value(a.planned_start)),
                  InputField("actual_end", "date", True, fmt_value(a.planned_end))]

        def submit(v: dict[str, Any], _c: bool) -> Any:
            return self._svc().perform_audit(self.db(), self.qms.actor, self.code, v["actual_start"], v["actual_end"])

        self.step(TransitionDialog(tr("{code} performed: actual dates", code=self.code), fields, submit),
                  done_note(N_("{code} performed")))

    def action_add_member(self) -> None:
        if not self.ensure("add_member"):
            return

        def save(data: dict[str, Any]) -> Any:
            return self._svc().add_team_member(self.db(), self.qms.actor, self.code, data.get("person", ""),
                                               data.get("role", ""))

        dialog = RecordFormDialog("audit_member", tr("New member of the team of {code}", code=self.code), save,
                                  without=("audit",), values={"role": E.AuditRole.AUDITOR.value}, lookup=self.lookup)
        self.step(dialog, lambda _r: tr("Team member added"))

    def action_checklist(self) -> None:
        if self.ensure("checklist"):
            self.perform(lambda: self._svc().generate_checklist(self.db(), self.qms.actor, self.code),
                         done=self._generated)

    def _generated(self, items: list[Any]) -> None:
        if items:
            self.notify(tr("{n} checklist questions added", n=len(items)))
        else:
            self.notify(tr("Every clause of the audit already has its question (or the audit names no clauses)"),
                        severity="warning")

    def action_record_result(self, code: str) -> None:
        if not self.ensure("record_result"):
            self.qms.open_record("checklist_item", code)
            return
        item = next((i for i in self.detail.checklist if i.code == code), None)
        if item is None:
            return
        results = tuple((f"{RESULT_MARK.get(r.value, '')} {r.label()}", r.value) for r in CR)
        fields = [InputField("result", "choice", True, item.result or CR.PENDING.value, choices=results),
                  InputField("evidence_note", "longtext", False, item.evidence_note or "")]

        def submit(v: dict[str, Any], _c: bool) -> Any:
            return self._svc().record_checklist_result(self.db(), self.qms.actor, code, v["result"],
                                                       v["evidence_note"], expected_version=item.version)

        title = tr("{code} · clause {clause}", code=code, clause=item.clause)
        self.step(TransitionDialog(title, fields, submit, intro=item.question),
                  done_note(N_("{code}: result recorded")))

    def action_add_finding(self) -> None:
        if not self.ensure("add_finding"):
            return
        values: dict[str, Any] = {"kind": FK.MINOR.value}
        if self.focused is not None and self.focused.id == "audit-checklist":
            item = self._selected("audit-checklist")
            if item:
                values["checklist_item"] = item
        a = self.detail.audit
        audit_code = self.code

        def save(data: dict[str, Any]) -> Any:
            return self._svc().add_finding(self.db(), self.qms.actor, {**data, "audit": audit_code})

        dialog = RecordFormDialog("finding", tr("New finding of {code} · {title}", code=self.code, title=a.title),
                                  save, without=("audit",), values=values, lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: finding recorded")))

    def _finding_to_raise(self) -> str | None:
        """The finding under the cursor when the findings table has the focus (the user chose
        it), else the one major or minor finding still without its nonconformity."""
        chosen = self.query_one("#audit-findings", DataTable).has_focus
        selected = self._selected("audit-findings") if chosen else None
        by_code = {f.code: (f, nc) for f, nc in self.detail.findings}
        if selected in by_code:
            return selected
        open_ones = [f.code for f, nc in self.detail.findings if f.kind in NC_KINDS and nc is None]
        return open_ones[0] if len(open_ones) == 1 else None

    def action_raise_nc(self) -> None:
        if not self.ensure("raise_nc"):
            return
        code = self._finding_to_raise()
        if code is None:
            self.notify(tr("Select a major or minor finding (tab to the findings table)"), severity="warning")
            self.query_one("#audit-findings").focus()
            return

        def call() -> Any:
            from qms_tui.services.nonconformities import raise_from_finding

            return raise_from_finding(self.db(), self.qms.actor, code)

        self.perform(call, done=self._raised)

    def _raised(self, nc: Any) -> None:
        self.notify(tr("{code} raised", code=nc.code))
        self.qms.open_record("nonconformity", nc.code)

    def action_accept_report(self) -> None:
        if not self.ensure("accept_report"):
            return
        a = self.detail.audit
        end = a.actual_end or self.qms.today
        fields = [InputField("conclusions", "longtext", True, a.conclusions or ""),
                  InputField("accepted_on", "date", True, max(end, self.qms.today).isoformat(),
                             label=N_("Accepted on"))]

        def submit(v: dict[str, Any]) -> Any:
            return self._svc().accept_report(self.db(), self.qms.actor, self.code, v["conclusions"], v["accepted_on"],
                                             pin=v["pin"], comment=v["comment"])

        self.sign(tr("Report of {code}", code=self.code), submit, done_note(N_("{code}: report accepted")),
                  fields=fields, intro=tr("You approve the audit report with its conclusions."))

    def action_close_audit(self) -> None:
        if not self.ensure("close_audit"):
            return
        today = self.qms.today
        self.perform(lambda: self._svc().close_audit(self.db(), self.qms.actor, self.code, today),
                     note=tr("{code} closed", code=self.code),
                     confirm=tr("Close {code}? Nothing in it can change afterwards.", code=self.code))

    def action_cancel_audit(self) -> None:
        if not self.ensure("cancel_audit"):
            return

        def submit(v: dict[str, Any], _c: bool) -> Any:
            return self._svc().cancel_audit(self.db(), self.qms.actor, self.code, v["reason"])

        self.step(TransitionDialog(tr("Cancel {code}: why?", code=self.code),
                                   [InputField("reason", "longtext", True)], submit,
                                   confirm=tr("Cancel {code}? This cannot be undone.", code=self.code)),
                  lambda _r: tr("{code} cancelled", code=self.code))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.qms.open_form("audit", self.code, lambda result: self.reload() if result else None)

    # ---------------------------------------------------------------- rows

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if not key or self.data is None:
            return
        table_id = event.data_table.id
        if table_id == "audit-checklist":
            self.action_record_result(key)
        elif table_id == "audit-findings":
            self.qms.open_record("finding", key)
        elif table_id == "audit-team":
            self.qms.open_record("person", key.split("\t", 1)[0])


def _pairs(t: Text, pairs: list[tuple[str, str]]) -> None:
    for i, (label, value) in enumerate(pairs):
        if i:
            t.append("  ·  ", style="dim")
        t.append(f"{label}: ", style="bold")
        t.append(value)
    t.append("\n")

