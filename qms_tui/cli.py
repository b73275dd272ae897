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
        from qms_tui.db.probe import sqlite_at_head

        if not sqlite_at_head(url):  # the light check said yes: SQLAlchemy waits for the TUI's worker
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
    """Upgrade the schema to the newest revision (a no-op when it is up to date), and keep the
    audit trail append-only in the database (its triggers are recreated if a migration dropped them)."""
    from qms_tui.db import migrate
    from qms_tui.services.setup import protect_trail

    database = open_database()
    before, after = migrate.upgrade(database)
    protect_trail(database)
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
    from qms_tui.domain.specs import SPECS

    kinds = {"chain": N_("broken chain"), "changed": N_("changed behind the application"),
             "untracked": N_("not in the trail"), "deleted": N_("deleted behind the application"),
             "blob": N_("evidence file changed")}
    for p in problems:
        entity = tr(SPECS[p.entity].title) if p.entity in SPECS else p.entity
        click.echo(tr("{entity} {code} [{kind}]: {detail}", entity=entity, kind=tr(kinds.get(p.kind, p.kind)),
                      code=p.code or f"#{p.record_id}", detail=p.detail))
    click.echo(tr("trail verification failed: {n} problems in {events} events", n=len(problems),
                  events=events), err=True)
    click.get_current_context().exit(1)


@cli.group(epilog="\b\nExamples:\n  qms scheduler run --db /srv/qms/qms.db\n  qms scheduler jobs\n"
           "  qms scheduler tick --at 2025-07-01T08:00")
@common_options
def scheduler() -> None:
    """The scheduler: reminders, scheduled reports and backups (one daemon per database).

    Settings (lead days, folders, SMTP, time zone): the TOML file named by QMS_CONFIG.
    """


@scheduler.command("run", epilog="\b\nExample:\n  qms scheduler run --db postgresql://qms@dbhost/qms")
@common_options
def scheduler_run() -> None:
    """Run the scheduler until stopped (SIGTERM). A second one on the same database exits 1."""
    from qms_tui.jobs import commands

    database = open_qms_database()
    url = database.url
    database.dispose()
    click.get_current_context().exit(commands.run(url))


@scheduler.command("jobs", epilog="\b\nExample:\n  qms scheduler jobs --db /srv/qms/qms.db")
@common_options
def scheduler_jobs() -> None:
    """List the jobs: schedule, next run, last run, and whether the daemon is running."""
    from qms_tui.jobs import commands

    database = open_qms_database()
    url = database.url
    database.dispose()
    commands.jobs(url)


@scheduler.command("tick", epilog="\b\nExamples:\n  qms scheduler tick                      (from cron)\n"
                   "  qms scheduler tick --at 2025-07-01T08:00 --job actions")
@click.option("--at", "at", metavar="DATETIME",
              help="The moment to run for (local time of the configured time zone; default: now).")
@click.option("--job", "job_ids", multiple=True, metavar="ID", help="Only this job (repeatable).")
@common_options
def scheduler_tick(at: str | None, job_ids: tuple[str, ...]) -> None:
    """Run once every job due at that moment (each at most once per scheduled time), then exit.

    Exit status 1 if a job failed (it runs again at the next tick)."""
    from qms_tui.jobs import commands

    database = open_qms_database()
    url = database.url
    database.dispose()
    click.get_current_context().exit(commands.tick(url, at, job_ids))


# ---------------------------------------------------------------- import, export, restore (issue 7)


def cli_actor(database: Database) -> Any:
    """Who runs the command: the QMS user of the OS login (else a read-only actor)."""
    return current_actor(database)


def current_actor(database: Database) -> Any:
    """Who runs the command, for every command that writes: the QMS user of the login — the
    OS account (its uid, not $USER), or the PostgreSQL role with ``QMS_IDENTITY=database`` —
    else a read-only actor, or a refusal with ``QMS_UNKNOWN_LOGIN=refuse``
    (:func:`qms_tui.services.identity.resolve_actor`)."""
    from qms_tui.services.identity import resolve_actor

    return resolve_actor(database)


@cli.group("import", epilog="\b\nExample:\n  qms import measurements mediciones.csv --dry-run")
@common_options
def import_group() -> None:
    """Load data from files (all or nothing)."""


@import_group.command("measurements", epilog="\b\nExamples:\n  qms import measurements mediciones.csv --dry-run\n"
                      "  qms import measurements 2025-T1.xlsx --replace --db /srv/qms/qms.db\n\n"
                      "\b\nColumns (first row): indicator, period, value[, note][, evidence]\n"
                      "  indicator  an indicator code (IND-007)\n"
                      "  period     2025-03, 2025-Q1, 2025-S1, 2025, or 2025-06-01 (per-event)\n"
                      "  value      a number, decimals with a point (98.5)\n"
                      "  evidence   a file path, relative to the imported file's folder")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would be written; write nothing.")
@click.option("--replace", is_flag=True, help="Replace measurements that already exist for the same period.")
@common_options
def import_measurements_command(file: Path, dry_run: bool, replace: bool) -> None:
    """Import measurements from FILE (.csv or .xlsx): every row is checked first; if any is
    bad, nothing is written and each bad row is named (line, column, reason); exit status 1."""
    from qms_tui.services.importer import import_measurements

    database = open_qms_database()
    try:
        report = import_measurements(database, cli_actor(database), file, replace=replace, dry_run=dry_run)
    finally:
        database.dispose()
    if dry_run:
        click.echo(tr("dry run: {rows} rows are valid ({new} new, {replaced} replacing a stored value); "
                      "nothing was written", rows=report.rows, new=report.new, replaced=report.replaced))
    else:
        click.echo(tr("imported {rows} measurements ({new} new, {replaced} replaced) from {path}",
                      rows=report.rows, new=report.new, replaced=report.replaced, path=str(file)))


@cli.command("export", epilog="\b\nExample:\n  qms export respaldo-2025-06-30.json --db /srv/qms/qms.db")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def export_command(file: Path) -> None:
    """Write every record, the audit trail included, to FILE (JSON; `qms restore` reads it)."""
    from qms_tui.services.backup import export_all

    database = open_qms_database()
    try:
        summary = export_all(database, file)
    finally:
        database.dispose()
    click.echo(tr("exported {rows} rows ({events} trail events) to {path}", rows=summary.rows,
                  events=summary.events, path=str(file)))


@cli.command("restore", epilog="\b\nExample:\n  qms restore respaldo-2025-06-30.json --db /srv/qms/nueva.db")
@click.argument("file", type=click.Path(path_type=Path))
@common_options
def restore_command(file: Path) -> None:
    """Load FILE (written by `qms export`) into an empty database; the schema is created
    first if the database has none. Refused if the database holds any record."""
    from qms_tui.db import migrate
    from qms_tui.services.backup import read_export, restore_all
    from qms_tui.services.setup import init_database

    document = read_export(file)  # a file that cannot be restored changes nothing
    url = current_url()
    new_file = _sqlite_file_missing(url)
    database = open_database(url)
    try:
        if migrate.current_revision(database) is None:
            init_database(database)
        require_schema(database)
        summary = restore_all(database, file, document=document)
    except BaseException:
        database.dispose()
        if new_file:  # the database this command created goes too
            from sqlalchemy.engine import make_url

            name = make_url(url).database or ""
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(name + suffix).unlink(missing_ok=True)
        raise
    database.dispose()
    click.echo(tr("restored {rows} rows ({events} trail events) from {path}", rows=summary.rows,
                  events=summary.events, path=str(file)))


# ---------------------------------------------------------------- reports (issue 4)


def report_output_options(f: F) -> F:
    f = click.option("--author", metavar="NAME", help="Who generated it (default: your login name).")(f)
    return click.option("-o", "--output", "output", metavar="FILE.pdf",
                        help="The PDF to write (required; written whole or not at all).")(f)


def run_report(kind: str, output: str | None, author: str | None, **params: Any) -> None:
    """Check the arguments, open the database, render, print where the PDF went."""
    from qms_tui.domain.errors import UsageError
    from qms_tui.reports.run import (
        ReportRequest,
        check_output,
        generate,
        parse_day,
        renderers_for,
        resolve,
    )

    if not output:
        raise UsageError(N_("say where to write the report: -o FILE.pdf"))
    for name, option in (("start", "--from"), ("end", "--to")):
        if name in params:
            params[name] = parse_day(option, params[name])
    request = resolve(ReportRequest(kind=kind, out=output, lang=get_language(), author=author, **params))
    check_output(output)
    live = sys.stderr.isatty()

    def progress(done: int, total: int, name: str) -> None:
        if live:
            click.echo("\r" + tr("rendering: {done}/{total}", done=done, total=total) + "   ", err=True, nl=False)

    with renderers_for(kind) as renderers:  # started first: they get ready while the database opens
        database = open_qms_database()
        try:
            result = generate(database, request, progress=progress, renderers=renderers)
        finally:
            database.dispose()
            if live:
                click.echo("", err=True)
    click.echo(tr("wrote {path} ({pages} pages in {seconds} s)", path=str(result.path), pages=result.pages,
                  seconds=format(result.seconds, ".1f")))


@cli.group(epilog="\b\nExamples:\n  qms report evidence --standard iso54001 -o dossier.pdf\n"
           "  qms report audit AUD-2025-01 --lang en -o AUD-2025-01.pdf")
@common_options
def report() -> None:
    """PDF reports (PDF/A-3b, with a manifest of the records and their SHA-256 attached)."""


@report.command("evidence", epilog="\b\nExamples:\n  qms report evidence --standard iso54001 -o /tmp/e.pdf\n"
                "  qms report evidence --standard iso9001 --from 2025-01-01 --to 2025-12-31 --lang en -o e.pdf")
@click.option("--standard", metavar="iso9001|iso54001", help="The standard whose clauses index the dossier.")
@click.option("--from", "start", metavar="DATE", help="First day of the period (default: one year before --to).")
@click.option("--to", "end", metavar="DATE", help="Last day of the period (default: today).")
@report_output_options
@common_options
def report_evidence(standard: str | None, start: str | None, end: str | None, output: str | None,
                    author: str | None) -> None:
    """The evidence dossier: for each clause, the records that evidence it in the period; clauses
    without evidence are listed as gaps."""
    run_report("evidence", output, author, standard=standard, start=start, end=end)


@report.command("audit", epilog="\b\nExample:\n  qms report audit AUD-2025-01 -o AUD-2025-01.pdf")
@click.argument("code")
@report_output_options
@common_options
def report_audit(code: str, output: str | None, author: str | None) -> None:
    """The report of audit CODE: plan, team, checklist, findings, conclusions, nonconformities."""
    run_report("audit", output, author, code=code)


@report.command("review", epilog="\b\nExample:\n  qms report review RD-2025-01 -o minuta.pdf")
@click.argument("code")
@report_output_options
@common_options
def report_review(code: str, output: str | None, author: str | None) -> None:
    """The minutes of management review CODE: inputs (9.3.2), decisions and actions (9.3.3)."""
    run_report("review", output, author, code=code)


@report.command("project", epilog="\b\nExample:\n  qms report project PM-2025-01 -o proyecto.pdf")
@click.argument("code")
@report_output_options
@common_options
def report_project(code: str, output: str | None, author: str | None) -> None:
    """The report of improvement project CODE: baseline, target, measured benefit, meetings."""
    run_report("project", output, author, code=code)


@report.command("indicators", epilog="\b\nExamples:\n  qms report indicators -o indicadores.pdf\n"
                "  qms report indicators --period 2025-Q3 -o 2025-Q3.pdf")
@click.option("--period", metavar="PERIOD", help="2025, 2025-S1, 2025-Q3 or 2025-07 (default: this year).")
@report_output_options
@common_options
def report_indicators(period: str | None, output: str | None, author: str | None) -> None:
    """Indicator results of a period, each with its chart against target and thresholds."""
    run_report("indicators", output, author, period=period)


@report.command("capa", epilog="\b\nExample:\n  qms report capa -o capa.pdf")
@report_output_options
@common_options
def report_capa(output: str | None, author: str | None) -> None:
    """The nonconformity and action log, with the ageing of open nonconformities by severity."""
    run_report("capa", output, author)


# ---------------------------------------------------------------- electoral calendar (issue 10)


def _cli_date(raw: str | None, name: str) -> Any:
    from qms_tui.domain.errors import FieldError
    from qms_tui.domain.fields import parse_date

    try:
        return parse_date(raw) if raw else None
    except ValueError as exc:
        raise ValidationError([FieldError(name, str(exc))]) from None


@cli.group(epilog="\b\nExamples:\n  qms events list\n  qms events shift PELE-PJ-2024-2025 --to 2025-06-08\n"
           "  qms events freeze --on 2025-05-25")
@common_options
def events() -> None:
    """Electoral events: key days, dates planned relative to them, freeze windows."""


@events.command("list", epilog="\b\nExample:\n  qms events list --db /srv/qms/qms.db")
@common_options
def events_list() -> None:
    """Every event by key day: its dates, its freeze window and how many dates are anchored to it."""
    from qms_tui.services.calendar import events as list_events

    database = open_qms_database()
    try:
        rows = list_events(database)
    finally:
        database.dispose()
    for e in rows:
        click.echo(tr("{code}  key day {key}  ({start} – {end})  freeze {fstart} – {fend}  {n} anchored  {name}",
                      code=e.code, key=e.key_date.isoformat(), start=e.start_date.isoformat(),
                      end=e.end_date.isoformat(), fstart=e.freeze_start.isoformat(),
                      fend=e.freeze_end.isoformat(), n=e.anchors, name=e.name))


@events.command("shift", epilog="\b\nExample:\n  qms events shift PELO-2026-2027 --to 2027-06-13")
@click.argument("code")
@click.option("--to", "to", required=True, metavar="DATE", help="The new key day (2027-06-13).")
@common_options
def events_shift(code: str, to: str) -> None:
    """Move the key day of event CODE to DATE: the event, its stages and every date planned
    relative to it move by the same number of days, in one transaction recorded in the trail.
    Prints one line per date moved."""
    from qms_tui.services.calendar import shift_event

    day = _cli_date(to, "to")
    database = open_qms_database()
    try:
        result = shift_event(database, cli_actor(database), code, day)
    finally:
        database.dispose()
    for m in result.moved:
        click.echo(m.line())
    for m in result.kept:
        click.echo(tr("{code} {field} {date} kept (finished)", code=m.code, field=m.field, date=m.old.isoformat()))
    click.echo(tr("{event}: key day {old} → {new} ({days} days); {n} dates moved",
                  event=result.event, old=result.old_key.isoformat(), new=result.new_key.isoformat(),
                  days=format(result.days, "+d"), n=len(result.moved)))


@events.command("freeze", epilog="\b\nExamples:\n  qms events freeze\n  qms events freeze --on 2025-05-25")
@click.option("--on", "on", metavar="DATE", help="The day to look at (default: today).")
@common_options
def events_freeze(on: str | None) -> None:
    """The freeze windows active today (or on DATE): controlled documents and process
    definitions change only as emergency changes."""
    from datetime import date

    from qms_tui.services.freeze import active_freezes

    day = _cli_date(on, "on") or date.today()
    database = open_qms_database()
    try:
        found = active_freezes(database, day)
    finally:
        database.dispose()
    if not found:
        click.echo(tr("no freeze window on {day}", day=day.isoformat()))
    for f in found:
        click.echo(tr("{event}: frozen from {start} to {end} (key day {key}) — {name}", event=f.event,
                      start=f.start.isoformat(), end=f.end.isoformat(), key=f.key_date.isoformat(), name=f.name))


# ---------------------------------------------------------------- users (issue 6)


@cli.group(epilog="\b\nExamples:\n  qms users add lhernandez --name \"Laura Hernández\" --role coordinator\n"
           "  qms users list\n  qms users set-role jlopez process_owner\n  qms users disable jlopez\n"
           "  qms users passwd lhernandez\n\n"
           "\b\nRoles: admin, coordinator, process_owner, auditor, reader (read-only).\n"
           "The first administrator of a database may be added by anybody (bootstrap).")
@common_options
def users() -> None:
    """QMS users: logins (OS or database login), roles, signing PINs."""


def _users_call(call: Callable[[Database, Any], Any]) -> Any:
    database = open_qms_database()
    try:
        return call(database, current_actor(database))
    finally:
        database.dispose()


@users.command("add", epilog="\b\nExample:\n  qms users add lhernandez --name \"Laura Hernández\" "
               "--role coordinator --unit SA")
@click.argument("login")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, metavar="ROLE", help="admin, coordinator, process_owner, auditor or reader.")
@click.option("--email", metavar="E-MAIL", help="E-mail address (notifications).")
@click.option("--unit", metavar="CODE", help="Organizational unit code.")
@common_options
def users_add(login: str, name: str, role: str, email: str | None, unit: str | None) -> None:
    """Register LOGIN (the OS or database login) as a QMS user with ROLE."""
    from qms_tui.services import users as svc

    added = _users_call(lambda db, actor: svc.add_user(db, actor, login, name, role, email=email, org_unit=unit))
    click.echo(tr("added {login} ({role})", login=added.user.code, role=_role_label(added.user.role)))
    if added.bootstrapped:
        click.echo(tr("bootstrap: {login} is the first administrator of this database", login=added.user.code))


def _role_label(role: str) -> str:
    from qms_tui.domain.enums import Role

    return Role(role).label() if role in Role.values() else role


@users.command("list", epilog="\b\nExample:\n  qms users list --db /srv/qms/qms.db")
@common_options
def users_list() -> None:
    """Every user: login, role, active or disabled, whether they have a signing PIN, name."""
    from qms_tui.services import users as svc

    database = open_qms_database()
    try:
        rows = svc.list_users(database)
    finally:
        database.dispose()
    for u in rows:
        state = tr("active") if u.active else tr("disabled")
        pin = tr("PIN") if u.has_pin else "-"
        click.echo(f"{u.login:<16} {_role_label(u.role):<24} {state:<10} {pin:<4} {u.name}"
                   + (f" · {u.org_unit}" if u.org_unit else ""))


@users.command("set-role", epilog="\b\nExample:\n  qms users set-role jlopez auditor")
@click.argument("login")
@click.argument("role")
@common_options
def users_set_role(login: str, role: str) -> None:
    """Give LOGIN the role ROLE."""
    from qms_tui.services import users as svc

    dto = _users_call(lambda db, actor: svc.set_role(db, actor, login, role))
    click.echo(tr("{login} is now {role}", login=dto.code, role=_role_label(dto.role)))


@users.command("disable", epilog="\b\nExample:\n  qms users disable jlopez")
@click.argument("login")
@common_options
def users_disable(login: str) -> None:
    """Disable LOGIN: from now on they can only read. Their records and signatures stay."""
    from qms_tui.services import users as svc

    dto = _users_call(lambda db, actor: svc.disable_user(db, actor, login))
    click.echo(tr("{login} is disabled", login=dto.code))


@users.command("passwd", epilog="\b\nExample:\n  qms users passwd lhernandez")
@click.argument("login")
@common_options
def users_passwd(login: str) -> None:
    """Set the signing PIN of LOGIN (asked twice, not shown). It is asked again whenever they
    sign (approve, verify effectiveness, close). Your own: the current PIN is asked first."""
    from qms_tui.services import users as svc

    database = open_qms_database()
    try:
        actor = current_actor(database)
        if login != actor.login:  # someone else's PIN: refuse before asking anything
            from qms_tui.domain.permissions import authorize

            authorize(actor, "person", "manage_users")
        current = None
        if svc.has_pin(database, login) and login == actor.login:
            current = click.prompt(tr("Current signing PIN"), hide_input=True)
        pin = click.prompt(tr("New signing PIN"), hide_input=True,
                           confirmation_prompt=tr("Repeat the new signing PIN"))
        dto = svc.set_pin(database, actor, login, pin, current)
    finally:
        database.dispose()
    click.echo(tr("signing PIN of {login} set", login=dto.code))


# ---------------------------------------------------------------- the TUI in a browser (issue 9)


@cli.command(epilog="\b\nExamples:\n  qms serve\n  qms serve --port 8765 --db /srv/qms/qms.db\n"
             "  qms serve --public-url https://sgce.example.org   (behind a TLS proxy: deploy/README.md)")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--public-url", metavar="URL", help="The address browsers use (behind a reverse proxy: https://…).")
@click.option("--idle-minutes", default=15.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="A session returns to the login after this long without a key or a click.")
@click.option("--max-sessions", default=20, show_default=True, type=click.IntRange(min=1),
              help="Browser sessions at once (each one is a process).")
@common_options
def serve(host: str, port: int, public_url: str | None, idle_minutes: float, max_sessions: int) -> None:
    """Serve the TUI in a browser (textual-serve), behind a login: a QMS user and the password
    set with `qms users passwd`. Put it behind a reverse proxy with TLS (deploy/README.md)."""
    from qms_tui.domain.errors import UsageError

    url = current_url()
    open_qms_database(url).dispose()
    if public_url is None and host in ("0.0.0.0", "::", ""):
        raise UsageError(N_("--public-url is required with --host {host}: the address browsers use"), host=host)
    try:
        from qms_tui.web.server import serve as serve_web
    except ImportError as exc:
        raise QmsError(N_("the browser mode needs textual-serve: {reason}"), reason=one_line(exc)) from None
    serve_web(url, get_language(), host=host, port=port, public_url=public_url, idle_minutes=idle_minutes,
              max_sessions=max_sessions)


@cli.command("web-session", hidden=True,
             epilog="\b\nExample (what `qms serve` runs for each browser; the database and the language\n"
             "come in QMS_DATABASE_URL and QMS_LANG):\n  qms web-session --idle-minutes 15")
@click.option("--idle-minutes", default=15.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="The session returns to the login after this long without a key or a click.")
@common_options
def web_session(idle_minutes: float) -> None:
    """One browser session of `qms serve`, which starts it: the TUI behind its login."""
    from qms_tui.web.app import run_web_session

    run_web_session(current_url(), get_language(), idle_minutes=idle_minutes)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``qms``)."""
    cli.main(args=argv, prog_name="qms")
