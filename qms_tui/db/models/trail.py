"""The append-only, hash-chained audit trail, and the code counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from qms_tui.db.models.base import utcnow


class TrailEvent(SQLModel, table=True):
    __tablename__ = "trail_event"
    __table_args__ = (
        Index("ix_trail_record", "entity", "record_id", "seq"),
        # the text filter of the trail viewer scans this (18 MB at 400,000 events) instead of
        # the table (230 MB with the snapshots), newest first: see services.trail.trail_page
        Index("ix_trail_event_text", "seq", "code", "actor", "summary"),
    )
    seq: int = Field(primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64, index=True)
    role: str = Field(max_length=32)
    action: str = Field(max_length=16)
    entity: str = Field(max_length=32)
    record_id: int
    code: str | None = Field(default=None, max_length=40, index=True)
    summary: str | None = Field(default=None, sa_type=Text)
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)  # not unique: nothing looks an event up by it (migration 0004)


class CodeSequence(SQLModel, table=True):
    __tablename__ = "code_sequence"
    key: str = Field(primary_key=True, max_length=32)
    last: int = 0
