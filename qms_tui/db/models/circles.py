from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Circle(Record, table=True):
    __tablename__ = "circle"
    name: str = Field(max_length=200)
    org_unit_id: int | None = ref("org_unit")
    purpose: str | None = long_text()
    formed_on: date | None = None
    active: bool = True


class CircleMember(Record, table=True):
    __tablename__ = "circle_member"
    circle_id: int = required_ref("circle")
    person_id: int = required_ref("person")
    role: str = Field(max_length=16)


class Project(Record, table=True):
    """An improvement project of a quality circle, run through PDCA (10.3)."""

    __tablename__ = "project"
    circle_id: int | None = ref("circle")
    title: str = Field(max_length=200)
    problem: str = long_text("")  # type: ignore[assignment]
    process_id: int | None = ref("process")
    indicator_id: int | None = ref("indicator")
    nonconformity_id: int | None = ref("nonconformity")
    risk_id: int | None = ref("risk")
    baseline: float | None = None
    target: float | None = None
    measured_result: float | None = None
    unit: str | None = Field(default=None, max_length=32)
    benefit: str | None = long_text()
    pdca_stage: str = Field(default="plan", max_length=16)
    started_on: date
    due_date: date | None = None
    closed_on: date | None = None


class Meeting(Record, table=True):
    __tablename__ = "meeting"
    circle_id: int = required_ref("circle")
    number: int = 1
    date: date
    place: str | None = Field(default=None, max_length=200)
    attendees: str | None = long_text()
    absentees: str | None = long_text()
    agenda: str | None = long_text()
    minutes: str = long_text("")  # type: ignore[assignment]
    pdca_stage: str | None = Field(default=None, max_length=16)
    project_id: int | None = ref("project")
    next_date: date | None = None


class Agreement(Record, table=True):
    __tablename__ = "agreement"
    meeting_id: int = required_ref("meeting")
    text: str = long_text("")  # type: ignore[assignment]
    owner_id: int | None = ref("person")
    due_date: date | None = None
    status: str = Field(default="open", max_length=16)
