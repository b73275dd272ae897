"""New or edit: hosts a :class:`~qms_tui.widgets.record_form.RecordForm` for any entity.

Saving goes through the generic services (``create_record`` / ``update_record``) in the
form's worker; editing passes the version that was read, so a change made by someone else
meanwhile is refused with a message saying what changed and who changed it.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from qms_tui.domain.enums import N_
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import entity_title
from qms_tui.widgets.record_form import RecordForm


class FormScreen(QmsScreen[Any]):
    """Dismissed with the saved record (a DTO), or None when cancelled."""

    HELP = N_("""\
# Form

Fields marked with * are required.

- **tab** / **shift+tab** move between fields; in a list of options, **enter** opens it.
- Dates are written like 2025-03-14; ISO clauses like 4.1, 8.5.1.
- In a field that refers to another record, type its code or press **ctrl+o** (or F4)
  to pick it from a list.
- **ctrl+s** saves. If something is wrong, each problem is shown next to its field,
  the cursor goes to the first one and nothing is saved.
- **esc** goes back (asks first if you changed something).
""")

    BINDINGS = [Binding("escape", "cancel", N_("Back"), tooltip=N_("Leave the form"))]

    class Loaded(Message):
        def __init__(self, view: Any) -> None:
            super().__init__()
            self.view = view

    def __init__(self, entity: str, code: str | None = None) -> None:
        super().__init__(classes="form-screen")
        self.entity = entity
        self.code = code

    @property
    def heading(self) -> str:
        if self.code:
            return tr("Edit {thing} {code}", thing=entity_title(self.entity).lower(), code=self.code)
        return tr("New record: {thing}", thing=entity_title(self.entity))

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        yield Static(self.heading, classes="screen-title")
        host = Container(id="form-host")
        host.loading = self.code is not None
        yield host
        yield Footer()

    def on_mount(self) -> None:
        if self.code is None:
            self.query_one("#form-host").mount(RecordForm(SPECS[self.entity], self._create, lookup=self._lookup))
            self.call_after_refresh(self._focus_first)
        else:
            self._load()

    def _focus_first(self) -> None:
        forms = self.query(RecordForm)
        if forms:
            forms.first().focus_first()

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def _load(self) -> None:
        from qms_tui.services.search import get_record  # keeps SQLAlchemy off the first paint

        view = get_record(self.services_db(), self.entity, self.code or "")
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(view))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        view = event.view
        host = self.query_one("#form-host")
        host.loading = False

        def save(changes: dict[str, Any]) -> Any:
            from qms_tui.services.search import update_record

            return update_record(self.services_db(), self.qms.actor, self.entity, view.code, changes,
                                 expected_version=view.version)

        host.mount(RecordForm(SPECS[self.entity], save, values=view.form_values(),
                              lookup=self._lookup, only_changes=True))
        self.call_after_refresh(self._focus_first)

    # the two callables below run in worker threads
    def _create(self, data: dict[str, Any]) -> Any:
        from qms_tui.services.search import create_record

        return create_record(self.services_db(), self.qms.actor, self.entity, data)

    def _lookup(self, entity: str, text: str) -> list[tuple[str, str]]:
        from qms_tui.services.search import lookup

        return lookup(self.services_db(), entity, text)

    @on(RecordForm.Saved)
    def _saved(self, event: RecordForm.Saved) -> None:
        self.notify(tr("{code} saved", code=event.result.code))
        self.dismiss(event.result)

    @on(RecordForm.Cancelled)
    def _cancelled(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        from qms_tui.screens.dialogs.confirm import ConfirmDialog

        forms = self.query(RecordForm)
        if forms and forms.first().dirty:
            def answer(discard: bool | None) -> None:
                if discard:
                    self.dismiss(None)

            self.app.push_screen(ConfirmDialog(tr("Discard the changes you made?")), answer)
        else:
            self.dismiss(None)
