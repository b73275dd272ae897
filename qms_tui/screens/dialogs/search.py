"""Search every record by code or text; results appear as you type."""

from __future__ import annotations

from typing import Any

from rich.text import Text
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
from qms_tui.widgets.labels import entity_title, translate_bindings
from qms_tui.widgets.worker_errors import ReportsWorkerErrors


class SearchDialog(ReportsWorkerErrors, ModalScreen[tuple[str, str] | None]):
    """Returns ``(entity, code)`` of the chosen record, or None."""

    DEFAULT_CSS = """
    SearchDialog { align: center top; }
    SearchDialog > Vertical {
        width: 100; max-width: 98%; height: 80%; margin-top: 2;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    SearchDialog OptionList { height: 1fr; }
    SearchDialog .search-status { height: 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Close")),
        Binding("down", "focus_results", show=False),
    ]

    class Found(Message):
        def __init__(self, text: str, hits: list[Any]) -> None:
            super().__init__()
            self.text = text
            self.hits = hits

    def __init__(self, search: Any, text: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.search = search
        self.initial = text
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(self.initial, placeholder=tr("Search codes, names and texts of every record…"), compact=True)
            yield OptionList()
            yield Static(tr("type at least 2 characters · enter: open · esc: close"), classes="search-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.initial:
            self._search(self.initial)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.value.strip()
        if len(text) < 2:
            self.query_one(OptionList).clear_options()
            return
        self._timer = self.set_timer(0.15, lambda: self._search(text))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str) -> None:
        hits = self.search(text)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(text, hits))

    @on(Found)
    def _found(self, event: Found) -> None:
        results = self.query_one(OptionList)
        results.clear_options()
        options = []
        for hit in event.hits:
            label = Text()
            label.append(f"{entity_title(hit.entity)} ", style="dim")
            label.append(hit.code, style="bold")
            if hit.title:
                label.append(f"  {hit.title}")
            if hit.snippet and hit.snippet != hit.title:
                label.append(f"\n    {hit.snippet}", style="italic dim")
            options.append(Option(label, id=f"{hit.entity}\t{hit.code}"))
        results.add_options(options)
        if options:
            results.highlighted = 0
        status = self.query_one(".search-status", Static)
        if not options:
            status.update(tr("nothing found for “{text}”", text=event.text))
        elif len(options) == 1:
            status.update(tr("one result for “{text}”", text=event.text))
        else:
            status.update(tr("{n} results for “{text}”", n=len(options), text=event.text))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.option_count:
            self._choose(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id:
            entity, code = option_id.split("\t", 1)
            self.dismiss((entity, code))

    def action_focus_results(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
