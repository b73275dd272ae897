from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, utcnow


class Indicator(Record, table=True):
    __tablename__ = "indicator"
    name: str = Field(max_length=200)
    objective_id: int | None = ref("objective")
    process_id: int | None = ref("process")
    event_id: int | None = ref("event")
    definition: str | None = long_text()
    formula: str | None = Field(default=None, max_length=200)
    unit: str = Field(max_length=32)
    dimension: str | None = Field(default=None, max_length=32)
    direction: str = Field(max_length=16)
    target: float | None = None
    band_low: float | None = None
    band_high: float | None = None
    band_tolerance: float | None = None
    green_from: float | None = None
    yellow_from: float | None = None
    baseline: float | None = None
    baseline_period: str | None = Field(default=None, max_length=16)
    frequency: str = Field(max_length=16)
    owner_id: int | None = ref("person")
    source: str | None = Field(default=None, max_length=200)
    rule_red: bool = True
    rule_yellow_run: int | None = None
    rule_trend_run: int | None = None
    active: bool = True


class Measurement(Record, table=True):
    __tablename__ = "measurement"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period", name="uq_measurement_indicator_period"),
        Index("ix_measurement_series", "indicator_id", "period_start", "value"),
    )
    indicator_id: int = Field(foreign_key="indicator.id")
    period: str = Field(max_length=16)
    period_start: date
    period_end: date
    value: float
    note: str | None = long_text()
    evidence_id: int | None = ref("evidence")
    recorded_by_id: int | None = ref("person", index=False)
    recorded_at: datetime = Field(default_factory=utcnow)

