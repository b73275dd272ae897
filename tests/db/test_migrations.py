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
