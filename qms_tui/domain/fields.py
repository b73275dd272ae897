"""Input fields: how a typed value is parsed and validated, with errors naming the field.

Front ends send strings (forms, CSV) or Python values (services, demo data); both parse here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qms_tui.domain.enums import N_, Choice
from qms_tui.domain.errors import FieldError

KINDS = ("text", "longtext", "int", "float", "date", "bool", "choice", "ref", "clauses")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Field:
    """One input of an entity. ``ref`` fields take the referenced record's code and are
    stored in the ``<name>_id`` column; ``clauses`` take clause numbers ("4.1, 8.5.1")."""

    name: str
    kind: str = "text"
    required: bool = False
    choices: type[Choice] | None = None
    ref: str | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    help: str = ""
    default: Any = None  # what a new form starts with (the model's default for the column)

    @property
    def column(self) -> str:
        return f"{self.name}_id" if self.kind == "ref" else self.name


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_date(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if not _DATE.match(text):
        raise ValueError(N_("must be a date like 2025-03-14"))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(N_("is not a real calendar date")) from None


def parse_clauses(raw: Any, known: Callable[[str], bool]) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else re.split(r"[,;\s]+", str(raw))
    numbers = [str(x).strip() for x in items if str(x).strip()]
    unknown = [n for n in numbers if not known(n)]
    if unknown:
        raise ValueError(N_("unknown clause {clauses}"))
    return sorted(set(numbers), key=lambda n: tuple(int(p) for p in n.split(".")))


def parse(field: Field, raw: Any, clause_known: Callable[[str], bool] | None = None) -> Any:
    """Parse one raw value; raises ``FieldError`` naming the field."""
    if is_blank(raw) or (field.kind == "clauses" and raw == []):
        if field.required:
            return _fail(field, N_("is required"))
        return [] if field.kind == "clauses" else None
    try:
        value = _parse(field, raw, clause_known)
    except ValueError as exc:
        params = {"clauses": raw} if field.kind == "clauses" else {}
        return _fail(field, str(exc), **params)
    if field.kind in ("int", "float"):
        if field.min is not None and value < field.min:
            return _fail(field, N_("must be at least {min}"), min=_num(field.min))
        if field.max is not None and value > field.max:
            return _fail(field, N_("must be at most {max}"), max=_num(field.max))
    if field.kind in ("text", "longtext") and field.max_length and len(value) > field.max_length:
        return _fail(field, N_("is longer than {n} characters"), n=field.max_length)
    return value


def _parse(field: Field, raw: Any, clause_known: Callable[[str], bool] | None) -> Any:
    kind = field.kind
    if kind in ("text", "longtext", "ref"):
        if isinstance(raw, int) and kind == "ref":
            return raw
        return str(raw).strip() if kind != "longtext" else str(raw).rstrip()
    if kind == "int":
        if isinstance(raw, bool):
            raise ValueError(N_("must be a whole number"))
        try:
            return int(str(raw).strip())
        except ValueError:
            raise ValueError(N_("must be a whole number")) from None
    if kind == "float":
        if isinstance(raw, bool):
            raise ValueError(N_("must be a number"))
        try:
            value = float(str(raw).strip().replace(",", "")) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise ValueError(N_("must be a number")) from None
        if not math.isfinite(value):
            raise ValueError(N_("must be a number"))
        return value + 0.0  # -0.0 → 0.0: SQLite drops the sign, which would break trail verification
    if kind == "date":
        return parse_date(raw)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "si", "sí", "s", "y", "x"):
            return True
        if text in ("0", "false", "no", "n", ""):
            return False
        raise ValueError(N_("must be yes or no"))
    if kind == "choice":
        assert field.choices is not None
        text = str(raw).strip()
        for member in field.choices:
            if text in (member.value, member.msgid) or text.lower() == member.label().lower():
                return member.value
        raise ValueError(N_("must be one of: {options}"))
    if kind == "clauses":
        return parse_clauses(raw, clause_known or (lambda _n: True))
    raise ValueError(f"unknown field kind {kind}")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _fail(field: Field, message: str, **params: Any) -> Any:
    if field.kind == "choice" and field.choices is not None and "{options}" in message:
        params["options"] = ", ".join(m.label() for m in field.choices)
    raise _FieldFailure(FieldError(field.name, message, params))


class _FieldFailure(Exception):
    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def parse_all(
    fields: Iterable[Field],
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    clause_known: Callable[[str], bool] | None = None,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Parse every field present in ``data`` (all fields unless ``partial``).

    Returns (values, errors); unknown keys in ``data`` are errors too.
    """
    fields = list(fields)
    by_name = {f.name: f for f in fields}
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key in data:
        if key not in by_name:
            errors.append(FieldError(key, N_("is not a field of this record")))
    for f in fields:
        if partial and f.name not in data:
            continue
        try:
            values[f.name] = parse(f, data.get(f.name), clause_known)
        except _FieldFailure as failure:
            errors.append(failure.error)
    return values, errors
