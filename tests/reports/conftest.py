"""Report fixtures: the tiny frozen dataset, built once per module — in a SQLite file
(``report_db``), and on SQLite and PostgreSQL for the service tests (``filled``)."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from reports.dataset import fill

PG_URL = os.environ.get("QMS_TEST_POSTGRES_URL")


def _database(url: str):  # type: ignore[no-untyped-def]
    from qms_tui.db.session import Database
    from qms_tui.services.setup import init_database

    db = Database(url)
    init_database(db)
    fill(db)
    return db


@pytest.fixture(scope="module")
def report_db(tmp_path_factory):  # type: ignore[no-untyped-def]
    db = _database(f"sqlite:///{tmp_path_factory.mktemp('reports') / 'qms.db'}")
    yield db
    db.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def filled(request, tmp_path_factory):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        db = _database(f"sqlite:///{tmp_path_factory.mktemp('evidence') / 'qms.db'}")
        yield db
        db.dispose()
        return
    if not PG_URL:
        pytest.skip("QMS_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    db = _database(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
