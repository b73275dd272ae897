"""The clause catalogue in the database, kept equal to :mod:`qms_tui.domain.clauses`."""

from __future__ import annotations

from sqlalchemy import select

from qms_tui.db.models import Clause
from qms_tui.db.session import Database
from qms_tui.domain import clauses as catalogue


def sync_clauses(db: Database) -> int:
    """Insert or update every clause of ISO/TS 54001 (a superset of ISO 9001's numbering).
    Returns how many rows changed; running it again changes nothing."""
    in_9001 = {c.number for c in catalogue.clauses(catalogue.ISO9001)}
    changed = 0
    with db.write() as session:
        existing = {c.number: c for c in session.execute(select(Clause)).scalars()}
        for position, c in enumerate(catalogue.clauses(catalogue.ISO54001)):
            want = dict(parent=c.parent, title_es=c.title_es, title_en=c.title_en,
                        in_iso9001=c.number in in_9001, position=position)
            row = existing.get(c.number)
            if row is None:
                session.add(Clause(number=c.number, **want))
                changed += 1
            elif any(getattr(row, k) != v for k, v in want.items()):
                for k, v in want.items():
                    setattr(row, k, v)
                changed += 1
    return changed
