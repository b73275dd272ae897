"""Full backup and restore: every table, the audit trail included, as one JSON document.

The document (``format`` "qms-tui-export", ``format_version`` 1) is a function of the data
only: tables and keys sorted, rows in primary-key order, one row per line, no timestamp of
the export itself — so exporting a restored database gives the same file, byte for byte.
Values are JSON-safe: dates and timestamps ISO 8601 (timestamps in UTC with their offset),
bytes (evidence file contents) base64. ``export_schema.json`` (shipped beside this module)
is the JSON Schema of the format; ``python -m qms_tui.services.backup schema`` prints it
from the models.

A restore goes into an empty database (its clause catalogue is replaced by the file's), in
one transaction, tables in foreign-key order; PostgreSQL's sequences are moved past the
restored ids; the restored trail must verify, or nothing is restored. It appends no trail
event: the restored trail is the original one, unchanged.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    func,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel

import qms_tui.db.models  # noqa: F401 - registers every table on SQLModel.metadata
from qms_tui import __version__
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.services import trail
from qms_tui.services.schema_check import validate
from qms_tui.services.tx import Tx, reading, writing

FORMAT = "qms-tui-export"
FORMAT_VERSION = 1
EXCLUDED = frozenset({"alembic_version", "apscheduler_jobs"})
CATALOGUE = frozenset({"clause"})  # written by `qms init`: replaced by the file's on restore
SCHEMA_PATH = Path(__file__).with_name("export_schema.json")
BATCH = 2000


class RestoreRefused(QmsError):
    """The file cannot be restored here (newer format, not an export, database not empty…)."""


@dataclass(frozen=True)
class BackupSummary:
    path: str
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def events(self) -> int:
        return self.tables.get("trail_event", 0)


def tables() -> list[Table]:
    """The exported tables in foreign-key order (parents first)."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in EXCLUDED]


# ---------------------------------------------------------------- values


def _kind(column: Any) -> str:
    t = column.type
    impl = getattr(t, "impl", t)
    for cls, name in ((LargeBinary, "bytes"), (DateTime, "datetime"), (Date, "date"), (Boolean, "boolean"),
                      (Float, "number"), (Integer, "integer"), (String, "string")):
        if isinstance(t, cls) or isinstance(impl, cls):
            return name
    raise TypeError(f"{column.table.name}.{column.name}: no JSON form for {t!r}")


def _to_json(kind: str) -> Callable[[Any], Any]:
    if kind == "datetime":
        return lambda v: v.isoformat()
    if kind == "date":
        return lambda v: v.isoformat()
    if kind == "bytes":
        return lambda v: base64.b64encode(bytes(v)).decode("ascii")
    if kind == "number":
        return float
    if kind == "boolean":
        return bool
    return lambda v: v


def _from_json(kind: str) -> Callable[[Any], Any]:
    if kind == "datetime":
        return datetime.fromisoformat
    if kind == "date":
        return date.fromisoformat
    if kind == "bytes":
        return lambda v: base64.b64decode(v, validate=True)
    if kind == "number":
        return float
    return lambda v: v


def _sort_in_python(table: Table) -> bool:
    """Text keys are ordered by code point here: databases collate them differently."""
    return any(_kind(c) != "integer" for c in table.primary_key.columns)


# ---------------------------------------------------------------- export


def export_all(tx: Tx, path: str | Path) -> BackupSummary:
    """Write every table to ``path`` (a temporary file renamed at the end: a failed
    export leaves no partial file)."""
    target = Path(path).expanduser()
    counts: dict[str, int] = {}
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out, reading(tx) as s:
            if not isinstance(tx, Session) and s.get_bind().dialect.name == "postgresql":
                s.connection(execution_options={"isolation_level": "REPEATABLE READ"})  # one snapshot
            head = {"app_version": __version__, "format": FORMAT, "format_version": FORMAT_VERSION}
            out.write(_dumps(head)[:-1] + ',"tables":{')
            for i, table in enumerate(sorted(tables(), key=lambda t: t.name)):
                out.write(("," if i else "") + "\n" + _dumps(table.name) + ":[")
                n = 0
                for row in _rows(s, table):
                    out.write(("," if n else "") + "\n" + _dumps(row))
                    n += 1
                out.write("\n]" if n else "]")
                counts[table.name] = n
            out.write("\n}}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return BackupSummary(str(target), counts)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _rows(session: Session, table: Table) -> Iterator[dict[str, Any]]:
    cols = list(table.columns)
    conv = [(c.key, _to_json(_kind(c))) for c in cols]
    stmt = select(*cols).order_by(*table.primary_key.columns)
    result = session.connection().execution_options(yield_per=BATCH).execute(stmt)
    rows: Iterator[Any] = iter(result)
    if _sort_in_python(table):
        pk = [cols.index(c) for c in table.primary_key.columns]
        rows = iter(sorted(result, key=lambda r: tuple(r[i] for i in pk)))
    for row in rows:
        yield {key: None if v is None else f(v) for (key, f), v in zip(conv, row, strict=True)}


# ---------------------------------------------------------------- restore


def read_export(path: str | Path) -> Any:
    """The export document in ``path``, checked (RestoreRefused says why not)."""
    doc = _load(Path(path).expanduser())
    check_document(doc)
    return doc


def restore_all(tx: Tx, path: str | Path, *, document: Any = None) -> BackupSummary:
    """Load an export into an empty database, all or nothing (``document``: the file's
    content already read with :func:`read_export`)."""
    source = Path(path).expanduser()
    doc = document if document is not None else read_export(source)
    counts: dict[str, int] = {}
    with writing(tx) as s:
        _require_empty(s)
        conn = s.connection()
        for name in CATALOGUE:
            conn.execute(SQLModel.metadata.tables[name].delete())
        try:
            for table in tables():
                rows = doc["tables"].get(table.name, [])
                counts[table.name] = len(rows)
                _insert(s, table, rows)
            _reset_sequences(s)
        except DBAPIError as exc:
            reason = " ".join(str(getattr(exc, "orig", exc)).split())
            raise RestoreRefused(N_("the file's data does not fit this database: {reason}; nothing was restored"),
                                 reason=reason) from None
        problems = trail.verify(s)
        if problems:
            first = problems[0]
            raise RestoreRefused(N_("the file's audit trail does not verify ({n} problems; first: {entity} {code}: "
                                    "{detail}); nothing was restored"), n=len(problems), entity=first.entity,
                                 code=first.code or f"#{first.record_id}", detail=first.detail)
    return BackupSummary(str(source), counts)


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            return json.load(fh)
    except OSError as exc:
        raise RestoreRefused(N_("cannot read {path}: {reason}"), path=str(path),
                             reason=exc.strerror or type(exc).__name__) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8
        raise RestoreRefused(N_("{path} is not a qms-tui export (not JSON: {reason})"), path=str(path),
                             reason=" ".join(str(exc).split())[:200]) from None


def check_document(doc: Any) -> None:
    """Refuse what is not an export of a format this version reads, then check the
    document against the JSON Schema."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RestoreRefused(N_("this file is not a qms-tui export"))
    version = doc.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise RestoreRefused(N_("this file was written by a newer qms-tui (format {n}); upgrade qms-tui"), n=version)
    errors = validate(doc, load_schema())
    if errors:
        shown = "; ".join(errors[:5]) + (f"; … (+{len(errors) - 5})" if len(errors) > 5 else "")
        raise RestoreRefused(N_("the file does not match the export format: {errors}"), errors=shown)


def _require_empty(session: Session) -> None:
    for table in tables():
        if table.name in CATALOGUE:
            continue
        n = session.execute(select(func.count()).select_from(table)).scalar_one()
        if n:
            raise RestoreRefused(N_("the database is not empty ({table} has {n} rows): restore only into a new, "
                                    "empty database (`qms init` creates one)"), table=table.name, n=n)


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    conv = {c.key: _from_json(_kind(c)) for c in table.columns}
    # a reference to the same table (org unit → parent unit) is set once every row is in
    self_refs = [c.key for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
    pk = [c.key for c in table.primary_key.columns]
    values, later = [], []
    for i, row in enumerate(rows):
        try:
            item = {k: None if v is None else conv[k](v) for k, v in row.items()}
        except (ValueError, TypeError) as exc:
            raise RestoreRefused(N_("{table} row {n}: {reason}"), table=table.name, n=i + 1,
                                 reason=" ".join(str(exc).split())) from None
        for k in self_refs:
            if item[k] is not None:
                later.append({"_pk": [item[c] for c in pk], "_col": k, "_val": item[k]})
                item[k] = None
        values.append(item)
    conn = session.connection()
    for at in range(0, len(values), BATCH):
        conn.execute(table.insert(), values[at:at + BATCH])
    for upd in later:
        cond = [table.c[c] == v for c, v in zip(pk, upd["_pk"], strict=True)]
        conn.execute(table.update().where(*cond).values({upd["_col"]: upd["_val"]}))


def _reset_sequences(session: Session) -> None:
    """PostgreSQL: move each table's id sequence past the restored ids."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        cols = list(table.primary_key.columns)
        if len(cols) != 1 or _kind(cols[0]) != "integer":
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": cols[0].name}).scalar()
        if not seq:
            continue
        top = conn.execute(select(func.max(cols[0]))).scalar()
        conn.execute(text("SELECT setval(CAST(:s AS regclass), :v, :called)"),
                     {"s": seq, "v": top or 1, "called": top is not None})


# ---------------------------------------------------------------- the JSON Schema


def build_schema() -> dict[str, Any]:
    """The JSON Schema of the export format, from the models."""
    defs: dict[str, Any] = {}
    for table in sorted(tables(), key=lambda t: t.name):
        props = {}
        for c in table.columns:
            props[c.key] = _column_schema(c)
        defs[table.name] = {"type": "object", "properties": props, "required": sorted(props),
                            "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:qms-tui:export:1",
        "title": "qms-tui export (format 1)",
        "description": "Every table of a qms-tui database; rows in primary-key order.",
        "type": "object",
        "required": ["app_version", "format", "format_version", "tables"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "format_version": {"const": FORMAT_VERSION},
            "app_version": {"type": "string"},
            "tables": {
                "type": "object",
                "additionalProperties": False,
                "properties": {name: {"type": "array", "items": {"$ref": f"#/$defs/{name}"}} for name in defs},
            },
        },
        "$defs": defs,
    }


_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
_BASE64 = "^[A-Za-z0-9+/]*={0,2}$"


def _column_schema(column: Any) -> dict[str, Any]:
    kind = _kind(column)
    out: dict[str, Any]
    if kind == "datetime":
        out = {"type": "string", "format": "date-time", "pattern": _DATETIME}
    elif kind == "date":
        out = {"type": "string", "format": "date", "pattern": _DATE}
    elif kind == "bytes":
        out = {"type": "string", "contentEncoding": "base64", "pattern": _BASE64}
    elif kind == "string":
        out = {"type": "string"}
        length = getattr(getattr(column.type, "impl", column.type), "length", None) or getattr(column.type, "length", None)
        if length:
            out["maxLength"] = length
    else:
        out = {"type": kind}
    if column.nullable:
        out["type"] = [out["type"], "null"]
    return out


_SCHEMA: dict[str, Any] | None = None


def load_schema() -> dict[str, Any]:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _SCHEMA


if __name__ == "__main__":  # python -m qms_tui.services.backup schema > qms_tui/services/export_schema.json
    if sys.argv[1:] != ["schema"]:
        sys.exit("usage: python -m qms_tui.services.backup schema")
    sys.stdout.write(json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
