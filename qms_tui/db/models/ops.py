"""Operational tables: notifications and job runs (scheduler), electronic signatures,
dates planned relative to an electoral event, login attempts (browser mode)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from qms_tui.db.models.base import Record, ref, utcnow


class Notification(SQLModel, table=True):
    """A message to one person about one record (reminder, overdue alert, draft NC …).

    Messages, not quality records: they are not in the audit trail. ``dedupe_key`` makes
    a job idempotent (the same reminder for the same record and due date is written once).
    """

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "recipient_id", "read_at", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="person.id")
    kind: str = Field(max_length=32)
    entity: str | None = Field(default=None, max_length=32)
    record_code: str | None = Field(default=None, max_length=40)
    title: str = Field(max_length=300)
    body: str | None = Field(default=None, sa_type=Text)
    due_date: date | None = None
    dedupe_key: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    emailed_at: datetime | None = None


class JobRun(SQLModel, table=True):
    """One run of a scheduled job (what ran, for which moment, how it ended)."""

    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job", "job", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    due_at: datetime
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=16)  # running | ok | failed
    message: str | None = Field(default=None, sa_type=Text)


class Signature(Record, table=True):
    """An electronic signature: who signed which record, meaning what, when, and the hash
    of the record's state at that moment (a later change no longer matches it)."""

    __tablename__ = "signature"
    __table_args__ = (Index("ix_signature_record", "entity", "record_id"),)
    entity: str = Field(max_length=32)
    record_id: int
    record_code: str = Field(max_length=40)
    signer_id: int = Field(foreign_key="person.id", index=True)
    meaning: str = Field(max_length=32)  # approved | reviewed | verified_effectiveness | closed …
    signed_at: datetime = Field(default_factory=utcnow)
    state_hash: str = Field(max_length=64)
    reason: str | None = Field(default=None, sa_type=Text)


class Anchor(SQLModel, table=True):
    """A date field planned relative to an event's key day (``E-30`` → offset_days=-30)."""

    __tablename__ = "anchor"
    __table_args__ = (UniqueConstraint("entity", "record_id", "field", name="uq_anchor_field"),)
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32)
    record_id: int
    field: str = Field(max_length=32)
    event_id: int = ref("event")  # type: ignore[assignment]
    offset_days: int


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_login", "login", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    success: bool = False
    source: str | None = Field(default=None, max_length=100)
