"""A record form in a modal, for records that belong to the one on screen (an action of a
nonconformity, a finding or a team member of an audit): the owner record is fixed by the
caller, so its field is left out, and saving goes through the workflow's own service.

Dismissed with the saved record (a DTO), or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from qms_tui.domain.enums import N_
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.confirm import ConfirmDialog
from qms_tui.widgets.labels import translate_bindings
from qms_tui.widgets.record_form import RecordForm
from qms_tui.widgets.worker_errors import ReportsWorkerErrors

Save = Callable[[dict[str, Any]], Any]
Lookup = Callable[[str, str], list[tuple[str, str]]]


class RecordFormDialog(ReportsWorkerErrors, ModalScreen[Any]):
    DEFAULT_CSS = """
    RecordFormDialog { align: center middle; }
    RecordFormDialog > Vertical {
        width: 100; max-width: 98%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RecordFormDialog .form-dialog-title { text-style: bold; height: auto; margin-bottom: 1; }
    RecordFormDialog RecordForm { height: 1fr; }
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, entity: str, title: str, save: Save, *, without: Iterable[str] = (),
                 values: Mapping[str, Any] | None = None, lookup: Lookup | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        spec = SPECS[entity]
        skip = set(without)
        self.spec = replace(spec, fields=tuple(f for f in spec.fields if f.name not in skip))
        self.title_text = title
        self.save = save
        self.values = dict(values or {})
        self.lookup = lookup

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="form-dialog-title", markup=False)
            yield RecordForm(self.spec, self.save, values=self.values, lookup=self.lookup)
        yield Footer()  # ctrl+s and esc, also when the form's own buttons are scrolled out of sight

    def on_mount(self) -> None:
        self.call_after_refresh(self.query_one(RecordForm).focus_first)

    @on(RecordForm.Saved)
    def _saved(self, event: RecordForm.Saved) -> None:
        event.stop()
        self.dismiss(event.result)

    @on(RecordForm.Cancelled)
    def _cancelled(self, event: RecordForm.Cancelled) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        form = self.query_one(RecordForm)
        if form.saving:
            return
        if form.dirty:
            def answer(discard: bool | None) -> None:
                if discard:
                    self.dismiss(None)

            self.app.push_screen(ConfirmDialog(tr("Discard the changes you made?")), answer)
        else:
            self.dismiss(None)
