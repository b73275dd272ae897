"""The jobs' callables and their work.

APScheduler stores ``"qms_tui.jobs.tasks:remind_measurements"`` etc.: module-level functions
taking plain arguments (the database URL, optionally the moment). Each one goes through
:func:`qms_tui.jobs.runner.run_job` (the once-per-scheduled-moment guard), which calls the
``*_work`` function named in the job's spec with a :class:`~qms_tui.jobs.runner.JobContext`.
A work function returns a one-line summary or raises; settings are read at every run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from qms_tui.domain.actor import SYSTEM
from qms_tui.domain.enums import N_
from qms_tui.domain.periods import Period, period_for, previous_period
from qms_tui.i18n import tr_lang
from qms_tui.jobs.runner import JobContext, JobFailed, Outcome, run_job
from qms_tui.services import notifications, reminders
from qms_tui.services.notifications import Draft

# ---------------------------------------------------------------- the callables APScheduler stores


def remind_measurements(db_url: str, at: str | None = None) -> Outcome:
    return run_job("measurements", db_url, at)


def remind_audits(db_url: str, at: str | None = None) -> Outcome:
    return run_job("audits", db_url, at)


def remind_reviews(db_url: str, at: str | None = None) -> Outcome:
    return run_job("reviews", db_url, at)


def remind_actions(db_url: str, at: str | None = None) -> Outcome:
    return run_job("actions", db_url, at)


def remind_effectiveness(db_url: str, at: str | None = None) -> Outcome:
    return run_job("effectiveness", db_url, at)


def remind_documents(db_url: str, at: str | None = None) -> Outcome:
    return run_job("documents", db_url, at)


def monthly_indicators_report(db_url: str, at: str | None = None) -> Outcome:
    return run_job("indicators_report", db_url, at)


def quarterly_evidence_dossier(db_url: str, at: str | None = None) -> Outcome:
    return run_job("evidence_dossier", db_url, at)


def nightly_backup(db_url: str, at: str | None = None) -> Outcome:
    return run_job("backup", db_url, at)


def send_mail(db_url: str, at: str | None = None) -> Outcome:
    return run_job("mail", db_url, at)


# ---------------------------------------------------------------- reminders


def _write(ctx: JobContext, drafts: list[Draft]) -> str:
    written = notifications.create(ctx.db, SYSTEM, drafts)
    return f"{written} notifications written ({len(drafts)} reminders due on {ctx.today.isoformat()})"


def measurements_work(ctx: JobContext) -> str:
    return _write(ctx, reminders.measurement_reminders(ctx.db, ctx.today, ctx.settings.lang))


def audits_work(ctx: JobContext) -> str:
    s = ctx.settings
    return _write(ctx, reminders.audit_reminders(ctx.db, ctx.today, s.audit_lead_days, s.lang))


def reviews_work(ctx: JobContext) -> str:
    s = ctx.settings
    return _write(ctx, reminders.review_reminders(ctx.db, ctx.today, s.review_lead_days, s.lang))


def actions_work(ctx: JobContext) -> str:
    s = ctx.settings
    return _write(ctx, reminders.action_reminders(ctx.db, ctx.today, s.action_lead_days, s.lang))


def effectiveness_work(ctx: JobContext) -> str:
    s = ctx.settings
    return _write(ctx, reminders.check_reminders(ctx.db, ctx.today, s.check_lead_days, s.lang))


def documents_work(ctx: JobContext) -> str:
    s = ctx.settings
    return _write(ctx, reminders.document_reminders(ctx.db, ctx.today, s.document_lead_days, s.lang))


# ---------------------------------------------------------------- scheduled reports


REPORT_AUTHOR = "qms-scheduler"


def render_function() -> Callable[..., None]:
    """``render(kind, db, out_path, lang, **request)``: one PDF through the reports package
    (``qms_tui.reports.run.generate``, which renders in child processes and writes atomically);
    JobFailed when the package is not there."""
    try:
        from qms_tui.reports.run import ReportRequest, generate
    except ImportError as exc:
        raise JobFailed(f"reports not available: qms_tui.reports.run cannot be imported ({exc})") from exc

    def render(kind: str, db: Any, out: Path, lang: str, **request: Any) -> None:
        generate(db, ReportRequest(kind=kind, out=str(out), lang=lang, author=REPORT_AUTHOR, **request))

    return render


def report_period(due_at: datetime, frequency: str) -> Period:
    """The period a scheduled report covers: the one before the period of its due day."""
    return previous_period(period_for(frequency, due_at.date()))


def _render(ctx: JobContext, kind: str, out: Path, **kw: Any) -> None:
    render = render_function()
    out.parent.mkdir(parents=True, exist_ok=True)
    render(kind, ctx.db, out, ctx.settings.lang, today=ctx.today, **kw)
    if not out.is_file():
        raise JobFailed(f"the report {kind} was not written to {out}")


def _report_ready(ctx: JobContext, name: str, label: str, paths: list[Path]) -> int:
    lang = ctx.settings.lang
    title = tr_lang(lang, N_("{report} {period} is ready"), report=tr_lang(lang, name), period=label)
    body = "\n".join(str(p) for p in paths)
    drafts = [Draft(pid, login, "report_ready", title, None, f"{ctx.job}-{label}", ctx.due_at.date(), body)
              for pid, login in reminders.coordinators(ctx.db)]
    return notifications.create(ctx.db, SYSTEM, drafts)


REPORTS_OFF = "scheduled reports are off in the settings ([reports] enabled = false)"


def indicators_report_work(ctx: JobContext) -> str:
    if not ctx.settings.reports_enabled:
        return REPORTS_OFF
    period = report_period(ctx.due_at, "monthly")
    out = ctx.settings.reports_dir / f"indicators-{period.label}.pdf"
    _render(ctx, "indicators", out, period=period.label)
    _report_ready(ctx, N_("The monthly indicators report"), period.label, [out])
    return f"wrote {out}"


#: The standards of the quarterly evidence dossier (one PDF each).
DOSSIER_STANDARDS = ("iso9001", "iso54001")


def evidence_dossier_work(ctx: JobContext) -> str:
    if not ctx.settings.reports_enabled:
        return REPORTS_OFF
    period = report_period(ctx.due_at, "quarterly")
    paths = []
    for standard in DOSSIER_STANDARDS:
        out = ctx.settings.reports_dir / f"evidence-{standard}-{period.label}.pdf"
        _render(ctx, "evidence", out, standard=standard, start=period.start, end=period.end)
        paths.append(out)
    _report_ready(ctx, N_("The quarterly evidence dossier"), period.label, paths)
    return "wrote " + ", ".join(str(p) for p in paths)


# ---------------------------------------------------------------- backup and e-mail


def backup_work(ctx: JobContext) -> str:
    from qms_tui.jobs.backup import backup_database

    s = ctx.settings
    made, deleted = backup_database(ctx.db, s.backup_dir, s.backup_keep, ctx.due_at)
    return f"wrote {made}" + (f"; deleted {len(deleted)} old backups" if deleted else "")


def mail_work(ctx: JobContext) -> str:
    from qms_tui.jobs.mail import send_pending

    return send_pending(ctx.db, ctx.settings.smtp, ctx.settings.lang)

