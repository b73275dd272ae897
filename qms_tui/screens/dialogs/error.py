"""Something went wrong: the message in words, never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.widgets.labels import translate_bindings


class ErrorDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ErrorDialog .error-title { text-style: bold; color: $text-error; margin-bottom: 1; }
    ErrorDialog VerticalScroll { height: auto; max-height: 16; }
    ErrorDialog Button { margin-top: 1; }
    """

    BINDINGS = [Binding("escape,enter", "close", N_("Close"))]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("✖ " + self.title_text, classes="error-title")
            with VerticalScroll():
                yield Static("\n".join(self.lines), classes="error-message", markup=False)
            yield Button(tr("Close"), variant="error", id="error-close")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
