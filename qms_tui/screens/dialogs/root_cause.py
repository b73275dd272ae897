"""Root-cause analysis of a nonconformity (ISO 9001 10.2.1 b 2): the method, the root cause,
and its causes — five numbered "why" lines (5 whys) or category + text rows (Ishikawa, the
6M categories). Recording it again replaces the previous analysis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, TextArea

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.screens.dialogs.transition import StepDialog, Submit
from qms_tui.widgets.labels import column_label

WHYS = 5
ISHIKAWA_ROWS = 6
WHY = N_("why {n}")


class RootCauseDialog(StepDialog):
    DEFAULT_CSS = """
    RootCauseDialog .rca-line { height: 1; margin-bottom: 0; }
    RootCauseDialog .rca-number { width: 4; color: $text-muted; }
    RootCauseDialog .rca-line Input { width: 1fr; }
    RootCauseDialog .rca-line Select { width: 26; margin-right: 1; }
    RootCauseDialog #rca-whys, RootCauseDialog #rca-ishikawa { height: auto; }
    """

    def __init__(self, title: str, submit: Submit, *, method: str | None = None, root_cause: str = "",
                 causes: Sequence[Any] = (), intro: str = "") -> None:
        super().__init__(title, submit, intro=intro)
        self.method = method or E.RcaMethod.FIVE_WHYS.value
        self.root_cause = root_cause
        self.causes = list(causes)

    def compose_inputs(self) -> ComposeResult:
        methods = [(m.label(), m.value) for m in E.RcaMethod]
        yield self.row("method", column_label("method") + " *",
                       Select(methods, value=self.method, id="field-method", compact=True, allow_blank=False))
        yield self.row("root_cause", column_label("root_cause") + " *",
                       TextArea(self.root_cause, id="field-root_cause", compact=True, soft_wrap=True,
                                show_line_numbers=False))
        whys = [c.text for c in self.causes if self.method != E.RcaMethod.ISHIKAWA]
        lines = []
        for n in range(1, WHYS + 1):
            text = whys[n - 1] if n - 1 < len(whys) else ""
            lines.append(Horizontal(Label(f"{n}.", classes="rca-number"),
                                    Input(text, id=f"why-{n}", compact=True, placeholder=_why(n)),
                                    classes="rca-line"))
        fishbone = [(c.category, c.text) for c in self.causes if self.method == E.RcaMethod.ISHIKAWA]
        categories = [(c.label(), c.value) for c in E.IshikawaCategory]
        rows = []
        for n in range(1, max(ISHIKAWA_ROWS, len(fishbone)) + 1):
            category, text = fishbone[n - 1] if n - 1 < len(fishbone) else (None, "")
            known = {v for _l, v in categories}
            rows.append(Horizontal(
                Label(f"{n}.", classes="rca-number"),
                Select(categories, value=category if category in known else Select.NULL, id=f"cat-{n}",
                       compact=True, prompt=column_label("category")),
                Input(text or "", id=f"cause-{n}", compact=True, placeholder=column_label("text")),
                classes="rca-line",
            ))
        yield self.row("causes", column_label("causes"), Vertical(*lines, id="rca-whys"),
                       Vertical(*rows, id="rca-ishikawa"))

    def on_mount(self) -> None:
        self._show_method(self.method)
        super().on_mount()

    @on(Select.Changed, "#field-method")
    def _method_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._show_method(str(event.value))

    def _show_method(self, method: str) -> None:
        ishikawa = method == E.RcaMethod.ISHIKAWA
        self.query_one("#rca-whys").display = not ishikawa
        self.query_one("#rca-ishikawa").display = ishikawa

    def collect(self) -> dict[str, Any]:
        method_select = self.query_one("#field-method", Select)
        method = "" if method_select.value is Select.NULL else str(method_select.value)
        if method == E.RcaMethod.ISHIKAWA:
            causes: list[Any] = []
            for row in self.query("#rca-ishikawa .rca-line"):
                category = row.query_one(Select).value
                text = row.query_one(Input).value
                if text.strip() or category is not Select.NULL:
                    causes.append(("" if category is Select.NULL else category, text))
        else:
            causes = [self.query_one(f"#why-{n}", Input).value for n in range(1, WHYS + 1)]
        return {"method": method, "root_cause": self.query_one("#field-root_cause", TextArea).text,
                "causes": causes}


def _why(n: int) -> str:
    from qms_tui.i18n import tr

    return tr(WHY, n=n)
