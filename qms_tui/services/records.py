"""Generic record operations every aggregate service builds on.

``create``/``update``/``transition`` validate against :mod:`qms_tui.domain.specs`, resolve
references given as codes, assign human codes, keep clause links, bump the version and
append the trail event — all in the caller's write transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, make_dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, literal_column, or_, select
from sqlmodel import Session, SQLModel

from qms_tui.db.models import MODELS, Clause, CodeSequence, Record, RecordClause, utcnow
from qms_tui.domain import clock
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import ConcurrencyError, FieldError, NotFound, ValidationError
from qms_tui.domain.fields import parse_all
from qms_tui.domain.permissions import authorize, authorize_values
from qms_tui.domain.specs import SPECS, EntitySpec
from qms_tui.services import trail

# ---------------------------------------------------------------- DTOs


_DTO_TYPES: dict[str, type] = {}


def dto_type(entity: str) -> type:
    """A frozen dataclass with the model's columns plus ``clauses`` (cached per entity)."""
    if entity not in _DTO_TYPES:
        model = MODELS[entity]
        cols = [(c.key, Any, field(default=None)) for c in model.__table__.columns]  # type: ignore[attr-defined]
        cols.append(("clauses", tuple, field(default=())))
        name = "".join(p.capitalize() for p in entity.split("_")) + "DTO"
        _DTO_TYPES[entity] = make_dataclass(name, cols, frozen=True)
    return _DTO_TYPES[entity]


HIDDEN = {"password_hash"}  # never leaves the service layer


def to_dto(entity: str, obj: SQLModel, clauses: tuple[str, ...] = ()) -> Any:
    data = {c.key: None if c.key in HIDDEN else getattr(obj, c.key)
            for c in obj.__table__.columns}  # type: ignore[attr-defined]
    return dto_type(entity)(**data, clauses=clauses)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    offset: int
    limit: int
    exact: bool = True  # False: at least ``total`` rows match (the count stopped at a cap)


# ---------------------------------------------------------------- lookups


def model_of(entity: str) -> type[Record]:
    return MODELS[entity]


def get_row(session: Session, entity: str, key: str | int, *, lock: bool = False) -> Any:
    """The row by code (or id); raises NotFound naming the entity."""
    model = MODELS[entity]
    stmt = select(model)
    if isinstance(key, int):
        stmt = stmt.where(model.id == key)
    else:
        stmt = stmt.where(model.code == str(key).strip())
    if lock and session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    obj = session.execute(stmt).scalar_one_or_none()
    if obj is None:
        raise NotFound(SPECS[entity].title, str(key))
    return obj


def get(session: Session, entity: str, key: str | int) -> Any:
    obj = get_row(session, entity, key)
    return to_dto(entity, obj, clauses_of(session, entity, obj.id))


def code_of(session: Session, entity: str, record_id: int | None) -> str | None:
    if record_id is None:
        return None
    model = MODELS[entity]
    return session.execute(select(model.code).where(model.id == record_id)).scalar_one_or_none()


def clauses_of(session: Session, entity: str, record_id: int) -> tuple[str, ...]:
    rows = session.execute(
        select(RecordClause.clause).where(
            RecordClause.entity == entity, RecordClause.record_id == record_id
        )
    ).scalars()
    return tuple(sorted(rows, key=lambda n: tuple(int(p) for p in n.split("."))))


def clause_exists(session: Session):  # type: ignore[no-untyped-def]
    known = set(session.execute(select(Clause.number)).scalars())
    return lambda number: number in known


# ---------------------------------------------------------------- codes


def next_code(session: Session, spec: EntitySpec, year: int | None = None) -> str:
    scheme = spec.code
    if scheme.yearly and year is None:
        year = clock.today().year
    key = scheme.key(year)
    model = MODELS[spec.name]
    seq = session.get(CodeSequence, key)
    if seq is None:
        seq = CodeSequence(key=key, last=0)
        session.add(seq)
    while True:
        seq.last += 1
        code = scheme.format(seq.last, year)
        taken = session.execute(select(model.id).where(model.code == code)).first()
        if not taken:
            return code


# ---------------------------------------------------------------- validation


def validate(
    session: Session,
    spec: EntitySpec,
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Parse, check and resolve references. Returns column values (``owner_id`` …) plus
    ``clauses`` when given. Raises ValidationError with every problem found."""
    values, errors = parse_all(spec.fields, data, partial=partial, clause_known=clause_exists(session))
    merged = {**(current or {}), **values}
    if not errors:
        for check in spec.checks:
            errors.extend(check(merged))
    columns: dict[str, Any] = {}
    for f in spec.fields:
        if f.name not in values:
            continue
        value = values[f.name]
        if f.kind == "ref" and value is not None:
            target = MODELS[f.ref]  # type: ignore[index]
            cond = target.id == value if isinstance(value, int) else target.code == value
            rid = session.execute(select(target.id).where(cond)).scalar_one_or_none()
            if rid is None:
                errors.append(FieldError(f.name, N_("no record with code {code}"), {"code": value}))
                continue
            value = rid
        columns[f.column] = value
    model = MODELS[spec.name]
    for f in spec.fields:
        if f.kind != "clauses" and f.name in values and values[f.name] is None and not _nullable(model, f.column):
            if partial:  # blanking a column that cannot be empty
                errors.append(FieldError(f.name, N_("is required")))
            else:  # left blank on create: the column's default applies
                columns.pop(f.column, None)
    if errors:
        raise ValidationError(errors)
    return columns


def _nullable(model: type[SQLModel], column: str) -> bool:
    col = model.__table__.columns.get(column)  # type: ignore[attr-defined]
    return col is None or bool(col.nullable)


def current_values(spec: EntitySpec, obj: SQLModel) -> dict[str, Any]:
    """The row's values keyed by field name (for cross-field checks on updates)."""
    out = {}
    for f in spec.fields:
        if f.kind != "clauses" and hasattr(obj, f.column):
            out[f.name] = getattr(obj, f.column)
    return out


# ---------------------------------------------------------------- writes


def create(
    session: Session,
    actor: Actor,
    entity: str,
    data: Mapping[str, Any],
    *,
    extra: Mapping[str, Any] | None = None,
    summary: str | None = None,
) -> Any:
    """Validate ``data`` and insert one record with its trail event. ``extra`` sets
    columns that are not inputs (status, computed fields) and is not validated here."""
    authorize(actor, entity, "create")
    spec = SPECS[entity]
    columns = validate(session, spec, data)
    authorize_values(actor, entity, {**columns, **(extra or {})})
    clauses = columns.pop("clauses", None) or []
    code = columns.pop("code", None) if "code" in columns else None
    if code:
        if session.execute(select(MODELS[entity].id).where(MODELS[entity].code == code)).first():
            raise ValidationError([FieldError("code", N_("{code} is already in use"), {"code": code})])
    else:
        year = None
        if spec.code.yearly:
            src = columns.get(spec.code.year_field) if spec.code.year_field else None
            year = src if isinstance(src, int) else (src.year if isinstance(src, date) else None)
        code = next_code(session, spec, year)
    obj = MODELS[entity](**{**columns, **(extra or {})}, code=code)
    session.add(obj)
    trail.append(session, actor, TrailAction.CREATE, entity, obj, None, summary=summary)
    _set_clauses(session, actor, entity, obj.id, clauses)
    return to_dto(entity, obj, tuple(clauses))


def update(
    session: Session,
    actor: Actor,
    entity: str,
    key: str | int,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    extra: Mapping[str, Any] | None = None,
    summary: str | None = None,
) -> Any:
    """Validate and apply ``changes`` (field names as in the spec)."""
    authorize(actor, entity, "update")
    spec = SPECS[entity]
    obj = get_row(session, entity, key, lock=True)
    check_version(session, entity, obj, expected_version)
    columns = validate(session, spec, changes, partial=True, current=current_values(spec, obj))
    authorize_values(actor, entity, {**columns, **(extra or {})}, current_values(spec, obj))
    clauses = columns.pop("clauses", None)
    if "code" in columns:
        new = columns.pop("code")
        if new and new != obj.code:
            model = MODELS[entity]
            if session.execute(select(model.id).where(model.code == new)).first():
                raise ValidationError([FieldError("code", N_("{code} is already in use"), {"code": new})])
            columns["code"] = new
    return apply(session, actor, entity, obj, {**columns, **(extra or {})},
                 TrailAction.UPDATE, summary=summary, clauses=clauses)


def apply(
    session: Session,
    actor: Actor,
    entity: str,
    obj: Any,
    columns: Mapping[str, Any],
    action: str,
    *,
    summary: str | None = None,
    clauses: list[str] | None = None,
) -> Any:
    """Write already-validated column values, bump the version, append the trail event."""
    before = trail.snapshot(obj)
    for name, value in columns.items():
        setattr(obj, name, value)
    obj.version = (obj.version or 0) + 1
    obj.updated_at = utcnow()
    session.add(obj)
    trail.append(session, actor, action, entity, obj, before, summary=summary)
    if clauses is not None:
        _set_clauses(session, actor, entity, obj.id, clauses)
        return to_dto(entity, obj, tuple(clauses))
    return to_dto(entity, obj, clauses_of(session, entity, obj.id))


def transition(
    session: Session,
    actor: Actor,
    entity: str,
    obj: Any,
    status_field: str,
    target: str,
    columns: Mapping[str, Any] | None = None,
    *,
    summary: str | None = None,
) -> Any:
    """Change a record's state (the lifecycle check is the caller's) with its trail event."""
    authorize(actor, entity, "transition")
    return apply(session, actor, entity, obj, {**(columns or {}), status_field: target},
                 TrailAction.TRANSITION, summary=summary or f"{getattr(obj, status_field)} → {target}")


def remove(session: Session, actor: Actor, entity: str, key: str | int, expected_version: int | None = None) -> None:
    """Delete one record (only where the aggregate allows it), with its trail event."""
    authorize(actor, entity, "delete")
    obj = get_row(session, entity, key, lock=True)
    check_version(session, entity, obj, expected_version)
    _set_clauses(session, actor, entity, obj.id, [])
    session.delete(obj)
    trail.append(session, actor, TrailAction.DELETE, entity, obj, trail.snapshot(obj), deleted=True)


def check_version(session: Session, entity: str, obj: Any, expected: int | None) -> None:
    if expected is None or obj.version == expected:
        return
    from qms_tui.db.models import TrailEvent

    events = session.execute(
        select(TrailEvent).where(TrailEvent.entity == entity, TrailEvent.record_id == obj.id)
        .order_by(TrailEvent.seq)
    ).scalars().all()
    changes = []
    import json

    for ev in events:
        if not ev.after:
            continue
        after = json.loads(ev.after)
        if after.get("version", 0) <= expected:
            continue
        before = json.loads(ev.before) if ev.before else {}
        fields = [k for k in after if k not in ("version", "updated_at") and after.get(k) != before.get(k)]
        when = ev.at.strftime("%Y-%m-%d %H:%M")
        changes.append(f"{ev.actor} {when}: {', '.join(fields) or ev.action}")
    raise ConcurrencyError(obj.code, changes)


def _set_clauses(session: Session, actor: Actor, entity: str, record_id: int, clauses: list[str]) -> None:
    existing = {
        rc.clause: rc
        for rc in session.execute(
            select(RecordClause).where(RecordClause.entity == entity, RecordClause.record_id == record_id)
        ).scalars()
    }
    wanted = set(clauses)
    for number, rc in existing.items():
        if number not in wanted:
            session.delete(rc)
            trail.append(session, actor, TrailAction.DELETE, "record_clause", rc, trail.snapshot(rc), deleted=True)
    for number in sorted(wanted - set(existing)):
        rc = RecordClause(entity=entity, record_id=record_id, clause=number)
        session.add(rc)
        trail.append(session, actor, TrailAction.CREATE, "record_clause", rc, None)


# ---------------------------------------------------------------- lists


def list_page(
    session: Session,
    entity: str,
    *,
    text: str | None = None,
    where: Mapping[str, Any] | None = None,
    order: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
    count_cap: int | None = None,
) -> Page:
    """One page of records: filtered by text (code and summary field), exact ``where``
    column values, ordered by a column; never reads more than ``limit`` rows.
    ``count_cap``: see :func:`page_total`."""
    model = MODELS[entity]
    spec = SPECS[entity]
    conds = []
    if text and text.strip():
        cols = [model.code]
        if hasattr(model, spec.summary):
            cols.append(getattr(model, spec.summary))
        conds.append(or_(*[contains_text(session, c, text) for c in cols]))
    for name, value in (where or {}).items():
        col = getattr(model, name)
        conds.append(col.in_(value) if isinstance(value, list | tuple | set) else col == value)
    col = getattr(model, order or "id")
    stmt = (select(model).where(*conds).order_by(col.desc() if descending else col, model.id)
            .offset(offset).limit(limit))
    rows = [to_dto(entity, o) for o in session.execute(stmt).scalars()]
    total, exact = page_total(session, model, conds, len(rows), offset, limit, count_cap)
    return Page(rows, total, offset, limit, exact)


# ---------------------------------------------------------------- list helpers (shared by the lists)


def contains_text(session: Session, column: Any, text: str) -> Any:
    """``column`` contains ``text``, ignoring case; ``%``, ``_`` and ``\\`` match themselves.

    SQLite: ``column LIKE '%text%'`` — its LIKE already ignores ASCII case and its lower()
    only knows ASCII, so the matches are those of ``lower(column) LIKE``, without a function
    call per row (3x faster over 300,000 rows). Other databases: ``ILIKE``."""
    plain = text.strip().lower()
    needle = plain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{needle}%"
    if session.get_bind().dialect.name == "sqlite":
        # without an ESCAPE clause when nothing needs escaping: 10 % less per row scanned
        return column.like(pattern) if needle == plain else column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def page_total(
    session: Session,
    source: Any,
    conds: list[Any],
    got: int,
    offset: int,
    limit: int,
    cap: int | None = None,
) -> tuple[int, bool]:
    """How many rows match, for the status line: ``(total, exact)``.

    A page shorter than ``limit`` tells it without a query. Otherwise ``count(*)``, or with
    ``cap`` a count that stops after ``max(cap, offset + limit + 1)`` rows (``exact`` False
    when it got there): a filter that matches most of 300,000 rows is not counted to the end
    on every keystroke."""
    if got < limit and (got or offset == 0):
        return offset + got, True
    if cap is None:
        return session.execute(select(func.count()).select_from(source).where(*conds)).scalar_one(), True
    cap = max(cap, offset + limit + 1)
    first = select(literal_column("1").label("one")).select_from(source).where(*conds).limit(cap).subquery()
    n = session.execute(select(func.count()).select_from(first)).scalar_one()
    return n, n < cap


def delete_clause_links(session: Session, entity: str, record_id: int) -> None:
    session.execute(delete(RecordClause).where(RecordClause.entity == entity, RecordClause.record_id == record_id))
