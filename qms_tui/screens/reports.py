"""Reports: choose a report, its parameters and where to write it; the PDF is rendered in the
background (reading in a worker thread, layout in child processes) with its progress shown,
the screen stays usable, and the path of the result can be copied to the clipboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState

from qms_tui.domain.clauses import ISO9001, ISO54001
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.i18n import LANGUAGES, get_language, tr
from qms_tui.screens.base import QmsScreen
from qms_tui.widgets.app_header import AppHeader

KINDS: tuple[tuple[str, str], ...] = (
    ("evidence", N_("Evidence dossier (by clause, with gaps)")),
    ("audit", N_("Audit report")),
    ("review", N_("Management review minutes")),
    ("project", N_("Improvement project report")),
    ("indicators", N_("Indicator results")),
    ("capa", N_("Nonconformity and action log")),
)
#: Which inputs each report takes.
FIELDS = {"evidence": ("standard", "start", "end"), "audit": ("code",), "review": ("code",),
          "project": ("code",), "indicators": ("period",), "capa": ()}
CODE_HINT = {"audit": "AUD-2025-01", "review": "RD-2025-01", "project": "PM-2025-01"}


def default_output(kind: str, code: str = "", today: date | None = None, folder: Path | None = None) -> str:
    stem = "-".join(x for x in ("qms", kind, code.strip(), (today or date.today()).isoformat()) if x)
    return str((folder or Path.home()) / f"{stem}.pdf")


def open_reports(app: Any) -> None:
    """Palette command: the Reports screen (the evidence dossier chosen)."""
    app.push_screen(ReportsScreen())


def open_audit_report(app: Any) -> None:
    """Palette command: the Reports screen with the audit report chosen."""
    app.push_screen(ReportsScreen(kind="audit"))


def open_capa_log(app: Any) -> None:
    """Palette command: the Reports screen with the NC/action log chosen."""
    app.push_screen(ReportsScreen(kind="capa"))


class ReportsScreen(QmsScreen[None]):
    HELP = N_("""\
# Reports

PDF reports for the auditors: PDF/A-3b, with page numbers, bookmarks by clause and a
manifest of every record (with its SHA-256) attached.

- **Evidence dossier**: for each clause of ISO 9001 or ISO/TS 54001, the records that evidence
  it in the period; a clause without evidence is listed as a gap.
- **Audit report**, **management review minutes**, **improvement project report**: one record
  (type its code).
- **Indicator results** of a period (2025, 2025-Q3, 2025-07) and the **nonconformity and action
  log** with the ageing of open nonconformities.

**ctrl+g** generates the report (it is written in the background: you can keep working);
**ctrl+y** copies the path of the last report to the clipboard. The PDF is written whole or not at all.
""")

    BINDINGS = [
        Binding("ctrl+g", "generate", N_("Generate"), tooltip=N_("Write the PDF")),
        Binding("ctrl+y", "copy_path", N_("Copy path"), tooltip=N_("Copy the path of the last report")),
    ]

    DEFAULT_CSS = """
    ReportsScreen #report-form { height: 1fr; padding: 0 1; }
    ReportsScreen .field { height: auto; margin-bottom: 1; }
    ReportsScreen .field Label { width: 24; padding: 1 1 0 0; text-style: bold; }
    ReportsScreen .field Input, ReportsScreen .field Select { width: 1fr; }
    ReportsScreen #report-actions { height: auto; margin: 1 0; }
    ReportsScreen #report-actions Button { margin-right: 2; }
    ReportsScreen #report-progress { height: auto; margin-bottom: 1; }
    ReportsScreen #report-status { height: auto; }
    """

    class Progressed(Message):
        def __init__(self, done: int, total: int, name: str) -> None:
            super().__init__()
            self.done, self.total, self.name = done, total, name

    class Finished(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self, kind: str = "evidence") -> None:
        super().__init__(classes="reports")
        self.initial_kind = kind if kind in FIELDS else "evidence"
        self.last_path: str | None = None
        self._suggested = ""  # the path suggested last: replaced until the user writes another

    def compose(self) -> ComposeResult:
        title = tr("Reports")
        yield AppHeader(title)
        yield Static(title, classes="screen-title")
        with VerticalScroll(id="report-form"):
            yield self._field("kind", N_("Report"), Select([(tr(m), k) for k, m in KINDS], value=self.initial_kind,
                                                          allow_blank=False, id="kind"))
            yield self._field("standard", N_("Standard"),
                              Select([("ISO/TS 54001:2019", ISO54001), ("ISO 9001:2015", ISO9001)],
                                     value=ISO54001, allow_blank=False, id="standard"))
            yield self._field("start", N_("From"), Input(placeholder=tr("YYYY-MM-DD (default: a year before)"),
                                                         id="start"))
            yield self._field("end", N_("To"), Input(placeholder=tr("YYYY-MM-DD (default: today)"), id="end"))
            yield self._field("code", N_("Code"), Input(placeholder="AUD-2025-01", id="code"))
            yield self._field("period", N_("Period"), Input(placeholder=tr("2025, 2025-Q3 or 2025-07 (default: this year)"),
                                                            id="period"))
            yield self._field("lang", N_("Language of the report"),
                              Select([("Español", "es"), ("English", "en")], value=get_language()
                                     if get_language() in LANGUAGES else "es", allow_blank=False, id="lang"))
            self._suggested = default_output(self.initial_kind, today=self.qms.today, folder=self._web_folder)
            yield self._field("output", N_("Write to"), Input(value=self._suggested, id="output"))
            with Horizontal(id="report-actions"):
                yield Button(tr("Generate"), id="generate", variant="primary")
                yield Button(tr("Copy path"), id="copy", disabled=True)
            yield ProgressBar(total=None, show_eta=False, id="report-progress")
            yield Static("", id="report-status")
        yield Footer()

    def _field(self, name: str, label: str, widget: Any) -> Horizontal:
        box = Horizontal(Label(tr(label)), widget, classes="field", id=f"field-{name}")
        return box

    @property
    def _web_folder(self) -> Path | None:
        """In a browser (``qms serve``): the session's private folder, where the PDF is written
        before it is downloaded; the path is not the user's to choose. None in a terminal."""
        return getattr(self.qms, "report_folder", None)

    def on_mount(self) -> None:
        self.query_one("#report-progress", ProgressBar).display = False
        if self._web_folder is not None:
            self.query_one("#field-output").display = False
            self.query_one("#copy", Button).display = False
        self._show_fields(self.initial_kind)
        if "code" in FIELDS[self.initial_kind]:  # a record's report: its code is what to type
            self.query_one("#code", Input).focus()

    # ---------------------------------------------------------------- form

    @property
    def kind(self) -> str:
        return str(self.query_one("#kind", Select).value)

    def _show_fields(self, kind: str) -> None:
        for name in ("standard", "start", "end", "code", "period"):
            self.query_one(f"#field-{name}").display = name in FIELDS[kind]
        if kind in CODE_HINT:
            self.query_one("#code", Input).placeholder = CODE_HINT[kind]

    def _suggest_output(self) -> None:
        output = self.query_one("#output", Input)
        if output.value != self._suggested:  # the user chose a path: keep it
            return
        code = self.query_one("#code", Input).value if "code" in FIELDS[self.kind] else ""
        self._suggested = default_output(self.kind, code, self.qms.today, self._web_folder)
        output.value = self._suggested

    @on(Select.Changed, "#kind")
    def _kind_changed(self, _event: Select.Changed) -> None:
        self._show_fields(self.kind)
        self._suggest_output()

    @on(Input.Changed, "#code")
    def _code_changed(self, _event: Input.Changed) -> None:
        self._suggest_output()

    def request(self) -> Any:
        """The report asked for, checked (UsageError says what is wrong)."""
        from qms_tui.reports.run import ReportRequest, check_output, parse_day, resolve

        kind = self.kind
        value = {name: self.query_one(f"#{name}", Input).value.strip() or None
                 for name in ("start", "end", "code", "period", "output")}
        params: dict[str, Any] = {}
        if kind == "evidence":
            params = {"standard": str(self.query_one("#standard", Select).value),
                      "start": parse_day(tr("From"), value["start"]), "end": parse_day(tr("To"), value["end"])}
        elif kind in CODE_HINT:
            params = {"code": value["code"]}
        elif kind == "indicators":
            params = {"period": value["period"]}
        req = resolve(ReportRequest(kind=kind, out=str(Path(value["output"] or "").expanduser()),
                                    lang=str(self.query_one("#lang", Select).value), author=self.qms.login,
                                    today=self.qms.today, **params))
        check_output(req.out)
        return req

    # ---------------------------------------------------------------- generating

    def action_generate(self) -> None:
        if self.query_one("#generate", Button).disabled:
            return
        try:
            req = self.request()
        except QmsError as exc:
            code = self.query_one("#code", Input)
            if self.kind in CODE_HINT and not code.value.strip():
                code.focus()  # where the answer goes, once the message is closed
            self.qms.report_error(exc)
            return
        self.query_one("#generate", Button).disabled = True
        bar = self.query_one("#report-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#report-status", Static).update(tr("Reading the records…"))
        self._generate(req)

    @on(Button.Pressed, "#generate")
    def _generate_pressed(self) -> None:
        self.action_generate()

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy_path()

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _generate(self, req: Any) -> None:
        from qms_tui.reports.run import generate

        def progress(done: int, total: int, name: str) -> None:
            self.post_message(self.Progressed(done, total, name))

        self.post_message(self.Finished(generate(self.services_db(), req, progress=progress)))

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.query_one("#report-progress", ProgressBar).update(total=event.total, progress=event.done)
        self.query_one("#report-status", Static).update(
            tr("Rendering the PDF: {done} of {total} steps", done=event.done, total=event.total))

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        result = event.result
        self.last_path = str(result.path)
        self.query_one("#generate", Button).disabled = False
        self.query_one("#copy", Button).disabled = False
        self.query_one("#report-progress", ProgressBar).display = False
        self.query_one("#report-status", Static).update(
            tr("Written: {path} ({pages} pages in {seconds} s)", path=self.last_path, pages=result.pages,
               seconds=format(result.seconds, ".1f")))
        deliver = getattr(self.qms, "deliver_report", None)
        if deliver is not None and self._web_folder is not None:  # in a browser: a download
            sent = deliver(result.path)
            self.query_one("#report-status", Static).update(sent)
            self.notify(sent)
            return
        self.notify(tr("Report written: {path}", path=self.last_path))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "report" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.query_one("#generate", Button).disabled = False
            self.query_one("#report-progress", ProgressBar).display = False
            self.query_one("#report-status", Static).update(tr("No report was written."))
        super().on_worker_state_changed(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_path" and self._web_folder is not None:
            return False  # in a browser the PDF is downloaded: no server path to copy
        return super().check_action(action, parameters)

    def action_copy_path(self) -> None:
        if not self.last_path:
            self.notify(tr("No report written yet"), severity="warning")
            return
        self.app.copy_to_clipboard(self.last_path)
        self.notify(tr("Copied: {path}", path=self.last_path))
