from __future__ import annotations

from datetime import date

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from qms_tui.db.models.base import Record, long_text, ref, required_ref


class Document(Record, table=True):
    """A controlled document (7.5): its versions carry the approvals."""

    __tablename__ = "document"
    title: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    process_id: int | None = ref("process")
    owner_id: int | None = ref("person")
    review_months: int | None = None
    next_review: date | None = None


class DocumentVersion(Record, table=True):
    __tablename__ = "document_version"
    document_id: int = required_ref("document")
    label: str = Field(max_length=16)  # "2.1"; ``version`` is the row's lock counter
    change_summary: str = long_text("")  # type: ignore[assignment]
    status: str = Field(default="draft", max_length=16)
    effective_from: date | None = None
    approved_by_id: int | None = ref("person")
    approved_on: date | None = None
    evidence_id: int | None = ref("evidence")


class Evidence(Record, table=True):
    """An evidence file: its bytes live in ``evidence_blob``; the SHA-256 is kept here."""

    __tablename__ = "evidence"
    title: str = Field(max_length=200)
    effective_date: date
    description: str | None = long_text()
    process_id: int | None = ref("process")
    filename: str | None = Field(default=None, max_length=255)
    media_type: str | None = Field(default=None, max_length=100)
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)


class EvidenceBlob(SQLModel, table=True):
    __tablename__ = "evidence_blob"
    evidence_id: int = Field(foreign_key="evidence.id", primary_key=True)
    content: bytes = Field(sa_type=LargeBinary)
