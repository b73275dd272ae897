"""The single-scheduler lock, in one process (the daemon test does it across processes)."""

from __future__ import annotations

import os

import pytest

from qms_tui.db.session import Database
from qms_tui.jobs.lock import AlreadyRunning, FileLock, holder_of, lock_key, scheduler_lock


def test_a_second_lock_on_the_same_database_is_refused_with_the_holders_pid(db):
    first = scheduler_lock(db)
    first.acquire()
    try:
        assert first.alive()
        other = Database(db.url)  # another handle, as another process would have
        try:
            with pytest.raises(AlreadyRunning) as refused:
                scheduler_lock(other).acquire()
            assert refused.value.pid == str(os.getpid())
            assert str(refused.value) == f"another scheduler is already running on this database (pid {os.getpid()})"
            assert holder_of(other) == str(os.getpid())
        finally:
            other.dispose()
    finally:
        first.release()
    assert holder_of(db) is None
    with scheduler_lock(db):  # free again
        pass


def test_sqlite_lock_file_sits_next_to_the_database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    lock = scheduler_lock(db)
    assert isinstance(lock, FileLock) and lock.path == tmp_path / "q.db.scheduler.lock"
    db.dispose()


def test_lock_keys_differ_per_database_and_schema():
    assert lock_key("qms", "public") != lock_key("qms", "t_1") != lock_key("other", "t_1")
    assert -(2**63) <= lock_key("qms", None) < 2**63
