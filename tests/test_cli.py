"""The ``qms`` command line: exit statuses, one-line errors, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import getpass
import gettext
import os
import subprocess
import sys
import types
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from qms_tui import i18n
from qms_tui.cli import cli
from qms_tui.db import migrate
from qms_tui.domain.errors import FieldError, QmsError, UsageError, ValidationError

INDICATOR = {"name": "Casillas instaladas", "unit": "%", "direction": "higher", "target": "98",
             "frequency": "per_event"}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """Never touch the user's data dir or a database named in the environment."""
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.delenv("QMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("QMS_DEBUG", raising=False)


def qms(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


@pytest.fixture
def fakes(monkeypatch):  # type: ignore[no-untyped-def]
    """Stand-ins for the TUI and the demo loader (written by others), recording their calls."""
    calls: dict[str, list] = {"run_app": [], "load_demo": []}
    loaded: set[str] = set()

    class Summary:
        def __str__(self) -> str:
            return "demo data: 3 indicators"

    def run_app(db_url: str, lang: str) -> None:
        calls["run_app"].append((db_url, lang))

    def has_data(db) -> bool:  # type: ignore[no-untyped-def]
        return db.url in loaded

    def load_demo(db, today=None, operator=None):  # type: ignore[no-untyped-def]
        calls["load_demo"].append(db.url)
        calls.setdefault("operator", []).append(operator)
        loaded.add(db.url)
        return Summary()

    app = types.ModuleType("qms_tui.app")
    app.run_app = run_app  # type: ignore[attr-defined]
    demo = types.ModuleType("qms_tui.demo")
    demo.has_data, demo.load_demo = has_data, load_demo  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "qms_tui.app", app)
    monkeypatch.setitem(sys.modules, "qms_tui.demo", demo)
    return calls


def one_error_line(result: click.testing.Result) -> str:
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ---------------------------------------------------------------- init, db, trail on both backends


def test_init_twice_changes_nothing(db_url):
    first = qms("init", "--db", db_url)
    assert first.exit_code == 0, first.output
    assert "created the schema" in first.output and "clause catalogue" in first.output
    second = qms("--db", db_url, "init")
    assert second.exit_code == 0, second.output
    assert "schema is up to date" in second.output and "clause catalogue" not in second.output


def test_db_current_and_upgrade(db_url):
    before = qms("db", "current", "--db", db_url)
    assert before.exit_code == 0, before.output
    assert "current revision: none" in before.output and "not initialised" in before.output
    assert qms("db", "upgrade", "--db", db_url).exit_code == 0
    after = qms("--db", db_url, "db", "current")
    assert after.exit_code == 0, after.output
    assert "up to date" in after.output and f"head revision: {migrate.head_revision()}" in after.output
    again = qms("--db", db_url, "db", "upgrade")
    assert again.exit_code == 0 and "schema is up to date" in again.output


def test_db_current_does_not_create_a_missing_sqlite_file(tmp_path):
    path = tmp_path / "nothing.db"
    result = qms("db", "current", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert "no file yet" in result.output and not path.exists()


def test_trail_verify_names_a_record_changed_behind_the_application(db_url, actor):
    from qms_tui.db.session import Database
    from qms_tui.services import records

    assert qms("init", "--db", db_url).exit_code == 0
    assert qms("trail", "verify", "--db", db_url).output.strip() == "trail OK: 0 events"
    db = Database(db_url)
    with db.write() as s:
        created = records.create(s, actor, "indicator", INDICATOR)
    ok = qms("trail", "verify", "--db", db_url)
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("trail OK: ") and "trail OK: 0 events" not in ok.output

    with db.engine.begin() as conn:
        conn.execute(text("UPDATE indicator SET target = 50 WHERE code = :c"), {"c": created.code})
    db.dispose()
    broken = qms("trail", "verify", "--db", db_url)
    assert broken.exit_code == 1
    assert "Traceback" not in broken.output
    problem = [line for line in broken.stdout.splitlines() if created.code in line]
    assert len(problem) == 1 and problem[0].startswith("Indicator IND-001 [changed behind the application]")
    assert "target" in problem[0]
    assert "trail verification failed: 1 problems" in broken.stderr


def test_trail_verify_on_an_uninitialised_database_says_what_to_do(tmp_path):
    path = tmp_path / "new.db"
    result = qms("trail", "verify", "--db", str(path))
    assert result.exit_code == 1
    assert "qms init" in one_error_line(result) and not path.exists()


# ---------------------------------------------------------------- errors and usage


@pytest.mark.parametrize(
    "url",
    ["foo://bar", "postgresql://nobody:s3cret@127.0.0.1:1/none", "mysql://x@localhost/none",
     "not a url://at all"],
)
@pytest.mark.parametrize("command", [["init"], ["db", "current"], ["trail", "verify"], []])
def test_a_database_that_cannot_be_opened_is_one_line_and_exit_1(url, command):
    result = qms(*command, "--db", url)
    assert result.exit_code == 1
    line = one_error_line(result)
    assert line.startswith("error: cannot open database ") and "s3cret" not in line


def test_a_directory_as_sqlite_database_is_refused(tmp_path):
    result = qms("trail", "verify", "--db", str(tmp_path))
    assert result.exit_code == 1
    assert one_error_line(result).startswith("error: ")


@pytest.mark.parametrize(
    "args", [["frob"], ["--lang", "xx"], ["init", "--nope"], ["db"], ["db", "frob"]]
)
def test_bad_usage_exits_2(args):
    result = qms(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "exc,status,lines",
    [
        (QmsError("{code} is closed", code="NC-2025-001"), 1, ["error: NC-2025-001 is closed"]),
        (ValidationError([FieldError("name", "is required"), FieldError("target", "not a number")]),
         1, ["error: Name: is required", "error: Target: not a number"]),
        (UsageError("choose one of {choices}", choices="a, b"), 2, ["error: choose one of a, b"]),
    ],
)
def test_refused_data_is_one_line_per_reason(monkeypatch, tmp_path, exc, status, lines):
    def refuse(db):  # type: ignore[no-untyped-def]
        raise exc

    monkeypatch.setattr("qms_tui.services.setup.init_database", refuse)
    result = qms("init", "--db", str(tmp_path / "q.db"))
    assert result.exit_code == status
    assert "Traceback" not in result.output
    got = result.stderr.strip().splitlines()
    assert got[0] == lines[0] and len(got) == len(lines)
    assert [line.split(":")[0] for line in got] == ["error"] * len(lines)


def test_an_unexpected_error_is_one_line_with_the_debug_hint(monkeypatch, tmp_path):
    def boom(db):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("qms_tui.services.setup.init_database", boom)
    result = qms("init", "--db", str(tmp_path / "q.db"))
    assert result.exit_code == 1
    line = one_error_line(result)
    assert line.startswith("internal error: ZeroDivisionError: division by zero")
    assert "QMS_DEBUG=1" in line

    monkeypatch.setenv("QMS_DEBUG", "1")
    debug = qms("init", "--db", str(tmp_path / "q.db"))
    assert isinstance(debug.exception, ZeroDivisionError)


def test_a_database_lost_mid_command_is_cannot_open(monkeypatch, tmp_path):
    from sqlalchemy.exc import OperationalError

    def lost(db):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection\nunexpectedly"))

    monkeypatch.setattr("qms_tui.services.setup.init_database", lost)
    result = qms("init", "--db", str(tmp_path / "q.db"))
    assert result.exit_code == 1
    line = one_error_line(result)
    assert line.startswith("error: cannot open database ")
    assert line.endswith("server closed the connection unexpectedly")


# ---------------------------------------------------------------- language, help, version


def test_lang_en_and_es_both_work(monkeypatch, tmp_path):
    class Spanish(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"up to date": "al día", "head revision: {revision}": "revisión más reciente: "
                    "{revision}"}.get(message, message)

    monkeypatch.setitem(i18n._catalogs, "es", Spanish())
    path = str(tmp_path / "q.db")
    assert qms("init", "--db", path).exit_code == 0
    en = qms("--lang", "en", "db", "current", "--db", path)
    assert en.exit_code == 0 and "up to date" in en.output and i18n.get_language() == "en"
    es = qms("--lang", "es", "db", "current", "--db", path)
    assert es.exit_code == 0 and i18n.get_language() == "es"
    assert "al día" in es.output and f"revisión más reciente: {migrate.head_revision()}" in es.output
    after = qms("db", "current", "--db", path, "--lang", "ES")  # after the command, any case
    assert after.exit_code == 0 and "al día" in after.output


def _commands(group: click.Group, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    yield path
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*path, name))
        else:
            yield (*path, name)


@pytest.mark.parametrize("path", list(_commands(cli)), ids=lambda p: " ".join(p) or "qms")
def test_every_command_has_help_with_an_example_and_takes_db_and_lang(path):
    result = qms(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "--db URL_OR_PATH" in result.output and "--lang" in result.output


def test_version():
    from qms_tui import __version__

    result = qms("--version")
    assert result.exit_code == 0 and result.output.strip() == f"qms {__version__}"


# ---------------------------------------------------------------- the TUI and the demo (fakes)


def test_qms_alone_opens_the_tui_on_an_initialised_database(fakes, tmp_path):
    path = tmp_path / "q.db"
    refused = qms("--db", str(path))
    assert refused.exit_code == 1 and "qms init" in one_error_line(refused)
    assert not path.exists() and fakes["run_app"] == []

    assert qms("init", "--db", str(path)).exit_code == 0
    result = qms("--db", str(path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert fakes["run_app"] == [(f"sqlite:///{path}", "en")]


def test_demo_creates_the_demo_database_once_and_opens_it(fakes, tmp_path):
    path = tmp_path / "demo.db"
    first = qms("demo", "--db", str(path))
    assert first.exit_code == 0, first.output
    assert "demo data: 3 indicators" in first.output
    second = qms("demo", "--db", str(path))
    assert second.exit_code == 0, second.output
    assert fakes["load_demo"] == [f"sqlite:///{path}"]
    assert fakes["operator"] == [getpass.getuser()]
    assert fakes["run_app"] == [(f"sqlite:///{path}", "en")] * 2


def test_demo_uses_the_default_database(fakes, tmp_path):
    result = qms("demo")
    assert result.exit_code == 0, result.output
    assert fakes["run_app"] == [(f"sqlite:///{tmp_path / 'data' / 'qms.db'}", "en")]


def test_init_demo_twice_loads_once(fakes, db_url):
    first = qms("init", "--demo", "--db", db_url)
    assert first.exit_code == 0, first.output
    second = qms("init", "--demo", "--db", db_url)
    assert second.exit_code == 0, second.output
    assert "already has data" in second.output
    assert len(fakes["load_demo"]) == 1 and fakes["run_app"] == []


# ---------------------------------------------------------------- real processes


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QMS_DATABASE_URL", "QMS_DEBUG")}
    env.update(QMS_DATA_DIR=str(cwd / "data"), QMS_LANG="en")
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_python_m_qms_tui_in_a_real_process(tmp_path):
    qms_py = [sys.executable, "-m", "qms_tui"]
    path = str(tmp_path / "q.db")
    for _ in range(2):
        done = _run([*qms_py, "init", "--db", path], tmp_path)
        assert done.returncode == 0, done.stderr
    assert "schema is up to date" in done.stdout
    bad = _run([*qms_py, "--db", "postgresql://nobody@127.0.0.1:1/none", "trail", "verify"], tmp_path)
    assert bad.returncode == 1 and bad.stdout == ""
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("error: cannot open database postgresql+psycopg://nobody@")
    unknown = _run([*qms_py, "frob"], tmp_path)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_the_installed_qms_script(tmp_path):
    script = Path(sys.executable).parent / "qms"
    if not script.exists():
        pytest.skip("the qms console script is not installed next to this python")
    version = _run([str(script), "--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("qms "), version.stderr
    current = _run([str(script), "db", "current", "--db", str(tmp_path / "q.db")], tmp_path)
    assert current.returncode == 0, current.stderr
    assert "head revision: " in current.stdout


def test_db_upgrade_alone_keeps_the_trail_append_only(db_url):
    from sqlalchemy import create_engine, text

    assert qms("db", "upgrade", "--db", db_url).exit_code == 0
    engine = create_engine(db_url)
    try:
        with engine.connect() as c:
            if engine.dialect.name == "sqlite":
                names = set(c.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'trail_event'")).scalars())
            else:
                names = set(c.execute(text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('trail_event') "
                    "AND NOT tgisinternal")).scalars())
    finally:
        engine.dispose()
    assert names, "qms db upgrade left trail_event without its append-only triggers"
