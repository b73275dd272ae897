"""The small tables of detail screens fit their width (fill_table)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from qms_tui.widgets.tables import FitTable, fill_table

ROWS = [("AC-2026-013", ("AC-2026-013", "Agregar al tablero de indicadores un campo de análisis", "Daniel Flores Quintero",
                         "2026-01-21", "concluida"))]


class Host(App[None]):
    CSS = "FitTable { width: 80; height: auto; }"
    width_at_fill = -1

    def compose(self) -> ComposeResult:
        table = FitTable()
        for key in ("code", "description", "owner", "due", "status"):
            table.add_column(key.capitalize(), key=key)
        yield table

    def on_mount(self) -> None:  # before the first layout: the table has no width yet
        table = self.query_one(DataTable)
        self.width_at_fill = table.size.width
        fill_table(table, ROWS, "No actions yet.")


async def test_rows_filled_before_the_table_has_its_width_are_fitted_once_it_has():
    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.query_one(DataTable)
        await pilot.pause()
        await pilot.pause()
        assert app.width_at_fill == 0
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[0] == "AC-2026-013" and cells[3] == "2026-01-21"  # the code is never cut
        assert cells[1].endswith("…") and cells[2].endswith("…")
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        assert sum(widths) <= 80 - 2  # inside the table, beside its scrollbar


async def test_an_empty_table_gives_way_to_its_whole_message():
    """Without rows the table is hidden and its message shown in a line of its own (as a
    row it widened the first column and cut the other headings); rows bring it back."""
    from textual.widgets import Static

    app = Host()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.query_one(FitTable)
        await pilot.pause()
        fill_table(table, ROWS, "No actions yet.")
        fill_table(table, [], "No actions yet: n adds one.")
        await pilot.pause()
        note = app.query_one(".fit-table-empty", Static)
        assert not table.display and note.display and table.row_count == 0
        assert str(note.render()) == "No actions yet: n adds one."
        fill_table(table, ROWS, "No actions yet.")
        for _ in range(3):
            await pilot.pause()
        assert table.display and not note.display and table.row_count == 1
        assert str(table.get_row_at(0)[0]) == "AC-2026-013" and str(table.get_row_at(0)[1]).endswith("…")
        assert len(app.query(".fit-table-empty")) == 1  # one note, reused


async def test_a_table_not_mounted_yet_shows_its_message_as_a_row():
    async with Host().run_test():
        table = FitTable()
        table.add_column("Code", key="code")
        table.add_column("Title", key="title")
        fill_table(table, [], "Nothing yet.")
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Nothing yet."


async def test_a_fit_table_is_fitted_again_when_its_width_changes():
    class Narrowing(App[None]):
        CSS = "FitTable { width: 100; height: auto; }"

        def compose(self) -> ComposeResult:
            table = FitTable()
            for key in ("code", "description", "owner", "due", "status"):
                table.add_column(key.capitalize(), key=key)
            yield table

    app = Narrowing()
    async with app.run_test(size=(120, 24)) as pilot:
        table = app.query_one(FitTable)
        await pilot.pause()
        fill_table(table, ROWS, "No actions yet.")
        await pilot.pause()
        wide = str(table.get_row_at(0)[1])
        table.styles.width = 80
        for _ in range(3):
            await pilot.pause()
        narrow = str(table.get_row_at(0)[1])
        assert narrow.endswith("…") and len(narrow) < len(wide)
        assert sum(c.get_render_width(table) for c in table.ordered_columns) <= 80 - 2


class Findings(App[None]):
    CSS = "FitTable { width: 80; height: auto; }"

    def compose(self) -> ComposeResult:
        table = FitTable()
        for key in ("code", "kind", "title", "nc"):
            table.add_column(key.capitalize(), key=key)
        yield table


async def test_the_title_column_keeps_its_share_wherever_it_is():
    app = Findings()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.query_one(DataTable)
        await pilot.pause()
        fill_table(table, [("HAL-2026-012", ("HAL-2026-012", "✖ no conformidad menor",
                                             "Padrón de MRVO sin control de versiones", "— por levantar"))], "—")
        await pilot.pause()
        cells = [str(c) for c in table.get_row_at(0)]
        assert len(cells[2]) >= (80 - 2) // 3 and cells[1].endswith("…")
