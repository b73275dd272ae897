"""New measurements in bulk, each with its hash-chained "create" trail event.

What ``records.create`` + ``trail.append`` would write for each measurement — the same row,
the same snapshot in the event, the same hash payload, so ``trail.verify`` accepts it — but
without ORM objects: the rows and the events are inserted by multi-row INSERT statements,
their values converted once by the columns' own SQLAlchemy types, and the JSON and hashes
built from templates. A writer thread inserts one chunk (the driver works without the GIL)
while the caller checks and prepares the next one.

Only the importer uses it, inside its write transaction (the write lock is held, so ids,
codes and the trail's sequence can be taken in blocks).
"""

from __future__ import annotations

import hashlib
import queue
import sys
import threading
from collections.abc import Sequence
from itertools import chain
from json.encoder import encode_basestring as js  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlmodel import Session

from qms_tui.db.models import CodeSequence, Measurement, TrailEvent, utcnow
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import TrailAction
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import SPECS
from qms_tui.services import trail

CHUNK = 5000
#: Rows per INSERT statement (fewer where the driver allows fewer bind parameters).
BLOCK = 1000
#: The interpreter's switch interval while the writer thread runs (seconds; Python's default
#: is 5 ms): the writer waits that long for the GIL after each block.
SWITCH = 0.0005

#: Column orders the tuples are built in (checked against the tables at start).
M_COLUMNS = ("id", "code", "version", "created_at", "updated_at", "indicator_id", "period",
             "period_start", "period_end", "value", "note", "evidence_id", "recorded_by_id", "recorded_at")
E_COLUMNS = ("seq", "at", "actor", "role", "action", "entity", "record_id", "code", "summary",
             "before", "after", "prev_hash", "hash")
#: Measurement columns whose JSON differs per row, in the snapshot's (sorted) key order.
VARYING = ("code", "evidence_id", "id", "indicator_id", "note", "period", "period_end",
           "period_start", "value")
#: ``trail.event_hash``'s canonical payload of a "create" event of a measurement.
EVENT = ('{"action":"create","actor":%s,"after":%s,"at":%s,"before":null,"code":%s,'
         '"entity":"measurement","prev":"%s","record_id":%d,"role":%s,"seq":%d,"summary":%s}')


class BulkWriter:
    """``add`` checked rows (objects with ``indicator`` (id, code), ``period``, ``value``,
    ``note``, ``evidence``); ``close`` waits for the writes and hands the trail's position
    back to the session (ORM writes may follow, then more ``add``); ``abort`` on failure."""

    def __init__(self, session: Session, actor: Actor, *, capacity: int) -> None:
        authorize(actor, "measurement", "create")
        from qms_tui.services.org import person_id_for_login

        self.session, self.actor = session, actor
        self.conn = session.connection()
        dialect = self.conn.dialect
        table, events = Measurement.__table__, TrailEvent.__table__  # type: ignore[attr-defined]
        if tuple(c.key for c in table.columns) != M_COLUMNS or tuple(c.key for c in events.columns) != E_COLUMNS:
            raise RuntimeError("the measurement or trail_event table changed: update measurement_bulk")
        limit = _variable_limit(self.conn)
        self.m_sql, self.e_sql = _Insert(dialect, table, M_COLUMNS, limit), _Insert(dialect, events, E_COLUMNS, limit)
        self.conv = {c.key: c.type._cached_bind_processor(dialect)  # type: ignore[attr-defined]
                     for c in (*table.columns, *events.columns)}
        self.ids: tuple[int, ...] = ()
        #: What was written, for the breach rules: indicator id -> [(start as stored, id, period, value)]
        self.written: dict[int, list[tuple[Any, int, str, float]]] = {}
        self._free_ids = _reserve_ids(session, capacity)
        self._codes = _Codes(session)
        now, who = utcnow(), person_id_for_login(session, actor.login)
        self.who = who
        constants = {"version": 1, "created_at": now, "updated_at": now, "recorded_at": now, "recorded_by_id": who}
        self.after_tpl = "{" + ",".join(
            f'"{k}":%s' if k in VARYING else f'"{k}":' + trail.canonical(trail.jsonable(constants[k])).replace("%", "%%")
            for k in sorted(M_COLUMNS)) + "}"
        self.stamp, self.at_db, self.at_js = self._db("created_at", now), self._db("at", now), js(now.isoformat())
        self.role = str(actor.role)
        self.actor_js, self.role_js = js(actor.login), js(self.role)
        self.periods: dict[str, tuple[Any, Any, str, str, str]] = {}
        self._chain: tuple[int, str] | None = None
        self._thread: _Writer | None = None
        self._cache: Any = None

    def _db(self, column: str, value: Any) -> Any:
        proc = self.conv[column]
        return value if proc is None or value is None else proc(value)

    # ---------------------------------------------------------------- writing

    def add(self, rows: Sequence[Any], evidence_ids: dict[Path, int] | None = None) -> None:
        if not rows:
            return
        if self._thread is None:
            self._open()
        assert self._thread is not None and self._chain is not None
        for at in range(0, len(rows), CHUNK):
            self._thread.put(self._prepare(rows[at:at + CHUNK], evidence_ids or {}))

    def _open(self) -> None:
        self.session.flush()  # ORM writes of this transaction first: the chain continues after them
        last = self.session.info.get("trail_last")
        if last is None:
            found = self.session.execute(
                select(TrailEvent.seq, TrailEvent.hash).order_by(TrailEvent.seq.desc()).limit(1)).first()
            last = (found[0], found[1]) if found else (0, trail.GENESIS)
        self._chain = (last[0], last[1])
        if self.conn.dialect.name == "sqlite" and self._cache is None:
            # a larger page cache for the indexes of the trail and of the measurements
            self._cache = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql("PRAGMA cache_size = -65536")
        self._thread = _Writer(self.conn.connection.dbapi_connection, self.m_sql, self.e_sql)

    def _prepare(self, rows: Sequence[Any], evidence_ids: dict[Path, int]) -> tuple[list[Any], list[Any]]:
        assert self._chain is not None
        seq, prev = self._chain
        n = len(rows)
        ids, self._free_ids = self._free_ids[:n], self._free_ids[n:]
        if len(ids) < n:
            raise RuntimeError("more measurements than the writer reserved ids for")
        codes = self._codes.take(n)
        sha256, irepr, frepr = hashlib.sha256, int.__repr__, float.__repr__
        after_tpl, actor_js, role_js, at_js = self.after_tpl, self.actor_js, self.role_js, self.at_js
        stamp, at_db, login, role, who = self.stamp, self.at_db, self.actor.login, self.role, self.who
        action = str(TrailAction.CREATE.value)
        written = self.written.setdefault
        m_rows: list[tuple[Any, ...]] = []
        e_rows: list[tuple[Any, ...]] = []
        for r, mid, code in zip(rows, ids, codes, strict=True):
            p, ind = r.period, r.indicator
            cached = self.periods.get(p.label)
            if cached is None:
                cached = self.periods[p.label] = (self._db("period_start", p.start), self._db("period_end", p.end),
                                                  js(p.start.isoformat()), js(p.end.isoformat()), js(p.label))
            ev_id = evidence_ids[r.evidence[0]] if r.evidence is not None else None
            code_js, note, value = js(code), r.note, r.value
            after = after_tpl % (code_js, "null" if ev_id is None else irepr(ev_id), irepr(mid), irepr(ind.id),
                                 "null" if note is None else js(note), cached[4], cached[3], cached[2], frepr(value))
            summary = f"{ind.code} {p.label} = {value:g}"
            seq += 1
            digest = sha256((EVENT % (actor_js, js(after), at_js, code_js, prev, mid, role_js, seq,
                                      js(summary))).encode("utf-8")).hexdigest()
            m_rows.append((mid, code, 1, stamp, stamp, ind.id, p.label, cached[0], cached[1], value, note,
                           ev_id, who, stamp))
            written(ind.id, []).append((cached[0], mid, p.label, value))
            e_rows.append((seq, at_db, login, role, action, "measurement", mid, code, summary, None, after,
                           prev, digest))
            prev = digest
        self._chain = (seq, prev)
        self.ids += tuple(ids)
        return m_rows, e_rows

    def close(self) -> None:
        """Wait for the writes (re-raising their error); the session continues the chain."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            thread.finish()
            assert self._chain is not None
            self.session.info["trail_last"] = self._chain
        self._codes.save()
        if self._cache is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(self._cache)}")
            self._cache = None

    def abort(self) -> None:
        """Stop the writer thread (the caller rolls the transaction back)."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            thread.finish(reraise=False)


class _Writer:
    """The thread that inserts each queued chunk, in order."""

    def __init__(self, dbapi_conn: Any, m_sql: _Insert, e_sql: _Insert) -> None:
        self.todo: queue.Queue[tuple[list[Any], list[Any]] | None] = queue.Queue(maxsize=2)
        self.failure: list[BaseException] = []
        self.dbapi_conn, self.m_sql, self.e_sql = dbapi_conn, m_sql, e_sql
        self.switched = True
        self.thread = threading.Thread(target=self._run, name="qms-bulk-writer", daemon=True)
        _Switch.enter()
        self.thread.start()

    def _run(self) -> None:
        cursor = self.dbapi_conn.cursor()
        try:
            while (item := self.todo.get()) is not None:
                if not self.failure:
                    self.m_sql.write(cursor, item[0])
                    self.e_sql.write(cursor, item[1])
        except BaseException as exc:  # handed to the caller's thread
            self.failure.append(exc)
            while self.todo.get() is not None:
                pass
        finally:
            cursor.close()

    def put(self, chunk: tuple[list[Any], list[Any]]) -> None:
        if self.failure:
            self.finish()
        self.todo.put(chunk)

    def finish(self, reraise: bool = True) -> None:
        if self.thread.is_alive():
            self.todo.put(None)
            self.thread.join()
        if self.switched:
            self.switched = False
            _Switch.leave()
        if self.failure and reraise:
            raise self.failure[0]


class _Switch:
    """The short switch interval, set while any writer thread runs (imports may run at once
    in one process: the web server), and the interpreter's own restored after the last."""

    lock = threading.Lock()
    users = 0
    saved = 0.0

    @classmethod
    def enter(cls) -> None:
        with cls.lock:
            if cls.users == 0:
                cls.saved = sys.getswitchinterval()
                sys.setswitchinterval(min(SWITCH, cls.saved))
            cls.users += 1

    @classmethod
    def leave(cls) -> None:
        with cls.lock:
            cls.users -= 1
            if cls.users == 0:
                sys.setswitchinterval(cls.saved)


class _Insert:
    """An INSERT of many rows: ``BLOCK`` rows per statement (``VALUES (…), (…), …``), so the
    driver binds a block and then inserts it without the GIL for as long as that takes —
    ``executemany`` gives the GIL up and takes it back for every row, and the checks on the
    other thread stall it at each turn."""

    def __init__(self, dialect: Any, table: Any, columns: Sequence[str], limit: int) -> None:
        mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
        if mark is None:
            raise RuntimeError(f"bulk insert: unsupported paramstyle {dialect.paramstyle}")
        q = dialect.identifier_preparer.quote
        names = ", ".join(q(table.c[k].name) for k in columns)
        self.head = f"INSERT INTO {q(table.name)} ({names}) VALUES "
        self.one = "(" + ", ".join([mark] * len(columns)) + ")"
        self.block = max(1, min(BLOCK, limit // len(columns)))
        self.sql: dict[int, str] = {}

    def statement(self, rows: int) -> str:
        sql = self.sql.get(rows)
        if sql is None:
            sql = self.sql[rows] = self.head + ", ".join([self.one] * rows)
        return sql

    def write(self, cursor: Any, rows: Sequence[tuple[Any, ...]]) -> None:
        size, flat = self.block, chain.from_iterable
        for at in range(0, len(rows), size):
            block = rows[at:at + size]
            cursor.execute(self.statement(len(block)), list(flat(block)))


def _variable_limit(conn: Any) -> int:
    """How many bind parameters one statement may have on this connection."""
    if conn.dialect.name == "sqlite":
        import sqlite3

        return int(conn.connection.dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    if conn.dialect.name == "postgresql":
        return 65535
    return 999


def _reserve_ids(session: Session, n: int) -> list[int]:
    """``n`` ids for new measurements: from the sequence (PostgreSQL), else after the
    largest id (SQLite's own rule; the write lock is held)."""
    if n <= 0:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence('measurement', 'id')")).scalar()
        if seq:
            got = conn.execute(text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
                               {"s": seq, "n": n}).scalars().all()
            return sorted(got)
    start = (session.execute(select(func.max(Measurement.id))).scalar() or 0) + 1
    return list(range(start, start + n))


class _Codes:
    """Measurement codes taken in blocks from the counter (codes already in use skipped),
    as ``records.next_code`` would hand them out one by one."""

    def __init__(self, session: Session) -> None:
        scheme = SPECS["measurement"].code
        self.scheme = scheme
        key = scheme.key(None)
        counter = session.get(CodeSequence, key)
        if counter is None:
            counter = CodeSequence(key=key, last=0)
            session.add(counter)
        self.session, self.counter, self.number = session, counter, counter.last
        first = scheme.format(counter.last + 1)
        size = func.length(Measurement.code)
        self.taken = set(session.execute(select(Measurement.code).where(
            Measurement.code.like(scheme.prefix + "-%"),
            or_(size > len(first), and_(size == len(first), Measurement.code >= first)))).scalars())

    def take(self, n: int) -> list[str]:
        out: list[str] = []
        fmt, taken, number = self.scheme.format, self.taken, self.number
        while len(out) < n:
            number += 1
            code = fmt(number)
            if code not in taken:
                out.append(code)
        self.number = number
        return out

    def save(self) -> None:
        if self.counter.last != self.number:
            self.counter.last = self.number
            self.session.flush()
