"""Edit one long text (a review input's summary, minutes …) in a large TextArea.

**ctrl+s** saves through ``submit({name: text}, confirmed)`` in a worker (a problem with the
text is shown under it; other refusals open the error modal); **esc** leaves, asking first
when the text was changed. Dismissed with what ``submit`` returned, or None.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import TextArea

from qms_tui.screens.dialogs.transition import StepDialog, Submit


class AreaTextEditDialog(StepDialog):
    DEFAULT_CSS = """
    AreaTextEditDialog > Vertical { width: 100; height: 90%; }
    AreaTextEditDialog .step-body, AreaTextEditDialog.-short .step-body { height: 1fr; max-height: 100%; }
    AreaTextEditDialog .step-row { height: 1fr; }
    AreaTextEditDialog .step-label { display: none; }
    AreaTextEditDialog .step-input { height: 1fr; }
    AreaTextEditDialog .step-input TextArea { height: 1fr; min-height: 6; }
    """

    def __init__(self, title: str, text: str, submit: Submit, *, name: str = "text", intro: str = "",
                 help: str | None = None, save_label: str | None = None) -> None:
        super().__init__(title, submit, intro=intro, save_label=save_label)
        self.field_name = name
        self.initial_text = text
        self.help_text = help

    def compose_inputs(self) -> ComposeResult:
        area = TextArea(self.initial_text, id=f"field-{self.field_name}", soft_wrap=True, show_line_numbers=False,
                        compact=True)
        yield self.row(self.field_name, "", area, help=self.help_text)

    def collect(self) -> dict[str, Any]:
        areas = self.query(f"#field-{self.field_name}")
        text = areas.first().text if areas else self.initial_text  # type: ignore[attr-defined]
        return {self.field_name: text}
