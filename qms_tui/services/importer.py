"""All-or-nothing import of indicator measurements from a ``.csv`` or ``.xlsx`` file.

Columns: ``indicator`` (code), ``period`` (``2025-03``, ``2025-Q1``, ``2025-S1``, ``2025`` or
a day for per-event indicators), ``value``, and optionally ``note`` and ``evidence`` (a file
path, relative to the imported file's folder; stored as an evidence record with its SHA-256).
Spanish headers (indicador, periodo, valor, nota, evidencia) are accepted too.

Every row is checked; a file with any bad row writes nothing and every problem is reported as
a :class:`RowError` (line, column, reason). Everything is written in ONE transaction: new
measurements in bulk with their hash-chained trail events (:mod:`measurement_bulk`: no ORM
objects, multi-row INSERTs on a writer thread, started while the rest of the file is still being
checked — a bad row later on rolls it all back), then evidence files and replacements
(``replace``) through the normal services (``add_evidence``, ``record_measurement``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from qms_tui.db.models import Indicator, Measurement
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, ValidationError
from qms_tui.domain.periods import Period
from qms_tui.domain.permissions import authorize
from qms_tui.services.measurement_bulk import CHUNK, BulkWriter
from qms_tui.services.tx import Tx, reading, writing

COLUMNS = ("indicator", "period", "value", "note", "evidence")
REQUIRED = ("indicator", "period", "value")
ALIASES = {"indicador": "indicator", "periodo": "period", "período": "period", "valor": "value",
           "nota": "note", "evidencia": "evidence"}
PREVIEW_ROWS = 20
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


# ---------------------------------------------------------------- results and errors


@dataclass(frozen=True)
class RowError:
    """One problem: ``line`` of the file (0: the file as a whole), ``column`` as written in
    the header (None: the whole row), ``message`` an English msgid with ``params``."""

    line: int
    column: str | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        from qms_tui.i18n import tr

        reason = tr(self.message, **self.params)
        if self.line <= 0:
            return reason
        if self.column is None:
            return tr("line {line}: {message}", line=self.line, message=reason)
        return tr("line {line}, column {column}: {message}", line=self.line, column=self.column,
                  message=reason)


class ImportRefused(ValidationError):
    """The file was refused; ``row_errors`` lists every problem, in file order."""

    def __init__(self, row_errors: Sequence[RowError]) -> None:
        self.row_errors = sorted(row_errors, key=lambda e: e.line)
        super().__init__([FieldError(e.column or "file", e.message, e.params) for e in self.row_errors])

    @property
    def lines_with_errors(self) -> list[int]:
        return sorted({e.line for e in self.row_errors})

    def lines(self) -> list[str]:
        return [e.render() for e in self.row_errors]


@dataclass(frozen=True)
class PreviewRow:
    line: int
    indicator: str
    period: str
    value: float
    note: str | None
    evidence: str | None
    replaces: bool


@dataclass(frozen=True)
class ImportReport:
    path: str
    rows: int
    new: int
    replaced: int
    evidence_files: int
    preview: tuple[PreviewRow, ...]
    dry_run: bool
    measurement_ids: tuple[int, ...] = ()  # the measurements written in bulk


# ---------------------------------------------------------------- reading the file


#: A data row: (line, indicator, period, value, note, evidence) as found in the file.
Raw = tuple[int, Any, Any, Any, Any, Any]


def read_file(path: str | Path) -> tuple[dict[str, str], list[Raw], list[RowError]]:
    """The header (canonical name -> name as written) and the non-blank data rows."""
    p = Path(path).expanduser()
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return {}, [], [RowError(0, None, N_("{path}: the file must end in .csv or .xlsx"), {"path": str(p)})]
    try:
        data = p.read_bytes()
    except OSError as exc:
        return {}, [], [RowError(0, None, N_("cannot read {path}: {reason}"),
                                 {"path": str(p), "reason": exc.strerror or type(exc).__name__})]
    try:
        table = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
        header_line, header = next(table, (1, None))
    except _Unreadable as exc:
        return {}, [], [exc.error]
    if header is None or all(_blank(c) for c in header):
        return {}, [], [RowError(0, None, N_("the file is empty"))]
    columns, errors = _header(header_line, header)
    width = len(header)
    pick = [columns.get(name, width) for name in COLUMNS]  # index ``width`` is the padding None
    rows: list[Raw] = []
    pad = [None] * (width + 1)
    is_csv = suffix == ".csv"
    try:
        for line, cells in table:
            n = len(cells)
            if not "".join(cells).strip() if is_csv else all(_blank(c) for c in cells):
                continue
            if n > width:
                if not all(_blank(c) for c in cells[width:]):
                    errors.append(RowError(line, None, N_("has {n} values; the header has {m} columns"),
                                           {"n": n, "m": width}))
                    continue
                cells = cells[:width]
            cells = [*cells, *pad[n:]]
            rows.append((line, *[cells[i] for i in pick]))  # type: ignore[arg-type]
    except _Unreadable as exc:
        errors.append(exc.error)
    if not rows and not errors:
        errors.append(RowError(0, None, N_("the file has no measurements (only a header)")))
    names = {name: str(header[i]).strip() for name, i in columns.items()}
    return names, rows, errors


class _Unreadable(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header(line: int, header: Sequence[Any]) -> tuple[dict[str, int], list[RowError]]:
    columns: dict[str, int] = {}
    errors = []
    for i, cell in enumerate(header):
        written = "" if cell is None else str(cell).strip()
        if not written:
            continue
        name = ALIASES.get(written.casefold(), written.casefold())
        if name not in COLUMNS:
            errors.append(RowError(line, written, N_("unknown column; the columns are indicator, period, value, note and evidence")))
        elif name in columns:
            errors.append(RowError(line, written, N_("the column appears twice")))
        else:
            columns[name] = i
    for name in REQUIRED:
        if name not in columns:
            errors.append(RowError(line, None, N_("missing column {column}"), {"column": name}))
    return columns, errors


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what Excel writes as "CSV" on Spanish Windows
    except UnicodeDecodeError:
        raise _Unreadable(RowError(0, None, N_("the file is not UTF-8 text"))) from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    content = _decode(data)
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    done = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _Unreadable(RowError(done + 1, None, N_("cannot be read as CSV: {reason}"),
                                       {"reason": str(exc)})) from None
        start, done = done + 1, reader.line_num
        yield start, cells


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file: zip, XML, openpyxl errors alike
        raise _Unreadable(RowError(0, None, N_("not a readable .xlsx file: {reason}"),
                                   {"reason": " ".join(str(exc).split()) or type(exc).__name__})) from None
    try:
        ws = wb.worksheets[0]
        line = 0
        try:
            for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield line, [_cell(v) for v in row]
        except _Unreadable:
            raise
        except Exception as exc:
            raise _Unreadable(RowError(line + 1, None, N_("not a readable .xlsx file: {reason}"),
                                       {"reason": " ".join(str(exc).split()) or type(exc).__name__})) from None
    finally:
        wb.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# ---------------------------------------------------------------- checking the rows


@dataclass(slots=True)
class _Row:
    line: int
    indicator: Any  # (id, code, frequency) row
    period: Period
    value: float
    note: str | None
    evidence: tuple[Path, str, int, str] | None  # path, sha256, size, as written
    existing: int | None = None


def _number(raw: Any) -> tuple[float | None, str | None]:
    if isinstance(raw, bool):
        return None, N_("must be a number")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        textual = str(raw).strip()
        if "," in textual:
            return None, N_("must be a number (use a point for decimals, no thousands separators)")
        if not _NUMBER.fullmatch(textual):
            return None, N_("must be a number")
        value = float(textual)
    if not math.isfinite(value):
        return None, N_("must be a number")
    return value + 0.0, None  # -0.0 becomes 0.0: databases do not keep the sign of zero


def _text(raw: Any) -> tuple[str | None, str | None]:
    if _blank(raw):
        return None, None
    value = str(raw).rstrip()
    if "\x00" in value:
        return None, N_("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None, N_("is not valid text")
    return value, None


class _Checker:
    """Checks rows chunk by chunk: indicator known, period of the indicator's kind and not in
    the future, value numeric, evidence readable, one row per indicator and period, and an
    existing measurement only with ``replace``. Reads the database once, up front."""

    def __init__(self, session: Session, names: dict[str, str], raws: Sequence[Raw], *,
                 base: Path, today: date, replace: bool) -> None:
        from qms_tui.services.indicators import _period_of

        self.period_of = _period_of
        self.names, self.base, self.today, self.replace = names, base, today, replace
        self.indicators: dict[str, Any] = {}
        self.folded: dict[str, Any] = {}
        for row in session.execute(select(Indicator.id, Indicator.code, Indicator.frequency)):
            self.indicators[row.code] = row
            key = row.code.casefold()
            self.folded[key] = None if key in self.folded else row
        self.existing = self._existing(session, raws)
        self.periods: dict[tuple[Any, ...], tuple[Period | None, list[RowError]]] = {}
        self.values: dict[str, tuple[float | None, str | None]] = {}
        self.evidence: dict[str, tuple[Path, str, int, str] | RowError] = {}
        self.seen: dict[tuple[int, str], int] = {}

    def _indicator(self, raw: Any) -> Any:
        if isinstance(raw, str) and raw in self.indicators:
            return self.indicators[raw]
        code = "" if _blank(raw) else str(raw).strip()
        return self.indicators.get(code) or self.folded.get(code.casefold())

    def _existing(self, session: Session, raws: Sequence[Raw]) -> dict[tuple[int, str], int]:
        """Measurements already stored for the file's indicators and periods (a superset:
        period labels as written, upper-cased — what ``parse_period`` normalises)."""
        ids = sorted({ind.id for ind in map(self._indicator, {r[1] for r in raws}) if ind is not None})
        labels = sorted({str(r[2]).strip().upper() for r in raws if not _blank(r[2])})
        found: dict[tuple[int, str], int] = {}
        if not ids or not labels:
            return found
        step = 20_000  # bound the number of bind parameters of one statement
        for i in range(0, len(labels), step):
            for mid, iid, label in session.execute(
                select(Measurement.id, Measurement.indicator_id, Measurement.period).where(
                    Measurement.indicator_id.in_(ids), Measurement.period.in_(labels[i:i + step]))
            ):
                found[(iid, label)] = mid
        return found

    def check(self, raws: Iterable[Raw]) -> tuple[list[_Row], list[RowError]]:
        rows: list[_Row] = []
        errors: list[RowError] = []
        col = self.names.get
        c_ind, c_period, c_value, c_note = col("indicator"), col("period"), col("value"), col("note")
        for line, raw_ind, raw_period, raw_value, raw_note, raw_evidence in raws:
            problems: list[RowError] = []
            ind = self._indicator(raw_ind)
            if ind is None:
                code = "" if _blank(raw_ind) else str(raw_ind).strip()
                problems.append(RowError(line, c_ind, N_("no record with code {code}"), {"code": code})
                                if code else RowError(line, c_ind, N_("is required")))
            p = None
            if ind is not None:
                key = (type(raw_period), raw_period, ind.frequency)
                found = self.periods.get(key)
                if found is None:
                    label = "" if _blank(raw_period) else str(raw_period)
                    p, failed = self.period_of(label or None, ind.frequency, self.today)
                    found = self.periods[key] = (None if failed else p,
                                                 [RowError(0, c_period, e.message, e.params) for e in failed])
                p, failed = found
                if failed:
                    problems.extend(RowError(line, e.column, e.message, e.params) for e in failed)
            number = self.values.get(raw_value) if type(raw_value) is str else None
            if number is None:
                number = (None, N_("is required")) if _blank(raw_value) else _number(raw_value)
                if type(raw_value) is str and len(self.values) < 100_000:
                    self.values[raw_value] = number
            value, problem = number
            if problem:
                problems.append(RowError(line, c_value, problem))
            note = None
            if raw_note is not None and raw_note != "":
                note, problem = _text(raw_note)
                if problem:
                    problems.append(RowError(line, c_note, problem))
            ev = None
            if not _blank(raw_evidence):
                ev = self._evidence(line, str(raw_evidence).strip(), problems)
            if problems:
                errors.extend(problems)
                continue
            assert ind is not None and p is not None
            first = self.seen.setdefault((ind.id, p.label), line)
            if first != line:
                errors.append(RowError(line, c_period, N_("the file already has {indicator} {period} on line {first}"),
                                       {"indicator": ind.code, "period": p.label, "first": first}))
                continue
            existing = self.existing.get((ind.id, p.label))
            if existing is not None and not self.replace:
                errors.append(RowError(line, c_period, N_("a measurement for {period} already exists; use replace"),
                                       {"period": p.label}))
                continue
            rows.append(_Row(line, ind, p, value, note, ev, existing))  # type: ignore[arg-type]
        return rows, errors

    def _evidence(self, line: int, written: str, problems: list[RowError]) -> tuple[Path, str, int, str] | None:
        if written not in self.evidence:
            self.evidence[written] = _evidence_file(self.base, written, line, self.names.get("evidence"))
        got = self.evidence[written]
        if isinstance(got, RowError):
            problems.append(RowError(line, got.column, got.message, got.params))
            return None
        return got


def _evidence_file(base: Path, written: str, line: int, column: str | None) -> tuple[Path, str, int, str] | RowError:
    from qms_tui.services.documents import MAX_EVIDENCE_BYTES

    try:
        p = Path(written).expanduser()
        p = p if p.is_absolute() else base / p
        size = p.stat().st_size
        if size > MAX_EVIDENCE_BYTES:
            return RowError(line, column, N_("is larger than {n} MB"), {"n": MAX_EVIDENCE_BYTES // 2**20})
        content = p.read_bytes()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return RowError(line, column, N_("cannot be read: {path} ({reason})"), {"path": written, "reason": reason})
    if not content:
        return RowError(line, column, N_("is empty"))
    return p, hashlib.sha256(content).hexdigest(), len(content), written


# ---------------------------------------------------------------- the service


def import_measurements(
    tx: Tx,
    actor: Actor,
    path: str | Path,
    *,
    replace: bool = False,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportReport:
    """Check the whole file, then write it in one transaction (nothing with ``dry_run``).

    Raises :class:`ImportRefused` listing every bad row when any row is bad. New rows
    without evidence are written while the rest of the file is checked (rolled back if
    a later row is bad); rows with evidence files and replacements are written after."""
    authorize(actor, "measurement", "create")
    p = Path(path).expanduser()
    names, raws, errors = read_file(p)
    if errors:
        raise ImportRefused(errors)
    today = today or date.today()
    with (reading if dry_run else writing)(tx) as s:
        checker = _Checker(s, names, raws, base=p.resolve().parent, today=today, replace=replace)
        writer = None if dry_run else BulkWriter(s, actor, capacity=len(raws))
        preview: list[_Row] = []
        later: list[_Row] = []
        count = replaced = 0
        try:
            for at in range(0, len(raws), CHUNK):
                rows, bad = checker.check(raws[at:at + CHUNK])
                errors.extend(bad)
                count += len(rows)
                preview.extend(rows[:PREVIEW_ROWS - len(preview)])
                plain = [r for r in rows if r.evidence is None and r.existing is None]
                later.extend(r for r in rows if r.evidence is not None or r.existing is not None)
                replaced += sum(1 for r in rows if r.existing is not None)
                if writer is not None and not errors and plain:
                    writer.add(plain)
            if errors:
                raise ImportRefused(errors)
            ids: tuple[int, ...] = ()
            if writer is not None:
                writer.close()
                if later:
                    _write_later(s, actor, writer, later, today)
                ids = writer.ids
                hook = getattr(_indicators(), "after_measurements", None)
                if hook is not None and ids:
                    # replacements went through record_measurement
                    hook(s, actor, list(ids), known=writer.written)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
    files = {r.evidence[0] for r in later if r.evidence is not None}
    return ImportReport(
        str(p), count, count - replaced, replaced, len(files),
        tuple(PreviewRow(r.line, r.indicator.code, r.period.label, r.value, r.note,
                         r.evidence[3] if r.evidence else None, r.existing is not None) for r in preview),
        dry_run, ids)


def _indicators() -> Any:
    from qms_tui.services import indicators

    return indicators


def _write_later(session: Session, actor: Actor, writer: BulkWriter, rows: list[_Row], today: date) -> None:
    """Evidence files (through the evidence service), new rows that cite them (in bulk),
    replacements (through ``record_measurement``, the normal update path)."""
    from qms_tui.services.documents import add_evidence

    evidence: dict[Path, Any] = {}
    for r in rows:
        if r.evidence is None or r.evidence[0] in evidence:
            continue
        path, sha, _size, written = r.evidence
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ImportRefused([RowError(r.line, "evidence", N_("cannot be read: {path} ({reason})"),
                                          {"path": written, "reason": exc.strerror or type(exc).__name__})]) from None
        if hashlib.sha256(content).hexdigest() != sha:
            raise ImportRefused([RowError(r.line, "evidence", N_("the file changed while it was being imported"))])
        data = {"title": path.name[:200], "effective_date": min(r.period.end, today)}
        evidence[path] = add_evidence(session, actor, data, content, path.name)
    new = [r for r in rows if r.existing is None]
    if new:
        writer.add(new, {p: e.id for p, e in evidence.items()})
        writer.close()
    for r in rows:
        if r.existing is not None:
            ev = evidence[r.evidence[0]].code if r.evidence is not None else None
            _indicators().record_measurement(session, actor, r.indicator.code, r.period, r.value, r.note, ev,
                                             replace=True, today=today)
