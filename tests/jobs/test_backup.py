"""The nightly backup: a SQLite copy that opens with the same rows; retention; pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jobs.conftest import AT
from qms_tui.jobs import runner
from qms_tui.jobs.backup import backup_database, pg_schema, prune
from qms_tui.jobs.runner import OK

MX = ZoneInfo("America/Mexico_City")


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


@pytest.fixture
def sqlite_small(tmp_path):  # type: ignore[no-untyped-def]
    from jobs.conftest import fill
    from qms_tui.db.session import Database
    from qms_tui.services.setup import init_database

    db = Database(f"sqlite:///{tmp_path / 'qms.db'}")
    init_database(db)
    fill(db)
    yield db
    db.dispose()


def test_sqlite_backup_opens_with_the_same_rows(sqlite_small, config):
    out = runner.run_job("backup", sqlite_small.url, AT, db=sqlite_small)
    assert out.status == OK, out.message
    made = config.parent / "backups" / "qms-20250701-023000.sqlite3"
    assert made.is_file() and str(made) in out.message
    con = sqlite3.connect(str(made))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    source = Path(sqlite_small.url.removeprefix("sqlite:///"))
    assert _counts(made) == _counts(source)
    assert _counts(made)["person"] == 4
    assert not list(made.parent.glob(".*.tmp"))  # no partial file left


def test_retention_deletes_the_oldest(sqlite_small, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "other-20200101-000000.sqlite3").write_bytes(b"not ours")
    made = []
    for day in range(1, 6):
        path, deleted = backup_database(sqlite_small, folder, 3, datetime(2025, 7, day, 2, 30, tzinfo=MX))
        made.append(path)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["other-20200101-000000.sqlite3"] + [p.name for p in made[-3:]]
    assert deleted == [made[1]]
    assert prune(folder, "qms", ".sqlite3", 1) == made[2:4]


@pytest.mark.pg
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_backup_with_pg_dump(db, config, db_url):
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump is not installed")
    from sqlalchemy.engine import make_url

    schema = pg_schema(make_url(db_url))
    assert schema and schema.startswith("t_")
    out = runner.run_job("backup", db.url, AT, db=db)
    assert out.status == OK, out.message
    made = next((config.parent / "backups").glob(f"*-{schema}-20250701-023000.dump"))
    listing = subprocess.run(["pg_restore", "--list", str(made)], capture_output=True, text=True, check=True).stdout
    assert f"TABLE DATA {schema} notification" in listing
    assert f"TABLE DATA {schema} person" in listing
