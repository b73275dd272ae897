"""Nonconformities and corrective action (ISO 9001 10.2; domain.md §3.5).

Lifecycle ``lifecycle.NONCONFORMITY``: registered → correction → root_cause → action_plan →
implementation → verification → closed. A closed NC is reopened into a new root-cause
analysis; an effectiveness check found not effective sends it back there too (both count in
``reopen_count``). Drafts (raised automatically, e.g. from an indicator breach) are accepted
(→ registered) or dismissed; an open NC may be cancelled. Guards:

- correction and root cause need their text; 5 whys and Ishikawa need their causes;
- implementation needs an action; verification needs every action finished (one done) and
  an effectiveness check planned;
- the verifier owns none of the NC's actions (10.2.1 d, independence);
- closing needs the latest effectiveness check effective, and a coordinator or an admin.

Actions (``update_action_status``) are generic: of an NC, a review decision or a risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from qms_tui.db.models import (
    Action,
    Audit,
    Cause,
    EffectivenessCheck,
    Indicator,
    Measurement,
    Nonconformity,
    Person,
    Process,
)
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import enums as E
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role, TrailAction
from qms_tui.domain.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    TransitionError,
    ValidationError,
    invalid,
)
from qms_tui.domain.fields import Field, is_blank, parse_all
from qms_tui.domain.specs import FIELD_LABELS, SPECS
from qms_tui.i18n import tr
from qms_tui.services import records, signatures
from qms_tui.services.audits import acting_person_id, parse_inputs, required_text
from qms_tui.services.tx import Tx, reading, writing

N, AS, EF, M = E.NcStatus, E.ActionStatus, E.Effectiveness, E.RcaMethod
MACHINE = lifecycle.NONCONFORMITY
ACTION_STATES = (N.ROOT_CAUSE.value, N.ACTION_PLAN.value, N.IMPLEMENTATION.value)
CHECK_STATES = (N.ACTION_PLAN.value, N.IMPLEMENTATION.value, N.VERIFICATION.value)
ENDED = (N.CLOSED.value, N.DISMISSED.value, N.CANCELLED.value)
CLOSERS = (Role.ADMIN.value, Role.COORDINATOR.value)
BUCKETS = ("0-30", "31-60", "61-90", ">90")
UNCLASSIFIED = ""  # severity key of NCs without a severity (as in services.dashboard)


@dataclass(frozen=True)
class ActionLine:
    action: Any  # action DTO
    owner: str | None  # owner's name


@dataclass(frozen=True)
class MeasurementRef:
    indicator: str  # code
    period: str
    value: float


@dataclass(frozen=True)
class NcDetail:
    nc: Any  # nonconformity DTO (with its clauses)
    process: str | None  # code
    process_name: str | None
    owner: str | None  # name
    finding: str | None  # code
    measurement: MeasurementRef | None
    causes: tuple[Any, ...]  # cause DTOs by position
    actions: tuple[ActionLine, ...]  # by due date
    checks: tuple[Any, ...]  # effectiveness_check DTOs by planned date
    age_days: int  # from detection to closure (or today)
    allowed: tuple[str, ...]  # next states (lifecycle.allowed)


# ---------------------------------------------------------------- helpers


def _nc(session: Session, code: str | int) -> Nonconformity:
    return records.get_row(session, "nonconformity", code, lock=True)


def _label(status: str) -> str:
    return N(status).label()


def _move(session: Session, actor: Actor, nc: Nonconformity, target: str,
          columns: Mapping[str, Any] | None = None) -> Any:
    """Enter ``target`` (lifecycle checked), or edit in place when already there."""
    if nc.status == target:
        return records.update(session, actor, "nonconformity", nc.code, {}, extra=dict(columns or {}))
    lifecycle.check(MACHINE, nc.status, target, N)
    return records.transition(session, actor, "nonconformity", nc, "status", target, columns)


def _nc_of_finding(session: Session, finding_id: int) -> str | None:
    return session.execute(
        select(Nonconformity.code).where(Nonconformity.finding_id == finding_id).order_by(Nonconformity.id)
    ).scalars().first()


def _independent(session: Session, nc_id: int, person_id: int) -> None:
    """ISO 9001 10.2.1 d): whoever verifies the effectiveness owns none of the actions."""
    owned = session.execute(
        select(Action.code).where(Action.nonconformity_id == nc_id, Action.owner_id == person_id)
        .order_by(Action.code)
    ).scalars().all()
    if owned:
        name = session.get(Person, person_id).name  # type: ignore[union-attr]
        raise invalid("verifier", N_("{name} owns action {actions} of this nonconformity; the effectiveness "
                                     "must be verified by someone independent"),
                      name=name, actions=", ".join(owned))


def _create(session: Session, actor: Actor, data: Mapping[str, Any], draft: bool, breach_key: str | None) -> Any:
    columns = records.validate(session, SPECS["nonconformity"], data)
    key = None if is_blank(breach_key) else str(breach_key).strip()
    if key is not None:
        other = session.execute(select(Nonconformity.code).where(Nonconformity.breach_key == key)).scalar_one_or_none()
        if other is not None:
            raise TransitionError(N_("nonconformity {nc} was already raised for this breach"), nc=other)
    if columns.get("finding_id") is not None:
        other = _nc_of_finding(session, columns["finding_id"])
        if other is not None:
            raise TransitionError(N_("finding {finding} already has nonconformity {nc}"),
                                  finding=records.code_of(session, "finding", columns["finding_id"]), nc=other)
    status = N.DRAFT if draft else N.REGISTERED
    return records.create(session, actor, "nonconformity", data,
                          extra={"status": status.value, "breach_key": key})


# ---------------------------------------------------------------- registering


def create_nc(
    tx: Tx, actor: Actor, data: Mapping[str, Any], *, draft: bool = False, breach_key: str | None = None
) -> Any:
    """Register a nonconformity (status registered, or draft). ``breach_key`` names the
    automatic rule that raised it; a second NC for the same key is refused."""
    with writing(tx) as s:
        return _create(s, actor, data, draft, breach_key)


def raise_from_finding(tx: Tx, actor: Actor, finding_code: str, overrides: Mapping[str, Any] | None = None) -> Any:
    """The NC of a major or minor audit finding (once per finding): severity, process, unit,
    clauses and texts from the finding; detected at the audit's end; reported by its lead
    auditor; owned by the process owner. ``overrides`` replace any of these inputs."""
    with writing(tx) as s:
        f = records.get_row(s, "finding", finding_code, lock=True)
        if f.kind not in (E.FindingKind.MAJOR, E.FindingKind.MINOR):
            raise TransitionError(N_("only major and minor nonconformity findings raise a nonconformity; "
                                     "{finding} is a finding of kind “{kind}”"),
                                  finding=f.code, kind=E.FindingKind(f.kind).label())
        other = _nc_of_finding(s, f.id)
        if other is not None:
            raise TransitionError(N_("finding {finding} already has nonconformity {nc}"), finding=f.code, nc=other)
        audit = s.get(Audit, f.audit_id)
        proc = s.get(Process, f.process_id) if f.process_id else None
        internal = audit.kind == E.AuditKind.INTERNAL  # type: ignore[union-attr]
        data = {
            "title": f.title, "description": f.description,
            "source": E.NcSource.INTERNAL_AUDIT if internal else E.NcSource.EXTERNAL_AUDIT,
            "severity": f.kind, "process": f.process_id, "org_unit": f.org_unit_id,
            "event": audit.event_id,  # type: ignore[union-attr]
            "clauses": list(records.clauses_of(s, "finding", f.id)),
            "detected_on": audit.actual_end or clock.today(),  # type: ignore[union-attr]
            "reported_by": audit.lead_auditor_id,  # type: ignore[union-attr]
            "owner": proc.owner_id if proc else None,
            **(overrides or {}),
            "finding": f.id,
        }
        return _create(s, actor, data, False, None)


def raise_from_measurement(
    tx: Tx, actor: Actor, measurement_id: int, overrides: Mapping[str, Any] | None = None, *,
    draft: bool = False, breach_key: str | None = None,
) -> Any:
    """The NC of an indicator off target: process and event from the indicator, owned by the
    process owner (else the indicator's owner), reported by the acting person, detected today."""
    with writing(tx) as s:
        m = s.get(Measurement, int(measurement_id))
        if m is None:
            raise NotFound(SPECS["measurement"].title, str(measurement_id))
        ind = s.get(Indicator, m.indicator_id)
        assert ind is not None
        proc = s.get(Process, ind.process_id) if ind.process_id else None
        if ind.direction == E.Direction.BAND:
            target = f"{ind.band_low:g}–{ind.band_high:g}" if ind.band_low is not None and ind.band_high is not None else "—"
        else:
            target = f"{ind.target:g}" if ind.target is not None else "—"
        data = {
            "title": tr(N_("Indicator {code} off target in {period}"), code=ind.code, period=m.period),
            "description": tr(N_("{name}: the value of {period} is {value} {unit}; the target is {target} {unit}."),
                              name=ind.name, period=m.period, value=f"{m.value:g}", unit=ind.unit, target=target),
            "source": E.NcSource.INDICATOR, "process": ind.process_id, "event": ind.event_id,
            "owner": (proc.owner_id if proc and proc.owner_id else None) or ind.owner_id,
            "reported_by": acting_person_id(s, actor), "detected_on": clock.today(),
            "clauses": list(records.clauses_of(s, "indicator", ind.id)),
            **(overrides or {}),
            "measurement": m.id,
        }
        return _create(s, actor, data, draft, breach_key)


def update_nc(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change the registration fields of an NC that is not closed, dismissed or cancelled."""
    with writing(tx) as s:
        nc = _nc(s, code)
        if nc.status in ENDED:
            raise TransitionError(N_("{code} is {status}; it can no longer change"),
                                  code=nc.code, status=_label(nc.status))
        return records.update(s, actor, "nonconformity", nc.code, changes, expected_version=expected_version)


def accept_draft(tx: Tx, actor: Actor, code: str) -> Any:
    """draft → registered."""
    with writing(tx) as s:
        nc = _nc(s, code)
        lifecycle.check(MACHINE, nc.status, N.REGISTERED, N)
        return records.transition(s, actor, "nonconformity", nc, "status", N.REGISTERED)


def _end(tx: Tx, actor: Actor, code: str, target: str, reason: str) -> Any:
    with writing(tx) as s:
        nc = _nc(s, code)
        lifecycle.check(MACHINE, nc.status, target, N)
        why = required_text("reason", reason)
        return records.transition(s, actor, "nonconformity", nc, "status", target, {"status_reason": why})


def dismiss_draft(tx: Tx, actor: Actor, code: str, reason: str) -> Any:
    """draft → dismissed (not a nonconformity), with the reason."""
    return _end(tx, actor, code, N.DISMISSED, reason)


def cancel_nc(tx: Tx, actor: Actor, code: str, reason: str) -> Any:
    """An open NC → cancelled (e.g. a duplicate), with the reason."""
    return _end(tx, actor, code, N.CANCELLED, reason)


# ---------------------------------------------------------------- correction and root cause


def record_correction(
    tx: Tx, actor: Actor, code: str, correction: str, correction_on: Any, extent: str | None = None,
    expected_version: int | None = None,
) -> Any:
    """registered → correction: what was done at once (10.2.1 a) and when; optionally the
    extent analysis (10.2.1 b 3). Called again in correction it edits them."""
    with writing(tx) as s:
        nc = _nc(s, code)
        records.check_version(s, "nonconformity", nc, expected_version)
        if nc.status != N.CORRECTION:
            lifecycle.check(MACHINE, nc.status, N.CORRECTION, N)
        values = parse_inputs(
            (Field("correction", "longtext", True), Field("correction_on", "date", True), Field("extent", "longtext")),
            {"correction": correction, "correction_on": correction_on, "extent": extent},
        )
        if values["correction_on"] < nc.detected_on:
            raise invalid("correction_on", N_("must not be before {other}"), other=FIELD_LABELS["detected_on"])
        if extent is None:
            values.pop("extent")
        return _move(s, actor, nc, N.CORRECTION, values)


def _cause_lines(method: str | None, causes: Iterable[Any] | None) -> tuple[list[tuple[str | None, str]], list[FieldError]]:
    lines: list[tuple[str | None, str]] = []
    errors: list[FieldError] = []
    for item in causes or ():
        if isinstance(item, str):
            category, text = None, item
        elif isinstance(item, tuple | list) and len(item) == 2:
            category, text = item
        else:
            errors.append(FieldError("causes", N_("each cause is a text or a (category, text) pair")))
            continue
        if is_blank(text):
            continue
        cat = None
        if not is_blank(category):
            raw = str(category).strip()
            cat = next((c.value for c in E.IshikawaCategory if raw in (c.value, c.msgid)), None)
            if cat is None:
                errors.append(FieldError("causes", N_("unknown Ishikawa category {category}"), {"category": raw}))
                continue
        lines.append((cat if method != M.FIVE_WHYS else None, str(text).strip()))
    if method in (M.FIVE_WHYS, M.ISHIKAWA) and not lines and not errors:
        errors.append(FieldError("causes", N_("at least one cause is required for this method")))
    if method == M.ISHIKAWA and any(cat is None for cat, _t in lines):
        errors.append(FieldError("causes", N_("every Ishikawa cause needs a category")))
    return lines, errors


def record_root_cause(
    tx: Tx, actor: Actor, code: str, method: str, root_cause: str, causes: Iterable[Any] | None,
    expected_version: int | None = None,
) -> Any:
    """correction → root_cause (or a new analysis while in root_cause): the method, the root
    cause and its causes — the whys in order (5 whys) or (category, text) pairs (Ishikawa,
    categories of IshikawaCategory). The NC's previous causes are replaced."""
    with writing(tx) as s:
        nc = _nc(s, code)
        records.check_version(s, "nonconformity", nc, expected_version)
        if nc.status != N.ROOT_CAUSE:
            lifecycle.check(MACHINE, nc.status, N.ROOT_CAUSE, N)
        fields = (Field("method", "choice", True, choices=M), Field("root_cause", "longtext", True))
        values, errors = parse_all(fields, {"method": method, "root_cause": root_cause})
        lines, cause_errors = _cause_lines(values.get("method"), causes)
        if errors or cause_errors:
            raise ValidationError([*errors, *cause_errors])
        for old in s.execute(select(Cause.id).where(Cause.nonconformity_id == nc.id).order_by(Cause.id)).scalars().all():
            records.remove(s, actor, "cause", old)
        for position, (category, text) in enumerate(lines, start=1):
            records.create(s, actor, "cause", {"nonconformity": nc.id, "method": values["method"],
                                               "category": category, "position": position, "text": text})
        return _move(s, actor, nc, N.ROOT_CAUSE, {"rca_method": values["method"], "root_cause": values["root_cause"]})


# ---------------------------------------------------------------- actions


def add_action(tx: Tx, actor: Actor, nc_code: str, data: Mapping[str, Any]) -> Any:
    """An action of the NC's plan (after the root-cause analysis, until verification); the
    first one moves the NC from root_cause to action_plan."""
    with writing(tx) as s:
        nc = _nc(s, nc_code)
        if nc.status not in ACTION_STATES:
            raise TransitionError(N_("actions are planned after the root-cause analysis and before the "
                                     "verification; {code} is {status}"), code=nc.code, status=_label(nc.status))
        dto = records.create(s, actor, "action", {**data, "nonconformity": nc.id})
        if nc.status == N.ROOT_CAUSE:
            _move(s, actor, nc, N.ACTION_PLAN)
        return dto


def update_action_status(
    tx: Tx, actor: Actor, action_code: str, status: str, completed_on: Any = None,
    evidence_note: str | None = None, expected_version: int | None = None,
) -> Any:
    """Move any action (of an NC, a review or a risk) along ``lifecycle.ACTION``; done takes
    its completion date (default today) and optionally the evidence."""
    with writing(tx) as s:
        a = records.get_row(s, "action", action_code, lock=True)
        records.check_version(s, "action", a, expected_version)
        values = parse_inputs(
            (Field("status", "choice", True, choices=AS), Field("completed_on", "date"), Field("evidence_note", "longtext")),
            {"status": status, "completed_on": completed_on, "evidence_note": evidence_note},
        )
        if a.nonconformity_id is not None:
            nc = s.get(Nonconformity, a.nonconformity_id)
            if nc is not None and nc.status in (N.CLOSED, N.CANCELLED):
                raise TransitionError(N_("{code} is {status}; its actions can no longer change"),
                                      code=nc.code, status=_label(nc.status))
        target = values["status"]
        lifecycle.check(lifecycle.ACTION, a.status, target, AS)
        columns: dict[str, Any] = {"completed_on": (values["completed_on"] or clock.today()) if target == AS.DONE else None}
        if values["evidence_note"] is not None:
            columns["evidence_note"] = values["evidence_note"]
        return records.transition(s, actor, "action", a, "status", target, columns)


def start_implementation(tx: Tx, actor: Actor, code: str) -> Any:
    """action_plan → implementation (at least one action not cancelled)."""
    with writing(tx) as s:
        nc = _nc(s, code)
        lifecycle.check(MACHINE, nc.status, N.IMPLEMENTATION, N)
        live = s.execute(select(Action.id).where(Action.nonconformity_id == nc.id,
                                                 Action.status != AS.CANCELLED)).first()
        if live is None:
            raise TransitionError(N_("{code} has no action to implement"), code=nc.code)
        return _move(s, actor, nc, N.IMPLEMENTATION)


# ---------------------------------------------------------------- effectiveness and closure


def plan_effectiveness_check(
    tx: Tx, actor: Actor, nc_code: str, planned_date: Any, criterion: str, verifier: str | None = None
) -> Any:
    """Plan how and when the effectiveness will be verified (once there is an action plan);
    the verifier, if named, owns none of the NC's actions."""
    with writing(tx) as s:
        nc = _nc(s, nc_code)
        if nc.status not in CHECK_STATES:
            raise TransitionError(N_("effectiveness checks are planned once {code} has an action plan "
                                     "(it is {status})"), code=nc.code, status=_label(nc.status))
        data = {"nonconformity": nc.id, "planned_date": planned_date, "criterion": criterion, "verifier": verifier}
        columns = records.validate(s, SPECS["effectiveness_check"], data)
        if columns.get("verifier_id") is not None:
            _independent(s, nc.id, columns["verifier_id"])
        return records.create(s, actor, "effectiveness_check", data)


def request_verification(tx: Tx, actor: Actor, code: str) -> Any:
    """implementation → verification: every action done or cancelled (one done at least) and
    an effectiveness check planned (pending)."""
    with writing(tx) as s:
        nc = _nc(s, code)
        lifecycle.check(MACHINE, nc.status, N.VERIFICATION, N)
        actions = s.execute(select(Action.code, Action.status).where(Action.nonconformity_id == nc.id)
                            .order_by(Action.code)).all()
        unfinished = [c for c, st in actions if st not in (AS.DONE, AS.CANCELLED)]
        if unfinished:
            raise TransitionError(N_("actions not finished yet: {actions}"), actions=", ".join(unfinished))
        if not any(st == AS.DONE for _c, st in actions):
            raise TransitionError(N_("at least one action must be done before the verification"))
        pending = s.execute(select(EffectivenessCheck.id).where(
            EffectivenessCheck.nonconformity_id == nc.id, EffectivenessCheck.result == EF.PENDING)).first()
        if pending is None:
            raise TransitionError(N_("plan an effectiveness check before requesting the verification"))
        return _move(s, actor, nc, N.VERIFICATION)


def record_effectiveness(
    tx: Tx, actor: Actor, check_code: str, result: str, performed_on: Any,
    evidence_note: str | None = None, verifier: str | None = None,
    *, pin: str | None = None, comment: str | None = None,
) -> Any:
    """The result of a planned check (the NC in verification). The verifier — given, else
    the acting person, else the one planned — owns none of the NC's actions. Not effective:
    the NC goes back to root_cause (``reopen_count`` + 1, the reason recorded). The acting
    person signs the check "verified effectiveness" (``pin``: their signing PIN, if any)."""
    signatures.require_pin(tx, actor, pin)
    with writing(tx) as s:
        chk = records.get_row(s, "effectiveness_check", check_code, lock=True)
        nc = _nc(s, chk.nonconformity_id)
        if nc.status != N.VERIFICATION:
            raise TransitionError(N_("effectiveness is recorded while {code} is in verification (it is {status})"),
                                  code=nc.code, status=_label(nc.status))
        if chk.result != EF.PENDING:
            raise TransitionError(N_("{check} was already recorded ({result})"),
                                  check=chk.code, result=EF(chk.result).label())
        errors: list[FieldError] = []
        verifier_id = None
        if not is_blank(verifier):
            verifier_id = s.execute(select(Person.id).where(Person.code == str(verifier).strip())).scalar_one_or_none()
            if verifier_id is None:
                errors.append(FieldError("verifier", N_("no record with code {code}"), {"code": verifier}))
        else:
            verifier_id = acting_person_id(s, actor) or chk.verifier_id
            if verifier_id is None:
                errors.append(FieldError("verifier", N_("is required")))
        if result == EF.PENDING:
            errors.append(FieldError("result", N_("must be effective or not effective")))
        values = parse_inputs(
            (Field("result", "choice", True, choices=EF), Field("performed_on", "date", True),
             Field("evidence_note", "longtext")),
            {"result": result, "performed_on": performed_on, "evidence_note": evidence_note},
            errors=errors,
        )
        _independent(s, nc.id, verifier_id)  # type: ignore[arg-type]
        target = values.pop("result")
        dto = records.transition(s, actor, "effectiveness_check", chk, "result", target,
                                 {**values, "verifier_id": verifier_id})
        signatures.sign(s, actor, "effectiveness_check", chk, signatures.Meaning.VERIFIED_EFFECTIVENESS,
                        comment, pin=pin)
        if target == EF.NOT_EFFECTIVE:
            reason = tr(N_("effectiveness check {check} was not effective"), check=chk.code)
            if values["evidence_note"]:
                reason = f"{reason}: {values['evidence_note']}"
            # a consequence of the verification (authorised above as the check's step), so
            # the verifier needs no right to move nonconformities along
            lifecycle.check(MACHINE, nc.status, N.ROOT_CAUSE, N)
            records.apply(s, actor, "nonconformity", nc,
                          {"reopen_count": nc.reopen_count + 1, "status_reason": reason, "status": N.ROOT_CAUSE},
                          TrailAction.TRANSITION, summary=f"{nc.status} → {N.ROOT_CAUSE.value}")
        return dto


def close_nc(
    tx: Tx, actor: Actor, code: str, closed_on: Any = None, *, pin: str | None = None, comment: str | None = None
) -> Any:
    """verification → closed, by a quality coordinator or an administrator, once the latest
    effectiveness check performed is effective; signed "closed" by them (``pin``: their
    signing PIN, if any)."""
    if actor.role not in CLOSERS:
        raise PermissionDenied(N_("only a quality coordinator or an administrator may close a "
                                  "nonconformity; {who} is {role}"), who=actor.label, role=Role(actor.role).label())
    signatures.before_signing(tx, actor, "nonconformity", pin)
    with writing(tx) as s:
        nc = _nc(s, code)
        lifecycle.check(MACHINE, nc.status, N.CLOSED, N)
        on = parse_inputs((Field("closed_on", "date"),), {"closed_on": closed_on})["closed_on"] or clock.today()
        latest = s.execute(
            select(EffectivenessCheck).where(EffectivenessCheck.nonconformity_id == nc.id,
                                             EffectivenessCheck.result != EF.PENDING)
            .order_by(EffectivenessCheck.performed_on.desc(), EffectivenessCheck.id.desc()).limit(1)
        ).scalar_one_or_none()
        if latest is None:
            raise TransitionError(N_("cannot close without an effectiveness check"))
        if latest.result != EF.EFFECTIVE:
            raise TransitionError(N_("the latest effectiveness check ({check}) was not effective"), check=latest.code)
        if on < nc.detected_on:
            raise invalid("closed_on", N_("must not be before {other}"), other=FIELD_LABELS["detected_on"])
        closed = _move(s, actor, nc, N.CLOSED, {"closed_on": on, "closed_by_id": acting_person_id(s, actor)})
        signatures.sign(s, actor, "nonconformity", nc, signatures.Meaning.CLOSED, comment, pin=pin)
        return closed


def reopen_nc(tx: Tx, actor: Actor, code: str, reason: str) -> Any:
    """closed → root_cause (e.g. the problem recurred): a new analysis; ``reopen_count`` + 1."""
    with writing(tx) as s:
        nc = _nc(s, code)
        if nc.status != N.CLOSED:
            raise TransitionError(N_("only a closed nonconformity can be reopened; {code} is {status}"),
                                  code=nc.code, status=_label(nc.status))
        why = required_text("reason", reason)
        return _move(s, actor, nc, N.ROOT_CAUSE, {"reopen_count": nc.reopen_count + 1, "status_reason": why,
                                                  "closed_on": None, "closed_by_id": None})


# ---------------------------------------------------------------- reading


def _age(detected: date, closed: date | None, today: date) -> int:
    return max(0, ((closed or today) - detected).days)


def nc_detail(tx: Tx, code: str, today: date | None = None) -> NcDetail:
    today = today or clock.today()
    with reading(tx) as s:
        nc = records.get_row(s, "nonconformity", code)
        proc = s.get(Process, nc.process_id) if nc.process_id else None
        owner = s.get(Person, nc.owner_id) if nc.owner_id else None
        meas = None
        if nc.measurement_id is not None:
            m = s.get(Measurement, nc.measurement_id)
            if m is not None:
                meas = MeasurementRef(records.code_of(s, "indicator", m.indicator_id) or "", m.period, m.value)
        causes = s.execute(select(Cause).where(Cause.nonconformity_id == nc.id)
                           .order_by(Cause.position, Cause.id)).scalars().all()
        actions = s.execute(
            select(Action, Person.name).outerjoin(Person, Person.id == Action.owner_id)
            .where(Action.nonconformity_id == nc.id).order_by(Action.due_date, Action.id)
        ).all()
        checks = s.execute(select(EffectivenessCheck).where(EffectivenessCheck.nonconformity_id == nc.id)
                           .order_by(EffectivenessCheck.planned_date, EffectivenessCheck.id)).scalars().all()
        return NcDetail(
            nc=records.to_dto("nonconformity", nc, records.clauses_of(s, "nonconformity", nc.id)),
            process=proc.code if proc else None,
            process_name=proc.name if proc else None,
            owner=owner.name if owner else None,
            finding=records.code_of(s, "finding", nc.finding_id),
            measurement=meas,
            causes=tuple(records.to_dto("cause", c) for c in causes),
            actions=tuple(ActionLine(records.to_dto("action", a), name) for a, name in actions),
            checks=tuple(records.to_dto("effectiveness_check", c) for c in checks),
            age_days=_age(nc.detected_on, nc.closed_on, today),
            allowed=tuple(N(s).value for s in lifecycle.allowed(MACHINE, nc.status)),
        )


def _bucket(days: int) -> str:
    return "0-30" if days <= 30 else "31-60" if days <= 60 else "61-90" if days <= 90 else ">90"


def nc_ageing(tx: Tx, today: date | None = None) -> dict[str, dict[str, int]]:
    """Open NCs by severity and age since detection: {"major": {"0-30": n, "31-60": n,
    "61-90": n, ">90": n}, "minor": {…}}, plus "" for NCs without a severity if any."""
    today = today or clock.today()
    out: dict[str, dict[str, int]] = {s.value: dict.fromkeys(BUCKETS, 0) for s in E.Severity}
    with reading(tx) as s:
        rows = s.execute(select(Nonconformity.severity, Nonconformity.detected_on)
                         .where(Nonconformity.status.in_(lifecycle.NC_OPEN))).all()
    for severity, detected in rows:
        key = severity or UNCLASSIFIED
        out.setdefault(key, dict.fromkeys(BUCKETS, 0))[_bucket(_age(detected, None, today))] += 1
    return out


def list_ncs(tx: Tx, **kwargs: Any) -> records.Page:
    """A page of nonconformities (arguments of :func:`records.list_page`)."""
    with reading(tx) as s:
        return records.list_page(s, "nonconformity", **kwargs)

