"""One audit-trail event: who did what, when, and the record's columns before and after."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.widgets.labels import (
    choice_enum,
    choice_label,
    column_label,
    fmt_value,
    translate_bindings,
)

MAX_CELL = 400


def _cell(value: Any) -> Text:
    if value is None:
        return Text("—", style="dim")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return Text(text)


def summary_text(row: Any) -> str:
    """The event's summary, with a state change ("registered → correction") in words."""
    text = row.summary or ""
    if row.action == E.TrailAction.TRANSITION and " → " in text:
        head, _, tail = text.partition(" → ")
        new, sep, rest = tail.partition(":")
        for column in ("status", "result", "pdca_stage"):
            enum = choice_enum(row.entity, column)
            if enum is not None and head.strip() in enum.values() and new.strip() in enum.values():
                return f"{choice_label(enum, head.strip())} → {choice_label(enum, new.strip())}{sep}{rest}"
    return text


def event_heading(row: Any) -> str:
    what = choice_label(E.TrailAction, row.action)
    entity = _entity(row.entity)
    code = f" {row.code}" if row.code else f" #{row.record_id}"
    return tr(N_("Event {seq}: {who} ({role}) {what} {entity}{code} on {when}"), seq=row.seq, who=row.actor,
              role=choice_label(E.Role, row.role), what=what, entity=entity, code=code, when=fmt_value(row.at))


def _entity(entity: str) -> str:
    from qms_tui.domain.specs import SPECS

    return tr(SPECS[entity].title) if entity in SPECS else entity


class TrailEventDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    TrailEventDialog { align: center middle; }
    TrailEventDialog > Vertical {
        width: 110; max-width: 98%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    TrailEventDialog .trail-event-title { text-style: bold; height: auto; }
    TrailEventDialog .trail-event-summary { color: $text-muted; height: auto; margin-bottom: 1; }
    TrailEventDialog VerticalScroll { height: 1fr; }
    TrailEventDialog .trail-event-hint { height: 1; color: $text-muted; }
    """

    BINDINGS = [Binding("escape,enter,q", "close", N_("Close"))]

    def __init__(self, row: Any) -> None:
        super().__init__()
        translate_bindings(self)
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(event_heading(self.row), classes="trail-event-title", markup=False)
            if self.row.summary:
                yield Static(summary_text(self.row), classes="trail-event-summary", markup=False)
            with VerticalScroll(id="trail-diff"):
                yield Static(self._diff(), markup=False)
            yield Static(tr("esc: close"), classes="trail-event-hint")

    def on_mount(self) -> None:
        self.query_one("#trail-diff").focus()

    def _diff(self) -> Table | Text:
        changes = self.row.changes()
        if not changes:
            return Text(tr("No column changed."), style="dim")
        table = Table(expand=True, show_edge=False, pad_edge=False)
        table.add_column(tr("Column"), style="bold", no_wrap=True, max_width=28)
        table.add_column(tr("Before"), ratio=1, overflow="fold")
        table.add_column(tr("After"), ratio=1, overflow="fold")
        for name, old, new in changes:
            table.add_row(column_label(name), _cell(old), _cell(new))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
