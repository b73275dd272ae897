"""What ``qms scheduler run|jobs|tick`` do (the click commands in :mod:`qms_tui.cli` call these).

Output is for people, in the current language; errors are QmsErrors (one line, exit 1).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from qms_tui.db.session import Database
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import UsageError
from qms_tui.i18n import tr
from qms_tui.jobs import runner
from qms_tui.jobs.lock import scheduler_lock
from qms_tui.jobs.specs import BY_ID

STATUS = {runner.OK: N_("ok"), runner.FAILED: N_("failed"), runner.SKIPPED: N_("already done"),
          runner.NOT_DUE: N_("not due"), runner.RUNNING: N_("running")}


def _logging(daemon: bool) -> None:
    log, aps = logging.getLogger("qms_tui.jobs"), logging.getLogger("apscheduler")
    handler: logging.Handler
    if daemon or os.environ.get("QMS_DEBUG"):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.setLevel(logging.INFO)
        aps.handlers = [handler]
        aps.setLevel(logging.WARNING)
    else:
        handler = logging.NullHandler()  # tick prints its own summary; no tracebacks
    log.handlers = [handler]
    log.propagate = False


def parse_at(value: str | None, tz: ZoneInfo) -> datetime:
    try:
        return runner.moment(value, tz)
    except ValueError:
        raise UsageError(N_("--at {value}: expected a date and time like 2025-07-01T08:00"),
                         value=value) from None


def _shown(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


def run(url: str) -> int:
    from qms_tui.jobs.scheduler import run_daemon

    cfg = runner.current_settings()
    _logging(daemon=True)
    return run_daemon(url, cfg)


def tick(url: str, at: str | None, job_ids: Sequence[str]) -> int:
    unknown = [j for j in job_ids if j not in BY_ID]
    if unknown:
        raise UsageError(N_("unknown job {job}; the jobs are: {jobs}"), job=unknown[0], jobs=", ".join(BY_ID))
    cfg = runner.current_settings()
    tz = ZoneInfo(cfg.timezone)
    when = parse_at(at, tz)
    _logging(daemon=False)
    db = Database(url)
    try:
        with scheduler_lock(db):
            outcomes = runner.tick(url, when, jobs=job_ids or None, db=db, cfg=cfg)
    finally:
        db.dispose()
    width = max(len(o.job) for o in outcomes) if outcomes else 0
    for o in outcomes:
        click.echo(f"{o.job:<{width}}  {_shown(o.due_at, tz):<16}  {tr(STATUS.get(o.status, o.status)):<12}"
                   f"  {o.message}".rstrip())
    failed = sum(1 for o in outcomes if o.status == runner.FAILED)
    if failed:
        click.echo(tr("{n} jobs failed; they run again at the next tick", n=failed), err=True)
    return 1 if failed else 0


def jobs(url: str) -> None:
    from qms_tui.jobs.scheduler import job_lines, running_pid

    cfg = runner.current_settings()
    tz = ZoneInfo(cfg.timezone)
    db = Database(url)
    try:
        pid = running_pid(db)
        lines = job_lines(db, cfg)
    finally:
        db.dispose()
    click.echo(tr("scheduler: running (pid {pid})", pid=pid) if pid else tr("scheduler: not running"))
    click.echo(tr("time zone: {tz}", tz=cfg.timezone))
    rows = [(tr("JOB"), tr("SCHEDULE"), tr("NEXT RUN"), tr("LAST RUN"), tr("WHAT"))]
    for line in lines:
        last = "—"
        if line.last is not None:
            last = f"{_shown(line.last.due_at, tz)} {tr(STATUS.get(line.last.status, line.last.status))}"
        rows.append((line.id, tr(line.schedule), _shown(line.next_run, tz), last, tr(line.title)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    failed = [line for line in lines if line.last is not None and line.last.status == runner.FAILED]
    for line in failed:
        assert line.last is not None
        click.echo(tr("{job} failed: {message}", job=line.id, message=line.last.message or "?"))
