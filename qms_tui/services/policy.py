"""Quality policy (ISO 9001 5.2) and quality objectives with their plans (6.2).

The policy is kept as numbered versions: draft → approved → superseded
(:data:`qms_tui.domain.lifecycle.POLICY`). Approving a version supersedes the one in force
in the same transaction, so there is never more than one approved version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from qms_tui.db.models import Objective, ObjectivePlan, Policy
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import indicators as maths
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, ObjectiveStatus, RecordStatus
from qms_tui.domain.errors import FieldError, TransitionError, ValidationError
from qms_tui.domain.fields import is_blank, parse_date
from qms_tui.services import records, signatures
from qms_tui.services.indicators import IndicatorStatus, indicator_statuses, worst_light
from qms_tui.services.org import checked_update, dtos, person_id_for_login
from qms_tui.services.tx import Tx, reading, writing

POLICY_CLAUSES = ("5.2.1", "5.2.2")


@dataclass(frozen=True)
class ObjectiveOverview:
    """An objective with its plans (6.2.2) and how its indicators stand."""

    objective: Any  # ObjectiveDTO
    plans: list[Any]
    indicators: list[IndicatorStatus]
    light: str  # worst light of its indicators ("none" without data)

    @property
    def symbol(self) -> str:
        return maths.STATUS_SYMBOL[self.light]


# ---------------------------------------------------------------- policy versions


def create_policy_version(
    tx: Tx,
    actor: Actor,
    text: str,
    effective_from: date | str | None = None,
    notes: str | None = None,
    clauses: Sequence[str] = POLICY_CLAUSES,
) -> Any:
    """A new draft version of the policy, numbered after the highest existing one."""
    with writing(tx) as s:
        number = (s.execute(select(func.max(Policy.number))).scalar() or 0) + 1
        data = {"text": text, "effective_from": effective_from, "notes": notes, "clauses": list(clauses)}
        return records.create(s, actor, "policy", data,
                              extra={"status": RecordStatus.DRAFT, "number": number},
                              summary=f"v{number}")


def _date(name: str, raw: Any, default: date | None) -> date | None:
    if is_blank(raw):
        return default
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise ValidationError([FieldError(name, str(exc))]) from None


def approve_policy(
    tx: Tx,
    actor: Actor,
    code: str,
    approved_on: date | str | None = None,
    effective_from: date | str | None = None,
    *,
    pin: str | None = None,
    comment: str | None = None,
) -> Any:
    """Approve a draft version (approved by the acting person); the version in force, if any,
    becomes superseded. ``effective_from`` defaults to the version's own date or the day
    of approval. Signed "approved" by the acting person (``pin``: their signing PIN, if they
    have one; ``comment``: kept with the signature)."""
    signatures.before_signing(tx, actor, "policy", pin)
    with writing(tx) as s:
        obj = records.get_row(s, "policy", code, lock=True)
        lifecycle.check(lifecycle.POLICY, obj.status, RecordStatus.APPROVED, RecordStatus)
        approved = _date("approved_on", approved_on, clock.today())
        effective = _date("effective_from", effective_from, obj.effective_from or approved)
        if not (obj.text or "").strip():
            raise ValidationError([FieldError("text", N_("is required"))])
        for old in s.execute(
            select(Policy).where(Policy.status == RecordStatus.APPROVED, Policy.id != obj.id)
        ).scalars().all():
            records.transition(s, actor, "policy", old, "status", RecordStatus.SUPERSEDED,
                               summary=f"approved → superseded by {obj.code}")
        approved_dto = records.transition(
            s, actor, "policy", obj, "status", RecordStatus.APPROVED,
            {"approved_on": approved, "effective_from": effective,
             "approved_by_id": person_id_for_login(s, actor.login)},
        )
        signatures.sign(s, actor, "policy", obj, signatures.Meaning.APPROVED, comment, pin=pin)
        return approved_dto


def current_policy(tx: Tx) -> Any | None:
    """The approved version in force, or None."""
    with reading(tx) as s:
        obj = s.execute(
            select(Policy).where(Policy.status == RecordStatus.APPROVED).order_by(Policy.number.desc()).limit(1)
        ).scalar_one_or_none()
        return None if obj is None else records.to_dto("policy", obj, records.clauses_of(s, "policy", obj.id))


def policy_versions(tx: Tx) -> list[Any]:
    """Every version, newest first."""
    with reading(tx) as s:
        return dtos(s, "policy", s.execute(select(Policy).order_by(Policy.number.desc())).scalars())


def add_communication(tx: Tx, actor: Actor, policy_code: str, data: Mapping[str, Any]) -> Any:
    """Record how the policy was communicated (5.2.2): date, channel, audience, evidence.
    A draft is not the policy yet, so it cannot be communicated."""
    with writing(tx) as s:
        policy = records.get_row(s, "policy", policy_code)
        if policy.status == RecordStatus.DRAFT:
            raise TransitionError(N_("{code} is a draft; approve it before recording its communication"),
                                  code=policy.code)
        return records.create(s, actor, "policy_communication", {**data, "policy": policy.code})


# ---------------------------------------------------------------- objectives


def create_objective(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """A quality objective (6.2.1), active unless another status is given."""
    with writing(tx) as s:
        return records.create(s, actor, "objective", data)


def update_objective(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    return checked_update(tx, actor, "objective", code, changes, expected_version=expected_version)


def add_objective_plan(tx: Tx, actor: Actor, objective_code: str, data: Mapping[str, Any]) -> Any:
    """What will be done, resources, who, when, how it is evaluated (6.2.2); not for a
    retired objective."""
    with writing(tx) as s:
        obj = records.get_row(s, "objective", objective_code)
        if obj.status == ObjectiveStatus.RETIRED:
            raise TransitionError(N_("{code} is retired; plans cannot be added to it"), code=obj.code)
        return records.create(s, actor, "objective_plan", {**data, "objective": obj.code})


def objectives_overview(
    tx: Tx, today: date | None = None, *, include_retired: bool = False
) -> list[ObjectiveOverview]:
    """Every objective (retired ones only on request) with its plans and indicator statuses,
    ordered by code. A constant number of statements."""
    with reading(tx) as s:
        stmt = select(Objective).order_by(Objective.code)
        if not include_retired:
            stmt = stmt.where(Objective.status != ObjectiveStatus.RETIRED)
        objectives = dtos(s, "objective", s.execute(stmt).scalars())
        plans: dict[int, list[Any]] = {}
        plan_rows = s.execute(
            select(ObjectivePlan).order_by(ObjectivePlan.due_date, ObjectivePlan.code)
        ).scalars()
        for p in dtos(s, "objective_plan", plan_rows, with_clauses=False):
            plans.setdefault(p.objective_id, []).append(p)
        by_objective: dict[str, list[IndicatorStatus]] = {}
        for st in indicator_statuses(s, today):
            if st.objective is not None:
                by_objective.setdefault(st.objective, []).append(st)
        out = []
        for o in objectives:
            statuses = by_objective.get(o.code, [])
            out.append(ObjectiveOverview(o, plans.get(o.id, []), statuses,
                                         worst_light([st.light for st in statuses])))
        return out
