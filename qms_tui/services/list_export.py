"""Export a record list to CSV or XLSX: the rows the list shows, with its filter and sort.

The rows are read with :func:`qms_tui.services.search.list_records` — the same function,
filter (``text``, ``where``) and order the list screen pages with — one page after another
inside one read transaction, so the file holds exactly the filtered list, however long. The
caller says which columns and how a row becomes cells (``render``); by default every column
of the table, references as codes. The file is written to a temporary name and renamed: a
failed export leaves no partial file.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from qms_tui.db.models import MODELS
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.domain.specs import SPECS
from qms_tui.services.search import list_records
from qms_tui.services.tx import Tx, reading

FORMATS = ("csv", "xlsx")
PAGE = 1000
#: Render one row: ``(dto, refs)`` -> cells; ``refs[field][id]`` is a referenced record's code.
Render = Callable[[Any, dict[str, dict[int, str]]], Sequence[Any]]
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportFailed(QmsError):
    """The list could not be written (bad format, unwritable path)."""


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """``csv`` or ``xlsx``: as given, else from the file name's ending."""
    chosen = (fmt or Path(path).suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ExportFailed(N_("export to .csv or .xlsx (got {path})"), path=str(path))
    return chosen


def default_columns(entity: str) -> tuple[list[str], Render]:
    """Every column of the table; references (``owner_id``) as the referenced code."""
    model = MODELS[entity]
    refs = {f.column: f.name for f in SPECS[entity].fields if f.kind == "ref"}
    keys = [c.key for c in model.__table__.columns if c.key != "id"]  # type: ignore[attr-defined]
    headers = [refs.get(k, k) for k in keys]

    def render(row: Any, codes: dict[str, dict[int, str]]) -> list[Any]:
        out = []
        for k in keys:
            value = getattr(row, k, None)
            if k in refs and value is not None:
                value = codes.get(refs[k], {}).get(value, value)
            out.append(value)
        return out

    return headers, render


def iter_rows(
    tx: Tx,
    entity: str,
    render: Render,
    *,
    text: str | None = None,
    where: Mapping[str, Any] | None = None,
    order: str | None = None,
    descending: bool = False,
    ref_fields: Sequence[str] | None = None,
    page: int | None = None,
) -> Iterator[Sequence[Any]]:
    """Every row of the filtered, sorted list as cells, page by page (one snapshot)."""
    page = page or PAGE
    with reading(tx) as s:
        if not isinstance(tx, Session) and s.get_bind().dialect.name == "postgresql":
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})  # one snapshot
        offset = 0
        while True:
            got = list_records(s, entity, text=text, where=where, order=order, descending=descending,
                               offset=offset, limit=page, ref_fields=ref_fields)
            for row in got.rows:
                yield render(row, got.refs)
            offset += len(got.rows)
            if not got.rows or offset >= got.total:
                return


def export_list(
    tx: Tx,
    entity: str,
    path: str | Path,
    fmt: str | None = None,
    *,
    headers: Sequence[str] | None = None,
    render: Render | None = None,
    text: str | None = None,
    where: Mapping[str, Any] | None = None,
    order: str | None = None,
    descending: bool = False,
    ref_fields: Sequence[str] | None = None,
    sheet: str | None = None,
) -> int:
    """Write the list to ``path`` (CSV: UTF-8 with BOM, comma-separated; XLSX: one sheet,
    numbers and dates typed). Returns the number of rows written."""
    kind = format_of(path, fmt)
    if render is None or headers is None:
        headers, render = default_columns(entity)
    rows = iter_rows(tx, entity, render, text=text, where=where, order=order, descending=descending,
                     ref_fields=ref_fields)
    target = Path(path).expanduser()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ExportFailed(N_("cannot write {path}: {reason}"), path=str(target),
                           reason=exc.strerror or type(exc).__name__) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            n = _write_csv(fh, headers, rows) if kind == "csv" else _write_xlsx(fh, headers, rows, sheet or entity)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportFailed(N_("cannot write {path}: {reason}"), path=str(target),
                           reason=exc.strerror or type(exc).__name__) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def csv_text(value: Any) -> str:
    """A cell as CSV text: ISO dates, plain numbers; text that a spreadsheet would run as
    a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(fh: Any, headers: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    import io

    out = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    writer = csv.writer(out)
    writer.writerow([csv_text(h) for h in headers])
    n = 0
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
        n += 1
    out.flush()
    out.detach()
    return n


def _write_xlsx(fh: Any, headers: Sequence[str], rows: Iterator[Sequence[Any]], title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "list")

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            value = value.astimezone().replace(tzinfo=None) if value.tzinfo else value  # Excel has no zones
        if isinstance(value, str):
            c = WriteOnlyCell(ws, value=None)
            c.value, c.data_type = _ILLEGAL_XML.sub("", value), "s"  # never a formula
            return c
        return value

    ws.append([cell(h) for h in headers])
    n = 0
    for row in rows:
        ws.append([cell(v) for v in row])
        n += 1
    wb.save(fh)
    return n
