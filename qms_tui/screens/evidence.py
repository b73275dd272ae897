"""An evidence file (ISO 9001 7.5.3): what it is, its file name, type and size, its SHA-256,
when it is effective from and the clauses it evidences. The content is never shown raw:
**s** saves a copy of the stored bytes to a path (checked against the SHA-256 first).
**n** stores a new evidence file from a path on the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, ValidationError
from qms_tui.i18n import tr
from qms_tui.screens.area import AreaScreen, clip, ref_text, section, text_block
from qms_tui.screens.dialogs.transition import AskFirst, InputField, TransitionDialog
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.labels import column_label, fmt_int, fmt_value

UNITS = ("bytes", "KB", "MB", "GB")


def human_size(size: int | None) -> str:
    """``1 536 bytes (1.5 KB)``."""
    if size is None:
        return "—"
    exact = tr("{n} bytes", n=fmt_int(size))
    value, unit = float(size), 0
    while value >= 1024 and unit < len(UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return exact if unit == 0 else f"{exact} ({value:.1f} {UNITS[unit]})"


def evidence_dialog(db: Any, actor: Any, today: Any, lookup: Any) -> TransitionDialog:
    """The dialog that stores a new evidence file from a path (used by the screen and the
    palette); dismissed with the new evidence record."""
    fields = [
        InputField("title", "text", True),
        InputField("file", "text", True, label=N_("File path"),
                   help=N_("A file on this server (~ is your home folder); it is stored with its SHA-256")),
        InputField("effective_date", "date", True, today.isoformat()),
        InputField("description", "longtext"),
        InputField("process", "ref", ref="process"),
        InputField("clauses", "text", help=N_("like 7.5.3, 9.2.2")),
    ]

    def submit(v: dict[str, Any], _confirmed: bool) -> Any:  # runs in the dialog's worker
        from qms_tui.services.documents import add_evidence_file

        data = {k: v[k] for k in ("title", "effective_date", "description", "process", "clauses") if str(v[k]).strip()}
        return add_evidence_file(db(), actor(), data, str(v["file"]).strip())

    return TransitionDialog(tr("New evidence file"), fields, submit, lookup=lookup, save_label=tr("Store"))


class EvidenceScreen(AreaScreen):
    HELP = N_("""\
# Evidence file

What the file is, its name, type and size, its SHA-256 fingerprint, when it is effective
and the ISO clauses it evidences. The content is not shown here.

- **s** saves a copy of the stored file to a path of your choice (the bytes are checked
  against the SHA-256 first; an existing file is only replaced if you say so)
- **c** copies the SHA-256 to your clipboard
- **n** stores a new evidence file from a path · **e** edits the description
- **esc** goes back.
""")

    BINDINGS = [
        Binding("s", "save_copy", N_("Save a copy"), tooltip=N_("Write the stored file to a path")),
        Binding("c", "copy_hash", N_("Copy SHA-256"), tooltip=N_("Copy the SHA-256 to the clipboard")),
        Binding("n", "add_evidence", N_("New evidence"), tooltip=N_("Store a new evidence file from a path")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the description of the evidence")),
    ]

    WRITES = frozenset({"add_evidence", "edit"})

    PERMS = {"add_evidence": ("evidence", "create"), "edit": ("evidence", "update")}

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="ev-body") as body:
            body.loading = True
            yield Static("", id="ev-head", classes="wf-head", markup=False)
            yield section(column_label("sha256"))
            yield Static("", id="ev-sha256", classes="section-text", markup=False)
            yield section(column_label("description"))
            yield text_block("ev-description")
        yield Footer()

    # ---------------------------------------------------------------- data

    @property
    def evidence(self) -> Any:
        return self.data.dto if self.data is not None else None

    def load_detail(self) -> Any:
        from qms_tui.services.search import get_record

        return get_record(self.db(), "evidence", self.code)

    def show(self, view: Any) -> None:
        ev = view.dto
        self.query_one(AppHeader).set_title(f"{self.heading} · {clip(ev.title, 60)}")
        self.query_one("#ev-head", Static).update(self._head(view))
        self.query_one("#ev-sha256", Static).update(ev.sha256)
        self.query_one("#ev-description", Static).update(ev.description or "—")
        self.show_body("ev-body")

    def _head(self, view: Any) -> Table:
        ev = view.dto
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row(ev.code, Text(ev.title, style="bold"))
        for label, value in (
            (column_label("filename"), ev.filename),
            (column_label("media_type"), ev.media_type),
            (tr("Size"), human_size(ev.size)),
            (column_label("effective_date"), fmt_value(ev.effective_date)),
            (column_label("process"), ref_text(view.refs.get("process_id"))),
            (tr("Clauses"), ", ".join(ev.clauses) or "—"),
            (tr("Stored"), fmt_value(ev.created_at)),
        ):
            grid.add_row(label, Text(value or "—"))
        return grid

    # ---------------------------------------------------------------- steps

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save_copy", "copy_hash"):
            return self.data is not None and not self.busy
        return super().check_action(action, parameters)

    def action_save_copy(self) -> None:
        if self.data is None:
            return
        ev = self.evidence
        fields = [InputField("path", "text", True, f"~/{ev.filename}", label=N_("Save to"),
                             help=N_("A path on this server; ~ is your home folder"))]

        def submit(v: dict[str, Any], confirmed: bool) -> Any:  # runs in the dialog's worker
            from qms_tui.services.documents import evidence_content

            raw = str(v["path"]).strip()
            if not raw:
                raise ValidationError([FieldError("path", N_("is required"))])
            path = Path(raw).expanduser()
            if path.is_dir():
                path = path / ev.filename
            if path.exists() and not confirmed:
                raise AskFirst(tr("{path} already exists. Replace it?", path=str(path)))
            content = evidence_content(self.db(), self.code)
            try:
                path.write_bytes(content)
            except OSError as exc:
                raise ValidationError([FieldError("path", N_("cannot be written: {path} ({reason})"),
                                                  {"path": str(path), "reason": exc.strerror or type(exc).__name__})]
                                      ) from None
            return path

        title = tr("Save a copy of {code} · {name}", code=self.code, name=ev.filename)
        self.step(TransitionDialog(title, fields, submit, save_label=tr("Save")),
                  lambda path: tr("Saved to {path} ({size})", path=str(path), size=tr("{n} bytes", n=fmt_int(ev.size))))

    def action_copy_hash(self) -> None:
        if self.data is not None:
            self.app.copy_to_clipboard(self.evidence.sha256)
            self.notify(tr("SHA-256 copied to the clipboard"))

    def action_add_evidence(self) -> None:
        if not self.ensure("add_evidence"):
            return
        dialog = evidence_dialog(self.db, lambda: self.qms.actor, self.qms.today, self.lookup)

        def added(result: Any) -> None:
            if result is not None:
                self.notify(tr("{code} stored", code=result.code))
                self.qms.open_record("evidence", result.code)

        self.app.push_screen(dialog, added)

    def action_edit(self) -> None:
        if self.ensure("edit"):
            self.edit_record()


def add_evidence(app: Any) -> None:
    """Palette command: store a new evidence file from a path, then open it."""

    def search(entity: str, text: str) -> list[tuple[str, str]]:  # runs in the picker's worker
        from qms_tui.services.search import lookup

        return lookup(app.database(), entity, text)

    def added(result: Any) -> None:
        if result is not None:
            app.notify(tr("{code} stored", code=result.code))
            app.open_record("evidence", result.code)

    app.push_screen(evidence_dialog(app.database, lambda: app.actor, app.today, search), added)
