"""The quality policy (ISO 9001 5.2): the version on screen with its approval data, the
version in force, every version, and how the version was communicated (5.2.2).

**n** writes a new version (a draft, numbered after the last one), **a** approves the draft
on screen (the version in force becomes superseded), **c** records a communication of an
approved version; **enter** on another version shows it.
"""

from __future__ import annotations

import re
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
from qms_tui.screens.area import (
    AreaScreen,
    clip,
    pairs,
    ref_text,
    section,
    signature_lines,
    text_block,
)
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import InputField
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value

R = E.RecordStatus
#: a text marker per state, so the state never depends on colour
STATUS_MARK = {R.DRAFT: "✎", R.APPROVED: "✔", R.SUPERSEDED: "⊘"}


@dataclass(frozen=True)
class PolicyData:
    shown: Any  # RecordView of the version on screen
    current: Any | None  # RecordView of the version in force
    versions: list[tuple[Any, str]]  # (PolicyDTO, approver's name), newest first
    communications: list[tuple[Any, str]]  # (PolicyCommunicationDTO, evidence code)
    signatures: list[str]  # of the version on screen, one line each (✔ matches / ✖ changed since)


def status_text(status: str) -> str:
    return f"{STATUS_MARK.get(status, '·')} {choice_label(R, status)}"


def version_name(dto: Any) -> str:
    return tr("version {n}", n=dto.number)


class PolicyScreen(AreaScreen):
    HELP = N_("""\
# Quality policy

The version on screen (✎ draft · ✔ approved · ⊘ superseded) with its approval, the version
in force, every version, and the communications of the version on screen (ISO 9001 5.2.2).

- **n** writes a new version (it starts from the text in force) · **a** approves the draft on
  screen with your electronic signature (the version in force becomes superseded)
- **c** records a communication (date, channel, audience, evidence) of an approved version
- **e** edits a draft · **enter** on a version shows it; on a communication, opens it
- **tab** moves between the tables; **esc** goes back.
""")

    BINDINGS = [
        Binding("n", "new_version", N_("New version"), tooltip=N_("Write a new version of the policy")),
        Binding("a", "approve_version", N_("Approve"), tooltip=N_("Approve this draft version")),
        Binding("c", "communicate", N_("Communication"), tooltip=N_("Record how this version was communicated")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit this draft version")),
    ]

    WRITES = frozenset({"new_version", "approve_version", "communicate", "edit"})

    PERMS = {"new_version": ("policy", "create"), "approve_version": ("policy", "sign"),
             "communicate": ("policy_communication", "create"), "edit": ("policy", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="pol-body") as body:
            body.loading = True
            yield Static("", id="pol-head", classes="wf-head", markup=False)
            yield section(tr("Text of this version"))
            yield text_block("pol-text")
            yield section(tr("Version in force"), id="pol-current-title")
            yield text_block("pol-current")
            yield section(tr("All versions"))
            yield self.data_table("pol-versions", (
                ("number", column_label("version")), ("code", column_label("code")),
                ("status", column_label("status")), ("effective_from", column_label("effective_from")),
                ("approved_on", column_label("approved_on")), ("approved_by", column_label("approved_by"))))
            yield section(tr("Communications of this version"))
            yield self.data_table("pol-comms", (
                ("date", column_label("date")), ("channel", column_label("channel")),
                ("audience", column_label("audience")), ("evidence", column_label("evidence")),
                ("code", column_label("code"))))
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def version(self) -> Any:
        return self.data.shown.dto if self.data is not None else None

    def load_detail(self) -> PolicyData:
        from qms_tui.services.policy import current_policy, policy_versions
        from qms_tui.services.search import get_record, list_records

        db = self.db()
        shown = get_record(db, "policy", self.code)
        in_force = current_policy(db)
        current = get_record(db, "policy", in_force.code) if in_force is not None else None
        versions = []
        for v in policy_versions(db):
            approver = get_record(db, "policy", v.code).refs.get("approved_by_id") if v.approved_by_id else None
            versions.append((v, approver[1] if approver else ""))
        page = list_records(db, "policy_communication", where={"policy": self.code}, order="date",
                            descending=True, limit=200)
        evidence = page.refs.get("evidence", {})
        comms = [(c, evidence.get(c.evidence_id, "") if c.evidence_id else "") for c in page.rows]
        return PolicyData(shown, current, versions, comms, signature_lines(db, "policy", self.code))

    def show(self, data: PolicyData) -> None:
        v = data.shown.dto
        self.query_one(AppHeader).set_title(f"{tr('Quality policy')} · {version_name(v)} ({v.code})")
        self.query_one("#pol-head", Static).update(self._head(data))
        self.query_one("#pol-text", Static).update(v.text.strip() or "—")
        in_force = data.current is not None and data.current.code == v.code
        self.query_one("#pol-current-title").display = not in_force
        current = self.query_one("#pol-current", Static)
        current.display = not in_force
        current.update(self._current(data))
        self.fill("pol-versions", [
            (d.code, (version_name(d), d.code, status_text(d.status) + (" · " + tr("in force") if d.status == R.APPROVED
                                                                       else ""),
                      fmt_value(d.effective_from), fmt_value(d.approved_on), name))
            for d, name in data.versions], tr("No versions."))
        self.fill("pol-comms", [
            (c.code, (fmt_value(c.date), clip(c.channel, 30), clip(c.audience, 40), ev or "—", c.code))
            for c, ev in data.communications], tr("Not communicated yet."))
        self.show_body("pol-body")

    def _head(self, data: PolicyData) -> Text:
        view, v = data.shown, data.shown.dto
        t = Text()
        t.append(f"{v.code}  {version_name(v)}", style="bold")
        t.append("   " + status_text(v.status), style="bold")
        if data.current is not None and data.current.code == v.code:
            t.append("  ◆ " + tr("in force"), style="bold")
        t.append("\n")
        pairs(t, [(column_label("effective_from"), fmt_value(v.effective_from)),
                  (column_label("approved_on"), fmt_value(v.approved_on)),
                  (column_label("approved_by"), ref_text(view.refs.get("approved_by_id")))])
        for line in data.signatures:
            t.append(f"{tr('Signature')}: ", style="bold")
            t.append(line + "\n")
        extra = [(tr("Clauses"), ", ".join(v.clauses) or "—")]
        if v.notes:
            extra.append((column_label("notes"), clip(v.notes, 120)))
        pairs(t, extra)
        draft = next((d for d, _name in data.versions if d.status == R.DRAFT), None)
        if v.status == R.DRAFT:
            t.append(tr("A draft: approve it (a) to put it in force."), style="dim")
        elif draft is not None:
            t.append(tr("{code} ({version}) is a draft in preparation: enter on it in the versions below.",
                        code=draft.code, version=version_name(draft)), style="dim")
        elif v.status == R.SUPERSEDED:
            t.append(tr("Superseded: no longer in force."), style="dim")
        t.rstrip()
        return t

    def _current(self, data: PolicyData) -> Text:
        if data.current is None:
            return Text(tr("No version is in force: approve a draft."), style="dim")
        c = data.current.dto
        t = Text()
        pairs(t, [(column_label("version"), f"{version_name(c)} ({c.code})"),
                  (column_label("effective_from"), fmt_value(c.effective_from)),
                  (column_label("approved_on"), fmt_value(c.approved_on)),
                  (column_label("approved_by"), ref_text(data.current.refs.get("approved_by_id")))])
        t.append(c.text.strip())
        return t

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        status = self.version.status
        if action in ("approve_version", "edit"):
            return status == R.DRAFT
        if action == "communicate":
            return status != R.DRAFT
        if action == "new_version":  # one draft at a time: finish (or edit) the one there is
            return self.draft is None
        return True

    @property
    def draft(self) -> Any | None:
        return next((v for v, _name in self.data.versions if v.status == R.DRAFT), None) if self.data else None

    # ---------------------------------------------------------------- steps

    def action_new_version(self) -> None:
        if not self.ensure("new_version"):
            return
        base = self.data.current.dto if self.data.current is not None else self.version

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            from qms_tui.services.policy import POLICY_CLAUSES, create_policy_version

            raw = str(data.get("clauses") or "")
            clauses = [c for c in re.split(r"[,;\s]+", raw) if c] or list(POLICY_CLAUSES)
            return create_policy_version(self.db(), self.qms.actor, data.get("text", ""),
                                         data.get("effective_from") or None, data.get("notes") or None,
                                         clauses=clauses)

        dialog = RecordFormDialog("policy", tr("New version of the quality policy"), save,
                                  values={"text": base.text, "clauses": ", ".join(base.clauses)},
                                  lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: new draft version")), done=self._show_version)

    def _show_version(self, result: Any) -> None:
        self.code = result.code
        self.reload()

    def action_approve_version(self) -> None:
        if not self.ensure("approve_version"):
            return
        v, current = self.version, self.data.current
        intro = tr("Once approved, {version} comes into force and cannot change.", version=version_name(v))
        if current is not None:
            intro += " " + tr("{code} ({version}) will be superseded.", code=current.code,
                              version=version_name(current.dto))
        fields = [InputField("approved_on", "date", True, self.qms.today.isoformat()),
                  InputField("effective_from", "date", False, v.effective_from.isoformat() if v.effective_from else "",
                             help=N_("Blank: from the day of approval"))]

        def call(values: dict[str, Any]) -> Any:
            from qms_tui.services.policy import approve_policy

            return approve_policy(self.db(), self.qms.actor, v.code, approved_on=values["approved_on"],
                                  effective_from=values["effective_from"] or None, pin=values["pin"],
                                  comment=values["comment"])

        self.approve(tr("Approve the quality policy, {version} ({code})", version=version_name(v), code=v.code),
                     call, tr("{code} approved: in force", code=v.code), intro=intro, fields=fields)

    def action_communicate(self) -> None:
        if not self.ensure("communicate"):
            return

        def save(data: dict[str, Any]) -> Any:
            from qms_tui.services.policy import add_communication

            return add_communication(self.db(), self.qms.actor, self.code, data)

        title = tr("Communication of the quality policy, {version}", version=version_name(self.version))
        dialog = RecordFormDialog("policy_communication", title, save, without=("policy",),
                                  values={"date": self.qms.today.isoformat()}, lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: communication recorded")))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    # ---------------------------------------------------------------- rows

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if not key:
            return
        if event.data_table.id == "pol-versions":
            if key != self.code:
                self.code = key
                self.reload()
        elif event.data_table.id == "pol-comms":
            self.qms.open_record("policy_communication", key)
