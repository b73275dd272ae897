"""Alembic migrations: empty -> head, idempotent, and the migrated schema equals the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import qms_tui.db.models  # noqa: F401  (registers every table, as env.py does)
from qms_tui.db import migrate
from qms_tui.db.session import Database


def _tables(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_upgrade_from_empty_to_head_then_again_is_a_no_op(db_url):
    db = Database(db_url)
    try:
        assert migrate.current_revision(db) is None
        head = migrate.head_revision()
        assert head
        assert migrate.upgrade(db) == (None, head)
        assert migrate.current_revision(db) == head
        tables = _tables(db)
        assert set(SQLModel.metadata.tables) | {"alembic_version"} == tables
        assert migrate.upgrade(db) == (head, head)
        assert _tables(db) == tables
    finally:
        db.dispose()


def test_migrated_schema_matches_the_models(db_url):
    db = Database(db_url)
    try:
        migrate.upgrade(db)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "target_metadata": SQLModel.metadata,
                    "render_as_batch": conn.dialect.name == "sqlite",
                    "compare_type": True,  # as in qms_tui/db/migrations/env.py
                    "include_object": migrate.include_object,
                },
            )
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == [], "models and migrations differ; run make migration m=...: " + repr(diff)
    finally:
        db.dispose()


def test_0004_drops_the_unique_trail_hash_and_keeps_the_events_and_their_guard(db_url, actor):
    """0003 → 0004 on a database with events: same events, chain intact, append-only again
    after ``protect_trail`` (SQLite rebuilds the table), and the hash no longer unique."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from qms_tui.services import records, trail
    from qms_tui.services.setup import protect_trail

    db = Database(db_url)
    try:
        migrate.upgrade(db, "0003")
        protect_trail(db)
        with db.write() as s:
            records.create(s, actor, "person", {"code": "coord", "name": "Coordinación", "role": "coordinator"})
        with db.read() as s:
            before = s.execute(text("SELECT seq, hash FROM trail_event ORDER BY seq")).all()
        assert before
        assert migrate.upgrade(db) == ("0003", "0004")
        protect_trail(db)
        with db.read() as s:
            assert s.execute(text("SELECT seq, hash FROM trail_event ORDER BY seq")).all() == before
            assert trail.verify(s) == []
        uniques = inspect(db.engine).get_unique_constraints("trail_event")
        assert not [u for u in uniques if u["column_names"] == ["hash"]]
        with db.engine.connect() as conn:
            try:
                conn.execute(text("DELETE FROM trail_event"))
                conn.commit()
                deleted = True
            except DBAPIError:
                deleted = False
        assert not deleted, "the append-only guard is back after the upgrade"
    finally:
        db.dispose()
