"""The evidence pack (design/domain.md §1.3; ARCHITECTURE invariant 7): for a standard and a
period, which records evidence which clause — a query, not a hand-made document.

A record evidences the clauses it is linked to (``record_clause``) and the clause its kind is
itself documented information for (:data:`NATURE`: an audit is evidence of 9.2.2, a
nonconformity of 10.2, …). Links are mapped onto the dossier's table of contents
(:func:`qms_tui.domain.clauses.EVIDENCE_CLAUSES`): a link to a sub-clause the standard does
not list goes to its nearest listed ancestor (8.5.1.4 → 8.5.1 in ISO 9001); a link to a clause
with sub-clauses goes to each listed sub-clause (9.2 → 9.2.1 and 9.2.2, marked "via 9.2").

Each record is shown in full once, at its *home* clause (its kind's nature clause, else its
first clause) and as a one-line reference elsewhere. A clause without records is a **gap**.

Dates decide what is "in the period" (both ends inclusive): a policy version in force, audits
whose dates overlap it, nonconformities open during it, reviews held in it, projects running
in it, documents with a version in force in it, evidence files effective in it, indicators
measured in it. Standing records are taken as they stand: every process, the objectives not
retired, the risks not closed before the period (the database keeps no dated history of them
outside the audit trail).
Reading is a constant number of statements per kind; the DTOs are plain, picklable dataclasses
(:mod:`qms_tui.domain.evidence`: report renderers unpickle them without the database layer).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from qms_tui.db import models as M
from qms_tui.domain import clauses as catalogue
from qms_tui.domain import clock
from qms_tui.domain import risk as rating
from qms_tui.domain.enums import NcStatus
from qms_tui.domain.evidence import (  # noqa: F401 - the DTOs, re-exported
    ClauseEvidence,
    EvidencePack,
    Item,
    Part,
    ProcessApplicability,
    Ref,
    SignedBy,
)
from qms_tui.services.indicators import light_of
from qms_tui.services.trail import canonical, snapshot
from qms_tui.services.tx import Tx, reading

#: Kinds in the order a clause lists them.
KINDS = ("process", "policy", "objective", "risk", "indicator", "programme", "audit", "finding",
         "nonconformity", "review", "project", "document", "evidence")

#: The clauses a kind of record is documented information for, whatever its links say.
NATURE: dict[str, tuple[str, ...]] = {
    "process": ("4.4.1",), "policy": ("5.2.1", "5.2.2"), "objective": ("6.2.1", "6.2.2"),
    "risk": ("6.1.1", "6.1.2"), "indicator": ("9.1.1",), "programme": ("9.2.2",),
    "audit": ("9.2.2",), "nonconformity": ("10.2.1", "10.2.2"), "review": ("9.3.3",),
    "project": ("10.3",), "document": ("7.5.2", "7.5.3.2"),
}
NC_SHOWN_OUT = (NcStatus.DRAFT.value, NcStatus.DISMISSED.value, NcStatus.CANCELLED.value)


# ---------------------------------------------------------------- helpers


def record_hash(obj: SQLModel) -> str:
    """SHA-256 of the record's canonical JSON state (what ``trail`` stores as ``after``)."""
    return hashlib.sha256(canonical(snapshot(obj)).encode("utf-8")).hexdigest()


def _part(entity: str, obj: Any) -> Part:
    return Part(entity, obj.code, obj.version, record_hash(obj))


def _day(value: Any) -> date | None:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _overlaps(a: date | None, b: date | None, start: date, end: date) -> bool:
    """[a, b] (None = open) overlaps [start, end]."""
    return (a is None or a <= end) and (b is None or b >= start)


def _rev(obj: Any) -> str:
    return f"rev. {obj.version}"


class _Reader:
    """Bulk reads shared by the kinds: people's names and clause links. With ``only``
    (entity, code), rows of that entity are restricted to that one record."""

    def __init__(self, session: Session, only: tuple[str, str] | None = None) -> None:
        self.s = session
        self.only = only
        self._signatures: dict[tuple[str, int], list[Any]] | None = None
        self.people = dict(session.execute(select(M.Person.id, M.Person.name)).all())
        self.links: dict[tuple[str, int], list[str]] = {}
        for entity, rid, number in session.execute(
            select(M.RecordClause.entity, M.RecordClause.record_id, M.RecordClause.clause)
        ):
            self.links.setdefault((entity, rid), []).append(number)

    def name(self, pid: int | None) -> str | None:
        return self.people.get(pid) if pid is not None else None

    def signed(self, *records: tuple[str, Any]) -> tuple[SignedBy, ...]:
        """The signatures of ``(entity, row)`` records, each checked against the row's state now."""
        from qms_tui.services.signatures import state_hash

        if self._signatures is None:
            self._signatures = {}
            for sig in self.s.execute(select(M.Signature).order_by(M.Signature.signed_at, M.Signature.id)).scalars():
                self._signatures.setdefault((sig.entity, sig.record_id), []).append(sig)
        out: list[SignedBy] = []
        for entity, obj in records:
            rows = self._signatures.get((entity, obj.id), [])
            now = state_hash(self.s, entity, obj) if rows else ""
            out += [SignedBy(obj.code, g.meaning, self.name(g.signer_id) or "?", g.signed_at, g.state_hash == now,
                             g.reason) for g in rows]
        return tuple(sorted(out, key=lambda g: g.signed_at))

    def clauses(self, entity: str, rid: int) -> tuple[str, ...]:
        return tuple(sorted(self.links.get((entity, rid), ()), key=catalogue.sort_key))

    def rows(self, model: Any, *conds: Any, order: Any = None) -> list[Any]:
        if self.only is not None and model.__tablename__ == self.only[0]:
            conds = (*conds, model.code == self.only[1])
        stmt = select(model).where(*conds).order_by(order if order is not None else model.code)
        return list(self.s.execute(stmt).scalars())

    def codes(self, model: Any) -> dict[int, str]:
        return dict(self.s.execute(select(model.id, model.code)).all())

    def item(self, entity: str, obj: Any, title: str, *, version: str | None = None,
             owner: int | None = None, approver: int | None = None, day: date | None = None,
             status: str | None = None, detail: dict[str, Any] | None = None,
             parts: Iterable[Part] = (), signed: Iterable[tuple[str, Any]] | None = None) -> Item:
        """``signed``: the records whose signatures the item shows (default: the record itself)."""
        return Item(entity, obj.code, title, version or _rev(obj), self.name(owner), self.name(approver),
                    day, status, self.clauses(entity, obj.id), record_hash(obj), detail or {}, tuple(parts),
                    revision=obj.version, signatures=self.signed(*(signed if signed is not None else [(entity, obj)])))


# ---------------------------------------------------------------- the kinds


def _processes(r: _Reader, start: date, end: date) -> list[Item]:
    out = []
    for p in r.rows(M.Process):
        out.append(r.item("process", p, p.name, owner=p.owner_id, detail={
            "category": p.category, "ts_process_no": p.ts_process_no, "applicable": p.applicable,
            "justification": p.justification, "purpose": p.purpose}))
    return out


def _policy(r: _Reader, start: date, end: date) -> list[Item]:
    versions = [p for p in r.rows(M.Policy, order=M.Policy.number)
                if p.status != "draft" and p.effective_from is not None]
    comms = r.rows(M.PolicyCommunication, order=M.PolicyCommunication.date)
    evidence = r.codes(M.Evidence)
    comms_of = _grouped(comms, "policy_id")
    out = []
    for n, p in enumerate(versions):
        until = versions[n + 1].effective_from if n + 1 < len(versions) else None
        if not (p.effective_from <= end and (until is None or until > start)):
            continue
        mine = [c for c in comms_of.get(p.id, ()) if c.date <= end]
        lines = [{"code": c.code, "date": c.date, "channel": c.channel, "audience": c.audience,
                  "evidence": evidence.get(c.evidence_id)} for c in mine]
        out.append(r.item("policy", p, p.text, version=f"v{p.number}", approver=p.approved_by_id,
                          day=p.approved_on or p.effective_from, status=p.status,
                          detail={"text": p.text, "effective_from": p.effective_from,
                                  "until": until, "communications": lines},
                          parts=[_part("policy_communication", c) for c in mine]))
    return out


def _objectives(r: _Reader, start: date, end: date) -> list[Item]:
    plans = _grouped(r.rows(M.ObjectivePlan, order=M.ObjectivePlan.id), "objective_id")
    indicators = _grouped(r.rows(M.Indicator), "objective_id")
    processes = r.codes(M.Process)
    out = []
    for o in r.rows(M.Objective):
        if o.status == "retired":
            continue
        mine = plans.get(o.id, [])
        lines = [{"code": p.code, "what": p.what, "resources": p.resources,
                  "responsible": r.name(p.responsible_id), "due_date": p.due_date,
                  "evaluation": p.evaluation} for p in mine]
        out.append(r.item("objective", o, o.title, owner=o.owner_id, status=o.status, parts=[_part("objective_plan", p) for p in mine],
                          detail={"description": o.description, "process": processes.get(o.process_id),
                                  "plans": lines,
                                  "indicators": [i.code for i in indicators.get(o.id, ())]}))
    return out


def _risks(r: _Reader, start: date, end: date) -> list[Item]:
    out = []
    processes = r.codes(M.Process)
    for k in r.rows(M.Risk):
        if k.status == "closed" and _day(k.updated_at) < start:
            continue
        lvl = rating.level(k.likelihood, k.impact)
        res = rating.residual_level(k.residual_likelihood, k.residual_impact)
        out.append(r.item("risk", k, k.title, owner=k.owner_id, day=k.review_date, status=k.status, detail={
            "kind": k.kind, "likelihood": k.likelihood, "impact": k.impact, "level": lvl,
            "band": rating.band(lvl), "residual_level": res,
            "residual_band": rating.band(res) if res is not None else None,
            "treatment": k.treatment, "treatment_plan": k.treatment_plan,
            "process": processes.get(k.process_id)}))
    return out


def _indicators(r: _Reader, start: date, end: date, include_empty: bool = False) -> list[Item]:
    meas: dict[int, list[Any]] = {}
    for m in r.s.execute(select(M.Measurement).where(M.Measurement.period_start <= end,
                                                     M.Measurement.period_end >= start)
                         .order_by(M.Measurement.indicator_id, M.Measurement.period_start)).scalars():
        meas.setdefault(m.indicator_id, []).append(m)
    processes, objectives = r.codes(M.Process), r.codes(M.Objective)
    out = []
    for i in r.rows(M.Indicator):
        points = meas.get(i.id, [])
        if not points and not (include_empty and i.active):
            continue
        series = [{"period": m.period, "value": m.value, "light": light_of(i, m.value)} for m in points]
        out.append(r.item("indicator", i, i.name, owner=i.owner_id,
                          day=points[-1].period_end if points else None,
                          status=series[-1]["light"] if series else "none",
                          parts=[_part("measurement", m) for m in points],
                          detail={"unit": i.unit, "direction": i.direction, "target": i.target,
                                  "band_low": i.band_low, "band_high": i.band_high,
                                  "green_from": i.green_from, "yellow_from": i.yellow_from,
                                  "frequency": i.frequency, "formula": i.formula, "source": i.source,
                                  "process": processes.get(i.process_id),
                                  "objective": objectives.get(i.objective_id), "series": series}))
    return out


def _audits(r: _Reader, start: date, end: date) -> tuple[list[Item], list[Item], list[Item]]:
    programmes = {p.id: p for p in r.rows(M.Programme)}
    findings = _grouped(r.rows(M.Finding), "audit_id")
    nc_of = {n.finding_id: n.code for n in r.rows(M.Nonconformity) if n.finding_id is not None}
    team: dict[int, list[dict[str, str]]] = {}
    checklist_of: dict[int, list[Any]] = {}
    if r.only is not None:  # the checklist is for the audit's own report only
        mine = select(M.Audit.id).where(M.Audit.code == r.only[1])
        for c in r.rows(M.ChecklistItem, M.ChecklistItem.audit_id.in_(mine), order=M.ChecklistItem.position):
            checklist_of.setdefault(c.audit_id, []).append(c)
    for m in r.rows(M.AuditMember, order=M.AuditMember.id):
        team.setdefault(m.audit_id, []).append({"name": r.name(m.person_id) or "", "role": m.role})
    processes = r.codes(M.Process)
    audits, finding_items, used_programmes = [], [], set()
    for a in r.rows(M.Audit, order=M.Audit.planned_start):
        first, last = a.actual_start or a.planned_start, a.actual_end or a.planned_end
        if (a.status == "cancelled" and r.only is None) or not _overlaps(first, last, start, end):
            continue
        used_programmes.add(a.programme_id)
        mine = findings.get(a.id, [])
        lines = [{"code": f.code, "kind": f.kind, "title": f.title, "description": f.description,
                  "evidence": f.evidence, "clauses": r.clauses("finding", f.id), "nc": nc_of.get(f.id)}
                 for f in mine]
        prog = programmes.get(a.programme_id)
        checklist = [{"code": c.code, "clause": c.clause, "question": c.question, "result": c.result,
                      "evidence_note": c.evidence_note} for c in checklist_of.get(a.id, [])]
        audits.append(r.item("audit", a, a.title, owner=a.lead_auditor_id, approver=a.report_accepted_by_id,
                             day=last, status=a.status, parts=[_part("finding", f) for f in mine], detail={
                                 "kind": a.kind, "scope": a.scope, "criteria": a.criteria,
                                 "objectives": a.objectives, "planned_start": a.planned_start,
                                 "planned_end": a.planned_end, "actual_start": a.actual_start,
                                 "actual_end": a.actual_end, "process": processes.get(a.process_id),
                                 "programme": prog.code if prog else None, "team": team.get(a.id, []),
                                 "conclusions": a.conclusions, "accepted_on": a.report_accepted_on,
                                 "closed_on": a.closed_on, "findings": lines, "checklist": checklist}))
        for f in mine:
            finding_items.append(r.item("finding", f, f.title, owner=a.lead_auditor_id, day=last,
                                        status=f.kind, detail={"audit": a.code, "nc": nc_of.get(f.id)}))
    progs = []
    for p in programmes.values():
        if p.id in used_programmes or start.year <= p.year <= end.year:
            progs.append(r.item("programme", p, p.title, approver=p.approved_by_id, day=p.approved_on,
                                status=p.status, detail={"year": p.year, "scope": p.scope,
                                                         "objectives": p.objectives, "methods": p.methods}))
    return progs, audits, finding_items


def _grouped(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    """Rows by the value of their attribute ``key``, each list in the rows' order (a record's
    sub-rows looked up once, not scanned for every record)."""
    out: dict[Any, list[Any]] = {}
    for row in rows:
        out.setdefault(getattr(row, key), []).append(row)
    return out


def _action_line(r: _Reader, a: Any) -> dict[str, Any]:
    return {"code": a.code, "kind": a.kind, "description": a.description, "owner": r.name(a.owner_id),
            "due_date": a.due_date, "status": a.status, "completed_on": a.completed_on,
            "evidence_note": a.evidence_note}


def _nonconformities(r: _Reader, start: date, end: date, today: date) -> list[Item]:
    causes = _grouped(r.rows(M.Cause, order=M.Cause.position), "nonconformity_id")
    actions = _grouped(r.rows(M.Action, M.Action.nonconformity_id.is_not(None), order=M.Action.due_date),
                       "nonconformity_id")
    checks = _grouped(r.rows(M.EffectivenessCheck, order=M.EffectivenessCheck.planned_date), "nonconformity_id")
    findings, processes = r.codes(M.Finding), r.codes(M.Process)
    out = []
    for n in r.rows(M.Nonconformity, order=M.Nonconformity.detected_on):
        if n.status in NC_SHOWN_OUT or not _overlaps(n.detected_on, n.closed_on, start, end):
            continue
        mc, ma, mk = causes.get(n.id, []), actions.get(n.id, []), checks.get(n.id, [])
        out.append(r.item("nonconformity", n, n.title, owner=n.owner_id, approver=n.closed_by_id,
                          day=n.detected_on, status=n.status,
                          parts=[*(_part("cause", c) for c in mc), *(_part("action", a) for a in ma),
                                 *(_part("effectiveness_check", k) for k in mk)],
                          signed=[("nonconformity", n), *(("effectiveness_check", k) for k in mk)],
                          detail={"description": n.description, "source": n.source, "severity": n.severity,
                                  "process": processes.get(n.process_id), "finding": findings.get(n.finding_id),
                                  "correction": n.correction, "correction_on": n.correction_on,
                                  "extent": n.extent, "rca_method": n.rca_method, "root_cause": n.root_cause,
                                  "causes": [{"category": c.category, "text": c.text} for c in mc],
                                  "actions": [_action_line(r, a) for a in ma],
                                  "checks": [{"code": k.code, "planned_date": k.planned_date,
                                              "criterion": k.criterion, "verifier": r.name(k.verifier_id),
                                              "result": k.result, "performed_on": k.performed_on,
                                              "evidence_note": k.evidence_note} for k in mk],
                                  "closed_on": n.closed_on, "reopen_count": n.reopen_count,
                                  "age_days": max(0, ((n.closed_on or today) - n.detected_on).days)}))
    return out


def _reviews(r: _Reader, start: date, end: date) -> list[Item]:
    inputs = _grouped(r.rows(M.ReviewInput, order=M.ReviewInput.id), "review_id")
    outputs = _grouped(r.rows(M.ReviewOutput, order=M.ReviewOutput.id), "review_id")
    actions = r.rows(M.Action, M.Action.review_id.is_not(None) | M.Action.review_output_id.is_not(None),
                     order=M.Action.due_date)
    position = {a.id: n for n, a in enumerate(actions)}
    by_review, by_output = _grouped(actions, "review_id"), _grouped(actions, "review_output_id")
    out = []
    for v in r.rows(M.Review, order=M.Review.planned_date):
        day = v.held_on or v.planned_date
        if r.only is None and (v.held_on is None or not start <= day <= end):
            continue
        mi, mo = inputs.get(v.id, []), outputs.get(v.id, [])
        mine = {a.id: a for a in by_review.get(v.id, ())} | {a.id: a for o in mo for a in by_output.get(o.id, ())}
        ma = sorted(mine.values(), key=lambda a: position[a.id])
        out.append(r.item("review", v, v.title, approver=v.minutes_approved_by_id, day=day, status=v.status,
                          parts=[*(_part("review_input", i) for i in mi), *(_part("review_output", o) for o in mo),
                                 *(_part("action", a) for a in ma)],
                          detail={"planned_date": v.planned_date, "held_on": v.held_on,
                                  "participants": v.participants, "conclusions": v.conclusions,
                                  "approved_on": v.minutes_approved_on,
                                  "inputs": [{"item": i.item, "summary": i.summary} for i in mi],
                                  "outputs": [{"code": o.code, "kind": o.kind, "decision": o.decision,
                                               "actions": [_action_line(r, a) for a in ma
                                                           if a.review_output_id == o.id]} for o in mo],
                                  "other_actions": [_action_line(r, a) for a in ma if a.review_output_id is None]}))
    return out


def _projects(r: _Reader, start: date, end: date) -> list[Item]:
    from qms_tui.services.circles import improvement, progress

    circles = {c.id: c for c in r.rows(M.Circle)}
    leaders = {m.circle_id: m.person_id for m in r.rows(M.CircleMember, M.CircleMember.role == "leader")}
    indicators = r.codes(M.Indicator)
    meetings: dict[int, list[Any]] = {}
    for m in r.rows(M.Meeting, M.Meeting.project_id.is_not(None), order=M.Meeting.date):
        meetings.setdefault(m.project_id, []).append(m)
    out = []
    for p in r.rows(M.Project):
        if r.only is None and (p.pdca_stage == "cancelled" or not _overlaps(p.started_on, p.closed_on, start, end)):
            continue
        circle = circles.get(p.circle_id)
        held = meetings.get(p.id, [])
        out.append(r.item("project", p, p.title, owner=leaders.get(p.circle_id), day=p.closed_on or p.started_on,
                          status=p.pdca_stage, detail={
                              "circle": f"{circle.code} {circle.name}" if circle else None, "problem": p.problem,
                              "baseline": p.baseline, "target": p.target, "measured": p.measured_result,
                              "unit": p.unit, "benefit": p.benefit, "started_on": p.started_on,
                              "due_date": p.due_date, "closed_on": p.closed_on,
                              "indicator": indicators.get(p.indicator_id),
                              "improvement": improvement(p.baseline, p.measured_result),
                              "progress": progress(p.baseline, p.target, p.measured_result),
                              "meetings": [{"code": m.code, "number": m.number, "date": m.date,
                                            "stage": m.pdca_stage, "minutes": m.minutes} for m in held]},
                          parts=[_part("meeting", m) for m in held]))
    return out


def _documents(r: _Reader, start: date, end: date) -> list[Item]:
    versions: dict[int, list[Any]] = {}
    for v in r.rows(M.DocumentVersion, M.DocumentVersion.status.in_(("approved", "obsolete")),
                    M.DocumentVersion.effective_from.is_not(None), order=M.DocumentVersion.effective_from):
        versions.setdefault(v.document_id, []).append(v)
    processes, evidence = r.codes(M.Process), r.codes(M.Evidence)
    out = []
    for d in r.rows(M.Document):
        vs = versions.get(d.id, [])
        shown = None
        for n, v in enumerate(vs):
            until = vs[n + 1].effective_from if n + 1 < len(vs) else None
            if v.effective_from <= end and (until is None or until > start):
                shown = v  # the latest version in force during the period
        if shown is None:
            continue
        out.append(r.item("document", d, d.title, version=shown.label, owner=d.owner_id,
                          approver=shown.approved_by_id, day=shown.approved_on or shown.effective_from,
                          status=shown.status, parts=[_part("document_version", shown)],
                          signed=[("document_version", shown)],
                          detail={"kind": d.kind, "process": processes.get(d.process_id),
                                  "effective_from": shown.effective_from, "approved_on": shown.approved_on,
                                  "change_summary": shown.change_summary, "next_review": d.next_review,
                                  "version_code": shown.code, "evidence": evidence.get(shown.evidence_id)}))
    return out


def _evidence(r: _Reader, start: date, end: date) -> list[Item]:
    out = []
    for e in r.rows(M.Evidence, M.Evidence.effective_date >= start, M.Evidence.effective_date <= end,
                    order=M.Evidence.effective_date):
        out.append(r.item("evidence", e, e.title, day=e.effective_date, detail={
            "filename": e.filename, "media_type": e.media_type, "size": e.size,
            "file_sha256": e.sha256, "description": e.description}))
    return out


# ---------------------------------------------------------------- the pack


def _homes(item: Item, toc: set[str]) -> str | None:
    nature = [c for c in NATURE.get(item.entity, ()) if c in toc]
    return nature[0] if nature else None


def _targets(number: str, toc: list[str], tocset: set[str]) -> list[tuple[str, str | None]]:
    """Where a link to ``number`` lands in the table of contents: (clause, via)."""
    if number in tocset:
        return [(number, None)]
    head = number
    while "." in head:
        head = head.rsplit(".", 1)[0]
        if head in tocset:
            return [(head, None)]
    prefix = number + "."
    return [(c, number) for c in toc if c.startswith(prefix)]


def evidence_pack(tx: Tx, standard: str, start: date, end: date, today: date | None = None) -> EvidencePack:
    """Every record evidencing each clause of ``standard`` between ``start`` and ``end``."""
    toc_clauses = catalogue.EVIDENCE_CLAUSES(standard)
    toc = [c.number for c in toc_clauses]
    tocset = set(toc)
    today = today or clock.today()
    with reading(tx) as s:
        r = _Reader(s)
        progs, audits, findings = _audits(r, start, end)
        found = [*_processes(r, start, end), *_policy(r, start, end), *_objectives(r, start, end),
                 *_risks(r, start, end), *_indicators(r, start, end), *progs, *audits, *findings,
                 *_nonconformities(r, start, end, today), *_reviews(r, start, end),
                 *_projects(r, start, end), *_documents(r, start, end), *_evidence(r, start, end)]
        electoral = _electoral(r) if standard == catalogue.ISO54001 else ()
    by_clause: dict[str, dict[tuple[str, str], Ref]] = {c: {} for c in toc}
    items: dict[tuple[str, str], Item] = {}
    for item in sorted(found, key=lambda i: (KINDS.index(i.entity), i.code)):
        landed: list[tuple[str, str | None]] = []
        for number in (*NATURE.get(item.entity, ()), *item.clauses):
            landed.extend(_targets(number, toc, tocset))
        home = _homes(item, tocset)
        if home is None and item.entity != "finding" and landed:
            home = min((c for c, _v in landed), key=toc.index)
        items[(item.entity, item.code)] = Item(**{**item.__dict__, "home": home})
        for number, via in landed:
            by_clause[number].setdefault((item.entity, item.code), Ref(item.entity, item.code, via))
    order = {k: n for n, k in enumerate(KINDS)}
    excluded = {e.number for e in electoral if e.applicable is False}
    entries = tuple(
        ClauseEvidence(c.number, c.title_es, c.title_en, c.number.split(".")[0],
                       c.parent == catalogue.PROCESS_PARENT and standard == catalogue.ISO54001,
                       tuple(sorted(by_clause[c.number].values(), key=lambda f: (order[f.entity], f.code))),
                       c.number in excluded)
        for c in toc_clauses
    )
    return EvidencePack(standard, start, end, entries, items, electoral)


def _electoral(r: _Reader) -> tuple[ProcessApplicability, ...]:
    declared: dict[int, list[dict[str, Any]]] = {}
    for p in r.rows(M.Process, M.Process.ts_process_no.is_not(None)):
        declared.setdefault(p.ts_process_no, []).append({
            "code": p.code, "name": p.name, "applicable": bool(p.applicable),
            "justification": p.justification, "owner": r.name(p.owner_id)})
    return tuple(ProcessApplicability(n, c.number, c.title_es, c.title_en, tuple(declared.get(n, ())))
                 for n, c in enumerate(catalogue.ISO54001_PROCESSES, start=1))


# ---------------------------------------------------------------- one record, registers


_ONE = {"audit": lambda r, t: _audits(r, date.min, date.max)[1], "review": lambda r, t: _reviews(r, date.min, date.max),
        "project": lambda r, t: _projects(r, date.min, date.max),
        "nonconformity": lambda r, t: _nonconformities(r, date.min, date.max, t)}


def record_item(tx: Tx, entity: str, code: str, today: date | None = None) -> Item:
    """One audit, review, project or nonconformity with its full detail (NotFound if none)."""
    from qms_tui.domain.errors import NotFound
    from qms_tui.domain.specs import SPECS

    with reading(tx) as s:
        found = _ONE[entity](_Reader(s, (entity, str(code).strip())), today or clock.today())
    if not found:
        raise NotFound(SPECS[entity].title, str(code).strip())
    return found[0]


def indicator_items(tx: Tx, start: date, end: date) -> list[Item]:
    """Every active indicator (and any other measured) with its measurements in the period."""
    with reading(tx) as s:
        return _indicators(_Reader(s), start, end, include_empty=True)


@dataclass(frozen=True)
class CapaLog:
    nonconformities: tuple[Item, ...]  # every registered NC (not drafts, dismissed or cancelled)
    actions: tuple[dict[str, Any], ...]  # every action: of an NC, a review decision or a risk
    ageing: dict[str, dict[str, int]]  # open NCs: severity → age bucket → count
    action_parts: tuple[Part, ...]


def capa_log(tx: Tx, today: date | None = None) -> CapaLog:
    from qms_tui.services.nonconformities import nc_ageing

    today = today or clock.today()
    with reading(tx) as s:
        r = _Reader(s)
        ncs = _nonconformities(r, date.min, date.max, today)
        origin = {"nonconformity": r.codes(M.Nonconformity), "review": r.codes(M.Review), "risk": r.codes(M.Risk)}
        actions, parts = [], []
        for a in r.rows(M.Action, order=M.Action.due_date):
            line = _action_line(r, a)
            for kind, column in (("nonconformity", a.nonconformity_id), ("review", a.review_id), ("risk", a.risk_id)):
                if column is not None:
                    line["origin"], line["origin_code"] = kind, origin[kind].get(column)
                    break
            open_ = a.status in ("pending", "in_progress")
            line["overdue_days"] = (today - a.due_date).days if open_ and a.due_date < today else 0
            actions.append(line)
            parts.append(_part("action", a))
        ageing = nc_ageing(s, today)
    return CapaLog(tuple(ncs), tuple(actions), ageing, tuple(parts))
