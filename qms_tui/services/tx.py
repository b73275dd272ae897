"""Transactions for services: a public service function takes ``tx`` — a Database (it opens
and commits its own transaction) or a Session (it joins the caller's, e.g. an importer or
the demo loader that must write all or nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from qms_tui.db.session import Database

Tx = Database | Session


@contextmanager
def writing(tx: Tx) -> Iterator[Session]:
    if isinstance(tx, Session):
        yield tx
    else:
        with tx.write() as session:
            yield session


@contextmanager
def reading(tx: Tx) -> Iterator[Session]:
    if isinstance(tx, Session):
        yield tx
    else:
        with tx.read() as session:
            yield session
