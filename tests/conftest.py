"""Shared fixtures. Database tests run on SQLite and on PostgreSQL (``QMS_TEST_POSTGRES_URL``;
set by ``.ci/run``; without it the PostgreSQL half is skipped locally)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from qms_tui import i18n

PG_URL = os.environ.get("QMS_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read messages in English unless they choose Spanish (``--lang es`` or
    ``i18n.set_language("es")``); the CLI and subprocesses read ``QMS_LANG``."""
    monkeypatch.setenv("QMS_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qms.db'}"
        return
    if not PG_URL:
        pytest.skip("QMS_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(PG_URL, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    """An initialised (migrated, catalogue loaded) empty database."""
    from qms_tui.db.session import Database
    from qms_tui.services.setup import init_database

    database = Database(db_url)
    init_database(database)
    yield database
    database.dispose()


@pytest.fixture
def actor():  # type: ignore[no-untyped-def]
    from qms_tui.domain.actor import Actor
    from qms_tui.domain.enums import Role

    return Actor(login="coord", role=Role.COORDINATOR, name="Coordinación de Calidad")
