"""Read-only view of one record: every field with its translated label; references as
``code · name``; states and choices as their labels."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from qms_tui.domain.specs import SPECS
from qms_tui.widgets.labels import choice_enum, choice_label, column_label, fmt_value

if TYPE_CHECKING:
    from qms_tui.services.search import RecordView

HIDDEN = {"id", "password_hash", "breach_key"}
TRAILING = ("version", "created_at", "updated_at")


def detail_rows(view: RecordView) -> list[tuple[str, str]]:
    """(label, text) pairs: the code, the spec's fields in order, then workflow columns."""
    spec = SPECS[view.entity]
    dto = view.dto
    rows: list[tuple[str, str]] = [(column_label("code"), dto.code)]
    shown = {"code", "clauses", *HIDDEN, *TRAILING}
    for f in spec.fields:
        if f.name == "code":
            continue
        shown.add(f.column)
        rows.append((column_label(f.name), _text(view, f.column, f.kind)))
    for name in dto.__dataclass_fields__:
        if name in shown:
            continue
        kind = "ref" if name in view.refs or name.endswith("_id") else "value"
        rows.append((column_label(name), _text(view, name, kind)))
    for name in TRAILING:
        rows.append((column_label(name), fmt_value(getattr(dto, name, None))))
    return rows


def _text(view: RecordView, column: str, kind: str) -> str:
    if kind == "clauses":
        return ", ".join(view.dto.clauses)
    value: Any = getattr(view.dto, column, None)
    if kind == "ref":
        ref = view.refs.get(column)
        if ref is None:
            return ""
        code, title = ref
        return f"{code} · {title}" if title and title != code else code
    enum = choice_enum(view.entity, column)
    if enum is not None:
        return choice_label(enum, value)
    return fmt_value(value)


class DetailView(VerticalScroll):
    """Scrollable label/value grid of a :class:`~qms_tui.services.search.RecordView`."""

    DEFAULT_CSS = """
    DetailView { height: 1fr; padding: 0 1; }
    DetailView > Static { width: 1fr; }
    """

    def __init__(self, view: RecordView | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(self._render_view(), classes="detail-grid")

    def show(self, view: RecordView) -> None:
        self.view = view
        self.query_one(".detail-grid", Static).update(self._render_view())

    def _render_view(self) -> Table | Text:
        if self.view is None:
            return Text("")
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(style="bold", ratio=None, no_wrap=True, max_width=30)
        grid.add_column(ratio=1, overflow="fold")
        for label, text in detail_rows(self.view):
            grid.add_row(label, Text(text or "—", style="" if text else "dim"))
        for label, text, matches in signature_rows(self.view):
            grid.add_row(label, Text(text, style="" if matches else "bold reverse"))
        return grid


def signature_rows(view: RecordView) -> list[tuple[str, str, bool]]:
    """(label, text, matches) of each electronic signature of the record: "✔ approved ·
    Laura Hernández · 2025-03-20 14:05 UTC · matches" or "✖ … · changed since signed"."""
    from qms_tui.i18n import tr

    rows = []
    for n, status in enumerate(getattr(view, "signatures", ()) or ()):
        rows.append((tr("Signatures") if n == 0 else "", status.line(), bool(status.matches)))
    return rows
