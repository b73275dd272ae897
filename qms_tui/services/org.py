"""People and organizational units (ISO 9001 5.3, 7.2), plus the small helpers the other
aggregate services share (the acting person, batched DTOs, checks before writing).

A person's ``code`` is their QMS login (mapped to the OS login). DTOs of people never carry
the password hash.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from qms_tui.db.models import MODELS, OrgUnit, Person, RecordClause
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, NotFound, ValidationError
from qms_tui.domain.fields import is_blank, parse_all
from qms_tui.domain.specs import SPECS
from qms_tui.services import records
from qms_tui.services.tx import Tx, reading, writing

Check = Callable[[Mapping[str, Any]], list[FieldError]]

# ---------------------------------------------------------------- shared helpers


def person_id_for_login(session: Session, login: str | None) -> int | None:
    """The id of the person whose code is ``login`` (the acting user), or None."""
    if not login:
        return None
    return session.execute(select(Person.id).where(Person.code == login.strip())).scalar_one_or_none()


def clauses_by_id(session: Session, entity: str, ids: Iterable[int] | Any) -> dict[int, tuple[str, ...]]:
    """Clause numbers of many records in one query. ``ids`` is a list or a select of ids."""
    if isinstance(ids, list | tuple | set) and not ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = session.execute(
        select(RecordClause.record_id, RecordClause.clause).where(
            RecordClause.entity == entity, RecordClause.record_id.in_(ids)
        )
    )
    for rid, number in rows:
        out.setdefault(rid, []).append(number)
    return {rid: tuple(sorted(v, key=lambda n: tuple(int(p) for p in n.split(".")))) for rid, v in out.items()}


def dtos(session: Session, entity: str, objs: Iterable[Any], *, with_clauses: bool = True) -> list[Any]:
    """DTOs of many rows, their clauses read in one query."""
    objs = list(objs)
    cmap = clauses_by_id(session, entity, [o.id for o in objs]) if with_clauses and objs else {}
    return [records.to_dto(entity, o, cmap.get(o.id, ())) for o in objs]


def prevalidate(
    session: Session,
    entity: str,
    data: Mapping[str, Any],
    checks: Iterable[Check],
    *,
    current: Mapping[str, Any] | None = None,
) -> None:
    """Run the spec's validation plus the aggregate's own ``checks`` before anything is
    written, and raise every problem at once (one error per field at most).

    ``current`` (the stored values, for updates) makes the validation partial; the checks
    see the stored values merged with the parsed input."""
    spec = SPECS[entity]
    partial = current is not None
    errors: list[FieldError] = []
    try:
        records.validate(session, spec, data, partial=partial, current=current)
    except ValidationError as exc:
        errors.extend(exc.errors)
    values, _ = parse_all(spec.fields, data, partial=partial, clause_known=lambda _n: True)
    merged = {**(current or {}), **values}
    seen = {e.field for e in errors}
    for check in checks:
        for e in check(merged):
            if e.field not in seen:
                errors.append(e)
                seen.add(e.field)
    if partial:
        errors.extend(_blank_not_nullable(entity, data, seen))
    if errors:
        raise ValidationError(errors)


def _blank_not_nullable(entity: str, data: Mapping[str, Any], seen: set[str]) -> list[FieldError]:
    """Optional inputs whose column has no NULL (``status``, ``applicable`` …) cannot be blanked."""
    table = MODELS[entity].__table__  # type: ignore[attr-defined]
    errors = []
    for f in SPECS[entity].fields:
        if f.name in data and f.name not in seen and is_blank(data[f.name]) and f.kind != "clauses":
            col = table.columns.get(f.column)
            if col is not None and not col.nullable:
                errors.append(FieldError(f.name, N_("is required")))
    return errors


def checked_update(
    tx: Tx,
    actor: Actor,
    entity: str,
    code: str,
    changes: Mapping[str, Any],
    checks: Iterable[Check] = (),
    expected_version: int | None = None,
) -> Any:
    """``records.update`` preceded by :func:`prevalidate` against the stored values."""
    with writing(tx) as s:
        obj = records.get_row(s, entity, code)
        records.check_version(s, entity, obj, expected_version)
        prevalidate(s, entity, changes, checks, current=records.current_values(SPECS[entity], obj))
        return records.update(s, actor, entity, code, changes, expected_version=expected_version)


def code_id(session: Session, entity: str, code: str | None) -> int | None:
    """The id of the record with ``code`` (None if ``code`` is None); NotFound otherwise."""
    if code is None:
        return None
    model = MODELS[entity]
    rid = session.execute(select(model.id).where(model.code == str(code).strip())).scalar_one_or_none()
    if rid is None:
        raise NotFound(SPECS[entity].title, str(code))
    return rid


# ---------------------------------------------------------------- people


def _public(dto: Any) -> Any:
    return dataclasses.replace(dto, password_hash=None) if getattr(dto, "password_hash", None) else dto


def create_person(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """Register a person; ``code`` is their login (admins and coordinators only)."""
    with writing(tx) as s:
        return _public(records.create(s, actor, "person", data))


def update_person(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    return _public(checked_update(tx, actor, "person", code, changes, expected_version=expected_version))


def person_by_login(tx: Tx, login: str) -> Any | None:
    """The person whose code is ``login``, or None."""
    if not login or not login.strip():
        return None
    with reading(tx) as s:
        obj = s.execute(select(Person).where(Person.code == login.strip())).scalar_one_or_none()
        return None if obj is None else _public(records.to_dto("person", obj))


def list_people(
    tx: Tx,
    *,
    text: str | None = None,
    role: str | None = None,
    org_unit: str | None = None,
    active: bool | None = None,
    order: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> records.Page:
    """One page of people: text matches login, name or e-mail; exact role, unit (code), active."""
    if order not in ("name", "code", "role", "created_at"):
        raise ValueError(f"cannot order people by {order!r}")
    with reading(tx) as s:
        conds = []
        if text and text.strip():
            like = f"%{text.strip().lower()}%"
            conds.append(or_(func.lower(Person.code).like(like), func.lower(Person.name).like(like),
                             func.lower(func.coalesce(Person.email, "")).like(like)))
        if role:
            conds.append(Person.role == role)
        if org_unit:
            conds.append(Person.org_unit_id == code_id(s, "org_unit", org_unit))
        if active is not None:
            conds.append(Person.active == active)
        col = getattr(Person, order)
        stmt = select(Person).where(*conds).order_by(col.desc() if descending else col, Person.id)
        rows = [_public(records.to_dto("person", o)) for o in s.execute(stmt.offset(offset).limit(limit)).scalars()]
        total = s.execute(select(func.count()).select_from(Person).where(*conds)).scalar_one()
        return records.Page(rows, total, offset, limit)


# ---------------------------------------------------------------- organizational units


def _not_own_ancestor(session: Session, code: str) -> Check:
    def check(values: Mapping[str, Any]) -> list[FieldError]:
        parent = values.get("parent")
        if parent is None:
            return []
        me = session.execute(select(OrgUnit.id).where(OrgUnit.code == code)).scalar_one()
        pid: int | None = parent if isinstance(parent, int) else session.execute(
            select(OrgUnit.id).where(OrgUnit.code == str(parent))).scalar_one_or_none()
        steps = 0
        while pid is not None and steps < 100:
            if pid == me:
                return [FieldError("parent", N_("a unit cannot be placed under itself or one of its sub-units"))]
            pid = session.execute(select(OrgUnit.parent_id).where(OrgUnit.id == pid)).scalar_one_or_none()
            steps += 1
        return []

    return check


def create_org_unit(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    with writing(tx) as s:
        return records.create(s, actor, "org_unit", data)


def update_org_unit(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change a unit; refuses to make it its own ancestor."""
    with writing(tx) as s:
        checks = [_not_own_ancestor(s, code)] if "parent" in changes else []
        return checked_update(s, actor, "org_unit", code, changes, checks, expected_version)
