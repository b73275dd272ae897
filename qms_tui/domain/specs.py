"""The input contract of every entity: fields, code scheme and cross-field checks.

Services validate with these; the TUI builds its forms from them. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError
from qms_tui.domain.fields import Field as F


@dataclass(frozen=True)
class CodeScheme:
    """Human codes: ``IND-007`` (plain) or ``AUD-2025-02`` (yearly; year from ``year_field``)."""

    prefix: str
    width: int = 3
    yearly: bool = False
    year_field: str | None = None
    user_given: bool = False  # the user may type the code (documents, processes, people)

    def format(self, number: int, year: int | None = None) -> str:
        if self.yearly:
            return f"{self.prefix}-{year}-{number:0{self.width}d}"
        return f"{self.prefix}-{number:0{self.width}d}"

    def key(self, year: int | None) -> str:
        return f"{self.prefix}-{year}" if self.yearly else self.prefix


Check = Callable[[Mapping[str, Any]], list[FieldError]]


@dataclass(frozen=True)
class EntitySpec:
    name: str
    title: str
    plural: str
    code: CodeScheme
    fields: tuple[F, ...]
    checks: tuple[Check, ...] = ()
    summary: str = "title"  # the field shown next to the code in lists and pickers
    extra: dict[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> F:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def dates_in_order(start: str, end: str) -> Check:
    def check(values: Mapping[str, Any]) -> list[FieldError]:
        a, b = values.get(start), values.get(end)
        if a is not None and b is not None and b < a:
            return [FieldError(end, N_("must not be before {other}"), {"other": FIELD_LABELS[start]})]
        return []

    return check


def band_needs_bounds(values: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    if values.get("direction") == E.Direction.BAND:
        for name in ("band_low", "band_high"):
            if values.get(name) is None:
                errors.append(FieldError(name, N_("is required when the direction is a band")))
        lo, hi = values.get("band_low"), values.get("band_high")
        if lo is not None and hi is not None and hi < lo:
            errors.append(FieldError("band_high", N_("must not be below the band's low bound")))
    elif values.get("direction") is not None and values.get("target") is None:
        errors.append(FieldError("target", N_("is required")))
    g, y = values.get("green_from"), values.get("yellow_from")
    if g is not None and y is not None and y > g:
        errors.append(FieldError("yellow_from", N_("must not be above the green threshold")))
    return errors


def justified_if_not_applicable(values: Mapping[str, Any]) -> list[FieldError]:
    if values.get("applicable") is False and not (values.get("justification") or "").strip():
        return [FieldError("justification", N_("is required when the process is not applicable"))]
    return []


def residual_pair(values: Mapping[str, Any]) -> list[FieldError]:
    li, im = values.get("residual_likelihood"), values.get("residual_impact")
    if li is not None and im is None:
        return [FieldError("residual_impact", N_("is required when the residual likelihood is given"))]
    if im is not None and li is None:
        return [FieldError("residual_likelihood", N_("is required when the residual impact is given"))]
    return []


def _text(name: str, required: bool = False, n: int = 200) -> F:
    return F(name, "text", required=required, max_length=n)


PERSON = EntitySpec(
    "person", N_("Person"), N_("People"), CodeScheme("P", user_given=True),
    (
        _text("code", True, 64), _text("name", True), _text("email", n=200),
        F("org_unit", "ref", ref="org_unit"), _text("position"),
        F("role", "choice", True, choices=E.Role), F("active", "bool", default=True),
    ),
    summary="name",
)

ORG_UNIT = EntitySpec(
    "org_unit", N_("Organizational unit"), N_("Organizational units"),
    CodeScheme("UO", width=2, user_given=True),
    (
        _text("code", n=32), _text("name", True), F("kind", "choice", True, choices=E.OrgUnitKind),
        _text("acronym", n=32), _text("aliases", n=400), F("parent", "ref", ref="org_unit"),
        F("district_no", "int", min=1, max=99),
    ),
    summary="name",
)

PROCESS = EntitySpec(
    "process", N_("Process"), N_("Processes"), CodeScheme("PR", width=2, user_given=True),
    (
        _text("code", n=32), _text("name", True), F("category", "choice", True, choices=E.ProcessCategory),
        F("ts_process_no", "int", min=1, max=8), F("owner", "ref", ref="person"),
        F("org_unit", "ref", ref="org_unit"), F("applicable", "bool", default=True),
        F("justification", "longtext"), F("purpose", "longtext"), F("inputs", "longtext"),
        F("outputs", "longtext"), F("clauses", "clauses"),
    ),
    checks=(justified_if_not_applicable,),
    summary="name",
)

EVENT = EntitySpec(
    "event", N_("Electoral event"), N_("Electoral events and participation mechanisms"),
    CodeScheme("EV", width=2, user_given=True),
    (
        _text("code", n=32), _text("name", True), F("kind", "choice", True, choices=E.EventKind),
        F("start_date", "date", True), F("key_date", "date", True), F("end_date", "date", True),
        F("freeze_before", "int", min=0, max=365), F("freeze_after", "int", min=0, max=365),
        F("description", "longtext"),
    ),
    checks=(dates_in_order("start_date", "key_date"), dates_in_order("key_date", "end_date")),
    summary="name",
)

STAGE = EntitySpec(
    "stage", N_("Event stage"), N_("Event stages"), CodeScheme("ET", width=3),
    (
        F("event", "ref", True, ref="event"), F("kind", "choice", True, choices=E.StageKind),
        _text("name", True), F("start_date", "date", True), F("end_date", "date", True),
    ),
    checks=(dates_in_order("start_date", "end_date"),),
    summary="name",
)

POLICY = EntitySpec(
    "policy", N_("Quality policy version"), N_("Quality policy"), CodeScheme("POL", width=2),
    (F("text", "longtext", True), F("effective_from", "date"), F("notes", "longtext"), F("clauses", "clauses")),
    summary="text",
)

POLICY_COMM = EntitySpec(
    "policy_communication", N_("Policy communication"), N_("Policy communications"),
    CodeScheme("COM", width=3),
    (
        F("policy", "ref", True, ref="policy"), F("date", "date", True), _text("channel", True),
        _text("audience", True), F("evidence", "ref", ref="evidence"), F("notes", "longtext"),
    ),
    summary="channel",
)

OBJECTIVE = EntitySpec(
    "objective", N_("Quality objective"), N_("Quality objectives"), CodeScheme("OBJ", width=2),
    (
        F("title", "longtext", True), F("description", "longtext"), F("owner", "ref", ref="person"),
        F("process", "ref", ref="process"), F("status", "choice", choices=E.ObjectiveStatus),
        F("clauses", "clauses"),
    ),
)

OBJECTIVE_PLAN = EntitySpec(
    "objective_plan", N_("Objective plan"), N_("Objective plans"), CodeScheme("PLN", width=3),
    (
        F("objective", "ref", True, ref="objective"), F("what", "longtext", True),
        F("resources", "longtext"), F("responsible", "ref", ref="person"),
        F("due_date", "date"), F("evaluation", "longtext"),
    ),
    summary="what",
)

INDICATOR = EntitySpec(
    "indicator", N_("Indicator"), N_("Indicators"), CodeScheme("IND", width=3),
    (
        _text("name", True), F("objective", "ref", ref="objective"), F("process", "ref", ref="process"),
        F("event", "ref", ref="event"), F("definition", "longtext"), _text("formula"),
        _text("unit", True, 32), F("dimension", "choice", choices=E.Dimension),
        F("direction", "choice", True, choices=E.Direction), F("target", "float"),
        F("band_low", "float"), F("band_high", "float"), F("band_tolerance", "float", min=0),
        F("green_from", "float", min=0), F("yellow_from", "float", min=0),
        F("baseline", "float"), _text("baseline_period", n=16),
        F("frequency", "choice", True, choices=E.Frequency), F("owner", "ref", ref="person"),
        _text("source"), F("rule_red", "bool", default=True), F("rule_yellow_run", "int", min=1, max=24),
        F("rule_trend_run", "int", min=2, max=24), F("active", "bool", default=True), F("clauses", "clauses"),
    ),
    checks=(band_needs_bounds,),
    summary="name",
)

MEASUREMENT = EntitySpec(
    "measurement", N_("Measurement"), N_("Measurements"), CodeScheme("MED", width=6),
    (
        F("indicator", "ref", True, ref="indicator"), _text("period", True, 16),
        F("value", "float", True), F("note", "longtext"), F("evidence", "ref", ref="evidence"),
    ),
    summary="period",
)

RISK = EntitySpec(
    "risk", N_("Risk or opportunity"), N_("Risks and opportunities"), CodeScheme("RO", width=3),
    (
        F("kind", "choice", True, choices=E.RiskKind), _text("title", True),
        F("description", "longtext"), F("process", "ref", ref="process"), F("event", "ref", ref="event"),
        F("likelihood", "int", True, min=1, max=5), F("impact", "int", True, min=1, max=5),
        F("treatment", "choice", choices=E.Treatment), F("treatment_plan", "longtext"),
        F("owner", "ref", ref="person"), F("status", "choice", choices=E.RiskStatus),
        F("review_date", "date"), F("residual_likelihood", "int", min=1, max=5),
        F("residual_impact", "int", min=1, max=5), F("clauses", "clauses"),
    ),
    checks=(residual_pair,),
)

PROGRAMME = EntitySpec(
    "programme", N_("Audit programme"), N_("Audit programmes"), CodeScheme("PA", width=2, yearly=True, year_field="year"),
    (
        F("year", "int", True, min=2000, max=2100), _text("title", True),
        F("objectives", "longtext"), F("scope", "longtext"), F("criteria", "longtext"),
        F("methods", "longtext"), F("resources", "longtext"), F("clauses", "clauses"),
    ),
)

AUDIT = EntitySpec(
    "audit", N_("Audit"), N_("Audits"), CodeScheme("AUD", width=2, yearly=True, year_field="planned_start"),
    (
        F("programme", "ref", ref="programme"), _text("title", True),
        F("kind", "choice", True, choices=E.AuditKind), F("scope", "longtext", True),
        F("criteria", "longtext"), F("objectives", "longtext"), F("process", "ref", ref="process"),
        F("event", "ref", ref="event"), F("org_unit", "ref", ref="org_unit"),
        F("planned_start", "date", True), F("planned_end", "date", True),
        F("lead_auditor", "ref", ref="person"), F("plan", "longtext"), F("methods", "longtext"),
        F("conclusions", "longtext"), F("clauses", "clauses"),
    ),
    checks=(dates_in_order("planned_start", "planned_end"),),
)

AUDIT_MEMBER = EntitySpec(
    "audit_member", N_("Audit team member"), N_("Audit team"), CodeScheme("EQ", width=4),
    (F("audit", "ref", True, ref="audit"), F("person", "ref", True, ref="person"),
     F("role", "choice", True, choices=E.AuditRole)),
    summary="role",
)

CHECKLIST_ITEM = EntitySpec(
    "checklist_item", N_("Checklist item"), N_("Checklist"), CodeScheme("LV", width=4),
    (
        F("audit", "ref", True, ref="audit"), _text("clause", True, 16), F("question", "longtext", True),
        F("result", "choice", choices=E.ChecklistResult), F("evidence_note", "longtext"),
        F("position", "int", min=0),
    ),
    summary="question",
)

FINDING = EntitySpec(
    "finding", N_("Finding"), N_("Findings"), CodeScheme("HAL", width=3, yearly=True),
    (
        F("audit", "ref", True, ref="audit"), F("kind", "choice", True, choices=E.FindingKind),
        _text("title", True), F("description", "longtext", True), F("evidence", "longtext"),
        F("process", "ref", ref="process"), F("org_unit", "ref", ref="org_unit"),
        F("checklist_item", "ref", ref="checklist_item"), F("clauses", "clauses"),
    ),
)

NONCONFORMITY = EntitySpec(
    "nonconformity", N_("Nonconformity"), N_("Nonconformities"), CodeScheme("NC", width=3, yearly=True, year_field="detected_on"),
    (
        _text("title", True), F("description", "longtext", True),
        F("source", "choice", True, choices=E.NcSource), F("severity", "choice", choices=E.Severity),
        F("process", "ref", ref="process"), F("event", "ref", ref="event"),
        F("org_unit", "ref", ref="org_unit"), F("detected_on", "date", True),
        F("reported_by", "ref", ref="person"), F("owner", "ref", ref="person"),
        F("finding", "ref", ref="finding"), F("measurement", "ref", ref="measurement"),
        F("clauses", "clauses"),
    ),
)

CAUSE = EntitySpec(
    "cause", N_("Cause"), N_("Causes"), CodeScheme("CA", width=4),
    (
        F("nonconformity", "ref", True, ref="nonconformity"), F("method", "choice", True, choices=E.RcaMethod),
        F("category", "choice", choices=E.IshikawaCategory), F("position", "int", min=0),
        F("text", "longtext", True),
    ),
    summary="text",
)

ACTION = EntitySpec(
    "action", N_("Action"), N_("Actions"), CodeScheme("AC", width=3, yearly=True),
    (
        F("nonconformity", "ref", ref="nonconformity"), F("review", "ref", ref="review"),
        F("review_output", "ref", ref="review_output"), F("risk", "ref", ref="risk"), F("kind", "choice", True, choices=E.ActionKind),
        F("description", "longtext", True), F("owner", "ref", True, ref="person"),
        F("due_date", "date", True), F("resources", "longtext"),
    ),
    summary="description",
)

EFFECTIVENESS = EntitySpec(
    "effectiveness_check", N_("Effectiveness check"), N_("Effectiveness checks"), CodeScheme("VE", width=3, yearly=True),
    (
        F("nonconformity", "ref", True, ref="nonconformity"), F("planned_date", "date", True),
        F("criterion", "longtext", True), F("verifier", "ref", ref="person"),
    ),
    summary="criterion",
)

REVIEW = EntitySpec(
    "review", N_("Management review"), N_("Management reviews"), CodeScheme("RD", width=2, yearly=True, year_field="planned_date"),
    (
        _text("title", True), F("planned_date", "date", True), F("event", "ref", ref="event"),
        F("participants", "longtext"), F("conclusions", "longtext"), F("clauses", "clauses"),
    ),
)

REVIEW_INPUT = EntitySpec(
    "review_input", N_("Review input"), N_("Review inputs"), CodeScheme("ER", width=4),
    (F("review", "ref", True, ref="review"), F("item", "choice", True, choices=E.ReviewInputItem),
     F("summary", "longtext", True)),
    summary="item",
)

REVIEW_OUTPUT = EntitySpec(
    "review_output", N_("Review decision"), N_("Review decisions"), CodeScheme("SR", width=4),
    (F("review", "ref", True, ref="review"), F("kind", "choice", True, choices=E.ReviewOutputKind),
     F("decision", "longtext", True)),
    summary="decision",
)

CIRCLE = EntitySpec(
    "circle", N_("Quality circle"), N_("Quality circles"), CodeScheme("CC", width=2),
    (
        _text("name", True), F("org_unit", "ref", ref="org_unit"), F("purpose", "longtext"),
        F("formed_on", "date"), F("active", "bool", default=True),
    ),
    summary="name",
)

CIRCLE_MEMBER = EntitySpec(
    "circle_member", N_("Circle member"), N_("Circle members"), CodeScheme("MC", width=4),
    (F("circle", "ref", True, ref="circle"), F("person", "ref", True, ref="person"),
     F("role", "choice", True, choices=E.CircleRole)),
    summary="role",
)

MEETING = EntitySpec(
    "meeting", N_("Circle meeting"), N_("Circle meetings"), CodeScheme("SC", width=3, yearly=True, year_field="date"),
    (
        F("circle", "ref", True, ref="circle"), F("date", "date", True), _text("place"),
        F("attendees", "longtext"), F("absentees", "longtext"), F("agenda", "longtext"),
        F("minutes", "longtext", True), F("pdca_stage", "choice", choices=E.Pdca),
        F("project", "ref", ref="project"), F("next_date", "date"),
    ),
    summary="date",
)

AGREEMENT = EntitySpec(
    "agreement", N_("Agreement"), N_("Agreements"), CodeScheme("ACU", width=3, yearly=True),
    (F("meeting", "ref", True, ref="meeting"), F("text", "longtext", True),
     F("owner", "ref", ref="person"), F("due_date", "date")),
    summary="text",
)

PROJECT = EntitySpec(
    "project", N_("Improvement project"), N_("Improvement projects"), CodeScheme("PM", width=2, yearly=True, year_field="started_on"),
    (
        F("circle", "ref", ref="circle"), _text("title", True), F("problem", "longtext", True),
        F("process", "ref", ref="process"), F("indicator", "ref", ref="indicator"),
        F("nonconformity", "ref", ref="nonconformity"), F("risk", "ref", ref="risk"),
        F("baseline", "float"), F("target", "float"), F("measured_result", "float"),
        _text("unit", n=32), F("benefit", "longtext"), F("started_on", "date", True),
        F("due_date", "date"), F("clauses", "clauses"),
    ),
    checks=(dates_in_order("started_on", "due_date"),),
)

DOCUMENT = EntitySpec(
    "document", N_("Controlled document"), N_("Controlled documents"), CodeScheme("DOC", width=3, user_given=True),
    (
        _text("code", n=40), _text("title", True), F("kind", "choice", True, choices=E.DocumentKind),
        F("process", "ref", ref="process"), F("owner", "ref", ref="person"),
        F("review_months", "int", min=1, max=120), F("next_review", "date"), F("clauses", "clauses"),
    ),
)

DOCUMENT_VERSION = EntitySpec(
    "document_version", N_("Document version"), N_("Document versions"), CodeScheme("VD", width=4),
    (
        F("document", "ref", True, ref="document"), _text("label", True, 16),
        F("change_summary", "longtext", True), F("effective_from", "date"),
        F("evidence", "ref", ref="evidence"),
    ),
    summary="label",
)

EVIDENCE = EntitySpec(
    "evidence", N_("Evidence file"), N_("Evidence files"), CodeScheme("EVI", width=4, yearly=True, year_field="effective_date"),
    (
        _text("title", True), F("effective_date", "date", True), F("description", "longtext"),
        F("process", "ref", ref="process"), F("clauses", "clauses"),
    ),
)

SPECS: dict[str, EntitySpec] = {
    s.name: s
    for s in (
        PERSON, ORG_UNIT, PROCESS, EVENT, STAGE, POLICY, POLICY_COMM, OBJECTIVE, OBJECTIVE_PLAN,
        INDICATOR, MEASUREMENT, RISK, PROGRAMME, AUDIT, AUDIT_MEMBER, CHECKLIST_ITEM, FINDING,
        NONCONFORMITY, CAUSE, ACTION, EFFECTIVENESS, REVIEW, REVIEW_INPUT, REVIEW_OUTPUT, CIRCLE,
        CIRCLE_MEMBER, MEETING, AGREEMENT, PROJECT, DOCUMENT, DOCUMENT_VERSION, EVIDENCE,
    )
}

# Field labels (msgids). One place, so a field is called the same everywhere.
FIELD_LABELS: dict[str, str] = {
    "code": N_("Code"), "name": N_("Name"), "title": N_("Title"), "email": N_("E-mail"),
    "org_unit": N_("Organizational unit"), "position": N_("Position"), "role": N_("Role"),
    "active": N_("Active"), "kind": N_("Type"), "acronym": N_("Acronym"), "aliases": N_("Former names"),
    "parent": N_("Parent unit"), "district_no": N_("District number"), "category": N_("Category"),
    "ts_process_no": N_("ISO/TS 54001 process no."), "owner": N_("Owner"),
    "applicable": N_("Applicable"), "justification": N_("Justification"), "purpose": N_("Purpose"),
    "inputs": N_("Inputs"), "outputs": N_("Outputs"), "clauses": N_("ISO clauses"),
    "start_date": N_("Start date"), "key_date": N_("Key day"), "end_date": N_("End date"),
    "freeze_before": N_("Freeze days before"), "freeze_after": N_("Freeze days after"),
    "description": N_("Description"), "event": N_("Electoral event"), "text": N_("Text"),
    "effective_from": N_("Effective from"), "notes": N_("Notes"), "policy": N_("Policy version"),
    "date": N_("Date"), "channel": N_("Channel"), "audience": N_("Audience"),
    "evidence": N_("Evidence"), "process": N_("Process"), "status": N_("Status"),
    "objective": N_("Objective"), "what": N_("What will be done"), "resources": N_("Resources"),
    "responsible": N_("Responsible"), "due_date": N_("Due date"), "evaluation": N_("How it is evaluated"),
    "definition": N_("Definition"), "formula": N_("Formula"), "unit": N_("Unit"),
    "dimension": N_("Dimension"), "direction": N_("Direction"), "target": N_("Target"),
    "band_low": N_("Band low bound"), "band_high": N_("Band high bound"),
    "band_tolerance": N_("Band tolerance"), "green_from": N_("Green from (% of target)"),
    "yellow_from": N_("Yellow from (% of target)"), "baseline": N_("Baseline"),
    "baseline_period": N_("Baseline period"), "frequency": N_("Frequency"), "source": N_("Source"),
    "rule_red": N_("Raise NC on red"), "rule_yellow_run": N_("Raise NC after N yellow periods"),
    "rule_trend_run": N_("Raise NC after M worsening periods"), "indicator": N_("Indicator"),
    "period": N_("Period"), "value": N_("Value"), "note": N_("Note"),
    "likelihood": N_("Likelihood (1-5)"), "impact": N_("Impact (1-5)"), "treatment": N_("Treatment"),
    "treatment_plan": N_("Treatment plan"), "review_date": N_("Review date"),
    "residual_likelihood": N_("Residual likelihood"), "residual_impact": N_("Residual impact"),
    "year": N_("Year"), "objectives": N_("Objectives"), "scope": N_("Scope"), "criteria": N_("Criteria"),
    "methods": N_("Methods"), "programme": N_("Audit programme"), "planned_start": N_("Planned start"),
    "planned_end": N_("Planned end"), "lead_auditor": N_("Lead auditor"), "plan": N_("Audit plan"),
    "conclusions": N_("Conclusions"), "audit": N_("Audit"), "person": N_("Person"),
    "clause": N_("Clause"), "question": N_("Question"), "result": N_("Result"),
    "evidence_note": N_("Evidence seen"), "checklist_item": N_("Checklist item"),
    "severity": N_("Severity"), "detected_on": N_("Detected on"), "reported_by": N_("Reported by"),
    "finding": N_("Finding"), "measurement": N_("Measurement"), "nonconformity": N_("Nonconformity"),
    "method": N_("Method"), "review": N_("Management review"), "risk": N_("Risk or opportunity"),
    "planned_date": N_("Planned date"), "criterion": N_("Criterion"), "verifier": N_("Verifier"),
    "participants": N_("Participants"), "item": N_("Input"), "summary": N_("Summary"),
    "decision": N_("Decision"), "circle": N_("Quality circle"), "formed_on": N_("Formed on"),
    "place": N_("Place"), "attendees": N_("Attendees"), "absentees": N_("Absentees"),
    "agenda": N_("Agenda"), "minutes": N_("Minutes"), "pdca_stage": N_("PDCA stage"),
    "project": N_("Improvement project"), "next_date": N_("Next meeting"), "meeting": N_("Meeting"),
    "problem": N_("Problem"), "measured_result": N_("Measured result"), "benefit": N_("Benefit"),
    "started_on": N_("Started on"), "review_months": N_("Review every (months)"),
    "next_review": N_("Next review"), "document": N_("Document"), "version": N_("Version"),
    "change_summary": N_("Change summary"), "effective_date": N_("Effective date"),
    "correction": N_("Correction"), "root_cause": N_("Root cause"), "extent": N_("Extent analysis"),
    "reason": N_("Reason"), "performed_on": N_("Performed on"), "completed_on": N_("Completed on"),
    "actual_start": N_("Actual start"), "actual_end": N_("Actual end"), "file": N_("File"),
    "expected_version": N_("Version"), "approver": N_("Approver"), "label": N_("Version"),
    "held_on": N_("Held on"), "approved_on": N_("Approved on"), "closed_on": N_("Closed on"),
    "stage": N_("PDCA stage"), "causes": N_("Causes"), "review_output": N_("Review decision"),
}
