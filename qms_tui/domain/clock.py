"""Today's date, which a loader (demo data, tests) can fix for a block of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

_today: ContextVar[date | None] = ContextVar("qms_today", default=None)


def today() -> date:
    return _today.get() or date.today()


@contextmanager
def frozen(day: date) -> Iterator[None]:
    token = _today.set(day)
    try:
        yield
    finally:
        _today.reset(token)
