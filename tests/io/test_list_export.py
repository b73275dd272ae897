"""Export of a record list: what the list shows (filter, conditions, sort) is what the file holds."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from io_helpers import MONTHLY

from qms_tui.services import list_export, records
from qms_tui.services.list_export import ExportFailed, csv_text, export_list
from qms_tui.services.search import Between, list_records


@pytest.fixture
def many(db, actor, monkeypatch):  # type: ignore[no-untyped-def]
    """230 indicators, three owners, varied targets; export pages of 7 rows (many pages)."""
    monkeypatch.setattr(list_export, "PAGE", 7)
    with db.write() as s:
        for login in ("ana", "beto", "caro"):
            records.create(s, actor, "person", {"code": login, "name": login.title(), "role": "process_owner"})
        for i in range(230):
            records.create(s, actor, "indicator", {**MONTHLY, "name": f"Casillas {i:04d}" if i % 3 else f"Quejas {i:04d}",
                                                   "target": str(50 + i % 50), "owner": ("ana", "beto", "caro")[i % 3],
                                                   "direction": ("higher", "lower")[i % 2]})


def _listed(db, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    """The codes the list screen shows, page after page (100 rows a page)."""
    codes, offset = [], 0
    while True:
        page = list_records(db, "indicator", offset=offset, limit=100, **kw)
        codes += [r.code for r in page.rows]
        offset += 100
        if offset >= page.total:
            return codes


FILTERS = [
    {"text": "casillas", "order": "target", "descending": True},
    {"text": "", "where": {"owner": "beto", "target": Between(60, 80)}, "order": "name"},
    {"text": "QUEJAS 01", "where": {"direction": ["lower"]}},
]


@pytest.mark.parametrize("kw", FILTERS)
def test_csv_holds_the_filtered_sorted_list(db, many, tmp_path, kw):
    path = tmp_path / "lista.csv"
    n = export_list(db, "indicator", path, **kw)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    expected = _listed(db, **kw)
    assert n == len(expected) == len(rows) - 1 and n > 0
    assert [r[0] for r in rows[1:]] == expected
    header = rows[0]
    assert header[:2] == ["code", "version"] and "owner" in header and "owner_id" not in header
    owners = {r[header.index("owner")] for r in rows[1:]}
    assert owners <= {"ana", "beto", "caro"}


@pytest.mark.parametrize("kw", FILTERS[:2])
def test_xlsx_with_the_list_columns(db, many, tmp_path, kw):
    from qms_tui.screens.columns import COLUMNS, cells, ref_fields
    from qms_tui.screens.dialogs.export_list import export_columns

    headers, render = export_columns("indicator")
    path = tmp_path / "lista.xlsx"
    n = export_list(db, "indicator", path, headers=headers, render=render, ref_fields=ref_fields("indicator"), **kw)
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == tuple(headers) and len(headers) == len(COLUMNS["indicator"])
    assert [r[0] for r in rows[1:]] == _listed(db, **kw) and n == len(rows) - 1
    # the same cells as the list on screen (text as shown; numbers typed, not formatted)
    page = list_records(db, "indicator", limit=5, ref_fields=ref_fields("indicator"), **kw)
    for row, got in zip(page.rows, rows[1:6], strict=True):
        shown = cells("indicator", row, page.refs)
        for i, name in enumerate(COLUMNS["indicator"]):
            if name == "target":
                assert got[i] == row.target
            else:
                assert (got[i] or "") == shown[i]


def test_text_that_a_spreadsheet_would_run_is_defused(db, actor, tmp_path):
    with db.write() as s:
        records.create(s, actor, "indicator", {**MONTHLY, "name": "=HYPERLINK(\"http://x\")"})
        records.create(s, actor, "indicator", {**MONTHLY, "name": "@sum\x01 ctrl"})
    export_list(db, "indicator", tmp_path / "l.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    names = [c.value for c in ws["E"]][1:]
    assert names == ["=HYPERLINK(\"http://x\")", "@sum ctrl"]
    assert all(c.data_type == "s" for c in ws["E"])
    export_list(db, "indicator", tmp_path / "l.csv")
    assert "'=HYPERLINK" in (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert csv_text(98.0) == "98" and csv_text(0.1) == "0.1" and csv_text(None) == ""


def test_bad_targets_are_refused_and_leave_nothing(db, tmp_path, monkeypatch):
    with pytest.raises(ExportFailed, match="export to .csv or .xlsx"):
        export_list(db, "indicator", tmp_path / "l.pdf")
    with pytest.raises(ExportFailed, match="cannot write"):
        export_list(db, "indicator", tmp_path / "no" / "such" / "dir.csv")

    def broken(*a, **k):  # type: ignore[no-untyped-def]
        yield ["IND-001"]
        raise RuntimeError("connection lost")

    monkeypatch.setattr(list_export, "iter_rows", broken)
    with pytest.raises(RuntimeError):
        export_list(db, "indicator", tmp_path / "l.csv")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".l.csv", "l.csv"))]
