"""The daemon in real processes: a second one on the same database refuses to start; ``kill -9``
and a restart lose no job and duplicate no notification; SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select

from jobs.conftest import count_rows, write_settings
from qms_tui.db.models import JobRun, Notification
from qms_tui.jobs.lock import holder_of
from qms_tui.jobs.specs import JOBS, last_fire

MX = ZoneInfo("America/Mexico_City")
WAIT = 120.0  # seconds, at most, for a daemon to do its catch-up (a loaded machine is slow)
REFUSED = "another scheduler is already running on this database (pid {pid})"


def wait_until(what: Callable[[], bool], timeout: float = WAIT, proc: subprocess.Popen | None = None,  # type: ignore[type-arg]
               label: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the daemon exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {label or what}")


def finished(db) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        rows = s.execute(select(JobRun.job, JobRun.status)).all()
    out: dict[str, set[str]] = {}
    for job, status in rows:
        out.setdefault(job, set()).add(status)
    return out


def duplicate_ok_runs(db) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with db.read() as s:
        return list(s.execute(select(JobRun.job, JobRun.due_at, func.count()).where(JobRun.status == "ok")
                              .group_by(JobRun.job, JobRun.due_at).having(func.count() > 1)).all())


@pytest.fixture
def daemon_env(tmp_path):  # type: ignore[no-untyped-def]
    # reports off: the real renderer (WeasyPrint) has no place in this test
    config = write_settings(tmp_path / "daemon.toml", tmp_path, reports=False, enabled=False)
    return {**os.environ, "QMS_CONFIG": str(config), "QMS_LANG": "en",
            "QMS_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}


def start(url: str, env: dict[str, str]) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen([sys.executable, "-m", "qms_tui", "scheduler", "run", "--db", url],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_one_daemon_per_database_and_kill_9_loses_nothing(small, daemon_env):
    ids = {spec.id for spec in JOBS}
    first = start(small.url, daemon_env)
    try:
        # at start every job runs once for its latest moment (the catch-up)
        wait_until(lambda: set(finished(small)) == ids and all(
            "running" not in s for s in finished(small).values()), proc=first, label="the first catch-up")
        assert all(s == {"ok"} for s in finished(small).values()), finished(small)

        began = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "qms_tui", "scheduler", "run", "--db", small.url],
                                env=daemon_env, capture_output=True, text=True, timeout=WAIT)
        assert second.returncode == 1
        assert REFUSED.format(pid=first.pid) in second.stderr
        assert time.monotonic() - began < 20
        tick = subprocess.run([sys.executable, "-m", "qms_tui", "scheduler", "tick", "--db", small.url],
                              env=daemon_env, capture_output=True, text=True, timeout=WAIT)
        assert tick.returncode == 1 and REFUSED.format(pid=first.pid) in tick.stderr
        notes = count_rows(small, Notification)
        assert notes > 0
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=WAIT)
    assert first.returncode == -signal.SIGKILL

    # as if the kill had come in the middle of the action reminders (their transaction lost)
    restarted_at = datetime.now(MX)
    with small.write() as s:
        due = s.execute(select(JobRun.due_at).where(JobRun.job == "actions")).scalar_one()
        s.execute(delete(JobRun).where(JobRun.job == "actions"))
        s.execute(delete(Notification).where(Notification.kind.like("action%")))
        s.add(JobRun(job="actions", due_at=due, status="running"))
    without_actions = count_rows(small, Notification)
    wait_until(lambda: holder_of(small) is None, label="the lock to be free")  # the server ends the dead session

    third = start(small.url, daemon_env)
    try:
        wait_until(lambda: "ok" in finished(small).get("actions", set()), proc=third, label="the second catch-up")
    finally:
        third.send_signal(signal.SIGTERM)  # stops once the catch-up queue is done
        out, err = third.communicate(timeout=WAIT)
    assert third.returncode == 0, err
    assert "scheduler stopped" in err

    assert count_rows(small, Notification) == notes >= without_actions
    assert duplicate_ok_runs(small) == []
    assert finished(small)["actions"] == {"failed", "ok"}  # the interrupted run, then the real one
    with small.read() as s:
        latest = dict(s.execute(select(JobRun.job, func.max(JobRun.due_at)).where(JobRun.status == "ok")
                                .group_by(JobRun.job)).all())
    for spec in JOBS:  # no job lost: each one is done for its latest moment
        assert latest[spec.id] >= last_fire(spec, restarted_at, MX), spec.id
    with small.read() as s:
        assert s.execute(select(func.count()).select_from(JobRun).where(JobRun.status == "running")).scalar_one() == 0
