"""The ``qms`` command line: one tool, the same on SQLite and PostgreSQL (design: CLI.md).

Every command accepts ``--db URL_OR_PATH`` and ``--lang es|en`` (before or after the command
name). Exit status: 0 success, 1 data refused or database unreachable, 2 bad usage. Errors are
one line each on stderr, never a traceback (``QMS_DEBUG=1`` shows it).

Importing this module stays light (click, config, errors, i18n): services, SQLModel, Alembic
and the TUI are imported inside the commands that need them, so ``qms --help`` loads none of
them and ``qms db current`` only Alembic (whose revision scripts import SQLModel's types).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qms_tui import __version__
from qms_tui.config import database_url
from qms_tui.domain.errors import QmsError, ValidationError
from qms_tui.i18n import LANGUAGES, get_language, set_language, tr

if TYPE_CHECKING:
    from qms_tui.db.session import Database

F = TypeVar("F", bound=Callable[..., Any])
DB_KEY = "qms.db"
LANG_KEY = "qms.lang"
MIGRATIONS = Path(__file__).parent / "db" / "migrations"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def N_(msgid: str) -> str:  # noqa: N802 - gettext marker: extraction finds it, translation is later
    return msgid


class CannotOpenDatabase(QmsError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(N_("cannot open database {db}: {reason}"), db=shown_url(url), reason=reason)


# ---------------------------------------------------------------- options every command takes


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[DB_KEY] = value  # meta is shared by the nested contexts: the last one given wins


def _choose_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[LANG_KEY] = set_language(value)
    elif LANG_KEY not in ctx.meta:
        ctx.meta[LANG_KEY] = set_language(None)  # QMS_LANG, else Spanish


def common_options(f: F) -> F:
    f = click.option(
        "--lang", type=click.Choice(LANGUAGES, case_sensitive=False), expose_value=False,
        callback=_choose_language, help="Language of messages (default: QMS_LANG, else es).",
    )(f)
    return click.option(
        "--db", metavar="URL_OR_PATH", expose_value=False, callback=_remember_db,
        help="Database URL, or a file path for SQLite (default: QMS_DATABASE_URL, else "
        "qms.db in the user data directory).",
    )(f)


def current_url() -> str:
    return database_url(click.get_current_context().meta.get(DB_KEY))


def shown_url(url: str) -> str:
    """The database as people read it: a SQLite file's path, or the URL without its password."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
    return one_line(orig if orig is not None else exc) or type(exc).__name__


# ---------------------------------------------------------------- database helpers


def open_database(url: str | None = None) -> Database:
    """A Database for ``url`` (default: ``--db``), connected once so a bad URL fails here."""
    from qms_tui.db.session import Database

    url = url or current_url()
    try:
        db = Database(url)
        with db.engine.connect():
            pass
    except Exception as exc:  # bad URL, missing driver, unreachable server, unwritable path
        raise CannotOpenDatabase(url, _reason(exc)) from exc
    return db


def open_qms_database(url: str | None = None) -> Database:
    """Like :func:`open_database`, for commands that need the QMS schema at its newest revision
    (a SQLite file that does not exist is reported, not created)."""
    url = url or current_url()
    if _sqlite_file_missing(url):
        raise QmsError(N_("{db} is not a QMS database yet: run `qms init` (or `qms demo`)"),
                       db=shown_url(url))
    db = open_database(url)
    require_schema(db)
    return db


def require_schema(db: Database) -> None:
    """Refuse to work on a database without the QMS schema, or with an older one."""
    from qms_tui.db import migrate

    current, head = migrate.current_revision(db), migrate.head_revision()
    if current is None:
        raise QmsError(N_("{db} is not a QMS database yet: run `qms init` (or `qms demo`)"),
                       db=shown_url(db.url))
    if current != head:
        raise QmsError(N_("the database schema is at revision {current}, this version needs "
                          "{head}: run `qms db upgrade`"), current=current, head=head)


def _sqlite_file_missing(url: str) -> bool:
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # not a URL: opening it reports why
        return False
    name = parsed.database
    return (parsed.get_backend_name() == "sqlite" and bool(name) and name != ":memory:"
            and not name.startswith("file:") and not Path(name).exists())


def load_demo_data(db: Database) -> None:
    from qms_tui.demo import has_data, load_demo

    if has_data(db):
        click.echo(tr("the database already has data; demo data not loaded"))
        return
    import getpass

    click.echo(str(load_demo(db, operator=getpass.getuser())))


def run_tui(url: str) -> None:
    from qms_tui.app import run_app

    run_app(url, get_language())


def say_schema(before: str | None, after: str) -> None:
    if before == after:
        click.echo(tr("schema is up to date (revision {revision})", revision=after))
    elif before is None:
        click.echo(tr("created the schema (revision {revision})", revision=after))
    else:
        click.echo(tr("upgraded the schema from revision {before} to {after}", before=before,
                      after=after))


# ---------------------------------------------------------------- errors: one line, no traceback


def report_error(exc: Exception) -> int:
    """Print ``exc`` for people (stderr, current language); returns the exit status."""
    if isinstance(exc, ValidationError):
        lines, status = exc.lines(), exc.exit_code
    elif isinstance(exc, QmsError):
        lines, status = str(exc).splitlines() or [exc.message], exc.exit_code
    else:
        lines, status = [_unexpected(exc)], 1
    for line in lines:
        click.echo(tr("error: {message}", message=line) if isinstance(exc, QmsError) else line,
                   err=True)
    return status


def _unexpected(exc: Exception) -> str:
    sa_exc = sys.modules.get("sqlalchemy.exc")  # if SQLAlchemy is not loaded, it did not raise
    if sa_exc is not None and isinstance(exc, sa_exc.OperationalError):
        try:
            url = current_url()
        except RuntimeError:
            url = "?"
        return tr("error: {message}", message=str(CannotOpenDatabase(url, _reason(exc))))
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        return tr("error: database error: {reason}", reason=_reason(exc))
    return tr("internal error: {error} (run again with QMS_DEBUG=1 to see the traceback)",
              error=one_line(f"{type(exc).__name__}: {exc}"))


class QmsGroup(click.Group):
    """The root group: turns every exception of every command into one line and a status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("QMS_DEBUG"):
                raise
            ctx.exit(report_error(exc))


# ---------------------------------------------------------------- commands


@click.group(
    cls=QmsGroup, invoke_without_command=True, context_settings=CONTEXT,
    epilog="\b\nExamples:\n  qms                       open the TUI on the default database\n"
    "  qms --db /srv/qms/qms.db  open the TUI on that SQLite file\n"
    "  qms --lang en demo        try it with demo data, in English",
)
@click.version_option(__version__, "--version", prog_name="qms", message="%(prog)s %(version)s")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Electoral quality management system (ISO 9001:2015 + ISO/TS 54001:2019).

    Without a command, opens the terminal user interface.
    """
    if ctx.invoked_subcommand is None:
        url = current_url()
        open_qms_database(url).dispose()
        run_tui(url)


@cli.command(short_help="Open the TUI on demo data (created if needed).",
             epilog="\b\nExample:\n  qms demo --db /tmp/demo.db")
@common_options
def demo() -> None:
    """Open the TUI on demo data, creating the demo database first if it has no data."""
    from qms_tui.services.setup import init_database

    url = current_url()
    db = open_database(url)
    init_database(db)
    load_demo_data(db)
    click.echo(tr("database: {db}", db=shown_url(url)))
    db.dispose()
    run_tui(url)


@cli.command(epilog="\b\nExamples:\n  qms init\n  qms init --demo --db /tmp/demo.db\n"
             "  qms init --db postgresql://qms@dbhost/qms")
@click.option("--demo", "with_demo", is_flag=True,
              help="Also load the IECM demo data (only into a database without data).")
@common_options
def init(with_demo: bool) -> None:
    """Create or upgrade the schema and the clause catalogue. Running it again changes nothing."""
    from qms_tui.services.setup import init_database

    db = open_database()
    result = init_database(db)
    say_schema(result.revision_before, result.revision)
    if result.clauses_changed:
        click.echo(tr("clause catalogue: {n} clauses added or updated", n=result.clauses_changed))
    if with_demo:
        load_demo_data(db)
    db.dispose()


@cli.group(epilog="\b\nExamples:\n  qms db current\n  qms db upgrade --db /srv/qms/qms.db")
@common_options
def db() -> None:
    """Schema migrations (Alembic)."""


@db.command(epilog="\b\nExample:\n  qms db upgrade --db postgresql://qms@dbhost/qms")
@common_options
def upgrade() -> None:
    """Upgrade the schema to the newest revision (a no-op when it is up to date)."""
    from qms_tui.db import migrate

    database = open_database()
    before, after = migrate.upgrade(database)
    say_schema(before, after)
    database.dispose()


@db.command(epilog="\b\nExample:\n  qms db current --db /srv/qms/qms.db")
@common_options
def current() -> None:
    """Print the database, its schema revision, the newest revision, and whether it is up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from qms_tui.db.engine import make_engine

    url = current_url()
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    missing = _sqlite_file_missing(url)
    revision = None
    if not missing:  # never create an empty file just to look at it
        try:
            engine = make_engine(url)
            with engine.connect() as conn:
                revision = MigrationContext.configure(conn).get_current_revision()
            engine.dispose()
        except Exception as exc:
            raise CannotOpenDatabase(url, _reason(exc)) from exc
    shown = shown_url(url)
    click.echo(tr("database: {db} (no file yet)", db=shown) if missing else tr("database: {db}", db=shown))
    click.echo(tr("current revision: {revision}", revision=revision or tr("none")))
    click.echo(tr("head revision: {revision}", revision=head))
    if revision == head:
        click.echo(tr("up to date"))
    elif revision is None:
        click.echo(tr("not initialised: run `qms init`"))
    else:
        click.echo(tr("not up to date: run `qms db upgrade`"))


@cli.group(epilog="\b\nExample:\n  qms trail verify")
@common_options
def trail() -> None:
    """The hash-chained audit trail."""


@trail.command(epilog="\b\nExample:\n  qms trail verify --db /srv/qms/qms.db; echo $?")
@common_options
def verify() -> None:
    """Check the hash chain and that every live record matches the trail (exit 1 if not)."""
    from qms_tui.services import trail as trail_service

    database = open_qms_database()
    with database.read() as session:
        problems = trail_service.verify(session)
        events = trail_service.event_count(session)
    database.dispose()
    if not problems:
        click.echo(tr("trail OK: {n} events", n=events))
        return
    for p in problems:
        click.echo(tr("{entity} {code} [{kind}]: {detail}", entity=p.entity, kind=p.kind,
                      code=p.code or f"#{p.record_id}", detail=p.detail))
    click.echo(tr("trail verification failed: {n} problems in {events} events", n=len(problems),
                  events=events), err=True)
    click.get_current_context().exit(1)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``qms``)."""
    cli.main(args=argv, prog_name="qms")
