"""Global search and the generic record access the TUI uses.

The screens never open sessions: they call these thin wrappers (each one transaction) over
:mod:`qms_tui.services.records`, which keeps validation, permissions and the trail in one
place. Lists are always one bounded page; references come back as codes, never as ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import import_module
from typing import Any

from sqlalchemy import func, or_, select

from qms_tui.db.models import MODELS
from qms_tui.domain.actor import Actor
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import SPECS
from qms_tui.services import records
from qms_tui.services.tx import Tx, reading, writing

#: Order in which the global search visits entities (most looked-up first).
SEARCH_ORDER: tuple[str, ...] = (
    "indicator", "nonconformity", "audit", "objective", "action", "document", "process",
    "risk", "project", "review", "finding", "person", "org_unit", "event", "circle",
    "meeting", "evidence", "programme", "policy",
)


@dataclass(frozen=True)
class Hit:
    """One search result: where it is (entity, code), what it is called, why it matched."""

    entity: str
    code: str
    title: str
    snippet: str


@dataclass(frozen=True)
class Between:
    """An inclusive range filter for ``where`` (either bound may be None)."""

    low: Any = None
    high: Any = None


@dataclass(frozen=True)
class RecordPage:
    """One page of records. ``refs[field][id]`` is the code of a referenced record."""

    rows: list[Any]
    total: int
    offset: int
    limit: int
    refs: dict[str, dict[int, str]] = field(default_factory=dict)
    exact: bool = True  # False: at least ``total`` rows match (``count_cap`` stopped the count)


@dataclass(frozen=True)
class RecordView:
    """One record for the detail and edit screens. ``refs[column]`` is ``(code, title)``
    of each referenced record (``owner_id`` → ``("mgarcia", "María García")``)."""

    entity: str
    dto: Any
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    signatures: tuple[Any, ...] = ()  # signatures.SignatureStatus, oldest first

    @property
    def code(self) -> str:
        return self.dto.code

    @property
    def version(self) -> int:
        return self.dto.version

    def form_values(self) -> dict[str, Any]:
        """The record as form input: every spec field, references as codes."""
        out: dict[str, Any] = {}
        for f in SPECS[self.entity].fields:
            if f.kind == "clauses":
                out[f.name] = ", ".join(self.dto.clauses)
            elif f.kind == "ref":
                ref = self.refs.get(f.column)
                out[f.name] = ref[0] if ref else ""
            else:
                value = getattr(self.dto, f.column, None)
                out[f.name] = value
        return out


# ---------------------------------------------------------------- who is using the TUI


def actor_for_login(tx: Tx, login: str) -> Actor:
    """The Actor of an OS login: the active person whose code is the login, else a
    read-only actor (role "reader") that can look but not change anything — or a refusal,
    as configured (:func:`qms_tui.services.identity.resolve_actor`, which also takes the
    login from the database role when ``QMS_IDENTITY=database``)."""
    from qms_tui.services.identity import resolve_actor

    return resolve_actor(tx, login)


# ---------------------------------------------------------------- generic wrappers


def create_record(tx: Tx, actor: Actor, entity: str, data: Mapping[str, Any]) -> Any:
    with writing(tx) as session:
        return records.create(session, actor, entity, data)


#: Aggregates whose updates carry their own rules (locked once approved or closed, freeze
#: windows, stage dates …): the generic form saves through them, never around them.
UPDATERS: dict[str, str] = {
    "audit": "audits:update_audit", "circle": "circles:update_circle",
    "project": "circles:update_project", "document": "documents:update_document",
    "indicator": "indicators:update_indicator", "nonconformity": "nonconformities:update_nc",
    "person": "org:update_person", "org_unit": "org:update_org_unit",
    "objective": "policy:update_objective", "process": "processes:update_process",
    "event": "processes:update_event", "stage": "processes:update_stage",
    "review": "reviews:update_review", "risk": "risks:update_risk",
}


def update_record(
    tx: Tx,
    actor: Actor,
    entity: str,
    code: str,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Any:
    authorize(actor, entity, "update")  # before any lookup: a refused role learns nothing
    target = UPDATERS.get(entity)
    if target is not None:
        module, _, name = target.partition(":")
        update = getattr(import_module(f"qms_tui.services.{module}"), name)
        return update(tx, actor, code, changes, expected_version=expected_version)
    with writing(tx) as session:
        return records.update(session, actor, entity, code, changes, expected_version=expected_version)


def get_record(tx: Tx, entity: str, code: str) -> RecordView:
    with reading(tx) as session:
        dto = records.get(session, entity, code)
        refs: dict[str, tuple[str, str]] = {}
        for column, target in _foreign_keys(entity).items():
            rid = getattr(dto, column, None)
            if rid is None:
                continue
            model = MODELS[target]
            summary = _summary_column(target)
            cols = [model.code] + ([summary] if summary is not None else [])
            row = session.execute(select(*cols).where(model.id == rid)).first()
            if row is not None:
                refs[column] = (row[0], _one_line(row[1]) if len(row) > 1 else "")
        from qms_tui.services.signatures import signatures_in

        signed = tuple(signatures_in(session, entity, dto.id))
    return RecordView(entity, dto, refs, signed)


def list_records(
    tx: Tx,
    entity: str,
    *,
    text: str | None = None,
    where: Mapping[str, Any] | None = None,
    order: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
    ref_fields: Sequence[str] | None = None,
    count_cap: int | None = None,
) -> RecordPage:
    """One page of ``entity`` records.

    ``text`` matches the code and the summary field (case-insensitive). ``where`` maps a
    column (``status``) or a reference field (``objective`` → a code) to a value, a list
    of values or a :class:`Between`. ``order`` is a column or field name. ``ref_fields``
    are the reference fields whose codes the page should carry (all by default).
    ``count_cap``: count the matching rows only up to about this many (``exact`` False
    beyond); the page is read first, and a short page needs no count at all.
    """
    model = MODELS[entity]
    spec = SPECS[entity]
    order_col = _column(entity, order) if order else model.id
    offset, limit = max(offset, 0), max(limit, 1)
    with reading(tx) as session:
        conds = _conditions(entity, text, where, session)
        stmt = (select(model).where(*conds)
                .order_by(order_col.desc() if descending else order_col, model.id)
                .offset(offset).limit(limit))
        rows = [records.to_dto(entity, o) for o in session.execute(stmt).scalars()]
        total, exact = records.page_total(session, model, conds, len(rows), offset, limit, count_cap)
        wanted = [f for f in spec.fields if f.kind == "ref" and (ref_fields is None or f.name in ref_fields)]
        refs: dict[str, dict[int, str]] = {}
        for f in wanted:
            ids = {getattr(r, f.column) for r in rows} - {None}
            if not ids:
                continue
            target = MODELS[f.ref]  # type: ignore[index]
            pairs = session.execute(select(target.id, target.code).where(target.id.in_(ids))).all()
            refs[f.name] = {rid: code for rid, code in pairs}
    return RecordPage(rows, total, offset, limit, refs, exact)


def lookup(tx: Tx, entity: str, text: str = "", limit: int = 50) -> list[tuple[str, str]]:
    """``(code, title)`` pairs for a picker: codes and summaries matching ``text``."""
    model = MODELS[entity]
    summary = _summary_column(entity)
    cols = [model.code] + ([summary] if summary is not None else [])
    with reading(tx) as session:
        stmt = select(*cols).where(*_conditions(entity, text, None, session)).order_by(model.code).limit(limit)
        return [(r[0], _one_line(r[1]) if len(r) > 1 else "") for r in session.execute(stmt)]


# ---------------------------------------------------------------- global search


def search(tx: Tx, text: str, limit: int = 30, per_entity: int = 8) -> list[Hit]:
    """Records whose code or main text columns contain ``text`` (case-insensitive).

    Exact code matches come first, then entities in :data:`SEARCH_ORDER`; at most
    ``per_entity`` rows are read from each table and ``limit`` are returned."""
    needle = (text or "").strip()
    if not needle:
        return []
    hits: list[Hit] = []
    exact: list[Hit] = []
    with reading(tx) as session:
        for entity in _search_entities():
            if len(hits) + len(exact) >= limit:
                break
            model = MODELS[entity]
            cols = _text_columns(entity)
            summary = _summary_column(entity)
            keys = {c.key for c in cols}
            extra = [summary] if summary is not None and summary.key not in keys and summary.key != "code" else []
            selected = [model.code, *extra, *cols]
            cond = or_(*[records.contains_text(session, c, needle) for c in [model.code, *cols]])
            exact_first = (func.lower(model.code) == needle.lower()).desc()
            stmt = select(*selected).where(cond).order_by(exact_first, model.code).limit(per_entity)
            for row in session.execute(stmt):
                values = dict(zip([c.key for c in selected], row, strict=True))
                code = values["code"]
                title = _one_line(values.get(summary.key)) if summary is not None else ""
                snippet = _snippet([values[c.key] for c in cols], needle)
                hit = Hit(entity, code, title, snippet)
                (exact if code.lower() == needle.lower() else hits).append(hit)
    return (exact + hits)[:limit]


# ---------------------------------------------------------------- helpers


def _search_entities() -> list[str]:
    rest = [e for e in SPECS if e not in SEARCH_ORDER]
    return [*SEARCH_ORDER, *rest]


def _text_columns(entity: str) -> list[Any]:
    model = MODELS[entity]
    return [
        getattr(model, f.column)
        for f in SPECS[entity].fields
        if f.kind in ("text", "longtext") and f.name != "code" and hasattr(model, f.column)
    ]


def _summary_column(entity: str) -> Any:
    spec = SPECS[entity]
    model = MODELS[entity]
    try:
        column = getattr(model, spec.field(spec.summary).column)
    except KeyError:
        column = getattr(model, spec.summary, None)
    return column


def _foreign_keys(entity: str) -> dict[str, str]:
    """Column name → referenced entity, for every foreign key of the table."""
    out = {}
    for column in MODELS[entity].__table__.columns:  # type: ignore[attr-defined]
        for fk in column.foreign_keys:
            target = fk.column.table.name
            if target in MODELS:
                out[column.key] = target
    return out


def _column(entity: str, name: str) -> Any:
    model = MODELS[entity]
    spec = SPECS[entity]
    try:
        name = spec.field(name).column
    except KeyError:
        pass
    column = getattr(model, name, None)
    if column is None:
        raise KeyError(f"{entity} has no column {name}")
    return column


def _conditions(entity: str, text: str | None, where: Mapping[str, Any] | None, session: Any) -> list[Any]:
    model = MODELS[entity]
    conds: list[Any] = []
    if text and text.strip():
        cols = [model.code]
        summary = _summary_column(entity)
        if summary is not None:
            cols.append(summary)
        conds.append(or_(*[records.contains_text(session, c, text) for c in cols]))
    spec = SPECS[entity]
    for name, value in (where or {}).items():
        ref = next((f for f in spec.fields if f.name == name and f.kind == "ref"), None)
        if ref is not None and not isinstance(value, int):
            target = MODELS[ref.ref]  # type: ignore[index]
            codes = list(value) if isinstance(value, list | tuple | set) else [value]
            conds.append(getattr(model, ref.column).in_(select(target.id).where(target.code.in_(codes))))
            continue
        col = _column(entity, name)
        if isinstance(value, Between):
            if value.low is not None:
                conds.append(col >= value.low)
            if value.high is not None:
                conds.append(col <= value.high)
        elif isinstance(value, list | tuple | set | frozenset):
            conds.append(col.in_(list(value)))
        elif value is None:
            conds.append(col.is_(None))
        else:
            conds.append(col == value)
    return conds


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _one_line(value: Any, width: int = 80) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _snippet(values: Sequence[Any], needle: str, width: int = 60) -> str:
    low = needle.lower()
    for value in values:
        if not value:
            continue
        text = " ".join(str(value).split())
        at = text.lower().find(low)
        if at < 0:
            continue
        start = max(0, at - width // 3)
        end = min(len(text), start + width)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return ""
