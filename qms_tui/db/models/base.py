"""Common columns: every user record has an id, a human code, a version and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC, to the microsecond (SQLModel stores and returns UTC on both backends)."""
    return datetime.now(UTC)


class Record(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def ref(table: str, *, index: bool = True, ondelete: str | None = None) -> int | None:
    """A nullable foreign key to ``table.id``."""
    return Field(default=None, foreign_key=f"{table}.id", index=index, ondelete=ondelete)  # type: ignore[return-value]


def required_ref(table: str) -> int:
    return Field(foreign_key=f"{table}.id", index=True)  # type: ignore[return-value]


def long_text(default: str | None = None) -> str | None:
    return Field(default=default, sa_type=Text)  # type: ignore[return-value]
