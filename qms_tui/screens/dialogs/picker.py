"""Pick a record by typing part of its code or name (searched in the database as you type)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.widgets.labels import translate_bindings
from qms_tui.widgets.worker_errors import ReportsWorkerErrors

Lookup = Callable[[str, str], list[tuple[str, str]]]


class PickerDialog(ReportsWorkerErrors, ModalScreen[str | None]):
    """Returns the chosen code, or None when cancelled."""

    DEFAULT_CSS = """
    PickerDialog { align: center middle; }
    PickerDialog > Vertical {
        width: 70; max-width: 95%; height: 20; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickerDialog .picker-title { text-style: bold; height: 1; margin-bottom: 1; }
    PickerDialog OptionList { height: 1fr; }
    PickerDialog .picker-hint { height: 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "focus_list", show=False),
    ]

    class Found(Message):
        def __init__(self, items: list[tuple[str, str]]) -> None:
            super().__init__()
            self.items = items

    def __init__(self, entity: str, title: str, lookup: Lookup, text: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.entity = entity
        self.title_text = title
        self.lookup = lookup
        self.initial = text
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="picker-title")
            yield Input(self.initial, placeholder=tr("Type part of the code or name…"), compact=True)
            yield OptionList()
            yield Static(tr("enter: choose · esc: cancel"), classes="picker-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search(self.initial)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, lambda: self._search(event.value))

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def _search(self, text: str) -> None:
        items = self.lookup(self.entity, text)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(items))

    @on(Found)
    def _found(self, event: Found) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(f"{code}  {title}", id=code) for code, title in event.items])
        if event.items:
            options.highlighted = 0

    @on(Input.Submitted)
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None and options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
