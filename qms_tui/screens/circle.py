"""A quality circle (ISO 9001 10.1, 10.3, 7.3): its members with their roles, its meetings
and its improvement projects. **m** adds a member, **r** records a meeting with its
agreements, **p** starts a project; **enter** opens a meeting, a project or a person.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.fields import is_blank
from qms_tui.i18n import tr
from qms_tui.screens.area import AreaScreen, clip, pairs, section
from qms_tui.screens.dialogs.area_meeting import AGREEMENTS, AreaMeetingDialog, parse_agreements
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.screens.project import FINISHED, pdca_short
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value

P = E.Pdca
MEETING_FIELDS = ("date", "place", "attendees", "absentees", "agenda", "minutes", "pdca_stage", "project",
                  "next_date")


class CircleScreen(AreaScreen):
    HELP = N_("""\
# Quality circle

The circle's members (by role), its meetings and its improvement projects (the PDCA stage
as P-D-C-A with the current one in brackets).

- **m** adds a member · **delete** removes the selected member (asks first)
- **r** records a meeting: date, minutes … and the agreements, one per line as
  `what | owner's code | due date`
- **p** starts an improvement project of the circle · **e** edits the circle
- **enter** opens the selected meeting, project or person; **tab** moves between tables.
""")

    BINDINGS = [
        Binding("m", "add_member", N_("Add member"), tooltip=N_("A person joins the circle")),
        Binding("r", "record_meeting", N_("Record meeting"), tooltip=N_("Record a meeting and its agreements")),
        Binding("p", "add_project", N_("New project"), tooltip=N_("Start an improvement project of the circle")),
        Binding("delete", "remove_member", N_("Remove member"), tooltip=N_("The selected member leaves the circle")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the circle")),
    ]

    WRITES = frozenset({"add_member", "record_meeting", "add_project", "remove_member", "edit"})

    PERMS = {"add_member": ("circle_member", "create"), "remove_member": ("circle_member", "delete"),
             "record_meeting": ("meeting", "create"), "add_project": ("project", "create"),
             "edit": ("circle", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="circle-body") as body:
            body.loading = True
            yield Static("", id="circle-head", classes="wf-head", markup=False)
            yield section(tr("Members"))
            yield self.data_table("circle-members", (
                ("name", column_label("name")), ("role", column_label("role")), ("person", column_label("person"))))
            yield section(tr("Meetings"))
            yield self.data_table("circle-meetings", (
                ("number", tr("No.")), ("date", column_label("date")), ("code", column_label("code")),
                ("pdca_stage", column_label("pdca_stage")), ("project", column_label("project")),
                ("place", column_label("place"))))
            yield section(tr("Improvement projects"))
            yield self.data_table("circle-projects", (
                ("code", column_label("code")), ("title", column_label("title")), ("pdca", tr("PDCA")),
                ("due_date", column_label("due_date"))))
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def detail(self) -> Any:
        return self.data

    def load_detail(self) -> Any:
        from qms_tui.services.circles import circle_detail

        return circle_detail(self.db(), self.code)

    def show(self, d: Any) -> None:
        c = d.circle
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(c.name, 60)}")
        self.query_one("#circle-head", Static).update(self._head(d))
        self.fill("circle-members", [
            (m.person_code, (m.name, choice_label(E.CircleRole, m.role), m.person_code)) for m in d.members],
            tr("No members yet: m adds one."))
        projects = {p.id: p.code for p in d.projects}
        self.fill("circle-meetings", [
            (m.code, (str(m.number), fmt_value(m.date), m.code, choice_label(P, m.pdca_stage) or "—",
                      projects.get(m.project_id, "—") if m.project_id else "—", clip(m.place, 30) or "—"))
            for m in reversed(d.meetings)], tr("No meetings yet: r records one."))
        self.fill("circle-projects", [
            (p.code, (p.code, clip(p.title, 50), pdca_short(p.pdca_stage), fmt_value(p.due_date) or "—"))
            for p in d.projects], tr("No projects yet."))
        self.show_body("circle-body")

    def _head(self, d: Any) -> Text:
        c = d.circle
        t = Text()
        t.append(f"{c.code}  ", style="bold")
        t.append(c.name + "   ", style="bold")
        t.append(("✔ " + tr("active")) if c.active else ("✖ " + tr("inactive")), style="bold")
        t.append("\n")
        pairs(t, [(column_label("org_unit"), d.org_unit_name or "—"),
                  (column_label("formed_on"), fmt_value(c.formed_on) or "—"),
                  (tr("Members"), str(len(d.members))), (tr("Meetings"), str(len(d.meetings)))])
        t.append(f"{column_label('purpose')}: ", style="bold")
        t.append(clip(c.purpose, 300) if c.purpose else "—")
        return t

    # ---------------------------------------------------------------- what is possible now

    def available(self, action: str) -> bool:
        if action == "remove_member":
            return bool(self.data.members)
        if action in ("record_meeting", "add_project", "add_member"):
            return bool(self.data.circle.active)
        return True

    # ---------------------------------------------------------------- steps

    def _svc(self) -> Any:
        from qms_tui.services import circles

        return circles

    def action_add_member(self) -> None:
        if not self.ensure("add_member"):
            return
        roles = tuple((r.label(), r.value) for r in E.CircleRole)
        fields = [InputField("person", "ref", True, ref="person"),
                  InputField("role", "choice", True, E.CircleRole.MEMBER.value, choices=roles)]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            return self._svc().add_member(self.db(), self.qms.actor, self.code, v["person"], v["role"])

        self.step(TransitionDialog(tr("New member of {code} · {name}", code=self.code, name=clip(self.data.circle.name,
                                                                                                   40)),
                                   fields, submit, lookup=self.lookup),
                  done_note(N_("{code}: member added")))

    def action_remove_member(self) -> None:
        if not self.ensure("remove_member"):
            return
        person = self.selected("circle-members")
        member = next((m for m in self.data.members if m.person_code == person), None)
        if member is None:
            self.notify(tr("Select a member (tab to the members table)"), severity="warning")
            self.query_one("#circle-members").focus()
            return
        self.perform(lambda: self._svc().remove_member(self.db(), self.qms.actor, self.code, member.person_code),
                     note=tr("{name} left the circle", name=member.name),
                     confirm=tr("Remove {name} ({role}) from the circle?", name=member.name,
                                role=choice_label(E.CircleRole, member.role)))

    def action_record_meeting(self) -> None:
        if not self.ensure("record_meeting"):
            return
        d = self.data
        stages = tuple((s.label(), s.value) for s in P if s.value not in FINISHED)
        open_projects = [p for p in d.projects if p.pdca_stage not in FINISHED]
        projects = tuple((f"{p.code} · {clip(p.title, 40)}", p.code) for p in open_projects)
        current = open_projects[0] if len(open_projects) == 1 else None
        fields = [
            InputField("date", "date", True, self.qms.today.isoformat()),
            InputField("place", "text"),
            InputField("attendees", "longtext", False, ", ".join(m.name for m in d.members)),
            InputField("absentees", "longtext"),
            InputField("agenda", "longtext"),
            InputField("minutes", "longtext", True),
            InputField("pdca_stage", "choice", False, current.pdca_stage if current else "", choices=stages),
            InputField("project", "choice", False, current.code if current else "", choices=projects),
            InputField("next_date", "date"),
        ]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            data = {k: v[k] for k in MEETING_FIELDS if not is_blank(v.get(k))}
            return self._svc().record_meeting(self.db(), self.qms.actor, self.code, data,
                                              parse_agreements(v.get(AGREEMENTS, "")))

        def note(result: Any) -> str:
            return tr("{code}: meeting recorded with {n} agreements", code=result.meeting.code,
                      n=len(result.agreements))

        title = tr("Meeting of {code} · {name}", code=self.code, name=clip(d.circle.name, 40))
        self.step(AreaMeetingDialog(title, fields, submit, lookup=self.lookup, save_label=tr("Record")), note)

    def action_add_project(self) -> None:
        if not self.ensure("add_project"):
            return

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            return self._svc().create_project(self.db(), self.qms.actor, {**data, "circle": self.code})

        dialog = RecordFormDialog("project", tr("New improvement project of {code}", code=self.code), save,
                                  without=("circle",), values={"started_on": self.qms.today.isoformat()},
                                  lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: project started at Plan")))

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
        entity = {"circle-members": "person", "circle-meetings": "meeting",
                  "circle-projects": "project"}.get(event.data_table.id or "")
        if entity:
            self.qms.open_record(entity, key)
