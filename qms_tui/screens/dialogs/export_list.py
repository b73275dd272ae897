"""Export the list on screen to CSV or XLSX: where to write and in which format.

The rows are the list's rows — its filter text, its fixed conditions and its sort — read
again from the database page by page in a worker (:mod:`qms_tui.services.list_export`), so a
list of 300,000 rows exports whole while the screen stays usable.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from qms_tui.domain.enums import N_
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import tr
from qms_tui.widgets.labels import (
    choice_enum,
    choice_label,
    column_label,
    entity_plural,
    translate_bindings,
    yes_no,
)


def export_columns(entity: str) -> tuple[list[str], Any]:
    """The list's columns (headers in the current language) and a row → cells function:
    references as codes, choices as their labels, numbers and dates typed, never cut short."""
    from qms_tui.screens.columns import COLUMNS

    names = list(COLUMNS.get(entity, ("code", SPECS[entity].summary)))
    kinds = {}
    for name in names:
        try:
            kinds[name] = SPECS[entity].field(name).kind
        except KeyError:
            kinds[name] = "column"
    enums = {name: choice_enum(entity, name) for name in names}

    def render(row: Any, refs: dict[str, dict[int, str]]) -> list[Any]:
        out: list[Any] = []
        for name in names:
            if kinds[name] == "ref":
                rid = getattr(row, f"{name}_id", None)
                out.append(refs.get(name, {}).get(rid, "") if rid is not None else None)
                continue
            value = getattr(row, name, None)
            if enums[name] is not None:
                value = choice_label(enums[name], value) or None
            elif isinstance(value, bool):
                value = yes_no(value)
            elif isinstance(value, tuple | list):
                value = ", ".join(str(v) for v in value)
            out.append(value)
        return out

    return [column_label(n) for n in names], render


def default_path(entity: str, fmt: str = "csv", today: date | None = None) -> str:
    return str(Path.cwd() / f"{entity}-{(today or date.today()).isoformat()}.{fmt}")


class ExportListDialog(ModalScreen[tuple[str, str] | None]):
    """Dismissed with ``(path, "csv"|"xlsx")``, or None."""

    DEFAULT_CSS = """
    ExportListDialog { align: center middle; }
    ExportListDialog > Vertical {
        width: 80; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ExportListDialog .export-title { text-style: bold; margin-bottom: 1; }
    ExportListDialog RadioSet { margin: 1 0; }
    ExportListDialog Horizontal { height: auto; margin-top: 1; }
    ExportListDialog Button { margin-right: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, entity: str, rows: int | None, filtered: str = "", today: date | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.entity = entity
        self.rows = rows
        self.filtered = filtered
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical():
            title = tr("Export {list}", list=entity_plural(self.entity))
            yield Static(title, classes="export-title", markup=False)
            what = tr("{n} rows, as filtered and sorted on screen", n=self.rows if self.rows is not None else "?")
            if self.filtered:
                what += " · " + tr("filter: “{text}”", text=self.filtered)
            yield Static(what, markup=False)
            yield Label(tr("Write to"))
            yield Input(default_path(self.entity, "csv", self.today), id="export-path")
            with RadioSet(id="export-format"):
                yield RadioButton("CSV", value=True, id="fmt-csv")
                yield RadioButton("XLSX (Excel)", id="fmt-xlsx")
            with Horizontal():
                yield Button(tr("Export"), variant="primary", id="export-go")
                yield Button(tr("Cancel"), id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def fmt(self) -> str:
        return "xlsx" if self.query_one("#fmt-xlsx", RadioButton).value else "csv"

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, _event: RadioSet.Changed) -> None:
        box = self.query_one("#export-path", Input)
        path = Path(box.value.strip() or default_path(self.entity, self.fmt, self.today))
        if path.suffix.lower() in (".csv", ".xlsx", ""):
            box.value = str(path.with_suffix("." + self.fmt))

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self.notify(tr("Write the path of the file"), severity="warning")
            return
        self.dismiss((str(Path(path).expanduser()), self.fmt))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def export_current_list(screen: Any) -> None:
    """Ask where, then export the rows ``screen`` (a RecordListScreen) shows, in a worker."""
    from qms_tui.screens.columns import ref_fields

    table = screen.table

    def chosen(result: tuple[str, str] | None) -> None:
        if result is None:
            return
        path, fmt = result
        text, order, descending = table.text, table.order, table.descending

        def work() -> None:
            from qms_tui.services.list_export import export_list

            headers, render = export_columns(screen.entity)
            n = export_list(screen.services_db(), screen.entity, path, fmt, headers=headers, render=render,
                            text=text, where=screen.where, order=order, descending=descending,
                            ref_fields=ref_fields(screen.entity), sheet=entity_plural(screen.entity))
            screen.app.call_from_thread(screen.notify, tr("Exported {n} rows to {path}", n=n, path=path))

        screen.run_worker(work, thread=True, group="export-list", exit_on_error=False)

    screen.app.push_screen(ExportListDialog(screen.entity, table.total, table.text, screen.qms.today), chosen)
