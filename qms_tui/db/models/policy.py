from __future__ import annotations

from datetime import date

from sqlmodel import Field

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Policy(Record, table=True):
    """One version of the quality policy (5.2)."""

    __tablename__ = "policy"
    number: int = 1
    text: str = long_text("")  # type: ignore[assignment]
    status: str = Field(default="draft", max_length=32)
    effective_from: date | None = None
    approved_by_id: int | None = ref("person")
    approved_on: date | None = None
    notes: str | None = long_text()


class PolicyCommunication(Record, table=True):
    __tablename__ = "policy_communication"
    policy_id: int = required_ref("policy")
    date: date
    channel: str = Field(max_length=200)
    audience: str = Field(max_length=200)
    evidence_id: int | None = ref("evidence")
    notes: str | None = long_text()


class Objective(Record, table=True):
    __tablename__ = "objective"
    title: str = long_text("")  # type: ignore[assignment]
    description: str | None = long_text()
    owner_id: int | None = ref("person")
    process_id: int | None = ref("process")
    status: str = Field(default="active", max_length=32)


class ObjectivePlan(Record, table=True):
    __tablename__ = "objective_plan"
    objective_id: int = required_ref("objective")
    what: str = long_text("")  # type: ignore[assignment]
    resources: str | None = long_text()
    responsible_id: int | None = ref("person")
    due_date: date | None = None
    evaluation: str | None = long_text()
