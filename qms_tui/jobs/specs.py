"""The scheduled jobs: id, the importable callable APScheduler stores, and the cron schedule
(in the configured time zone, America/Mexico_City by default).

:func:`last_fire` — the latest scheduled moment at or before a given time — is what a run is
"for": a job runs once per such moment (see :mod:`qms_tui.jobs.runner`), so any number of
missed moments collapse into the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from qms_tui.domain.enums import N_


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function", a module-level callable taking (db_url, at=None)
    work: str  # name of the function in qms_tui.jobs.tasks that does the job's work
    cron: dict[str, str] = field(hash=False)  # CronTrigger fields
    title: str = ""  # msgid: what it does
    schedule: str = ""  # msgid: when, for people


#: Every job, in the order ``tick`` runs them (reminders first, e-mail last so that it
#: sends what the others just wrote).
JOBS: tuple[JobSpec, ...] = (
    JobSpec("measurements", "qms_tui.jobs.tasks:remind_measurements", "measurements_work",
            {"hour": "7", "minute": "0"}, N_("Measurements due and overdue"), N_("daily at 07:00")),
    JobSpec("audits", "qms_tui.jobs.tasks:remind_audits", "audits_work",
            {"hour": "7", "minute": "0"}, N_("Audits coming up"), N_("daily at 07:00")),
    JobSpec("reviews", "qms_tui.jobs.tasks:remind_reviews", "reviews_work",
            {"hour": "7", "minute": "0"}, N_("Management reviews coming up"), N_("daily at 07:00")),
    JobSpec("actions", "qms_tui.jobs.tasks:remind_actions", "actions_work",
            {"hour": "7", "minute": "0"}, N_("Actions due and overdue"), N_("daily at 07:00")),
    JobSpec("effectiveness", "qms_tui.jobs.tasks:remind_effectiveness", "effectiveness_work",
            {"hour": "7", "minute": "0"}, N_("Effectiveness checks due"), N_("daily at 07:00")),
    JobSpec("documents", "qms_tui.jobs.tasks:remind_documents", "documents_work",
            {"hour": "7", "minute": "0"}, N_("Documents due for periodic review"), N_("daily at 07:00")),
    JobSpec("indicators_report", "qms_tui.jobs.tasks:monthly_indicators_report", "indicators_report_work",
            {"day": "1", "hour": "6", "minute": "0"}, N_("Monthly indicators report (PDF)"),
            N_("monthly, day 1 at 06:00")),
    JobSpec("evidence_dossier", "qms_tui.jobs.tasks:quarterly_evidence_dossier", "evidence_dossier_work",
            {"month": "1,4,7,10", "day": "1", "hour": "6", "minute": "30"},
            N_("Quarterly evidence dossier (PDF)"), N_("quarterly (Jan, Apr, Jul, Oct), day 1 at 06:30")),
    JobSpec("backup", "qms_tui.jobs.tasks:nightly_backup", "backup_work",
            {"hour": "2", "minute": "30"}, N_("Database backup (with retention)"), N_("daily at 02:30")),
    JobSpec("mail", "qms_tui.jobs.tasks:send_mail", "mail_work",
            {"minute": "*/15"}, N_("E-mail new notifications (when SMTP is on)"), N_("every 15 minutes")),
)

BY_ID: dict[str, JobSpec] = {j.id: j for j in JOBS}

#: How far back to look for the latest fire time, tried in turn.
_LOOKBACKS = (timedelta(days=1, hours=1), timedelta(days=33), timedelta(days=100), timedelta(days=400))


def trigger(spec: JobSpec, tz: tzinfo) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(timezone=tz, **spec.cron)


def last_fire(spec: JobSpec, at: datetime, tz: tzinfo) -> datetime | None:
    """The latest scheduled moment of ``spec`` at or before ``at`` (aware), in ``tz``."""
    trig = trigger(spec, tz)
    at = at.astimezone(tz)
    for back in _LOOKBACKS:
        last = None
        fire = trig.get_next_fire_time(None, at - back)
        while fire is not None and fire <= at:
            last = fire
            fire = trig.get_next_fire_time(fire, fire)
        if last is not None:
            return last
    return None


def next_fire(spec: JobSpec, after: datetime, tz: tzinfo) -> datetime | None:
    """The first scheduled moment of ``spec`` strictly after ``after``."""
    trig = trigger(spec, tz)
    return trig.get_next_fire_time(None, after.astimezone(tz) + timedelta(microseconds=1))
