"""Import measurements from a CSV or XLSX file: check first (every bad row named, or a preview
of the first rows and the counts), then import — all or nothing, as ``qms import
measurements`` does. The checking and the writing run in a worker thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, DataTable, Footer, Input, Label, Static

from qms_tui.domain.enums import N_
from qms_tui.domain.permissions import may
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import fmt_int, fmt_number


def open_import(app: Any) -> None:
    """Palette command: the import screen."""
    app.push_screen(ImportMeasurementsScreen())


class ImportMeasurementsScreen(QmsScreen[None]):
    HELP = N_("""\
# Import measurements

Load indicator measurements from a **.csv** or **.xlsx** file. The first row names the
columns: **indicator** (a code, IND-007), **period** (2025-03, 2025-Q1, 2025-S1, 2025, or a day
such as 2025-06-01 for per-event indicators), **value** (decimals with a point), and optionally
**note** and **evidence** (the path of a file, relative to the imported file's folder; it is
stored with its SHA-256). Spanish headers (indicador, periodo, valor, nota, evidencia) work too.

1. Write the path of the file and press **enter** (or **ctrl+t**): every row is checked.
   Each bad row is listed with its line, column and reason; otherwise you see the first rows
   and how many are new or replace a stored value.
2. **ctrl+s** (Import) writes them, all in one go: if any row is bad, nothing is written.

A period that already has a value is refused unless **Replace existing values** is ticked.
""")

    BINDINGS = [
        Binding("ctrl+t", "check", N_("Check"), tooltip=N_("Check every row; write nothing")),
        Binding("ctrl+s", "import", N_("Import"), tooltip=N_("Write the checked rows")),
    ]

    DEFAULT_CSS = """
    ImportMeasurementsScreen #import-form { height: auto; padding: 0 1; }
    ImportMeasurementsScreen .field { height: auto; margin-bottom: 1; }
    ImportMeasurementsScreen .field Label { width: 12; padding: 1 1 0 0; text-style: bold; }
    ImportMeasurementsScreen .field Input { width: 1fr; }
    ImportMeasurementsScreen #import-actions { height: auto; margin-bottom: 1; }
    ImportMeasurementsScreen #import-actions Button, ImportMeasurementsScreen #import-actions Checkbox { margin-right: 2; }
    ImportMeasurementsScreen #import-summary { height: auto; padding: 0 1; margin-bottom: 1; }
    ImportMeasurementsScreen #import-errors { height: 1fr; padding: 0 1; }
    ImportMeasurementsScreen #import-preview { height: 1fr; }
    """

    class Checked(Message):
        def __init__(self, key: tuple[str, bool], report: Any, errors: list[str], written: bool) -> None:
            super().__init__()
            self.key, self.report, self.errors, self.written = key, report, errors, written

    def __init__(self, path: str = "") -> None:
        super().__init__(classes="import-measurements")
        self.initial_path = path
        self.checked: tuple[str, bool] | None = None  # (path, replace) of the last clean check

    def compose(self) -> ComposeResult:
        title = tr("Import measurements")
        yield AppHeader(title)
        yield Static(title, classes="screen-title")
        with Vertical(id="import-form"):
            yield Horizontal(Label(tr("File")), Input(self.initial_path, placeholder=tr("/path/to/measurements.csv or .xlsx"),
                                                      id="import-path"), classes="field")
            with Horizontal(id="import-actions"):
                yield Checkbox(tr("Replace existing values"), id="import-replace")
                yield Button(tr("Check"), id="import-check")
                yield Button(tr("Import"), id="import-go", variant="primary", disabled=True)
        yield Static(tr("Write the path of the file and press enter to check it."), id="import-summary", markup=False)
        yield VerticalScroll(Static("", id="import-error-lines", markup=False), id="import-errors")
        table: DataTable[Any] = DataTable(id="import-preview", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#import-preview", DataTable)
        for label in (tr("Line"), tr("Indicator"), tr("Period"), tr("Value"), tr("Note"), tr("Evidence"), tr("Action")):
            table.add_column(label)
        self._show(errors=False, preview=False)
        self.query_one("#import-path", Input).focus()

    # ---------------------------------------------------------------- state

    @property
    def key(self) -> tuple[str, bool]:
        path = str(Path(self.query_one("#import-path", Input).value.strip()).expanduser())
        return path, self.query_one("#import-replace", Checkbox).value

    def _show(self, *, errors: bool, preview: bool) -> None:
        self.query_one("#import-errors").display = errors
        self.query_one("#import-preview").display = preview

    def _set_busy(self, busy: bool) -> None:
        self.query_one("#import-check", Button).disabled = busy
        self.query_one("#import-go", Button).disabled = busy or self.checked != self.key or not self._may_write()

    def _may_write(self) -> bool:
        return may(self.qms.actor, "measurement", "create")

    @on(Input.Changed, "#import-path")
    @on(Checkbox.Changed, "#import-replace")
    def _changed(self, _event: Any) -> None:
        self.query_one("#import-go", Button).disabled = self.checked != self.key or not self._may_write()

    # ---------------------------------------------------------------- check and import

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-check")
    def action_check(self) -> None:
        if not self.query_one("#import-path", Input).value.strip():
            self.notify(tr("Write the path of the file"), severity="warning")
            return
        self.checked = None
        self._set_busy(True)
        self.query_one("#import-summary", Static).update(tr("checking…"))
        self._run(self.key, dry_run=True)

    @on(Button.Pressed, "#import-go")
    def action_import(self) -> None:
        if self.query_one("#import-go", Button).disabled:
            return
        self._set_busy(True)
        self.query_one("#import-summary", Static).update(tr("importing…"))
        self._run(self.key, dry_run=False)

    @work(thread=True, exclusive=True, group="import-measurements", exit_on_error=False)
    def _run(self, key: tuple[str, bool], dry_run: bool) -> None:
        from qms_tui.services.importer import ImportRefused, import_measurements

        path, replace = key
        try:
            report = import_measurements(self.services_db(), self.qms.actor, path, replace=replace,
                                         dry_run=dry_run, today=self.qms.today)
        except ImportRefused as exc:
            self.post_message(self.Checked(key, None, exc.lines(), written=False))
            return
        except Exception:
            self.app.call_from_thread(self._set_busy, False)
            raise
        self.post_message(self.Checked(key, report, [], written=not dry_run))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        summary = self.query_one("#import-summary", Static)
        if event.errors:
            self.checked = None
            lines = event.errors
            summary.update(tr("{n} problems: nothing was written. Correct the file and check it again.",
                              n=fmt_int(len(lines))))
            self.query_one("#import-error-lines", Static).update(Text("\n".join(lines)))
            self._show(errors=True, preview=False)
            self._set_busy(False)
            return
        report = event.report
        counts = tr("{rows} rows: {new} new, {replaced} replacing a stored value", rows=fmt_int(report.rows),
                    new=fmt_int(report.new), replaced=fmt_int(report.replaced))
        if event.written:
            self.checked = None
            summary.update(tr("Imported. {counts}.", counts=counts))
            self.notify(tr("Imported {n} measurements", n=fmt_int(report.rows)))
        else:
            self.checked = event.key
            summary.update(tr("Every row is valid. {counts}. Press ctrl+s (Import) to write them.", counts=counts)
                           if self._may_write() else
                           tr("Every row is valid. {counts}. You may not import measurements.", counts=counts))
        table = self.query_one("#import-preview", DataTable)
        table.clear()
        for row in report.preview:
            table.add_row(str(row.line), row.indicator, row.period, fmt_number(row.value, 4),
                          Text(" ".join((row.note or "").split())[:40]), Text(row.evidence or ""),
                          tr("replace") if row.replaces else tr("new"))
        self._show(errors=False, preview=True)
        self._set_busy(False)
