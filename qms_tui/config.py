"""Where the data lives and how the app is configured (no heavy imports here)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "qms-tui"


def data_dir() -> Path:
    base = os.environ.get("QMS_DATA_DIR")
    path = Path(base) if base else Path(user_data_dir(APP_NAME, appauthor=False))
    return path


def default_database_url() -> str:
    env = os.environ.get("QMS_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{data_dir() / 'qms.db'}"


def database_url(value: str | None) -> str:
    """``--db`` accepts a URL or a plain path (a plain path means SQLite)."""
    if not value:
        return default_database_url()
    if "://" in value:
        if value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value[len("postgresql://"):]
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"
