"""The scheduler daemon (``qms scheduler run``) and the job listing.

APScheduler 3 (BackgroundScheduler) with its jobs in a SQLAlchemyJobStore in the QMS
database itself; every job is a module-level callable (``qms_tui.jobs.tasks:…``) given only
the database URL; cron triggers in the configured time zone; ``coalesce=True`` and
``misfire_grace_time=None`` (a moment missed while the daemon was down still runs, once).

At start the daemon takes the scheduler lock (a second one exits with "another scheduler is
already running …"), marks runs a killed daemon left "running" as failed, and runs every job
once: the runner's guard makes that a no-op for moments already done and a catch-up for the
rest (re-adding jobs with ``replace_existing`` would otherwise skip a moment missed during
the downtime). A job that fails is tried again after ``retry_minutes``. One worker thread:
jobs run one after the other.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import column, inspect, select, table

from qms_tui.config import Settings
from qms_tui.db.session import Database
from qms_tui.jobs import runner
from qms_tui.jobs.lock import holder_of, scheduler_lock
from qms_tui.jobs.specs import BY_ID, JOBS, next_fire, trigger

log = logging.getLogger("qms_tui.jobs")

JOBSTORE_TABLE = "apscheduler_jobs"
LOCK_CHECK_SECONDS = 30.0


def build_scheduler(db: Database, cfg: Settings, *, catch_up: bool = True) -> Any:
    """A BackgroundScheduler (not started) with every job in the database's job store."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    tz = ZoneInfo(cfg.timezone)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=JOBSTORE_TABLE),
                   "retries": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=tz,
    )
    now = datetime.now(tz)
    for spec in JOBS:
        extra = {"next_run_time": now} if catch_up else {}
        scheduler.add_job(spec.func, trigger=trigger(spec, tz), args=[db.url], id=spec.id, name=spec.id,
                          replace_existing=True, **extra)
    _retry_failures(scheduler, db, cfg, tz)
    return scheduler


def _retry_failures(scheduler: Any, db: Database, cfg: Settings, tz: ZoneInfo) -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

    def listener(event: Any) -> None:
        outcome = getattr(event, "retval", None)
        failed = event.code == EVENT_JOB_ERROR or (isinstance(outcome, runner.Outcome)
                                                   and outcome.status == runner.FAILED)
        job_id = event.job_id.removeprefix("retry-")
        spec = BY_ID.get(job_id)
        if not failed or spec is None or cfg.retry_minutes <= 0:
            return
        when = datetime.now(tz) + timedelta(minutes=cfg.retry_minutes)
        upcoming = next_fire(spec, datetime.now(tz), tz)
        if upcoming is not None and upcoming <= when:
            return  # its next regular run comes sooner
        log.info("%s: will try again at %s", job_id, when.isoformat(timespec="minutes"))
        scheduler.add_job(spec.func, "date", run_date=when, args=[db.url], id=f"retry-{job_id}",
                          jobstore="retries", replace_existing=True)

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)


def run_daemon(db_url: str, cfg: Settings, *, stop: threading.Event | None = None,
               check_every: float = LOCK_CHECK_SECONDS) -> int:
    """Run the scheduler until SIGTERM/SIGINT (or ``stop``); returns the exit status.
    Raises :class:`~qms_tui.jobs.lock.AlreadyRunning` when another one holds the lock."""
    db = Database(db_url)
    lock = scheduler_lock(db)
    try:
        lock.acquire()
    except BaseException:
        db.dispose()
        raise
    stop = stop or threading.Event()
    status = 0
    scheduler = None
    try:
        runner.register_database(db)
        interrupted = runner.mark_interrupted(db)
        if interrupted:
            log.warning("%d runs were interrupted by a previous stop; they run again", interrupted)
        scheduler = build_scheduler(db, cfg)
        _on_signals(stop)
        scheduler.start()
        for job in scheduler.get_jobs(jobstore="default"):
            if job.id not in BY_ID:  # a job of an older version: no longer scheduled
                log.info("removing the job %s (no longer part of the scheduler)", job.id)
                job.remove()
        log.info("scheduler started (pid %s, %d jobs, time zone %s)", os.getpid(), len(JOBS), cfg.timezone)
        while not stop.wait(check_every):
            if not lock.alive():
                log.error("lost the scheduler lock (database connection dropped); stopping")
                status = 1
                break
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)
        lock.release()
        runner.forget_database(db.url)
        log.info("scheduler stopped")
    return status


def _on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())


# ---------------------------------------------------------------- listing


@dataclass(frozen=True)
class JobLine:
    id: str
    title: str  # msgid
    schedule: str  # msgid
    next_run: datetime | None
    stored: bool  # the next run comes from the daemon's job store
    last: runner.RunInfo | None


def stored_next_runs(db: Database) -> dict[str, datetime | None]:
    """Next run times the daemon's job store holds (empty before the first daemon start)."""
    if not inspect(db.engine).has_table(JOBSTORE_TABLE):
        return {}
    t = table(JOBSTORE_TABLE, column("id"), column("next_run_time"))
    with db.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.next_run_time)).all()
    return {jid: (datetime.fromtimestamp(float(ts), UTC) if ts is not None else None) for jid, ts in rows}


def job_lines(db: Database, cfg: Settings, now: datetime | None = None) -> list[JobLine]:
    tz = ZoneInfo(cfg.timezone)
    now = runner.moment(now, tz)
    stored = stored_next_runs(db)
    last = runner.last_runs(db)
    out = []
    for spec in JOBS:
        at = stored.get(spec.id)
        nxt = at.astimezone(tz) if at is not None else next_fire(spec, now, tz)
        out.append(JobLine(spec.id, spec.title, spec.schedule, nxt, at is not None, last.get(spec.id)))
    return out


def running_pid(db: Database) -> str | None:
    return holder_of(db)
