from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field

from qms_tui.db.models.base import Record, ref


class OrgUnit(Record, table=True):
    __tablename__ = "org_unit"
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    acronym: str | None = Field(default=None, max_length=32)
    aliases: str | None = Field(default=None, max_length=400)
    parent_id: int | None = ref("org_unit")
    district_no: int | None = None


class Person(Record, table=True):
    """A person; ``code`` is the QMS login (mapped to the OS login)."""

    __tablename__ = "person"
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=200)
    org_unit_id: int | None = ref("org_unit")
    position: str | None = Field(default=None, max_length=200)
    role: str = Field(default="reader", max_length=32)
    active: bool = True
    password_hash: str | None = Field(default=None, sa_type=Text)
