from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref


class Risk(Record, table=True):
    """A risk or an opportunity (6.1)."""

    __tablename__ = "risk"
    kind: str = Field(max_length=16)
    title: str = Field(max_length=200)
    description: str | None = long_text()
    process_id: int | None = ref("process")
    event_id: int | None = ref("event")
    likelihood: int
    impact: int
    treatment: str | None = Field(default=None, max_length=16)
    treatment_plan: str | None = long_text()
    owner_id: int | None = ref("person")
    status: str = Field(default="open", max_length=16)
    review_date: date | None = None
    residual_likelihood: int | None = None
    residual_impact: int | None = None
