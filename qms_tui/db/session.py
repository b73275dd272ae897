"""The Database handle services receive: read and write transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from qms_tui.db.engine import WRITE_LOCK_KEY, is_sqlite, make_engine
from qms_tui.domain.errors import QmsError


class DatabaseBusy(QmsError):
    """Another writer held the database for too long."""


class Database:
    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.sqlite = is_sqlite(url)
        self._write_engine = self.engine.execution_options(qms_write=True)

    @property
    def backend(self) -> str:
        return "sqlite" if self.sqlite else "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed if the block succeeds, rolled back otherwise."""
        try:
            with Session(self._write_engine, expire_on_commit=False) as session:
                if not self.sqlite:
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
                yield session
                session.commit()
        except OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise DatabaseBusy("the database is busy; try again in a moment") from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()
