"""FastDataTable draws what Textual's DataTable draws (character by character, style by
style), measures columns the same way, and falls back to DataTable for other cells."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from qms_tui.widgets.fast_table import FastDataTable

COLUMNS = ("Code", "Name", "Value", "Note")
ROWS = [
    ("MED-000001", Text("Índice de satisfacción ciudadana con un nombre muy largo que no cabe"),
     Text("95.50", justify="right"), Text("ok")),
    ("MED-000002", Text("Atención [con corchetes]", style="bold"), Text("7", justify="right"),
     Text("centrado", justify="center")),
    ("MED-000003", Text("日本語の名前"), Text("100.00", justify="right"), Text("")),
    ("MED-000004", Text.assemble(("rojo", "red"), " y ", ("verde", "green")), Text("—"),
     Text("nota con espacios   ", justify="left")),
    ("MED-000005", Text("x" * 80, overflow="ellipsis"), Text("-3.2", justify="right"), Text("a")),
]


class One(App[None]):
    def __init__(self, table_class: type[DataTable]) -> None:
        super().__init__()
        self.table_class = table_class

    def compose(self) -> ComposeResult:
        yield self.table_class(id="t", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for i, name in enumerate(COLUMNS):
            table.add_column(name, key=name, width=30 if i == 1 else None)
        for code, *cells in ROWS:
            table.add_row(Text(code), *cells, key=code)


def _cells(table: DataTable) -> list[list[tuple[str, object]]]:
    """Every visible line as (character, style without meta) pairs."""
    out = []
    for y in range(table.size.height):
        line = []
        for seg in table.render_line(y):
            style = seg.style.copy() if seg.style is not None else None
            if style is not None:
                style._meta = None
            line.extend((ch, style) for ch in seg.text)
        out.append(line)
    return out


async def _drawn(table_class: type[DataTable]) -> tuple[list[int], list, list]:
    app = One(table_class)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        first = _cells(table)
        table.move_cursor(row=3)
        await pilot.pause()
        assert table.get_row_at(3)[0].plain == "MED-000004"
        return widths, first, _cells(table)


async def test_draws_what_datatable_draws():
    slow, fast = await _drawn(DataTable), await _drawn(FastDataTable)
    assert fast[0] == slow[0]  # column widths
    for a, b in zip(fast[1] + fast[2], slow[1] + slow[2], strict=True):
        assert "".join(ch for ch, _ in a) == "".join(ch for ch, _ in b)
        assert a == b


async def test_multi_line_and_other_cells_take_the_datatable_path():
    class Mixed(App[None]):
        def compose(self) -> ComposeResult:
            yield FastDataTable(id="t")

        def on_mount(self) -> None:
            table = self.query_one(FastDataTable)
            table.add_columns("a", "b")
            table.add_row(Text("one\ntwo"), 3.5, height=2, key="tall")
            table.add_row("[b]markup[/b]", Text("plain"), key="str")

    app = Mixed()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(FastDataTable)
        lines = [table.render_line(y).text for y in range(4)]
        assert "one" in lines[1] and "two" in lines[2] and "3.50" in lines[1]
        assert "markup" in lines[3] and "[b]" not in lines[3]
