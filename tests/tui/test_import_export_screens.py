"""The import screen (check, preview, import) and the list export (x), driven by Pilot."""

from __future__ import annotations

import csv

import openpyxl
from sqlalchemy import func, select

from qms_tui.db.models import Measurement
from qms_tui.screens.dialogs.error import ErrorDialog
from qms_tui.screens.dialogs.export_list import ExportListDialog
from qms_tui.screens.import_measurements import ImportMeasurementsScreen
from qms_tui.screens.record_list import RecordListScreen
from qms_tui.widgets.paged_table import PagedTable
from tui.conftest import make_app, settle, type_text

SIZE = (120, 40)


def _count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(Measurement)).scalar_one()


def _write(path, rows) -> str:  # type: ignore[no-untyped-def]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["indicator", "period", "value", "note"], *rows])
    return str(path)


async def _open_import(pilot, app, path: str) -> ImportMeasurementsScreen:  # type: ignore[no-untyped-def]
    from qms_tui.screens.import_measurements import open_import

    open_import(app)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ImportMeasurementsScreen)
    screen.query_one("#import-path").value = path
    return screen


async def test_import_checks_shows_problems_then_imports(tui_db, tmp_path):
    bad = _write(tmp_path / "m.csv", [["IND-004", "2025-01", "97"], ["IND-004", "2025-02", "mucho"],
                                      ["IND-999", "2025-03", "1"]])
    before = _count(tui_db)
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_import(pilot, app, bad)
        await pilot.press("ctrl+t")
        await settle(pilot)
        lines = str(screen.query_one("#import-error-lines").render())
        assert "line 3, column value: must be a number" in lines
        assert "line 4, column indicator: no record with code IND-999" in lines
        assert "2 problems: nothing was written" in str(screen.query_one("#import-summary").render())
        assert screen.query_one("#import-go").disabled

        _write(tmp_path / "m.csv", [["IND-004", "2025-01", "97"], ["IND-004", "2025-02", "98.5"],
                                    ["IND-001", "2025-05", "99"]])  # IND-001 2025-05 exists
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "a measurement for 2025-05 already exists" in str(screen.query_one("#import-error-lines").render())
        screen.query_one("#import-replace").value = True
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "3 rows: 2 new, 1 replacing a stored value" in str(screen.query_one("#import-summary").render())
        preview = screen.query_one("#import-preview")
        assert preview.display and preview.row_count == 3
        assert _count(tui_db) == before  # checking writes nothing
        assert not screen.query_one("#import-go").disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Imported." in str(screen.query_one("#import-summary").render())
        assert _count(tui_db) == before + 2


async def test_a_read_only_user_can_check_but_not_import(tui_db, tmp_path):
    path = _write(tmp_path / "m.csv", [["IND-004", "2025-01", "97"]])
    before = _count(tui_db)
    app = make_app(tui_db, lang="en", login="visitante")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_import(pilot, app, path)
        await pilot.press("ctrl+t")
        await settle(pilot)
        # a reader may not create measurements: the service refuses even the check
        assert isinstance(app.screen, ErrorDialog)
        assert "may not create" in str(app.screen.query_one(".error-message").render())
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_one("#import-go").disabled and not screen.query_one("#import-check").disabled
        assert _count(tui_db) == before


async def test_x_exports_the_filtered_list(tui_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_list("indicator")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecordListScreen)
        await pilot.press("f")
        await type_text(pilot, "casillas")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one(PagedTable).total == 1
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportListDialog)
        assert "1 rows, as filtered and sorted on screen · filter: “casillas”" in [
            str(w.render()) for w in dialog.query("Static")]
        dialog.query_one("#fmt-xlsx").value = True
        await settle(pilot)
        path = dialog.query_one("#export-path").value
        assert path.endswith(".xlsx")
        await pilot.click("#export-go")
        await settle(pilot)
        assert app.screen is screen
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Name", "Objective")
    assert [r[:3] for r in rows[1:]] == [("IND-001", "Casillas instaladas", "OBJ-01")]
