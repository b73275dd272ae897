"""Create or upgrade a database: schema (Alembic), the append-only guard of the trail, and the
catalogue. Idempotent."""

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
    protect_trail(db)
    return InitResult(before, after, sync_clauses(db))


# ---------------------------------------------------------------- the trail is append-only

TRAIL_GUARD_MESSAGE = "trail is append-only"
SQLITE_TRAIL_GUARD = tuple(
    f"CREATE TRIGGER IF NOT EXISTS trail_event_no_{op.lower()} BEFORE {op} ON trail_event "
    f"BEGIN SELECT RAISE(ABORT, '{TRAIL_GUARD_MESSAGE}'); END"
    for op in ("UPDATE", "DELETE")
)
PG_TRAIL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION qms_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{TRAIL_GUARD_MESSAGE}: % on trail_event refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$"""
PG_TRAIL_TRIGGERS = {
    "trail_event_append_only": "CREATE TRIGGER trail_event_append_only BEFORE UPDATE OR DELETE ON trail_event "
                               "FOR EACH ROW EXECUTE FUNCTION qms_trail_append_only()",
    "trail_event_no_truncate": "CREATE TRIGGER trail_event_no_truncate BEFORE TRUNCATE ON trail_event "
                               "FOR EACH STATEMENT EXECUTE FUNCTION qms_trail_append_only()",
}


def protect_trail(db: Database) -> list[str]:
    """Make ``trail_event`` append-only in the database itself: triggers refuse every UPDATE,
    DELETE (and, on PostgreSQL, TRUNCATE) whoever the role, the schema's owner included, so a
    change needs DDL rights (dropping the trigger) and is then still caught by the hash chain
    (``qms trail verify``). Idempotent: creates only what is missing; returns the names of the
    triggers it created. Run by :func:`init_database` (``qms init``), after the migrations,
    which may rebuild the table on SQLite."""
    from sqlalchemy import text

    created: list[str] = []
    with db.engine.begin() as conn:
        if db.sqlite:
            have = set(conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'trail_event'")).scalars())
            for ddl in SQLITE_TRAIL_GUARD:
                name = ddl.split()[5]
                if name not in have:
                    conn.execute(text(ddl))
                    created.append(name)
            return created
        have = set(conn.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('trail_event') AND NOT tgisinternal"
        )).scalars())
        missing = [name for name in PG_TRAIL_TRIGGERS if name not in have]
        if not missing:
            return created
        if conn.execute(text("SELECT to_regprocedure('qms_trail_append_only()')")).scalar() is None:
            conn.execute(text(PG_TRAIL_FUNCTION))
        for name in missing:
            conn.execute(text(PG_TRAIL_TRIGGERS[name]))
            created.append(name)
    return created
