"""Risks and opportunities (ISO 9001 6.1): the register rated likelihood × impact, and the
actions that treat them (``action.risk_id``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from qms_tui.db.models import Action, Event, Person, Process, Risk
from qms_tui.domain import risk as rating
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, ActionStatus, RiskStatus
from qms_tui.domain.errors import FieldError, TransitionError
from qms_tui.services import records
from qms_tui.services.org import checked_update, clauses_by_id, code_id, prevalidate
from qms_tui.services.tx import Tx, reading, writing

OPEN_ACTIONS = (ActionStatus.PENDING, ActionStatus.IN_PROGRESS)


@dataclass(frozen=True)
class RiskRow:
    """A line of the register: the risk and its rating before and after treatment."""

    risk: Any  # RiskDTO
    level: int
    band: str  # low | medium | high | critical (domain.risk)
    residual_level: int | None
    residual_band: str | None
    process: str | None = None  # codes and the owner's name
    event: str | None = None
    owner: str | None = None
    open_actions: int = 0

    @property
    def code(self) -> str:
        return self.risk.code

    @property
    def title(self) -> str:
        return self.risk.title


def _residual_pair(values: Mapping[str, Any]) -> list[FieldError]:
    """Residual likelihood and impact go together."""
    lk, im = values.get("residual_likelihood"), values.get("residual_impact")
    if lk is not None and im is None:
        return [FieldError("residual_impact", N_("is required when the residual likelihood is given"))]
    if im is not None and lk is None:
        return [FieldError("residual_likelihood", N_("is required when the residual impact is given"))]
    return []


def create_risk(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """Register a risk or an opportunity (likelihood and impact 1–5)."""
    with writing(tx) as s:
        prevalidate(s, "risk", data, [_residual_pair])
        return records.create(s, actor, "risk", data)


def update_risk(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    return checked_update(tx, actor, "risk", code, changes, [_residual_pair], expected_version)


def row_of(dto: Any, process: str | None = None, event: str | None = None, owner: str | None = None,
           open_actions: int = 0) -> RiskRow:
    lvl = rating.level(dto.likelihood, dto.impact)
    res = rating.residual_level(dto.residual_likelihood, dto.residual_impact)
    return RiskRow(dto, lvl, rating.band(lvl), res, rating.band(res) if res is not None else None,
                   process, event, owner, open_actions)


def _register(session: Session, conds: list[Any]) -> list[RiskRow]:
    proc, ev, owner = aliased(Process), aliased(Event), aliased(Person)
    rows = session.execute(
        select(Risk, proc.code, ev.code, owner.name)
        .outerjoin(proc, proc.id == Risk.process_id)
        .outerjoin(ev, ev.id == Risk.event_id)
        .outerjoin(owner, owner.id == Risk.owner_id)
        .where(*conds)
        .order_by((Risk.likelihood * Risk.impact).desc(), Risk.impact.desc(), Risk.code)
    ).all()
    if not rows:
        return []
    ids = select(Risk.id).where(*conds)
    cmap = clauses_by_id(session, "risk", ids)
    counts = dict(session.execute(
        select(Action.risk_id, func.count()).where(Action.risk_id.in_(ids), Action.status.in_(OPEN_ACTIONS))
        .group_by(Action.risk_id)
    ).all())
    return [row_of(records.to_dto("risk", r, cmap.get(r.id, ())), pc, ec, on, counts.get(r.id, 0))
            for r, pc, ec, on in rows]


def risk_register(
    tx: Tx,
    *,
    kind: str | None = None,
    process: str | None = None,
    event: str | None = None,
    status: str | list[str] | None = None,
) -> list[RiskRow]:
    """The register, highest level first: optionally only risks or opportunities (``kind``),
    of a process or an event (codes), in some status(es)."""
    with reading(tx) as s:
        conds: list[Any] = []
        if kind is not None:
            conds.append(Risk.kind == kind)
        if process is not None:
            conds.append(Risk.process_id == code_id(s, "process", process))
        if event is not None:
            conds.append(Risk.event_id == code_id(s, "event", event))
        if status is not None:
            conds.append(Risk.status.in_([status] if isinstance(status, str) else list(status)))
        return _register(s, conds)


def risk_row(tx: Tx, code: str) -> RiskRow:
    """One risk's register line (NotFound if there is none)."""
    with reading(tx) as s:
        rid = code_id(s, "risk", code)
        return _register(s, [Risk.id == rid])[0]


def add_risk_action(tx: Tx, actor: Actor, risk_code: str, data: Mapping[str, Any]) -> Any:
    """Plan an action that treats the risk (or pursues the opportunity); not on a closed one."""
    with writing(tx) as s:
        risk = records.get_row(s, "risk", risk_code)
        if risk.status == RiskStatus.CLOSED:
            raise TransitionError(N_("{code} is closed; reopen it before planning actions"), code=risk.code)
        return records.create(s, actor, "action", {**data, "risk": risk.code})


def risk_actions(tx: Tx, risk_code: str) -> list[Any]:
    """The actions of a risk, by due date."""
    with reading(tx) as s:
        rid = code_id(s, "risk", risk_code)
        rows = s.execute(select(Action).where(Action.risk_id == rid).order_by(Action.due_date, Action.id)).scalars()
        return [records.to_dto("action", a) for a in rows]
