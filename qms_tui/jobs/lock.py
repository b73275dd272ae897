"""One scheduler per database (APScheduler 3 has no cross-process lock: two daemons on one
job store would both run every job).

- PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection held for the scheduler's
  life; the key is derived from the database and schema names. The connection's
  ``application_name`` carries the pid, so a second scheduler can say who holds the lock.
- SQLite: an exclusive ``fcntl.flock`` on ``<database file>.scheduler.lock``; the file holds
  the holder's pid.

The operating system (or the server, when the connection drops) releases either lock when
the process dies, even by ``kill -9``.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from qms_tui.db.session import Database
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import QmsError

APP_PREFIX = "qms-scheduler pid="


class AlreadyRunning(QmsError):
    def __init__(self, pid: str) -> None:
        super().__init__(N_("another scheduler is already running on this database (pid {pid})"), pid=pid)
        self.pid = pid


class SchedulerLock:
    def acquire(self) -> None:
        """Take the lock or raise :class:`AlreadyRunning` (never waits)."""

    def alive(self) -> bool:
        """Whether the lock is still held (a PostgreSQL connection may drop)."""
        return True

    def release(self) -> None: ...

    def __enter__(self) -> SchedulerLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def scheduler_lock(db: Database) -> SchedulerLock:
    if not db.sqlite:
        return PgLock(db)
    name = make_url(db.url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return SchedulerLock()  # a private database: nobody else can see it
    return FileLock(Path(name).expanduser().resolve().with_name(Path(name).name + ".scheduler.lock"))


class FileLock(SchedulerLock):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o664)
        except OSError as exc:
            raise QmsError(N_("cannot open the scheduler lock file {path}: {reason}"), path=str(self.path),
                           reason=exc.strerror or type(exc).__name__) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd

    def holder(self) -> str | None:
        """The pid of the scheduler holding the lock, or None (reads only: no file is made)."""
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def release(self) -> None:
        if self.fd is not None:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


class PgLock(SchedulerLock):
    def __init__(self, db: Database) -> None:
        self.db = db
        self.conn: Any = None
        self.key = 0

    def acquire(self) -> None:
        conn = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            dbname, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
            self.key = lock_key(dbname, schema)
            me = f"{APP_PREFIX}{os.getpid()}@{socket.gethostname()}"[:63]
            conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": me})
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
                holder = self._holder(conn)
                raise AlreadyRunning(holder)
        except BaseException:
            conn.close()
            raise
        self.conn = conn

    def _holder(self, conn: Any) -> str:
        hi, lo = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        name = conn.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND l.classid::bigint = :hi AND l.objid::bigint = :lo "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1"
        ), {"hi": hi, "lo": lo}).scalar()
        if not name or not name.startswith(APP_PREFIX):
            return "?"
        pid, _, host = name[len(APP_PREFIX):].partition("@")
        return pid if not host or host == socket.gethostname() else f"{pid} on {host}"

    def alive(self) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        except Exception:
            pass  # the connection is gone: so is the lock
        finally:
            try:
                self.conn.invalidate()  # never hand a connection with our name back to the pool
            except Exception:
                pass
            self.conn.close()
            self.conn = None


def lock_key(dbname: str, schema: str | None) -> int:
    """A signed 64-bit advisory-lock key for the scheduler of this database and schema."""
    digest = hashlib.sha256(f"qms-scheduler:{dbname}:{schema or ''}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def holder_of(db: Database) -> str | None:
    """Who holds the scheduler lock of ``db`` (a pid), or None if no scheduler is running."""
    lock = scheduler_lock(db)
    if isinstance(lock, FileLock):
        return lock.holder()
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        return exc.pid
    lock.release()
    return None
