from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Nonconformity(Record, table=True):
    """A nonconformity (10.2) and its lifecycle through to the effectiveness check."""

    __tablename__ = "nonconformity"
    title: str = Field(max_length=200)
    description: str = long_text("")  # type: ignore[assignment]
    source: str = Field(max_length=32)
    severity: str | None = Field(default=None, max_length=16)
    status: str = Field(default="registered", max_length=32, index=True)
    process_id: int | None = ref("process")
    event_id: int | None = ref("event")
    org_unit_id: int | None = ref("org_unit")
    detected_on: date
    reported_by_id: int | None = ref("person")
    owner_id: int | None = ref("person")
    finding_id: int | None = ref("finding")
    measurement_id: int | None = ref("measurement")
    correction: str | None = long_text()
    correction_on: date | None = None
    extent: str | None = long_text()
    rca_method: str | None = Field(default=None, max_length=16)
    root_cause: str | None = long_text()
    closed_on: date | None = None
    closed_by_id: int | None = ref("person")
    reopen_count: int = 0
    status_reason: str | None = long_text()
    breach_key: str | None = Field(default=None, max_length=80, unique=True)


class Cause(Record, table=True):
    """One line of a root-cause analysis: a 'why' (5 whys) or an Ishikawa cause."""

    __tablename__ = "cause"
    nonconformity_id: int = required_ref("nonconformity")
    method: str = Field(max_length=16)
    category: str | None = Field(default=None, max_length=16)
    position: int = 0
    text: str = long_text("")  # type: ignore[assignment]


class Action(Record, table=True):
    """An action: of a nonconformity's plan, a review decision or a risk treatment."""

    __tablename__ = "action"
    nonconformity_id: int | None = ref("nonconformity")
    review_id: int | None = ref("review")
    review_output_id: int | None = ref("review_output")
    risk_id: int | None = ref("risk")
    kind: str = Field(max_length=16)
    description: str = long_text("")  # type: ignore[assignment]
    owner_id: int = required_ref("person")
    due_date: date
    resources: str | None = long_text()
    status: str = Field(default="pending", max_length=16, index=True)
    completed_on: date | None = None
    evidence_note: str | None = long_text()


class EffectivenessCheck(Record, table=True):
    __tablename__ = "effectiveness_check"
    nonconformity_id: int = required_ref("nonconformity")
    planned_date: date
    criterion: str = long_text("")  # type: ignore[assignment]
    verifier_id: int | None = ref("person")
    result: str = Field(default="pending", max_length=16)
    performed_on: date | None = None
    evidence_note: str | None = long_text()
