from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Process(Record, table=True):
    __tablename__ = "process"
    name: str = Field(max_length=200)
    category: str = Field(max_length=32)
    ts_process_no: int | None = None
    owner_id: int | None = ref("person")
    org_unit_id: int | None = ref("org_unit")
    applicable: bool = True
    justification: str | None = long_text()
    purpose: str | None = long_text()
    inputs: str | None = long_text()
    outputs: str | None = long_text()


class Event(Record, table=True):
    """An electoral process or a citizen-participation mechanism."""

    __tablename__ = "event"
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    start_date: date
    key_date: date
    end_date: date
    freeze_before: int | None = None
    freeze_after: int | None = None
    description: str | None = long_text()


class Stage(Record, table=True):
    __tablename__ = "stage"
    event_id: int = required_ref("event")
    kind: str = Field(max_length=32)
    name: str = Field(max_length=200)
    start_date: date
    end_date: date
