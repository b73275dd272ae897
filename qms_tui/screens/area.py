"""What the area screens share (policy, objectives, risks, management reviews, circles,
meetings, improvement projects, documents, evidence files), on top of
:class:`~qms_tui.screens.workflow.WorkflowScreen`:

- row tables (one row per record, the record's code as the row key, an empty table says so
  in words), the selected row, label: value lines;
- person names for the people a page of records refers to (read in the screen's worker);
- approvals, signed electronically (:mod:`qms_tui.screens.dialogs.sign`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Static

from qms_tui.screens.dialogs.transition import InputField
from qms_tui.screens.workflow import WorkflowScreen, signature_lines
from qms_tui.widgets.labels import fmt_value
from qms_tui.widgets.tables import FitTable, fill_table

Row = tuple[str, tuple[Any, ...]]


def section(title: str, id: str | None = None) -> Static:
    return Static(title, classes="section-title", id=id, markup=False)


def text_block(id: str) -> Static:
    return Static("", id=id, classes="section-text", markup=False)


def pairs(t: Text, items: Iterable[tuple[str, str]]) -> None:
    """``label: value  ·  label: value`` then a new line."""
    for i, (label, value) in enumerate(items):
        if i:
            t.append("  ·  ", style="dim")
        t.append(f"{label}: ", style="bold")
        t.append(value or "—")
    t.append("\n")


def ref_text(ref: tuple[str, str] | None) -> str:
    """A reference of a RecordView as ``code · name`` (or ``—``)."""
    if not ref:
        return "—"
    code, title = ref
    return f"{code} · {title}" if title and title != code else code


def clip(text: Any, width: int = 60) -> str:
    return fmt_value(text, width)


def person_names(db: Any, codes: Iterable[str | None]) -> dict[str, str]:
    """Names of people by code (call from workers only)."""
    from qms_tui.services.search import lookup

    out: dict[str, str] = {}
    for code in {c for c in codes if c}:
        for found, name in lookup(db, "person", code, limit=20):
            if found == code:
                out[code] = name or code
                break
    return out


def page_people(db: Any, page: Any, field: str) -> dict[int, str]:
    """``{id: "Name"}`` of the people ``field`` refers to in a RecordPage (workers only)."""
    codes = page.refs.get(field, {})
    names = person_names(db, codes.values())
    return {rid: names.get(code, code) for rid, code in codes.items()}


class AreaScreen(WorkflowScreen):
    """A WorkflowScreen with row tables."""

    def data_table(self, id: str, columns: Sequence[tuple[str, str]]) -> DataTable[Any]:
        table: DataTable[Any] = FitTable(id=id, cursor_type="row", zebra_stripes=True, classes="wf-table")
        for key, label in columns:
            table.add_column(label, key=key)
        return table

    def fill(self, id: str, rows: Sequence[Row], empty: str) -> None:
        """Replace the rows of table ``id`` (columns fitted to its width, cursor kept in place)."""
        fill_table(self.query_one(f"#{id}", DataTable), rows, empty)

    def selected(self, id: str) -> str | None:
        """The code of the row under the cursor of table ``id`` (None on an empty table)."""
        table = self.query_one(f"#{id}", DataTable)
        if not table.row_count or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key or None

    def show_body(self, id: str) -> None:
        body = self.query_one(f"#{id}")
        body.loading = False
        if self.focused is None:
            body.focus()

    def edit_record(self, entity: str | None = None, code: str | None = None) -> None:
        self.qms.open_form(entity or self.entity, code or self.code,
                           lambda result: self.reload() if result else None)

    def approve(self, title: str, call: Callable[[dict[str, Any]], Any], note: str, *, intro: str = "",
                fields: Sequence[InputField] = (), record: str | None = None) -> None:
        """An approval signed electronically ("approved"): see :meth:`WorkflowScreen.sign`."""
        self.sign(title, call, note, intro=intro, fields=fields, record=record)


__all__ = ["AreaScreen", "clip", "page_people", "pairs", "person_names", "ref_text", "section", "signature_lines",
           "text_block"]
