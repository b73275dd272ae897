"""A light check that a SQLite file is a QMS database at the newest schema revision, with the
standard library only (no SQLAlchemy, no Alembic: together they cost about a second of start-up).

``qms`` (the TUI) asks :func:`sqlite_at_head` first; only when it cannot say yes (PostgreSQL,
a missing file, an older schema…) does it run the full check, which also words the error.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def head_revision() -> str | None:
    """The single head of the revision files (None if there is not exactly one); equal to
    ``qms_tui.db.migrate.head_revision()`` (a test keeps them in step)."""
    revisions, parents = set(), set()
    for path in VERSIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(text)
        if down is not None:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (None for anything else)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    name = url[len(prefix):]
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def sqlite_at_head(url: str) -> bool:
    """True only if ``url`` is a SQLite file whose schema is at the head revision."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return False
    head = head_revision()
    if head is None:
        return False
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return rows == [(head,)]
