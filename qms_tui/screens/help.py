"""F1: help about the screen you are on, then the keys that work everywhere."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.widgets.labels import translate_bindings

GLOBAL_HELP = N_("""\
## Keys that work everywhere

| Key | Does |
|---|---|
| **ctrl+p** | find a list, a form or an action by name (Spanish or English) |
| **/** or **ctrl+f** | search every record by code or text |
| **g** then **d** (or **home**) | dashboard |
| **g** then **i** / **n** / **a** / **o** / **r** / **p** / **c** | indicators / nonconformities / audits / objectives / risks / projects / actions |
| **esc** | back |
| **f1** | this help |
| **ctrl+q** | quit |
""")


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90; max-width: 98%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen Markdown { height: 1fr; overflow-y: auto; }
    """

    BINDINGS = [Binding("escape,f1,q", "close", N_("Close"))]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        translate_bindings(self)
        help_text = getattr(screen, "HELP", "") or ""
        parts = [tr(help_text) if help_text else "", tr(GLOBAL_HELP)]
        self.markdown = "\n\n".join(p for p in parts if p)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Markdown(self.markdown)

    def on_mount(self) -> None:
        self.query_one(Markdown).focus()

    def action_close(self) -> None:
        self.dismiss(None)
