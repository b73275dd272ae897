"""A quality objective (ISO 9001 6.2): what it pursues, its plans (6.2.2: what will be
done, with which resources, who, when and how the results are evaluated) and its indicators
with their lights and attainment. **p** adds a plan; **enter** opens a plan or an indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.area import (
    AreaScreen,
    clip,
    pairs,
    person_names,
    ref_text,
    section,
    text_block,
)
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.process import empty, fill, item, label
from qms_tui.screens.workflow import done_note
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import choice_label, column_label, fmt_percent, fmt_value, light_text
from qms_tui.widgets.status_badge import StatusBadge

OS = E.ObjectiveStatus


@dataclass(frozen=True)
class ObjectiveData:
    overview: Any  # services.policy.ObjectiveOverview
    view: Any  # RecordView (owner and process with their names)
    responsible: dict[str, tuple[str, str]]  # plan code -> (person code, name)


class ObjectiveScreen(AreaScreen):
    HELP = N_("""\
# Quality objective

The objective, its plans (ISO 9001 6.2.2: what will be done, resources, who, when, how the
results are evaluated) and its indicators (✔ on target · ▲ at risk · ✖ off target · · no data)
with their attainment.

- **p** adds a plan · **e** edits the objective
- **enter** opens the selected plan or indicator; **tab** moves between them.
- **esc** goes back.
""")

    BINDINGS = [
        Binding("p", "add_plan", N_("Add plan"), tooltip=N_("Plan what will be done to achieve the objective")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the objective")),
    ]

    WRITES = frozenset({"add_plan", "edit"})

    PERMS = {"add_plan": ("objective_plan", "create"), "edit": ("objective", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="obj-body") as body:
            body.loading = True
            yield Static("", id="obj-head", classes="wf-head", markup=False)
            yield section(tr("Plans to achieve it (6.2.2)"))
            yield self.data_table("obj-plans", (
                ("what", column_label("what")), ("resources", column_label("resources")),
                ("responsible", column_label("responsible")), ("due_date", column_label("due_date")),
                ("evaluation", column_label("evaluation")), ("code", column_label("code"))))
            yield section(tr("Indicators"))
            yield Vertical(id="obj-indicators", classes="card-section")
            yield section(tr("Description"))
            yield text_block("obj-description")
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def objective(self) -> Any:
        return self.data.overview.objective if self.data is not None else None

    def load_detail(self) -> ObjectiveData:
        from qms_tui.domain.errors import NotFound
        from qms_tui.domain.specs import SPECS
        from qms_tui.services.policy import objectives_overview
        from qms_tui.services.search import get_record, list_records

        db = self.db()
        overview = next((o for o in objectives_overview(db, self.qms.today, include_retired=True)
                         if o.objective.code == self.code), None)
        if overview is None:
            raise NotFound(SPECS["objective"].title, self.code)
        page = list_records(db, "objective_plan", where={"objective": self.code}, ref_fields=["responsible"],
                            limit=500)
        codes = page.refs.get("responsible", {})
        names = person_names(db, codes.values())
        responsible = {p.code: (codes[p.responsible_id], names.get(codes[p.responsible_id], ""))
                       for p in page.rows if p.responsible_id in codes}
        return ObjectiveData(overview, get_record(db, "objective", self.code), responsible)

    async def show(self, data: ObjectiveData) -> None:  # type: ignore[override]
        o = data.overview.objective
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(o.title, 60)}")
        self.query_one("#obj-head", Static).update(self._head(data))
        self.query_one("#obj-description", Static).update(o.description or "—")
        rows = []
        for p in data.overview.plans:
            who = data.responsible.get(p.code)
            rows.append((p.code, (clip(p.what, 40), clip(p.resources, 30) or "—",
                                  (who[1] or who[0]) if who else "—", fmt_value(p.due_date) or "—",
                                  clip(p.evaluation, 40) or "—", p.code)))
        self.fill("obj-plans", rows, tr("No plans yet: p adds one."))
        await fill(self.query_one("#obj-indicators"), self._indicators(data))
        self.show_body("obj-body")

    def _head(self, data: ObjectiveData) -> Text:
        o, view = data.overview.objective, data.view
        t = Text()
        t.append(f"{o.code}  ", style="bold")
        t.append(o.title.strip() + "\n", style="bold")
        pairs(t, [(column_label("status"), choice_label(OS, o.status)),
                  (column_label("owner"), ref_text(view.refs.get("owner_id"))),
                  (column_label("process"), ref_text(view.refs.get("process_id")))])
        statuses = data.overview.indicators
        lights = [st.light for st in statuses]
        counts = ", ".join(f"{light_text(x)} {lights.count(x)}" for x in ("green", "yellow", "red", "none")
                           if lights.count(x))
        pairs(t, [(tr("Overall"), light_text(data.overview.light)),
                  (tr("Indicators"), counts or tr("none linked"))])
        t.append(f"{tr('Clauses')}: ", style="bold")
        t.append(", ".join(o.clauses) or "—")
        return t

    def _indicators(self, data: ObjectiveData) -> list[Widget]:
        if not data.overview.indicators:
            return [empty(tr("No indicators measure this objective yet."))]
        out: list[Widget] = []
        for st in data.overview.indicators:
            result = tr("attainment {value}", value=fmt_percent(st.attainment)) if st.attainment is not None else ""
            last = f"{st.last_period}" if st.last_period else tr("never measured")
            out.append(item("indicator", st.code, StatusBadge(st.light, classes="card-badge"),
                            label(f"{st.code}  {clip(st.name, 50)}", "figure-fill"),
                            label(f"{last}  {result}".strip(), "card-meta"), id_prefix="obj"))
        return out

    # ---------------------------------------------------------------- steps

    def available(self, action: str) -> bool:
        if action == "add_plan":
            return self.objective.status != OS.RETIRED
        return True

    def action_add_plan(self) -> None:
        if not self.ensure("add_plan"):
            return

        def save(data: dict[str, Any]) -> Any:  # runs in the form's worker
            from qms_tui.services.policy import add_objective_plan

            return add_objective_plan(self.db(), self.qms.actor, self.code, data)

        title = tr("New plan for {code} · {title}", code=self.code, title=clip(self.objective.title, 50))
        dialog = RecordFormDialog("objective_plan", title, save, without=("objective",), lookup=self.lookup)
        self.step(dialog, done_note(N_("{code}: plan added")))

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()

    @on(DataTable.RowSelected, "#obj-plans")
    def _plan_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.qms.open_record("objective_plan", event.row_key.value)
