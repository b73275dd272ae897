from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Programme(Record, table=True):
    """Annual internal audit programme (9.2)."""

    __tablename__ = "programme"
    year: int
    title: str = Field(max_length=200)
    objectives: str | None = long_text()
    scope: str | None = long_text()
    criteria: str | None = long_text()
    methods: str | None = long_text()
    resources: str | None = long_text()
    status: str = Field(default="draft", max_length=16)
    approved_by_id: int | None = ref("person")
    approved_on: date | None = None


class Audit(Record, table=True):
    __tablename__ = "audit"
    programme_id: int | None = ref("programme")
    title: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    scope: str = long_text("")  # type: ignore[assignment]
    criteria: str | None = long_text()
    objectives: str | None = long_text()
    process_id: int | None = ref("process")
    event_id: int | None = ref("event")
    org_unit_id: int | None = ref("org_unit")
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None
    lead_auditor_id: int | None = ref("person")
    plan: str | None = long_text()
    methods: str | None = long_text()
    conclusions: str | None = long_text()
    status: str = Field(default="planned", max_length=32)
    report_accepted_by_id: int | None = ref("person")
    report_accepted_on: date | None = None
    closed_on: date | None = None


class AuditMember(Record, table=True):
    __tablename__ = "audit_member"
    audit_id: int = required_ref("audit")
    person_id: int = required_ref("person")
    role: str = Field(max_length=16)


class ChecklistItem(Record, table=True):
    __tablename__ = "checklist_item"
    audit_id: int = required_ref("audit")
    clause: str = Field(max_length=16)
    question: str = long_text("")  # type: ignore[assignment]
    result: str = Field(default="pending", max_length=32)
    evidence_note: str | None = long_text()
    position: int = 0


class Finding(Record, table=True):
    __tablename__ = "finding"
    audit_id: int = required_ref("audit")
    kind: str = Field(max_length=16)
    title: str = Field(max_length=200)
    description: str = long_text("")  # type: ignore[assignment]
    evidence: str | None = long_text()
    process_id: int | None = ref("process")
    org_unit_id: int | None = ref("org_unit")
    checklist_item_id: int | None = ref("checklist_item")
