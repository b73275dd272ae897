"""Run a job once for its latest scheduled moment: the guard behind ``tick`` and the daemon.

For a job and a moment ``at``, ``due_at`` is the job's latest scheduled fire time ≤ ``at``.
The job runs only if no JobRun with status "ok" exists for (job, due_at): running the same
tick twice does nothing the second time; moments missed while nothing ran collapse into
the latest one; a run that failed (or was killed: its row stays "running" and is marked
failed at the next start) is tried again. Every run leaves a JobRun row; an exception in one
job is recorded there and never reaches the others.

The caller holds the scheduler lock (:mod:`qms_tui.jobs.lock`), so two runs of the same job
never overlap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from qms_tui.config import Settings, SettingsError
from qms_tui.config import settings as load_settings
from qms_tui.db.models import JobRun, utcnow
from qms_tui.db.session import Database
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError
from qms_tui.jobs.specs import BY_ID, JOBS, JobSpec, last_fire

log = logging.getLogger("qms_tui.jobs")

KEEP_RUNS = timedelta(days=90)  # finished JobRun rows older than this are deleted
OK, FAILED, RUNNING, SKIPPED, NOT_DUE = "ok", "failed", "running", "skipped", "not_due"
INTERRUPTED = "interrupted: the scheduler stopped during the run"


class BadSettings(QmsError):
    def __init__(self, reason: str) -> None:
        super().__init__(N_("bad settings: {reason}"), reason=reason)


class JobFailed(Exception):
    """A job could not do its work; the message says why (it goes to JobRun.message)."""


@dataclass(frozen=True)
class JobContext:
    """What a job's work function receives."""

    job: str
    db: Database
    settings: Settings
    tz: ZoneInfo
    at: datetime  # the moment of the run (aware, in tz)
    due_at: datetime  # the scheduled moment this run is for (aware, in tz)

    @property
    def today(self) -> date:
        return self.at.date()

    @property
    def db_url(self) -> str:
        return self.db.url


@dataclass(frozen=True)
class Outcome:
    job: str
    due_at: datetime | None
    status: str  # ok | failed | skipped | not_due
    message: str = ""


# ---------------------------------------------------------------- databases and settings

_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


def register_database(db: Database) -> None:
    """Let jobs on ``db.url`` use this handle (the daemon shares its engine)."""
    with _databases_lock:
        _databases[db.url] = db


def forget_database(url: str) -> None:
    with _databases_lock:
        db = _databases.pop(url, None)
    if db is not None:
        db.dispose()


def database(url: str) -> Database:
    with _databases_lock:
        if url not in _databases:
            _databases[url] = Database(url)
        return _databases[url]


def current_settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise BadSettings(str(exc)) from exc


def moment(at: datetime | str | None, tz: ZoneInfo) -> datetime:
    """``at`` as an aware datetime in ``tz`` (naive values are local to ``tz``; None: now)."""
    if at is None:
        return datetime.now(tz)
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


# ---------------------------------------------------------------- JobRun bookkeeping


def done(db: Database, job: str, due_at: datetime) -> bool:
    with db.read() as s:
        return s.execute(select(JobRun.id).where(JobRun.job == job, JobRun.due_at == due_at,
                                                 JobRun.status == OK).limit(1)).first() is not None


def _start(db: Database, job: str, due_at: datetime) -> int:
    with db.write() as s:
        row = JobRun(job=job, due_at=due_at, status=RUNNING)
        s.add(row)
        s.flush()
        assert row.id is not None
        return row.id


def _finish(db: Database, run_id: int, job: str, status: str, message: str) -> None:
    now = utcnow()
    with db.write() as s:
        s.execute(update(JobRun).where(JobRun.id == run_id)
                  .values(status=status, message=message[:4000], finished_at=now))
        if status == OK:
            s.execute(delete(JobRun).where(JobRun.job == job, JobRun.status != RUNNING,
                                           JobRun.started_at < now - KEEP_RUNS))


def mark_interrupted(db: Database) -> int:
    """Runs left "running" by a process that died: failed (they run again). Call only while
    holding the scheduler lock, when nothing else can be running."""
    with db.write() as s:
        result = s.execute(update(JobRun).where(JobRun.status == RUNNING)
                           .values(status=FAILED, message=INTERRUPTED, finished_at=utcnow()))
        return result.rowcount or 0


@dataclass(frozen=True)
class RunInfo:
    job: str
    due_at: datetime
    status: str
    started_at: datetime
    finished_at: datetime | None
    message: str | None


def last_runs(db: Database) -> dict[str, RunInfo]:
    """The latest run of each job (by start time)."""
    out: dict[str, RunInfo] = {}
    cols = (JobRun.job, JobRun.due_at, JobRun.status, JobRun.started_at, JobRun.finished_at, JobRun.message)
    with db.read() as s:
        for row in s.execute(select(*cols).order_by(JobRun.started_at, JobRun.id)):
            out[row.job] = RunInfo(*row)
    return out


# ---------------------------------------------------------------- running


def _work(spec: JobSpec) -> Callable[[JobContext], str]:
    from qms_tui.jobs import tasks

    return getattr(tasks, spec.work)  # looked up at each run (tests replace it)


def run_job(job: str, db_url: str, at: datetime | str | None = None, *, db: Database | None = None,
            cfg: Settings | None = None) -> Outcome:
    """Run ``job`` for its latest scheduled moment ≤ ``at`` (default: now), unless a run
    for that moment already ended ok. Never raises for a failure of the job itself."""
    spec = BY_ID[job]
    cfg = cfg or current_settings()
    tz = ZoneInfo(cfg.timezone)
    when = moment(at, tz)
    due = last_fire(spec, when, tz)
    if due is None:
        return Outcome(job, None, NOT_DUE)
    handle = db or database(db_url)
    if done(handle, job, due):
        return Outcome(job, due, SKIPPED)
    run_id = _start(handle, job, due)
    log.info("%s: running for %s", job, due.isoformat(timespec="minutes"))
    try:
        message = _work(spec)(JobContext(job, handle, cfg, tz, when, due)) or ""
    except Exception as exc:  # a failing job is recorded and retried, never fatal
        message = _describe(exc)
        log.error("%s: failed: %s", job, message, exc_info=not isinstance(exc, JobFailed))
        try:
            _finish(handle, run_id, job, FAILED, message)
        except Exception:
            log.exception("%s: could not record the failure", job)
        return Outcome(job, due, FAILED, message)
    _finish(handle, run_id, job, OK, message)
    log.info("%s: ok: %s", job, message)
    return Outcome(job, due, OK, message)


def tick(db_url: str, at: datetime | str | None = None, *, jobs: Iterable[str] | None = None,
         db: Database | None = None, cfg: Settings | None = None) -> list[Outcome]:
    """Run once every job due at ``at`` (each for its latest moment), in :data:`JOBS` order.
    The caller holds the scheduler lock."""
    cfg = cfg or current_settings()
    wanted = set(jobs) if jobs else None
    handle = db or database(db_url)
    mark_interrupted(handle)
    out = []
    for spec in JOBS:
        if wanted is not None and spec.id not in wanted:
            continue
        try:
            out.append(run_job(spec.id, db_url, at, db=handle, cfg=cfg))
        except Exception as exc:  # the database itself failed: report, go on with the next
            log.error("%s: could not run: %s", spec.id, _describe(exc))
            out.append(Outcome(spec.id, None, FAILED, _describe(exc)))
    return out


def _describe(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = " ".join(str(orig if orig is not None else exc).split())
    if isinstance(exc, JobFailed):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
