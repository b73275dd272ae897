"""Audits (ISO 9001 9.2, ISO 19011): the yearly programme, each audit's plan and team, the
checklist by clause, the findings and the report, up to closure once every nonconformity
finding has its nonconformity (raised by :mod:`qms_tui.services.nonconformities`).

Lifecycle ``lifecycle.AUDIT``: planned → confirmed → performed → report_accepted → closed;
cancelled from planned or confirmed. Guards:

- auditor independence (9.2.2 c): nobody audits, as lead or auditor, a process they own;
- the plan is fixed once the report is accepted; nothing changes once closed or cancelled;
- checklist results and findings only while the audit is confirmed or performed;
- the report is accepted with conclusions and no checklist item pending;
- closed only when every major or minor finding has its nonconformity.

Finding codes are yearly (``HAL-2025-001``) by the year of the audit's planned start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select
from sqlmodel import Session

from qms_tui.db.models import (
    Audit,
    AuditMember,
    ChecklistItem,
    Finding,
    Nonconformity,
    Person,
    Process,
    Programme,
    RecordClause,
)
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import enums as E
from qms_tui.domain.actor import Actor
from qms_tui.domain.clauses import ISO54001, get_clause
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import FieldError, TransitionError, ValidationError, invalid
from qms_tui.domain.fields import Field, is_blank, parse_all
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import FIELD_LABELS, SPECS, dates_in_order
from qms_tui.i18n import get_language, tr
from qms_tui.services import records, signatures, trail
from qms_tui.services.org import person_id_for_login
from qms_tui.services.tx import Tx, reading, writing

S, PS, FK, AR = E.AuditStatus, E.ProgrammeStatus, E.FindingKind, E.AuditRole
AUDITING_ROLES = (AR.LEAD.value, AR.AUDITOR.value)
NC_KINDS = (FK.MAJOR.value, FK.MINOR.value)
PLAN_FIELDS = frozenset(f.name for f in SPECS["audit"].fields) - {"conclusions"}
FINISHED = (S.REPORT_ACCEPTED.value, S.CLOSED.value, S.CANCELLED.value)
UNDER_WAY = (S.CONFIRMED.value, S.PERFORMED.value)
QUESTION = N_("Is there evidence that the requirements of {clause} {title} are met?")


@dataclass(frozen=True)
class AuditDetail:
    audit: Any  # audit DTO (with its clauses)
    programme: str | None  # code
    process: str | None  # code
    process_name: str | None
    lead_auditor: str | None  # name
    team: tuple[tuple[str, str, str], ...]  # (person code, name, role), lead first
    checklist: tuple[Any, ...]  # checklist_item DTOs by position
    findings: tuple[tuple[Any, str | None], ...]  # (finding DTO, code of its NC or None)
    counts: Mapping[str, int]  # finding kind -> count (every kind present)


# ---------------------------------------------------------------- helpers (shared with NCs)


def acting_person_id(session: Session, actor: Actor) -> int | None:
    """The acting user's person: ``actor.person_id``, else the person whose code is the login."""
    return actor.person_id or person_id_for_login(session, actor.login)


def parse_inputs(
    fields: Iterable[Field],
    data: Mapping[str, Any],
    *checks: Callable[[Mapping[str, Any]], list[FieldError]],
    errors: list[FieldError] | None = None,
) -> dict[str, Any]:
    """Parse a transition's inputs (each error naming its field) and run ``checks``;
    raises one ValidationError with every problem, ``errors`` found before included."""
    values, found = parse_all(fields, data)
    found = [*(errors or []), *found]
    if not found:
        for check in checks:
            found.extend(check(values))
    if found:
        raise ValidationError(found)
    return values


def required_text(name: str, value: Any) -> str:
    if is_blank(value):
        raise invalid(name, N_("is required"))
    return str(value).strip()


def link_clauses(session: Session, actor: Actor, entity: str, record_id: int, clauses: Iterable[str]) -> None:
    """Clause links of a record just created (as ``records.create`` writes them)."""
    for number in sorted(set(clauses), key=lambda n: tuple(int(p) for p in n.split("."))):
        rc = RecordClause(entity=entity, record_id=record_id, clause=number)
        session.add(rc)
        trail.append(session, actor, TrailAction.CREATE, "record_clause", rc, None)


def _label(status: str) -> str:
    return S(status).label()


def _audit(session: Session, code: str) -> Audit:
    return records.get_row(session, "audit", code, lock=True)


def _not_finished(audit: Audit) -> None:
    if audit.status in FINISHED:
        raise TransitionError(N_("{code} is {status}; its team and checklist can no longer change"),
                              code=audit.code, status=_label(audit.status))


def _under_way(audit: Audit, what: str) -> None:
    if audit.status not in UNDER_WAY:
        raise TransitionError(what, code=audit.code, status=_label(audit.status))


def _own_process(session: Session, field: str, person_id: int | None, process_id: int | None) -> None:
    """ISO 9001 9.2.2 c): an auditor does not audit their own work."""
    if person_id is None or process_id is None:
        return
    proc = session.get(Process, process_id)
    if proc is not None and proc.owner_id == person_id:
        raise invalid(field, N_("an auditor may not audit their own process ({process})"), process=proc.code)


def _next_position(session: Session, audit_id: int) -> int:
    last = session.execute(
        select(func.max(ChecklistItem.position)).where(ChecklistItem.audit_id == audit_id)
    ).scalar_one()
    return (last or 0) + 1


def _clause_title(number: str, lang: str) -> str:
    try:
        return get_clause(ISO54001, number).title(lang)
    except KeyError:
        return ""


def _date(name: str, raw: Any) -> date:
    """An optional date input, today when blank."""
    value = parse_inputs((Field(name, "date"),), {name: raw})[name]
    return value or clock.today()


# ---------------------------------------------------------------- programme


def create_programme(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """A yearly audit programme (status draft)."""
    with writing(tx) as s:
        return records.create(s, actor, "programme", data)


def approve_programme(tx: Tx, actor: Actor, code: str, approved_on: date | None = None) -> Any:
    """draft → approved, by the acting person, on ``approved_on`` (default today)."""
    with writing(tx) as s:
        p = records.get_row(s, "programme", code, lock=True)
        lifecycle.check(lifecycle.PROGRAMME, p.status, PS.APPROVED, PS)
        on = _date("approved_on", approved_on)
        return records.transition(s, actor, "programme", p, "status", PS.APPROVED,
                                  {"approved_by_id": acting_person_id(s, actor), "approved_on": on})


# ---------------------------------------------------------------- plan and team


def create_audit(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """Plan an audit (status planned). The lead auditor must not own the audited process."""
    with writing(tx) as s:
        columns = records.validate(s, SPECS["audit"], data)
        programme = s.get(Programme, columns["programme_id"]) if columns.get("programme_id") else None
        if programme is not None and programme.status == PS.CLOSED:
            raise TransitionError(N_("programme {code} is closed; it takes no more audits"), code=programme.code)
        _own_process(s, "lead_auditor", columns.get("lead_auditor_id"), columns.get("process_id"))
        return records.create(s, actor, "audit", data)


def update_audit(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change an audit's fields. The plan (every field but the conclusions) is fixed once the
    report is accepted; nothing changes once the audit is closed or cancelled."""
    spec = SPECS["audit"]
    with writing(tx) as s:
        audit = _audit(s, code)
        records.check_version(s, "audit", audit, expected_version)
        if audit.status in (S.CLOSED, S.CANCELLED):
            raise TransitionError(N_("{code} is {status}; it can no longer change"),
                                  code=audit.code, status=_label(audit.status))
        plan = sorted(k for k in changes if k in PLAN_FIELDS)
        if audit.status == S.REPORT_ACCEPTED and plan:
            raise TransitionError(N_("the report of {code} is accepted; its plan can no longer change ({fields})"),
                                  code=audit.code, fields=", ".join(plan))
        columns = records.validate(s, spec, changes, partial=True, current=records.current_values(spec, audit))
        process_id = columns.get("process_id", audit.process_id)
        if "lead_auditor_id" in columns or "process_id" in columns:
            _own_process(s, "lead_auditor", columns.get("lead_auditor_id", audit.lead_auditor_id), process_id)
        if "process_id" in columns and process_id is not None:
            owner = s.get(Process, process_id).owner_id  # type: ignore[union-attr]
            clash = s.execute(
                select(Person.name).join(AuditMember, AuditMember.person_id == Person.id).where(
                    AuditMember.audit_id == audit.id, AuditMember.person_id == owner,
                    AuditMember.role.in_(AUDITING_ROLES))
            ).scalars().first()
            if clash is not None:
                raise invalid("process", N_("{name} audits in this team and owns the process; an auditor "
                                            "may not audit their own process"), name=clash)
        return records.update(s, actor, "audit", audit.code, changes, expected_version=expected_version)


def add_team_member(tx: Tx, actor: Actor, audit_code: str, person_code: str, role: str) -> Any:
    """Add a person to the audit team (once). A lead or auditor must not own the audited
    process; one lead per team (the audit's lead auditor when it names one)."""
    with writing(tx) as s:
        audit = _audit(s, audit_code)
        _not_finished(audit)
        data = {"audit": audit.code, "person": person_code, "role": role}
        columns = records.validate(s, SPECS["audit_member"], data)
        pid, role = columns["person_id"], columns["role"]
        person = s.get(Person, pid)
        members = s.execute(select(AuditMember).where(AuditMember.audit_id == audit.id)).scalars().all()
        if any(m.person_id == pid for m in members):
            raise invalid("person", N_("{name} is already on the audit team"), name=person.name)  # type: ignore[union-attr]
        if role in AUDITING_ROLES:
            _own_process(s, "person", pid, audit.process_id)
        if role == AR.LEAD:
            lead_id = next((m.person_id for m in members if m.role == AR.LEAD), audit.lead_auditor_id)
            if lead_id is not None and lead_id != pid:
                raise invalid("role", N_("the audit already has a lead auditor ({name})"),
                              name=s.get(Person, lead_id).name)  # type: ignore[union-attr]
        return records.create(s, actor, "audit_member", data)


# ---------------------------------------------------------------- checklist


def _add_item(session: Session, actor: Actor, audit: Audit, data: Mapping[str, Any],
              known: Callable[[str], bool], position: int) -> Any:
    number = "" if is_blank(data.get("clause")) else str(data["clause"]).strip()
    if number and not known(number):
        raise invalid("clause", N_("unknown clause {clauses}"), clauses=number)
    return records.create(session, actor, "checklist_item",
                          {"position": position, **data, "clause": number, "audit": audit.code})


def add_checklist_item(
    tx: Tx, actor: Actor, audit_code: str, clause: str | Mapping[str, Any], question: str | None = None
) -> Any:
    """One checklist question on a catalogue clause, placed last. ``clause`` may also be a
    mapping of the item's fields (``clause``, ``question``, …)."""
    data = dict(clause) if isinstance(clause, Mapping) else {"clause": clause, "question": question}
    with writing(tx) as s:
        audit = _audit(s, audit_code)
        _not_finished(audit)
        return _add_item(s, actor, audit, data, records.clause_exists(s), _next_position(s, audit.id))


def generate_checklist(tx: Tx, actor: Actor, audit_code: str) -> list[Any]:
    """One question per clause of the audit that has no item yet (in the current language)."""
    with writing(tx) as s:
        audit = _audit(s, audit_code)
        _not_finished(audit)
        have = set(s.execute(select(ChecklistItem.clause).where(ChecklistItem.audit_id == audit.id)).scalars())
        known, lang, position = records.clause_exists(s), get_language(), _next_position(s, audit.id)
        out = []
        for number in records.clauses_of(s, "audit", audit.id):
            if number in have:
                continue
            question = tr(QUESTION, clause=number, title=_clause_title(number, lang)).replace("  ", " ")
            out.append(_add_item(s, actor, audit, {"clause": number, "question": question}, known, position))
            position += 1
        return out


def record_checklist_result(
    tx: Tx, actor: Actor, item_code: str, result: str, evidence_note: str | None = None,
    expected_version: int | None = None,
) -> Any:
    """The result of a checklist question (and the evidence seen), while the audit is under way."""
    with writing(tx) as s:
        item = records.get_row(s, "checklist_item", item_code, lock=True)
        _under_way(s.get(Audit, item.audit_id),  # type: ignore[arg-type]
                   N_("checklist results are recorded while {code} is confirmed or performed (it is {status})"))
        changes = {"result": result}
        if evidence_note is not None:
            changes["evidence_note"] = evidence_note
        return records.update(s, actor, "checklist_item", item.code, changes, expected_version=expected_version)


# ---------------------------------------------------------------- lifecycle


def _move(session: Session, actor: Actor, audit: Audit, target: str, columns: Mapping[str, Any] | None = None,
          summary: str | None = None) -> Any:
    return records.transition(session, actor, "audit", audit, "status", target, columns, summary=summary)


def confirm_audit(tx: Tx, actor: Actor, code: str) -> Any:
    """planned → confirmed (dates and team agreed with the auditee)."""
    with writing(tx) as s:
        audit = _audit(s, code)
        lifecycle.check(lifecycle.AUDIT, audit.status, S.CONFIRMED, S)
        return _move(s, actor, audit, S.CONFIRMED)


def perform_audit(tx: Tx, actor: Actor, code: str, actual_start: Any, actual_end: Any) -> Any:
    """confirmed → performed, with the actual dates (end not before start)."""
    with writing(tx) as s:
        audit = _audit(s, code)
        lifecycle.check(lifecycle.AUDIT, audit.status, S.PERFORMED, S)
        values = parse_inputs(
            (Field("actual_start", "date", True), Field("actual_end", "date", True)),
            {"actual_start": actual_start, "actual_end": actual_end},
            dates_in_order("actual_start", "actual_end"),
        )
        return _move(s, actor, audit, S.PERFORMED, values)


def accept_report(
    tx: Tx, actor: Actor, code: str, conclusions: str | None = None, accepted_on: Any = None,
    *, pin: str | None = None, comment: str | None = None,
) -> Any:
    """performed → report_accepted: conclusions (given or stored) and no pending checklist item.
    Accepted by a quality coordinator or an administrator (the programme manager, not the
    auditors who wrote it), who signs it "approved" (``pin``: their signing PIN, if any)."""
    signatures.before_signing(tx, actor, "audit", pin)
    with writing(tx) as s:
        audit = _audit(s, code)
        lifecycle.check(lifecycle.AUDIT, audit.status, S.REPORT_ACCEPTED, S)
        values = parse_inputs((Field("conclusions", "longtext"), Field("accepted_on", "date")),
                              {"conclusions": conclusions, "accepted_on": accepted_on})
        text = values["conclusions"] if values["conclusions"] is not None else audit.conclusions
        if is_blank(text):
            raise invalid("conclusions", N_("are required to accept the report"))
        on = values["accepted_on"] or clock.today()
        if audit.actual_end is not None and on < audit.actual_end:
            raise invalid("accepted_on", N_("must not be before {other}"), other=FIELD_LABELS["actual_end"])
        pending = s.execute(
            select(ChecklistItem.code).where(ChecklistItem.audit_id == audit.id,
                                             ChecklistItem.result == E.ChecklistResult.PENDING)
            .order_by(ChecklistItem.position, ChecklistItem.id)
        ).scalars().all()
        if pending:
            raise TransitionError(N_("checklist items still pending: {items}"), items=", ".join(pending))
        accepted = _move(s, actor, audit, S.REPORT_ACCEPTED, {
            "conclusions": text, "report_accepted_on": on, "report_accepted_by_id": acting_person_id(s, actor)})
        signatures.sign(s, actor, "audit", audit, signatures.Meaning.APPROVED, comment, pin=pin)
        return accepted


def close_audit(tx: Tx, actor: Actor, code: str, closed_on: Any = None) -> Any:
    """report_accepted → closed, once every major or minor finding has its nonconformity."""
    with writing(tx) as s:
        audit = _audit(s, code)
        lifecycle.check(lifecycle.AUDIT, audit.status, S.CLOSED, S)
        on = _date("closed_on", closed_on)
        missing = s.execute(
            select(Finding.code).where(
                Finding.audit_id == audit.id, Finding.kind.in_(NC_KINDS),
                ~exists().where(Nonconformity.finding_id == Finding.id),
            ).order_by(Finding.code)
        ).scalars().all()
        if missing:
            raise TransitionError(N_("findings without a nonconformity raised: {findings}"),
                                  findings=", ".join(missing))
        return _move(s, actor, audit, S.CLOSED, {"closed_on": on})


def cancel_audit(tx: Tx, actor: Actor, code: str, reason: str) -> Any:
    """planned or confirmed → cancelled; the reason goes into the trail event."""
    with writing(tx) as s:
        audit = _audit(s, code)
        lifecycle.check(lifecycle.AUDIT, audit.status, S.CANCELLED, S)
        why = required_text("reason", reason)
        return _move(s, actor, audit, S.CANCELLED, summary=f"{audit.status} → {S.CANCELLED.value}: {why}")


# ---------------------------------------------------------------- findings


def add_finding(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """Record a finding of an audit under way. Without a process it takes the audit's; without
    clauses, its checklist item's clause. Coded by the year of the audit's planned start."""
    spec = SPECS["finding"]
    with writing(tx) as s:
        authorize(actor, "finding", "create")
        columns = records.validate(s, spec, data)
        audit = s.get(Audit, columns["audit_id"])
        _under_way(audit, N_("findings are recorded while {code} is confirmed or performed (it is {status})"))  # type: ignore[arg-type]
        item = s.get(ChecklistItem, columns["checklist_item_id"]) if columns.get("checklist_item_id") else None
        if item is not None and item.audit_id != audit.id:  # type: ignore[union-attr]
            raise invalid("checklist_item", N_("{item} belongs to another audit"), item=item.code)
        if columns.get("process_id") is None:
            columns["process_id"] = audit.process_id  # type: ignore[union-attr]
        clauses = columns.pop("clauses", None) or ([item.clause] if item is not None else [])
        # records.create takes the year of a yearly code from a field; a finding has none
        code = records.next_code(s, spec, audit.planned_start.year)  # type: ignore[union-attr]
        obj = Finding(**columns, code=code)
        s.add(obj)
        trail.append(s, actor, TrailAction.CREATE, "finding", obj, None)
        link_clauses(s, actor, "finding", obj.id, clauses)  # type: ignore[arg-type]
        return records.to_dto("finding", obj, records.clauses_of(s, "finding", obj.id))  # type: ignore[arg-type]


# ---------------------------------------------------------------- reading


def audit_detail(tx: Tx, code: str) -> AuditDetail:
    with reading(tx) as s:
        a = records.get_row(s, "audit", code)
        proc = s.get(Process, a.process_id) if a.process_id else None
        order = {r.value: n for n, r in enumerate(AR)}
        team = sorted(
            s.execute(
                select(Person.code, Person.name, AuditMember.role, AuditMember.id)
                .join(Person, Person.id == AuditMember.person_id).where(AuditMember.audit_id == a.id)
            ).all(),
            key=lambda r: (order.get(r[2], len(order)), r[3]),
        )
        lead = s.get(Person, a.lead_auditor_id).name if a.lead_auditor_id else None  # type: ignore[union-attr]
        if lead is None:
            lead = next((name for _c, name, role, _i in team if role == AR.LEAD), None)
        items = s.execute(
            select(ChecklistItem).where(ChecklistItem.audit_id == a.id)
            .order_by(ChecklistItem.position, ChecklistItem.id)
        ).scalars().all()
        rows = s.execute(
            select(Finding, Nonconformity.code).outerjoin(Nonconformity, Nonconformity.finding_id == Finding.id)
            .where(Finding.audit_id == a.id).order_by(Finding.code, Nonconformity.id)
        ).all()
        findings: dict[int, tuple[Any, str | None]] = {}
        counts = {k.value: 0 for k in FK}
        for f, nc in rows:
            if f.id not in findings:
                findings[f.id] = (records.to_dto("finding", f, records.clauses_of(s, "finding", f.id)), nc)
                counts[f.kind] = counts.get(f.kind, 0) + 1
        return AuditDetail(
            audit=records.to_dto("audit", a, records.clauses_of(s, "audit", a.id)),
            programme=records.code_of(s, "programme", a.programme_id),
            process=proc.code if proc else None,
            process_name=proc.name if proc else None,
            lead_auditor=lead,
            team=tuple((c, n, r) for c, n, r, _i in team),
            checklist=tuple(records.to_dto("checklist_item", i) for i in items),
            findings=tuple(findings.values()),
            counts=counts,
        )


def list_audits(tx: Tx, **kwargs: Any) -> records.Page:
    """A page of audits (arguments of :func:`records.list_page`)."""
    with reading(tx) as s:
        return records.list_page(s, "audit", **kwargs)
