"""Processes of the QMS (ISO 9001 4.4; ISO/TS 54001 electoral processes) and electoral
events with their stages, plus the cards that gather what hangs from each of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from qms_tui.db.models import (
    Audit,
    Document,
    Event,
    Indicator,
    Nonconformity,
    OrgUnit,
    Person,
    Process,
    Review,
    Risk,
    Stage,
)
from qms_tui.domain import clauses as catalogue
from qms_tui.domain import clock, lifecycle
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, AuditStatus, ProcessCategory
from qms_tui.domain.errors import FieldError, NotFound, ValidationError
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import get_language
from qms_tui.services import freeze, records
from qms_tui.services.indicators import IndicatorStatus, indicator_statuses
from qms_tui.services.org import checked_update, code_id, dtos, prevalidate
from qms_tui.services.risks import RiskRow, risk_register
from qms_tui.services.tx import Tx, reading, writing

AUDIT_DONE = (AuditStatus.PERFORMED, AuditStatus.REPORT_ACCEPTED, AuditStatus.CLOSED)
AUDIT_AHEAD = (AuditStatus.PLANNED, AuditStatus.CONFIRMED)


@dataclass(frozen=True)
class Linked:
    """A record linked to another, as shown in a card: code, title and status."""

    entity: str
    code: str
    title: str
    status: str | None = None


@dataclass(frozen=True)
class ProcessCard:
    """Everything an auditor asks about a process (4.4 *ficha de proceso*)."""

    process: Any  # ProcessDTO
    owner: str | None  # names
    org_unit: str | None
    ts_process: catalogue.Clause | None  # the ISO/TS 54001 electoral process, if any
    applicable: bool
    justification: str | None
    indicators: list[IndicatorStatus]
    nonconformities: list[Any]  # open ones
    risks: list[RiskRow]
    last_audit: Any | None
    next_audit: Any | None
    documents: list[Any]
    clauses: tuple[str, ...]

    @property
    def ts_title(self) -> str | None:
        """The electoral process's title in the current language."""
        return self.ts_process.title(get_language()) if self.ts_process else None


@dataclass(frozen=True)
class EventCard:
    """An electoral event or participation mechanism, its stages and what is linked to it."""

    event: Any  # EventDTO
    stages: list[Any]
    indicators: list[Linked] = field(default_factory=list)
    audits: list[Linked] = field(default_factory=list)
    reviews: list[Linked] = field(default_factory=list)
    risks: list[Linked] = field(default_factory=list)
    nonconformities: list[Linked] = field(default_factory=list)


# ---------------------------------------------------------------- processes


def _applicability(values: Mapping[str, Any]) -> list[FieldError]:
    """A process declared not applicable (4.3) needs its justification."""
    if values.get("applicable") is False and not (values.get("justification") or "").strip():
        return [FieldError("justification", N_("is required when the process is not applicable"))]
    return []


def create_process(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    with writing(tx) as s:
        prevalidate(s, "process", data, [_applicability])
        return records.create(s, actor, "process", data)


def update_process(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None,
    *, emergency_reason: str | None = None,
) -> Any:
    """Change a process definition (refused during a freeze window unless an emergency change)."""
    with writing(tx) as s, freeze.guard(s, actor, "process", emergency_reason=emergency_reason) as change:
        obj = records.get_row(s, "process", code)
        records.check_version(s, "process", obj, expected_version)
        prevalidate(s, "process", changes, [_applicability], current=records.current_values(SPECS["process"], obj))
        dto = records.update(s, actor, "process", code, changes, expected_version=expected_version,
                             summary=change.note())
        change.sign_as("process", dto.code)
        return dto


def process_map(tx: Tx) -> dict[str, list[Any]]:
    """Processes by category (strategic, substantive, support, participation), by code.
    Every category is a key, even without processes."""
    with reading(tx) as s:
        out: dict[str, list[Any]] = {c.value: [] for c in ProcessCategory}
        for p in dtos(s, "process", s.execute(select(Process).order_by(Process.code)).scalars()):
            out.setdefault(p.category, []).append(p)
        return out


def process_card(tx: Tx, code: str, today: date | None = None) -> ProcessCard:
    today = today or clock.today()
    with reading(tx) as s:
        owner, unit = aliased(Person), aliased(OrgUnit)
        row = s.execute(
            select(Process, owner.name, unit.name)
            .outerjoin(owner, owner.id == Process.owner_id)
            .outerjoin(unit, unit.id == Process.org_unit_id)
            .where(Process.code == code.strip())
        ).first()
        if row is None:
            raise NotFound(SPECS["process"].title, code)
        proc, owner_name, unit_name = row
        pid = proc.id
        dto = records.to_dto("process", proc, records.clauses_of(s, "process", pid))
        ncs = s.execute(
            select(Nonconformity).where(Nonconformity.process_id == pid,
                                        Nonconformity.status.in_(lifecycle.NC_OPEN))
            .order_by(Nonconformity.detected_on.desc(), Nonconformity.code)
        ).scalars()
        last = s.execute(
            select(Audit).where(Audit.process_id == pid, Audit.status.in_(AUDIT_DONE))
            .order_by(func.coalesce(Audit.actual_end, Audit.planned_end).desc(), Audit.code.desc()).limit(1)
        ).scalar_one_or_none()
        nxt = s.execute(
            select(Audit).where(Audit.process_id == pid, Audit.status.in_(AUDIT_AHEAD),
                                Audit.planned_start >= today)
            .order_by(Audit.planned_start, Audit.code).limit(1)
        ).scalar_one_or_none()
        docs = s.execute(select(Document).where(Document.process_id == pid).order_by(Document.code)).scalars()
        return ProcessCard(
            process=dto,
            owner=owner_name,
            org_unit=unit_name,
            ts_process=catalogue.electoral_process(proc.ts_process_no) if proc.ts_process_no else None,
            applicable=bool(proc.applicable),
            justification=proc.justification,
            indicators=indicator_statuses(s, today, process=proc.code),
            nonconformities=dtos(s, "nonconformity", ncs),
            risks=risk_register(s, process=proc.code),
            last_audit=None if last is None else records.to_dto("audit", last),
            next_audit=None if nxt is None else records.to_dto("audit", nxt),
            documents=dtos(s, "document", docs),
            clauses=dto.clauses,
        )


# ---------------------------------------------------------------- events and stages


def _stages_outside(session: Session, code: str) -> Any:
    """New event dates must still hold every stage."""

    def check(values: Mapping[str, Any]) -> list[FieldError]:
        start, end = values.get("start_date"), values.get("end_date")
        if start is None or end is None:
            return []
        eid = code_id(session, "event", code)
        errors = []
        early = session.execute(select(Stage.name).where(Stage.event_id == eid, Stage.start_date < start)
                                .order_by(Stage.start_date).limit(1)).scalar()
        if early is not None:
            errors.append(FieldError("start_date", N_("the stage “{stage}” starts before this date"),
                                     {"stage": early}))
        late = session.execute(select(Stage.name).where(Stage.event_id == eid, Stage.end_date > end)
                               .order_by(Stage.end_date.desc()).limit(1)).scalar()
        if late is not None:
            errors.append(FieldError("end_date", N_("the stage “{stage}” ends after this date"),
                                     {"stage": late}))
        return errors

    return check


def create_event(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """An electoral process or participation mechanism (start ≤ key day ≤ end)."""
    with writing(tx) as s:
        return records.create(s, actor, "event", data)


def update_event(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change an event; its dates must keep holding its stages."""
    with writing(tx) as s:
        checks = [_stages_outside(s, code)] if {"start_date", "end_date"} & set(changes) else []
        return checked_update(s, actor, "event", code, changes, checks, expected_version)


def _within(event: Any) -> Any:
    def check(values: Mapping[str, Any]) -> list[FieldError]:
        errors = []
        params = {"start": event.start_date.isoformat(), "end": event.end_date.isoformat()}
        for name in ("start_date", "end_date"):
            d = values.get(name)
            if d is not None and not event.start_date <= d <= event.end_date:
                errors.append(FieldError(name, N_("must lie within the event ({start} – {end})"), params))
        return errors

    return check


def add_stage(tx: Tx, actor: Actor, event_code: str, data: Mapping[str, Any]) -> Any:
    """A stage of the event; its dates lie within the event's."""
    with writing(tx) as s:
        event = records.get_row(s, "event", event_code)
        data = {**data, "event": event.code}
        prevalidate(s, "stage", data, [_within(event)])
        return records.create(s, actor, "stage", data)


def update_stage(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change a stage (it stays within its event; it cannot move to another event)."""
    with writing(tx) as s:
        stage = records.get_row(s, "stage", code)
        event = s.get(Event, stage.event_id)
        if "event" in changes and str(changes["event"]).strip() not in ("", event.code):
            raise ValidationError([FieldError("event", N_("a stage cannot be moved to another event"))])
        changes = {k: v for k, v in changes.items() if k != "event"}
        return checked_update(s, actor, "stage", code, changes, [_within(event)], expected_version)


def event_stages(tx: Tx, event_code: str) -> list[Any]:
    """The event's stages in date order."""
    with reading(tx) as s:
        eid = code_id(s, "event", event_code)
        rows = s.execute(select(Stage).where(Stage.event_id == eid)
                         .order_by(Stage.start_date, Stage.end_date, Stage.code)).scalars()
        return [records.to_dto("stage", r) for r in rows]


def _linked(session: Session, entity: str, model: Any, title: str, eid: int, order: Any) -> list[Linked]:
    status = getattr(model, "status", None)
    cols = [model.code, getattr(model, title), status if status is not None else model.code]
    rows = session.execute(select(*cols).where(model.event_id == eid).order_by(order, model.code)).all()
    return [Linked(entity, c, t, st if status is not None else None) for c, t, st in rows]


def event_card(tx: Tx, code: str) -> EventCard:
    with reading(tx) as s:
        event = records.get(s, "event", code)
        eid = event.id
        return EventCard(
            event=event,
            stages=event_stages(s, event.code),
            indicators=_linked(s, "indicator", Indicator, "name", eid, Indicator.code),
            audits=_linked(s, "audit", Audit, "title", eid, Audit.planned_start),
            reviews=_linked(s, "review", Review, "title", eid, Review.planned_date),
            risks=_linked(s, "risk", Risk, "title", eid, (Risk.likelihood * Risk.impact).desc()),
            nonconformities=_linked(s, "nonconformity", Nonconformity, "title", eid,
                                    Nonconformity.detected_on.desc()),
        )
