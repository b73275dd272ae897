"""``tick``: each job at most once per scheduled moment (idempotent, coalesced, retried after a
failure, never stopped by another job's failure), on SQLite and PostgreSQL; the CLI on demo data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import or_, select

from jobs.conftest import AT, EXPECTED, TODAY, count_rows, notification_set
from qms_tui.db.models import Action, JobRun, Nonconformity, Notification, Person
from qms_tui.jobs import runner, tasks
from qms_tui.jobs.runner import FAILED, INTERRUPTED, NOT_DUE, OK, SKIPPED

MX = ZoneInfo("America/Mexico_City")


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:  # type: ignore[type-arg]
    """A stand-in for qms_tui.reports.render_report that writes a small file and records the call."""
    calls: list[tuple] = []  # type: ignore[type-arg]

    def render_report(kind, db, out_path, lang, **kw):  # type: ignore[no-untyped-def]
        calls.append((kind, Path(out_path).name, lang, kw))
        Path(out_path).write_bytes(b"%PDF-1.7 fake\n")

    monkeypatch.setattr(tasks, "render_function", lambda: render_report)
    return calls


def runs(db, job: str | None = None) -> list[tuple[str, datetime, str, str | None]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        stmt = select(JobRun.job, JobRun.due_at, JobRun.status, JobRun.message).order_by(JobRun.id)
        if job:
            stmt = stmt.where(JobRun.job == job)
        return [tuple(r) for r in s.execute(stmt)]  # type: ignore[misc]


def statuses(outcomes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {o.job: o.status for o in outcomes}


def test_a_tick_run_twice_adds_nothing(small, config, rendered):
    first = runner.tick(small.url, AT, db=small)
    assert set(statuses(first).values()) == {OK}, [(o.job, o.message) for o in first if o.status != OK]
    reminders = notification_set(small) - {n for n in notification_set(small) if n[0] == "report_ready"}
    assert reminders == EXPECTED
    total = count_rows(small, Notification)
    assert total == len(EXPECTED) + 2  # + "report ready" for the coordinator, twice
    assert {c[0] for c in rendered} == {"indicators", "evidence"}

    second = runner.tick(small.url, AT, db=small)
    assert set(statuses(second).values()) == {SKIPPED}
    assert count_rows(small, Notification) == total
    assert len(runs(small)) == len(first)

    # even without the guard (job runs forgotten), the dedupe keys keep it idempotent
    with small.write() as s:
        s.execute(JobRun.__table__.delete())
    runner.tick(small.url, AT, db=small)
    assert count_rows(small, Notification) == total


def test_due_at_is_the_latest_scheduled_moment(small, config, rendered):
    out = {o.job: o for o in runner.tick(small.url, "2025-07-01T06:20", db=small)}
    assert out["measurements"].due_at == datetime(2025, 6, 30, 7, 0, tzinfo=MX)
    assert out["indicators_report"].due_at == datetime(2025, 7, 1, 6, 0, tzinfo=MX)
    assert out["evidence_dossier"].due_at == datetime(2025, 4, 1, 6, 30, tzinfo=MX)
    assert out["mail"].due_at == datetime(2025, 7, 1, 6, 15, tzinfo=MX)
    later = statuses(runner.tick(small.url, "2025-07-01T07:00", db=small))
    assert later["measurements"] == OK and later["indicators_report"] == SKIPPED
    assert later["evidence_dossier"] == OK  # 2025-07-01 06:30 is a new quarter


def test_missed_monthly_runs_are_coalesced_into_one(small, config, rendered):
    assert runner.run_job("indicators_report", small.url, "2025-04-01T08:00", db=small).status == OK
    # May, June and July went by without a run: one run, for the latest moment
    out = runner.tick(small.url, AT, db=small, jobs=["indicators_report"])
    assert [(o.job, o.status, o.due_at) for o in out] == [("indicators_report", OK, datetime(2025, 7, 1, 6, 0, tzinfo=MX))]
    assert [r[1] for r in runs(small, "indicators_report")] == [datetime(2025, 4, 1, 6, 0, tzinfo=MX),
                                                                 datetime(2025, 7, 1, 6, 0, tzinfo=MX)]
    assert [c[3]["period"] for c in rendered] == ["2025-03", "2025-06"]
    assert (config.parent / "reports" / "indicators-2025-06.pdf").is_file()


def test_a_failing_job_does_not_stop_the_others_and_is_retried(small, config, rendered, monkeypatch):
    def boom(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("the action reminders broke")

    monkeypatch.setattr(tasks, "actions_work", boom)
    out = statuses(runner.tick(small.url, AT, db=small))
    assert out.pop("actions") == FAILED
    assert set(out.values()) == {OK}
    assert runs(small, "actions")[0][2:] == (FAILED, "RuntimeError: the action reminders broke")
    assert not {n for n in notification_set(small) if n[0].startswith("action")}

    monkeypatch.undo()
    monkeypatch.setattr(tasks, "render_function", lambda: lambda kind, db, out, lang, **kw: Path(out).write_bytes(b"x"))
    again = statuses(runner.tick(small.url, AT, db=small))
    assert again.pop("actions") == OK
    assert set(again.values()) == {SKIPPED}
    assert {n for n in notification_set(small) if n[0] != "report_ready"} == EXPECTED
    assert [r[2] for r in runs(small, "actions")] == [FAILED, OK]


def test_reports_not_available_is_a_clear_failure(small, config, monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "qms_tui.reports", types.ModuleType("qms_tui.reports"))
    monkeypatch.setitem(sys.modules, "qms_tui.reports.run", None)  # type: ignore[arg-type]
    out = {o.job: o for o in runner.tick(small.url, AT, db=small, jobs=["indicators_report", "actions"])}
    assert out["indicators_report"].status == FAILED
    assert out["indicators_report"].message.startswith("reports not available")
    assert out["actions"].status == OK


def test_the_requests_fit_the_reports_package(small, config, rendered, tmp_path):
    """What the jobs ask for is a valid request of ``qms_tui.reports.run`` (no PDF rendered)."""
    run = pytest.importorskip("qms_tui.reports.run")
    runner.tick(small.url, AT, db=small, jobs=["indicators_report", "evidence_dossier"])
    assert [(c[0], c[1]) for c in rendered] == [
        ("indicators", "indicators-2025-06.pdf"), ("evidence", "evidence-iso9001-2025-Q2.pdf"),
        ("evidence", "evidence-iso54001-2025-Q2.pdf")]
    for kind, name, lang, kw in rendered:
        req = run.resolve(run.ReportRequest(kind=kind, out=str(tmp_path / name), lang=lang,
                                            author=tasks.REPORT_AUTHOR, **kw))
        assert req.kind == kind
    assert rendered[1][3] == {"standard": "iso9001", "start": TODAY.replace(month=4), "end": TODAY.replace(day=30, month=6),
                              "today": TODAY}


def test_a_run_killed_midway_runs_again(small, config):
    due = datetime(2025, 7, 1, 7, 0, tzinfo=MX)
    with small.write() as s:
        s.add(JobRun(job="actions", due_at=due, status="running"))
    out = statuses(runner.tick(small.url, AT, db=small, jobs=["actions"]))
    assert out == {"actions": OK}
    assert [r[2:] for r in runs(small, "actions")] == [(FAILED, INTERRUPTED), (OK, runs(small, "actions")[1][3])]


def test_nothing_is_due_before_the_first_moment(small, config):
    assert runner.run_job("mail", small.url, datetime(2025, 7, 1, 0, 5, tzinfo=MX), db=small).status == OK
    assert runner.last_runs(small)["mail"].due_at == datetime(2025, 7, 1, 0, 0, tzinfo=MX)
    assert runner.moment("2025-07-01T08:00", MX) == datetime(2025, 7, 1, 8, 0, tzinfo=MX)
    assert NOT_DUE == "not_due"


# ---------------------------------------------------------------- the command line on demo data


def qms(*args: str):  # type: ignore[no-untyped-def]
    from qms_tui.cli import cli

    args = [*args, "--lang", "en"] if "--lang" not in args else list(args)  # messages asserted in English
    return CliRunner().invoke(cli, args, catch_exceptions=True)


def test_tick_on_demo_data_writes_the_overdue_notifications_once(demo_path, config, rendered, monkeypatch):
    from qms_tui.db.session import Database
    from qms_tui.services.indicators import overdue_indicators

    monkeypatch.setenv("QMS_LANG", "en")
    first = qms("scheduler", "tick", "--at", AT, "--db", str(demo_path))
    assert first.exit_code == 0, first.output
    assert "actions" in first.output and "ok" in first.output

    db = Database(f"sqlite:///{demo_path}")
    try:
        with db.read() as s:
            overdue_actions = set(s.execute(
                select(Action.code, Person.code).join(Person, Person.id == Action.owner_id)
                .outerjoin(Nonconformity, Nonconformity.id == Action.nonconformity_id)
                .where(Action.status.in_(["pending", "in_progress"]), Action.due_date < TODAY,
                       or_(Nonconformity.id.is_(None), Nonconformity.status.not_in(["cancelled", "dismissed"])))
            ).all())
        assert overdue_actions  # the demo has some
        got = notification_set(db)
        assert {(code, who) for kind, code, who in got if kind == "action_overdue"} == overdue_actions
        assert {code for kind, code, _ in got if kind == "measurement_overdue"} == \
            {st.code for st in overdue_indicators(db, TODAY)}
        total = count_rows(db, Notification)

        second = qms("scheduler", "tick", "--at", AT, "--db", str(demo_path))
        assert second.exit_code == 0, second.output
        assert "already done" in second.output
        assert count_rows(db, Notification) == total

        listing = qms("scheduler", "jobs", "--db", str(demo_path))
        assert listing.exit_code == 0, listing.output
        assert "scheduler: not running" in listing.output
        assert "measurements" in listing.output and "2025-07-01 07:00 ok" in listing.output
    finally:
        db.dispose()


def test_tick_exits_1_when_a_job_fails_and_2_on_bad_input(small, config, monkeypatch):
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.setattr(tasks, "render_function", lambda: (_ for _ in ()).throw(runner.JobFailed("reports not available")))
    failed = qms("scheduler", "tick", "--at", AT, "--job", "indicators_report", "--db", small.url)
    assert failed.exit_code == 1
    assert "failed" in failed.output and "reports not available" in failed.output
    listing = qms("scheduler", "jobs", "--db", small.url)
    assert listing.exit_code == 0, listing.output
    assert "indicators_report failed: reports not available" in listing.output
    assert "2025-07-01 06:00 failed" in listing.output
    assert qms("scheduler", "tick", "--at", "yesterday", "--db", small.url).exit_code == 2
    bad_job = qms("scheduler", "tick", "--job", "nope", "--db", small.url)
    assert bad_job.exit_code == 2 and "unknown job nope" in bad_job.output


def test_bad_settings_are_one_line(small, tmp_path, monkeypatch):
    bad = tmp_path / "bad.toml"
    bad.write_text("[reminders]\naction_lead_days = -3\n", encoding="utf-8")
    monkeypatch.setenv("QMS_CONFIG", str(bad))
    result = qms("scheduler", "tick", "--db", small.url)
    assert result.exit_code == 1
    assert "bad settings: reminders.action_lead_days" in result.output
