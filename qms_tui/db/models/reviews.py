from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Review(Record, table=True):
    """A management review (9.3)."""

    __tablename__ = "review"
    title: str = Field(max_length=200)
    planned_date: date
    held_on: date | None = None
    event_id: int | None = ref("event")
    participants: str | None = long_text()
    conclusions: str | None = long_text()
    status: str = Field(default="planned", max_length=32)
    minutes_approved_by_id: int | None = ref("person")
    minutes_approved_on: date | None = None


class ReviewInput(Record, table=True):
    """One 9.3.2 input, with the summary gathered from the data (and edited by people)."""

    __tablename__ = "review_input"
    review_id: int = required_ref("review")
    item: str = Field(max_length=8)
    summary: str = long_text("")  # type: ignore[assignment]


class ReviewOutput(Record, table=True):
    """One 9.3.3 decision; its follow-up actions point back with ``action.review_id``."""

    __tablename__ = "review_output"
    review_id: int = required_ref("review")
    kind: str = Field(max_length=16)
    decision: str = long_text("")  # type: ignore[assignment]
