"""Alembic environment: run by :mod:`qms_tui.db.migrate` with a live connection."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import qms_tui.db.models  # noqa: F401  (registers every table)
from qms_tui.db.migrate import include_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # plain `alembic` CLI use, for developers generating revisions
        from qms_tui.db.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as conn:
            _run(conn)
        return
    _run(connection)


def render_item(type_: str, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Render SQLModel's column types as plain SQLAlchemy ones, so revision scripts (and
    ``qms db current``) do not import sqlmodel."""
    name = type(obj).__name__
    if type_ == "type" and name == "AutoString":
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if type_ == "type" and name == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        render_item=render_item,
        include_object=include_object,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
