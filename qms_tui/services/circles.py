"""Quality circles (*círculos de calidad*, ISO 9001 10.1/10.3, 7.3): members and roles,
meetings with minutes and agreements, and improvement projects run through PDCA.

Lifecycles: ``lifecycle.PDCA`` for projects (plan → do → check → act → closed, or back to
plan from act for a new turn; cancelled from any open stage) and ``lifecycle.AGREEMENT``.
A new PDCA turn keeps the stored measured result and benefit; the trail keeps each turn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from qms_tui.db.models import (
    Agreement,
    Circle,
    CircleMember,
    Indicator,
    Meeting,
    OrgUnit,
    Person,
    Process,
    Project,
)
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import enums as E
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, NotFound, TransitionError, ValidationError
from qms_tui.domain.fields import Field, is_blank, parse_all
from qms_tui.domain.specs import SPECS
from qms_tui.services import records
from qms_tui.services.tx import Tx, reading, writing

P = E.Pdca
ROLE_ORDER = {r.value: n for n, r in enumerate(E.CircleRole)}
FINISHED = (P.CLOSED.value, P.CANCELLED.value)


@dataclass(frozen=True)
class MemberLine:
    code: str  # the circle_member record
    person_code: str
    name: str
    role: str


@dataclass(frozen=True)
class MeetingDetail:
    meeting: Any
    circle_code: str
    circle_name: str
    project_code: str | None
    agreements: tuple[Any, ...]


@dataclass(frozen=True)
class CircleDetail:
    circle: Any
    org_unit_name: str | None
    members: tuple[MemberLine, ...]  # by role (sponsor, facilitator, leader, secretary, member)
    meetings: tuple[Any, ...]  # by number
    projects: tuple[Any, ...]


@dataclass(frozen=True)
class ProjectDetail:
    project: Any
    circle_code: str | None
    circle_name: str | None
    indicator_code: str | None
    process_code: str | None
    meetings: tuple[Any, ...]
    improvement: float | None  # measured_result − baseline
    progress: float | None  # % of the way from baseline to target
    target_reached: bool | None


# ---------------------------------------------------------------- helpers


def _validate(session: Session, entity: str, data: Mapping[str, Any], skip: str | None = None) -> list[FieldError]:
    spec = SPECS[entity]
    if skip:
        spec = dataclasses.replace(spec, fields=tuple(f for f in spec.fields if f.name != skip))
    try:
        records.validate(session, spec, data)
    except ValidationError as exc:
        return list(exc.errors)
    return []


def _one(session: Session, entity: str, code: str) -> Any:
    return records.get_row(session, entity, code, lock=True)


def improvement(baseline: float | None, measured: float | None) -> float | None:
    if baseline is None or measured is None:
        return None
    return round(measured - baseline, 9)


def target_reached(
    baseline: float | None, target: float | None, measured: float | None, direction: str | None = None
) -> bool | None:
    """Whether ``measured`` reached ``target``, the improvement going from ``baseline``
    towards ``target`` (upwards if target > baseline, downwards if below). Without a
    baseline, or with baseline == target, the indicator's direction decides (default up)."""
    if target is None or measured is None:
        return None
    if baseline is not None and baseline != target:
        upwards = target > baseline
    else:
        upwards = direction != "lower"
    return measured >= target if upwards else measured <= target


def progress(baseline: float | None, target: float | None, measured: float | None) -> float | None:
    """How far the result went from baseline towards target, in % (may exceed 100 or be < 0)."""
    if None in (baseline, target, measured) or baseline == target:
        return None
    return round((measured - baseline) * 100.0 / (target - baseline), 6)  # type: ignore[operator]


# ---------------------------------------------------------------- circles and members


def create_circle(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    with writing(tx) as s:
        return records.create(s, actor, "circle", data)


def update_circle(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    with writing(tx) as s:
        return records.update(s, actor, "circle", code, changes, expected_version=expected_version)


def add_member(tx: Tx, actor: Actor, circle_code: str, person_code: str, role: str) -> Any:
    """A person joins a circle once; a circle has one leader."""
    with writing(tx) as s:
        circle = _one(s, "circle", circle_code)
        data = {"circle": circle.code, "person": person_code, "role": role}
        values = records.validate(s, SPECS["circle_member"], data)
        errors = []
        members = s.execute(select(CircleMember).where(CircleMember.circle_id == circle.id)).scalars().all()
        if any(m.person_id == values["person_id"] for m in members):
            errors.append(FieldError("person", N_("{person} is already a member of this circle"),
                                     {"person": person_code}))
        if values["role"] == E.CircleRole.LEADER:
            leader = next((m for m in members if m.role == E.CircleRole.LEADER), None)
            if leader is not None:
                name = s.get(Person, leader.person_id).name
                errors.append(FieldError("role", N_("the circle already has a leader ({name})"), {"name": name}))
        if errors:
            raise ValidationError(errors)
        return records.create(s, actor, "circle_member", data)


def remove_member(tx: Tx, actor: Actor, circle_code: str, person_code: str) -> None:
    with writing(tx) as s:
        circle = records.get_row(s, "circle", circle_code)
        person = records.get_row(s, "person", person_code)
        member = s.execute(
            select(CircleMember).where(CircleMember.circle_id == circle.id, CircleMember.person_id == person.id)
        ).scalars().first()
        if member is None:
            raise NotFound(SPECS["circle_member"].title, f"{circle.code}/{person.code}")
        records.remove(s, actor, "circle_member", member.code)


# ---------------------------------------------------------------- meetings and agreements


def record_meeting(
    tx: Tx,
    actor: Actor,
    circle_code: str,
    data: Mapping[str, Any],
    agreements: Sequence[Mapping[str, Any]] = (),
) -> MeetingDetail:
    """Record a meeting (numbered per circle) and its agreements, all or nothing. Errors in
    an agreement name the agreement's field, with ``row`` (1-based) in the error's params."""
    with writing(tx) as s:
        circle = _one(s, "circle", circle_code)
        mdata = {**{k: v for k, v in data.items() if k != "circle"}, "circle": circle.code}
        errors = _validate(s, "meeting", mdata)
        if not errors and not is_blank(mdata.get("project")):
            project = records.get_row(s, "project", str(mdata["project"]))
            if project.circle_id is not None and project.circle_id != circle.id:
                errors.append(FieldError("project", N_("{code} belongs to another circle"), {"code": project.code}))
        for row, a in enumerate(agreements, start=1):
            for e in _validate(s, "agreement", {k: v for k, v in a.items() if k != "meeting"}, skip="meeting"):
                errors.append(FieldError(e.field, e.message, {**e.params, "row": row}))
        if errors:
            raise ValidationError(errors)
        last = s.execute(select(func.max(Meeting.number)).where(Meeting.circle_id == circle.id)).scalar_one()
        meeting = records.create(s, actor, "meeting", mdata, extra={"number": (last or 0) + 1})
        created = tuple(
            records.create(s, actor, "agreement", {**{k: v for k, v in a.items() if k != "meeting"},
                                                   "meeting": meeting.code})
            for a in agreements
        )
        project_code = records.code_of(s, "project", meeting.project_id)
        return MeetingDetail(meeting, circle.code, circle.name, project_code, created)


def meeting_detail(tx: Tx, code: str) -> MeetingDetail:
    with reading(tx) as s:
        m = records.get_row(s, "meeting", code)
        circle = s.get(Circle, m.circle_id)
        agreements = s.execute(
            select(Agreement).where(Agreement.meeting_id == m.id).order_by(Agreement.id)
        ).scalars().all()
        return MeetingDetail(records.to_dto("meeting", m), circle.code, circle.name,
                             records.code_of(s, "project", m.project_id),
                             tuple(records.to_dto("agreement", a) for a in agreements))


def add_agreement(tx: Tx, actor: Actor, meeting_code: str, data: Mapping[str, Any]) -> Any:
    with writing(tx) as s:
        meeting = records.get_row(s, "meeting", meeting_code)
        return records.create(s, actor, "agreement",
                              {**{k: v for k, v in data.items() if k != "meeting"}, "meeting": meeting.code})


def set_agreement_status(tx: Tx, actor: Actor, code: str, status: str, expected_version: int | None = None) -> Any:
    """open → done | cancelled; done → open (reopened). ``expected_version``: the version the
    caller saw; a change made meanwhile by someone else refuses the step (ConcurrencyError)."""
    with writing(tx) as s:
        values, errors = parse_all((Field("status", "choice", True, choices=E.AgreementStatus),),
                                   {"status": status})
        if errors:
            raise ValidationError(errors)
        obj = _one(s, "agreement", code)
        records.check_version(s, "agreement", obj, expected_version)
        lifecycle.check(lifecycle.AGREEMENT, obj.status, values["status"], E.AgreementStatus)
        return records.transition(s, actor, "agreement", obj, "status", values["status"])


# ---------------------------------------------------------------- improvement projects


def create_project(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """A new improvement project, at the Plan stage."""
    with writing(tx) as s:
        return records.create(s, actor, "project", data, extra={"pdca_stage": P.PLAN.value})


def update_project(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change a project's fields; refused once it is closed or cancelled."""
    with writing(tx) as s:
        obj = _one(s, "project", code)
        if obj.pdca_stage in FINISHED:
            raise TransitionError(N_("{code} is {stage} and can no longer change"), code=obj.code,
                                  stage=P(obj.pdca_stage).label())
        return records.update(s, actor, "project", code, changes, expected_version=expected_version)


def advance_project(
    tx: Tx,
    actor: Actor,
    code: str,
    stage: str,
    *,
    measured_result: Any = None,
    benefit: str | None = None,
    closed_on: Any = None,
) -> Any:
    """Move a project to another PDCA stage. Check needs a measured result (given here or
    stored); closing (from Act) needs the benefit text and sets ``closed_on`` (default
    today). ``measured_result`` and ``benefit`` given with other moves are stored too."""
    fields = (Field("stage", "choice", True, choices=P), Field("measured_result", "float"),
              Field("benefit", "longtext"), Field("closed_on", "date"))
    with writing(tx) as s:
        values, errors = parse_all(fields, {"stage": stage, "measured_result": measured_result,
                                            "benefit": benefit, "closed_on": closed_on})
        if errors:
            raise ValidationError(errors)
        obj = _one(s, "project", code)
        target = values["stage"]
        lifecycle.check(lifecycle.PDCA, obj.pdca_stage, target, P)
        columns: dict[str, Any] = {}
        if values["measured_result"] is not None:
            columns["measured_result"] = values["measured_result"]
        if values["benefit"] is not None:
            columns["benefit"] = values["benefit"]
        if target == P.CHECK and columns.get("measured_result", obj.measured_result) is None:
            errors.append(FieldError("measured_result", N_("is required to check the results")))
        if target == P.CLOSED:
            if is_blank(columns.get("benefit", obj.benefit)):
                errors.append(FieldError("benefit", N_("is required to close the project")))
            when = values["closed_on"] or clock.today()
            if when < obj.started_on:
                errors.append(FieldError("closed_on", N_("must not be before {other}"),
                                         {"other": N_("Started on")}))
            columns["closed_on"] = when
        if errors:
            raise ValidationError(errors)
        return records.transition(s, actor, "project", obj, "pdca_stage", target, columns)


def project_detail(tx: Tx, code: str) -> ProjectDetail:
    with reading(tx) as s:
        p = records.get_row(s, "project", code)
        circle = s.get(Circle, p.circle_id) if p.circle_id else None
        indicator = s.get(Indicator, p.indicator_id) if p.indicator_id else None
        meetings = s.execute(
            select(Meeting).where(Meeting.project_id == p.id).order_by(Meeting.date, Meeting.id)
        ).scalars().all()
        return ProjectDetail(
            project=records.get(s, "project", p.id),
            circle_code=circle.code if circle else None,
            circle_name=circle.name if circle else None,
            indicator_code=indicator.code if indicator else None,
            process_code=s.get(Process, p.process_id).code if p.process_id else None,
            meetings=tuple(records.to_dto("meeting", m) for m in meetings),
            improvement=improvement(p.baseline, p.measured_result),
            progress=progress(p.baseline, p.target, p.measured_result),
            target_reached=target_reached(p.baseline, p.target, p.measured_result,
                                          indicator.direction if indicator else None),
        )


def circle_detail(tx: Tx, code: str) -> CircleDetail:
    with reading(tx) as s:
        c = records.get_row(s, "circle", code)
        rows = s.execute(
            select(CircleMember, Person).join(Person, Person.id == CircleMember.person_id)
            .where(CircleMember.circle_id == c.id)
        ).all()
        members = sorted((MemberLine(m.code, p.code, p.name, m.role) for m, p in rows),
                         key=lambda x: (ROLE_ORDER.get(x.role, 99), x.name))
        meetings = s.execute(select(Meeting).where(Meeting.circle_id == c.id).order_by(Meeting.number)).scalars()
        projects = s.execute(select(Project).where(Project.circle_id == c.id).order_by(Project.code)).scalars()
        unit = s.get(OrgUnit, c.org_unit_id) if c.org_unit_id else None
        return CircleDetail(
            circle=records.to_dto("circle", c),
            org_unit_name=unit.name if unit else None,
            members=tuple(members),
            meetings=tuple(records.to_dto("meeting", m) for m in meetings),
            projects=tuple(records.to_dto("project", p) for p in projects),
        )


def projects_by_stage(tx: Tx) -> dict[str, list[Any]]:
    """Every project grouped by PDCA stage; every stage is a key, in PDCA order."""
    with reading(tx) as s:
        out: dict[str, list[Any]] = {st.value: [] for st in P}
        for p in s.execute(select(Project).order_by(Project.code)).scalars():
            out.setdefault(p.pdca_stage, []).append(records.to_dto("project", p))
        return out
