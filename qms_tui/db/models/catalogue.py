"""The clause catalogue as tables (seeded from :mod:`qms_tui.domain.clauses`) and the
links from any record to the clauses it evidences."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Clause(SQLModel, table=True):
    __tablename__ = "clause"
    number: str = Field(primary_key=True, max_length=16)
    parent: str | None = Field(default=None, max_length=16)
    title_es: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    in_iso9001: bool = True
    position: int = 0


class RecordClause(SQLModel, table=True):
    __tablename__ = "record_clause"
    __table_args__ = (
        UniqueConstraint("entity", "record_id", "clause", name="uq_record_clause"),
        Index("ix_record_clause_clause", "clause", "entity", "record_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32)
    record_id: int
    clause: str = Field(foreign_key="clause.number", max_length=16)
