"""Create or upgrade a database: schema (Alembic) and catalogue. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from qms_tui.db import migrate
from qms_tui.db.session import Database
from qms_tui.services.catalogue import sync_clauses


@dataclass(frozen=True)
class InitResult:
    revision_before: str | None
    revision: str
    clauses_changed: int


def init_database(db: Database) -> InitResult:
    before, after = migrate.upgrade(db)
    return InitResult(before, after, sync_clauses(db))
