"""PagedTable on its own: one page at a time, paging, sorting, status line (no database)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from qms_tui.widgets.paged_table import Column, PagedTable, TablePage
from tui.conftest import settle

ROWS = [(f"R-{i:04d}", (f"R-{i:04d}", f"item {i % 7}")) for i in range(1, 251)]


class Fake:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None, bool, int, int]] = []

    def __call__(self, text: str, order: str | None, descending: bool, offset: int, limit: int) -> TablePage:
        self.calls.append((text, order, descending, offset, limit))
        rows = [r for r in ROWS if text in r[1][1]]
        if order == "name":
            rows.sort(key=lambda r: (r[1][1], r[0]), reverse=descending)
        elif order == "code" and descending:
            rows.reverse()
        return TablePage(rows[offset:offset + limit], len(rows), offset)


class TableApp(App[None]):
    def __init__(self, fetch: Fake) -> None:
        super().__init__()
        self.fetch = fetch
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield PagedTable([Column("code", "Code"), Column("name", "Name")], self.fetch)

    def on_paged_table_opened(self, event: PagedTable.Opened) -> None:
        self.opened.append(event.code)


def _status(app: TableApp) -> str:
    return str(app.query_one(".paged-status").render())


async def test_pages_sorts_and_opens_without_loading_everything():
    fetch = Fake()
    app = TableApp(fetch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(PagedTable)
        assert table.table.row_count == 100 and "rows 1–100 of 250" in _status(app)
        assert all(call[4] == 100 for call in fetch.calls)  # never more than a page
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "rows 101–200 of 250" in _status(app) and table.current_code == "R-0101"
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert "rows 201–250 of 250" in _status(app) and table.table.row_count == 50
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "rows 101–200" in _status(app)
        await pilot.press("s")  # sort by the cursor's column (code): ascending, from page 1
        await settle(pilot)
        assert fetch.calls[-1][1:4] == ("code", False, 0)
        await pilot.press("s")  # descending
        await settle(pilot)
        assert table.current_code == "R-0250"
        await pilot.press("s")  # off
        await settle(pilot)
        assert fetch.calls[-1][1] is None
        await pilot.press("enter")
        assert app.opened == ["R-0001"]


async def test_stale_filters_never_win():
    fetch = Fake()
    app = TableApp(fetch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", "i", "t", "e", "m", "space", "3")
        await pilot.pause(0.3)
        await settle(pilot)
        table = app.query_one(PagedTable)
        assert table.text == "item 3" and table.total == 36
        # no debounce delay: a keystroke queries at once when no query runs; the last query
        # is always for the newest text, and no page of an older text is shown after it
        assert fetch.calls[-1][0] == "item 3" and len(fetch.calls) <= 8
        grid = table.table
        assert grid.row_count == 36 and all(str(grid.get_row_at(i)[1]) == "item 3" for i in range(grid.row_count))


def test_fit_rows_cuts_the_widest_columns_first_and_never_the_code():  # and keeps the name readable
    from qms_tui.widgets.tables import MIN_CUT, fit_rows

    labels = ["Code", "Title", "Status", "Detected on"]
    rows = [("NC-2025-001", "T" * 60, "draft (raised automatically)", "2025-09-17")]
    same, widths = fit_rows(labels, rows, 200)
    assert same == rows and widths == [11, 60, 28, 11]  # room enough: nothing cut
    cut, widths = fit_rows(labels, rows, 80)  # 110 + 8 of padding → 80
    assert sum(widths) + 8 == 80
    assert widths[0] == 11 and cut[0][0] == "NC-2025-001" and cut[0][3] == "2025-09-17"
    assert widths[1:3] == [28, 22]  # the title gave 32 cells; then the status, the title keeping ≥ 80 // 3
    assert cut[0][1] == "T" * (widths[1] - 1) + "…" and len(cut[0][2]) == widths[2]
    cut, widths = fit_rows(labels, rows, 30)  # far too narrow: nothing below the floor
    assert widths == [11, MIN_CUT, MIN_CUT, MIN_CUT]
    assert fit_rows(labels, rows, 0) == (rows, [11, 60, 28, 11])  # not laid out yet


class WideApp(App[None]):
    def compose(self) -> ComposeResult:
        rows = [(f"R-{i}", (f"R-{i}", "a long title " * 8, "draft (raised automatically)", "2025-09-17"))
                for i in range(3)]
        yield PagedTable([Column("code", "Code"), Column("title", "Title"), Column("status", "Status"),
                          Column("date", "Detected on")], lambda *a: TablePage(rows, 3, 0))


async def test_a_page_fits_the_terminal_and_is_cut_again_when_it_is_resized():
    app = WideApp()
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(PagedTable).table
        line = "".join(s.text for s in table.render_line(1))
        assert "2025-09-17" in line and "R-0" in line and "…" in line  # the date is whole, the title cut
        assert len(line.rstrip()) <= 118
        await pilot.resize_terminal(70, 24)
        await settle(pilot)
        line = "".join(s.text for s in table.render_line(1))
        assert "2025-09-17" in line and len(line.rstrip()) <= 68
        assert table.get_row_at(0)[0].plain == "R-0"


def test_fit_rows_the_name_gives_up_part_of_its_share_so_that_the_rest_fits():
    from qms_tui.widgets.tables import fit_rows

    labels = ["Code", "Description", "Owner", "Due", "Status"]
    rows = [("AC-2026-013", "D" * 54, "O" * 22, "2026-01-21", "concluida")]
    _cut, widths = fit_rows(labels, rows, 70)  # floors: 11 + 70 // 3 + 10 + 10 + 9, + 10 of padding = 73
    assert widths == [11, 20, 10, 10, 9] and sum(widths) + 10 == 70


def test_fit_rows_cuts_rich_text_cells_too():
    from rich.text import Text

    from qms_tui.widgets.tables import fit_rows

    status = Text("pendiente")
    status.append(" · ⚠ FUERA DE PLAZO", style="bold")
    cut, widths = fit_rows(["Code", "Title", "Status"], [("AC-1", "T" * 40, status)], 40)
    assert isinstance(cut[0][2], Text) and cut[0][2].plain.endswith("…")
    assert cut[0][2].cell_len == widths[2] and sum(widths) + 6 == 40
    assert status.plain == "pendiente · ⚠ FUERA DE PLAZO"  # the row's own cell is left whole


def test_fit_rows_the_name_column_may_be_any_column():
    from qms_tui.widgets.tables import fit_rows

    labels = ["Code", "Kind", "Title", "Nonconformity"]
    rows = [("HAL-2026-012", "✖ no conformidad menor", "Padrón de MRVO sin control de versiones", "— por levantar")]
    _cut, by_default = fit_rows(labels, rows, 78)
    _cut, widths = fit_rows(labels, rows, 78, name=2)
    assert by_default[2] < 78 // 3  # the kind (column 1) kept the share, the title was cut hard
    assert widths[2] == 78 // 3 and widths[1] < by_default[1] and sum(widths) + 8 == 78
