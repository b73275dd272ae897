"""The trail is append-only in the database itself, and ``qms trail verify`` names every
record changed behind the application's back (the acceptance test on the demo data)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from qms_tui.cli import cli
from qms_tui.db.session import Database
from qms_tui.services import records, trail
from qms_tui.services.setup import init_database, protect_trail

INDICATOR = {"name": "Casillas instaladas", "unit": "%", "direction": "higher", "target": "98",
             "frequency": "per_event"}


def _one_event(db, actor):  # type: ignore[no-untyped-def]
    with db.write() as s:
        records.create(s, actor, "indicator", INDICATOR)


@pytest.mark.parametrize("statement", [
    "UPDATE trail_event SET actor = 'intruso' WHERE seq = 1",
    "DELETE FROM trail_event WHERE seq = 1",
    "DELETE FROM trail_event",
])
def test_nobody_updates_or_deletes_trail_events(db, actor, statement):
    _one_event(db, actor)
    with pytest.raises(DBAPIError, match="trail is append-only"), db.engine.begin() as c:
        c.execute(text(statement))
    with db.read() as s:
        assert trail.event_count(s) == 1 and trail.verify(s) == []


def test_the_guard_is_idempotent_and_comes_back_with_init(db, actor):
    assert protect_trail(db) == []  # init_database (the fixture) made it
    with db.engine.begin() as c:
        if db.sqlite:
            c.execute(text("DROP TRIGGER trail_event_no_delete"))
        else:
            c.execute(text("DROP TRIGGER trail_event_no_truncate ON trail_event"))
    init_database(db)
    _one_event(db, actor)
    statement = "DELETE FROM trail_event" if db.sqlite else "TRUNCATE trail_event"
    with pytest.raises(DBAPIError, match="trail is append-only"), db.engine.begin() as c:
        c.execute(text(statement))


def test_on_postgresql_a_role_with_every_privilege_cannot_rewrite_the_trail(db, actor, pg_login):
    _one_event(db, actor)
    _role, url = pg_login("writer", "GRANT INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.trail_event TO {role}")
    engine = create_engine(url)
    try:
        for statement in ("UPDATE trail_event SET actor = 'x'", "DELETE FROM trail_event", "TRUNCATE trail_event",
                          "ALTER TABLE trail_event DISABLE TRIGGER ALL",
                          "DROP TRIGGER trail_event_append_only ON trail_event"):
            with pytest.raises(DBAPIError, match="append-only|must be owner"), engine.begin() as c:
                c.execute(text(statement))
    finally:
        engine.dispose()
    with db.read() as s:
        assert trail.event_count(s) == 1 and trail.verify(s) == []


@pytest.fixture
def demo_db(db_url, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    result = CliRunner().invoke(cli, ["--db", db_url, "init", "--demo"])
    assert result.exit_code == 0, result.output
    database = Database(db_url)
    yield database
    database.dispose()


def test_acceptance_trail_verify_on_the_demo_and_after_a_direct_sql_update_of_the_policy(demo_db, db_url):
    ok = CliRunner().invoke(cli, ["--db", db_url, "trail", "verify"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("trail OK: ")
    with demo_db.engine.begin() as c:
        code = c.execute(text("SELECT code FROM policy WHERE status = 'approved'")).scalar_one()
        c.execute(text("UPDATE policy SET text = text || ' (editado)' WHERE code = :c"), {"c": code})
    bad = CliRunner().invoke(cli, ["--db", db_url, "trail", "verify"])
    assert bad.exit_code == 1
    lines = [line for line in bad.output.splitlines() if "[changed behind the application]" in line]
    assert lines == [f"Quality policy version {code} [changed behind the application]: "
                     "differs from its last recorded state: text"]
    from qms_tui.services.signatures import signatures_of

    assert [s.matches for s in signatures_of(demo_db, "policy", code)] == [False]
