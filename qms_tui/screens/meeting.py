"""A quality-circle meeting: its minutes, who attended, and the agreements with their
status (☐ open · ☑ done · ✖ cancelled). **space** (or **d**) marks the selected agreement
done, or open again; **x** cancels it; **n** adds an agreement.
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
from qms_tui.screens.area import AreaScreen, clip, page_people, pairs, section, text_block
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_value, status_cell

G = E.AgreementStatus
AGREEMENT_MARK = {G.OPEN: "☐", G.DONE: "☑", G.CANCELLED: "✖"}


@dataclass(frozen=True)
class MeetingData:
    detail: Any  # services.circles.MeetingDetail
    owners: dict[int, str]  # agreement id -> owner's name


def agreement_status(a: Any, today: Any) -> Text:
    overdue = a.status == G.OPEN and a.due_date is not None and a.due_date < today
    return status_cell(f"{AGREEMENT_MARK.get(a.status, '·')} {choice_label(G, a.status)}", overdue)


class MeetingScreen(AreaScreen):
    HELP = N_("""\
# Circle meeting

The meeting's minutes, attendance and agenda, and its agreements:
☐ open · ☑ done · ✖ cancelled (⚠ marks an open agreement past its date).

- **space** (or **d**) marks the selected agreement done, or open again if it was done
- **x** cancels the selected agreement (asks first) · **n** adds an agreement
- **e** edits the meeting · **enter** on an agreement opens it · **esc** goes back.
""")

    BINDINGS = [
        Binding("space,d", "toggle_agreement", N_("Done / open"),
                tooltip=N_("Mark the selected agreement done, or open again")),
        Binding("x", "cancel_agreement", N_("Cancel agreement"), tooltip=N_("Cancel the selected agreement")),
        Binding("n", "add_agreement", N_("New agreement"), tooltip=N_("Add an agreement to the meeting")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the meeting")),
    ]

    WRITES = frozenset({"toggle_agreement", "cancel_agreement", "add_agreement", "edit"})

    PERMS = {"toggle_agreement": ("agreement", "transition"), "cancel_agreement": ("agreement", "transition"),
             "add_agreement": ("agreement", "create"), "edit": ("meeting", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="meet-body") as body:
            body.loading = True
            yield Static("", id="meet-head", classes="wf-head", markup=False)
            yield section(tr("Agreements"))
            yield self.data_table("meet-agreements", (
                ("status", column_label("status")), ("text", column_label("text")),
                ("owner", column_label("owner")), ("due_date", column_label("due_date")),
                ("code", column_label("code"))))
            yield section(column_label("minutes"))
            yield text_block("meet-minutes")
            yield section(tr("Attendance"))
            yield text_block("meet-attendance")
            yield section(column_label("agenda"))
            yield text_block("meet-agenda")
        yield Footer()

    # ---------------------------------------------------------------- data

    def load_detail(self) -> MeetingData:
        from qms_tui.services.circles import meeting_detail
        from qms_tui.services.search import list_records

        db = self.db()
        detail = meeting_detail(db, self.code)
        page = list_records(db, "agreement", where={"meeting": self.code}, ref_fields=["owner"], limit=500)
        return MeetingData(detail, page_people(db, page, "owner"))

    def show(self, data: MeetingData) -> None:
        d, m = data.detail, data.detail.meeting
        self.query_one(AppHeader).set_title(f"{self.heading} · {d.circle_name}")
        self.query_one("#meet-head", Static).update(self._head(d))
        today = self.qms.today
        self.fill("meet-agreements", [
            (a.code, (agreement_status(a, today), clip(a.text, 50), data.owners.get(a.owner_id, "—"),
                      fmt_value(a.due_date) or "—", a.code))
            for a in d.agreements], tr("No agreements: n adds one."))
        self.query_one("#meet-minutes", Static).update(m.minutes.strip() or "—")
        attendance = Text()
        pairs(attendance, [(column_label("attendees"), (m.attendees or "").strip())])
        pairs(attendance, [(column_label("absentees"), (m.absentees or "").strip())])
        attendance.rstrip()
        self.query_one("#meet-attendance", Static).update(attendance)
        self.query_one("#meet-agenda", Static).update((m.agenda or "").strip() or "—")
        self.show_body("meet-body")

    def _head(self, d: Any) -> Text:
        m = d.meeting
        t = Text()
        t.append(f"{m.code}  ", style="bold")
        t.append(tr("Meeting no. {n} of {circle} · {name}", n=m.number, circle=d.circle_code, name=d.circle_name)
                 + "\n", style="bold")
        pairs(t, [(column_label("date"), fmt_value(m.date)), (column_label("place"), m.place or "—"),
                  (column_label("next_date"), fmt_value(m.next_date) or "—")])
        open_count = sum(1 for a in d.agreements if a.status == G.OPEN)
        t.append(f"{column_label('pdca_stage')}: ", style="bold")
        t.append(choice_label(E.Pdca, m.pdca_stage) or "—")
        t.append("  ·  ", style="dim")
        t.append(f"{column_label('project')}: ", style="bold")
        t.append(d.project_code or "—")
        t.append("  ·  ", style="dim")
        t.append(f"{tr('Open agreements')}: ", style="bold")
        t.append(f"{open_count} / {len(d.agreements)}")
        return t

    # ---------------------------------------------------------------- the selected agreement

    def _selected_agreement(self) -> Any | None:
        code = self.selected("meet-agreements")
        return next((a for a in self.data.detail.agreements if a.code == code), None)

    def _pick_agreement(self, statuses: tuple[str, ...]) -> Any | None:
        a = self._selected_agreement()
        if a is None or a.status not in statuses:
            self.notify(tr("Select an agreement that is open or done (tab to the agreements)"),
                        severity="warning")
            self.query_one("#meet-agreements").focus()
            return None
        return a

    def available(self, action: str) -> bool:
        if action in ("toggle_agreement", "cancel_agreement"):
            return any(a.status != G.CANCELLED for a in self.data.detail.agreements)
        return True

    # ---------------------------------------------------------------- steps

    def _set_status(self, code: str, status: str) -> Any:
        from qms_tui.services.circles import set_agreement_status

        seen = next((a.version for a in self.data.detail.agreements if a.code == code), None)
        return set_agreement_status(self.db(), self.qms.actor, code, status, expected_version=seen)

    def action_toggle_agreement(self) -> None:
        if not self.ensure("toggle_agreement"):
            return
        a = self._pick_agreement((G.OPEN, G.DONE))
        if a is None:
            return
        target = G.OPEN if a.status == G.DONE else G.DONE
        mark = AGREEMENT_MARK[target]
        self.perform(lambda: self._set_status(a.code, target.value),
                     note=f"{a.code}: {mark} {target.label()}")

    def action_cancel_agreement(self) -> None:
        if not self.ensure("cancel_agreement"):
            return
        a = self._pick_agreement((G.OPEN,))
        if a is None:
            return
        self.perform(lambda: self._set_status(a.code, G.CANCELLED.value),
                     note=f"{a.code}: {AGREEMENT_MARK[G.CANCELLED]} {G.CANCELLED.label()}",
                     confirm=tr("Cancel the agreement {code} ({text})? This cannot be undone.", code=a.code,
                                text=clip(a.text, 50)))

    def action_add_agreement(self) -> None:
        if not self.ensure("add_agreement"):
            return
        fields = [InputField("text", "longtext", True), InputField("owner", "ref", False, ref="person"),
                  InputField("due_date", "date")]

        def submit(v: dict[str, Any], _confirmed: bool) -> Any:
            from qms_tui.services.circles import add_agreement

            data = {k: val for k, val in v.items() if str(val).strip()}
            return add_agreement(self.db(), self.qms.actor, self.code, data)

        self.step(TransitionDialog(tr("New agreement of the meeting {code}", code=self.code), fields, submit,
                                   lookup=self.lookup),
                  done_note(N_("{code}: agreement added")))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    @on(DataTable.RowSelected, "#meet-agreements")
    def _agreement_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.qms.open_record("agreement", event.row_key.value)
