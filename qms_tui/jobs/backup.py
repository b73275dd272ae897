"""Nightly database backup with retention.

SQLite: the online backup API (consistent while the TUIs keep writing; WAL included), into
``<stem>-YYYYmmdd-HHMMSS.sqlite3``. PostgreSQL: ``pg_dump --format=custom`` (only the
schema in the URL's ``search_path`` when it names one) into ``<db>[-<schema>]-….dump``;
without ``pg_dump`` the job fails with a clear message. A backup is written under a temporary
name and renamed when complete, so a failed run leaves no partial file. Then only the
newest ``keep`` backups of this database are kept.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url

from qms_tui.db.session import Database
from qms_tui.jobs.runner import JobFailed

PG_DUMP_TIMEOUT = 3600  # seconds
_STAMP = "%Y%m%d-%H%M%S"


def backup_database(db: Database, folder: Path, keep: int, when: datetime) -> tuple[Path, list[Path]]:
    """Back up ``db`` into ``folder`` (named after ``when``); returns the file written and
    the old backups deleted."""
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    url = make_url(db.url)
    if db.sqlite:
        prefix, suffix = _sqlite_name(url), ".sqlite3"
        out = folder / f"{prefix}-{when.strftime(_STAMP)}{suffix}"
        sqlite_backup(_sqlite_path(url), out)
    else:
        schema = pg_schema(url)
        prefix, suffix = (url.database or "qms") + (f"-{schema}" if schema else ""), ".dump"
        out = folder / f"{prefix}-{when.strftime(_STAMP)}{suffix}"
        pg_backup(url, schema, out)
    return out, prune(folder, prefix, suffix, keep)


# ---------------------------------------------------------------- SQLite


def _sqlite_path(url: URL) -> Path:
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise JobFailed("cannot back up an in-memory SQLite database")
    return Path(name).expanduser()


def _sqlite_name(url: URL) -> str:
    return _sqlite_path(url).stem or "qms"


def sqlite_backup(source: Path, out: Path) -> None:
    """Copy the SQLite database ``source`` into ``out`` with the online backup API."""
    if not source.exists():
        raise JobFailed(f"the database file {source} does not exist")
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst, pages=1024)
        finally:
            dst.close()
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(tmp, out)


# ---------------------------------------------------------------- PostgreSQL


def pg_schema(url: URL) -> str | None:
    """The schema named by ``options=-csearch_path=…`` in the URL, if any."""
    options = url.query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    if not options:
        return None
    found = re.search(r"search_path\s*=\s*([^\s,]+)", unquote(options))
    if not found:
        return None
    schema = found.group(1).strip("\"'")
    return None if schema in ("public", "$user") else schema


def pg_backup(url: URL, schema: str | None, out: Path) -> None:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise JobFailed("pg_dump not found: install the PostgreSQL client tools "
                        "(Debian: postgresql-client) to back up a PostgreSQL database")
    args = [exe, "--format=custom", "--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    if schema:
        args += ["--schema", schema]
    tmp = out.with_name(f".{out.name}.tmp")
    args += ["--file", str(tmp), "--dbname", url.database or "postgres"]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line (ps shows it)
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        tmp.unlink(missing_ok=True)
        raise JobFailed(f"pg_dump took longer than {PG_DUMP_TIMEOUT} s") from exc
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        reason = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
        raise JobFailed(f"pg_dump failed: {reason}")
    os.replace(tmp, out)


# ---------------------------------------------------------------- retention


def backups(folder: Path, prefix: str, suffix: str) -> list[Path]:
    """This database's backups in ``folder``, oldest first (the names sort by time)."""
    pattern = re.compile(re.escape(prefix) + r"-\d{8}-\d{6}" + re.escape(suffix) + "$")
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and pattern.match(p.name))


def prune(folder: Path, prefix: str, suffix: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns the deleted files."""
    found = backups(folder, prefix, suffix)
    old = found[: max(0, len(found) - max(1, keep))]
    for path in old:
        path.unlink(missing_ok=True)
    return old
