"""Concurrency: a stale save is refused saying what changed meanwhile (never a silent
overwrite), every update path of the services takes the version read, SQLite's "database is
locked" never reaches the user, and concurrent writer processes lose nothing.

The 8 processes × 200 writes run is marked ``slow`` and runs only when asked for
(``-m slow`` or ``QMS_SLOW_TESTS=1``), so the default suite stays fast."""

from __future__ import annotations

import importlib
import inspect
import multiprocessing as mp
import os
import pkgutil
import sqlite3

import pytest
from sqlalchemy import func, select

import qms_tui.services
from qms_tui.db.models import Indicator, TrailEvent
from qms_tui.db.session import Database, DatabaseBusy
from qms_tui.domain.actor import Actor
from qms_tui.domain.errors import ConcurrencyError, QmsError
from qms_tui.services import (
    audits,
    circles,
    documents,
    indicators,
    org,
    policy,
    processes,
    records,
    reviews,
    risks,
    trail,
)
from qms_tui.services import nonconformities as ncs
from qms_tui.services.search import get_record, update_record

INDICATOR = {"name": "Casillas instaladas", "unit": "%", "direction": "higher", "target": "98",
             "frequency": "monthly"}


def test_two_sessions_editing_the_same_record(db, people):
    ana, luis = people["coordinator"], people["admin"]
    with db.write() as s:
        records.create(s, ana, "indicator", INDICATOR)
    first = get_record(db, "indicator", "IND-001")  # both open the form at version 1
    second = get_record(db, "indicator", "IND-001")
    update_record(db, ana, "indicator", "IND-001", {"target": "99"}, expected_version=first.version)
    with pytest.raises(ConcurrencyError) as err:
        update_record(db, luis, "indicator", "IND-001", {"target": "95"}, expected_version=second.version)
    message = str(err.value)
    assert message.startswith("IND-001 was changed by someone else meanwhile: lhernandez ")
    assert "target" in message and message.endswith("Reload and try again.")
    with db.read() as s:
        assert records.get(s, "indicator", "IND-001").target == 99.0  # not overwritten


# every update function of the services: (function, entity, create data, change)
UPDATES = [
    (org.update_org_unit, "org_unit", {"name": "Secretaría", "kind": "secretariat"}, {"acronym": "SE"}),
    (org.update_person, "person", {"code": "mgarcia", "name": "María", "role": "reader"}, {"position": "Analista"}),
    (processes.update_process, "process", {"code": "PR-09", "name": "Bodegas", "category": "support"},
     {"purpose": "Resguardo"}),
    (processes.update_event, "event", {"code": "EV-1", "name": "Elección", "kind": "ordinary", "start_date": "2026-09-01",
                                       "key_date": "2027-06-06", "end_date": "2027-09-30"}, {"description": "x"}),
    (policy.update_objective, "objective", {"title": "Instalar casillas"}, {"description": "Todas"}),
    (indicators.update_indicator, "indicator", INDICATOR, {"target": "97"}),
    (risks.update_risk, "risk", {"kind": "risk", "title": "Lluvia", "likelihood": "2", "impact": "3"}, {"impact": "4"}),
    (documents.update_document, "document", {"code": "D-1", "title": "Manual", "kind": "manual"}, {"title": "Manual v"}),
    (reviews.update_review, "review", {"title": "RxD", "planned_date": "2025-12-01"}, {"title": "RxD 2025"}),
    (audits.update_audit, "audit", {"title": "Aud", "kind": "internal", "scope": "x", "planned_start": "2025-03-04",
                                    "planned_end": "2025-03-05"}, {"scope": "y"}),
    (circles.update_circle, "circle", {"name": "Círculo"}, {"purpose": "Mejorar"}),
    (circles.update_project, "project", {"title": "Proyecto", "problem": "p", "started_on": "2025-01-01"},
     {"benefit": "b"}),
    (ncs.update_nc, "nonconformity", {"title": "NC", "description": "d", "source": "complaint",
                                      "detected_on": "2025-02-01"}, {"title": "NC editada"}),
]


@pytest.mark.parametrize(("update", "entity", "data", "change"), UPDATES, ids=[u[1] for u in UPDATES])
def test_every_update_path_refuses_a_stale_version(db, people, update, entity, data, change):
    coord = people["admin"]
    status = {"nonconformity": {"status": "registered"}, "audit": {"status": "planned"},
              "review": {"status": "planned"}}.get(entity)
    with db.write() as s:
        dto = records.create(s, coord, entity, data, extra=status)
    fresh = update(db, coord, dto.code, change, expected_version=dto.version)
    assert fresh.version == dto.version + 1
    before = fresh
    with pytest.raises(ConcurrencyError, match=f"{dto.code} was changed by someone else meanwhile"):
        update(db, coord, dto.code, change, expected_version=dto.version)
    with db.read() as s:
        assert records.get_row(s, entity, dto.code).version == before.version


def test_every_public_update_function_takes_the_version_read():
    """A new ``update_*``/``edit_*`` service must take ``expected_version`` and pass it on."""
    missing = []
    for info in pkgutil.iter_modules(qms_tui.services.__path__):
        module = importlib.import_module(f"qms_tui.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or not name.startswith(("update_", "edit_")):
                continue
            params = inspect.signature(fn).parameters
            if "actor" not in params:
                continue
            body = inspect.getsource(fn).split(":", 1)[1]
            if "expected_version" not in params or body.count("expected_version") < 2:
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


def test_sqlite_database_is_locked_never_reaches_the_user(tmp_path, monkeypatch, actor):
    from qms_tui.db import engine as engine_module
    from qms_tui.services.setup import init_database

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "busy.db"
    db = Database(f"sqlite:///{path}")
    init_database(db)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        with pytest.raises(DatabaseBusy) as err, db.write() as s:
            records.create(s, actor, "indicator", INDICATOR)
        assert isinstance(err.value, QmsError) and "locked" not in str(err.value)
        assert str(err.value) == "the database is busy; try again in a moment"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        db.dispose()


# ---------------------------------------------------------------- writer processes


def _writer(url: str, n: int, writes: int, every: int, queue) -> None:  # type: ignore[no-untyped-def]
    """Creates indicators; every ``every``-th write edits the shared IND-001 from the version it
    just read. Reports (created names, updates that landed, refusals by kind)."""
    db = Database(url)
    actor = Actor(f"writer{n}", "coordinator")
    created, updated, refused = [], 0, {}
    for i in range(writes):
        try:
            if every and i % every == every - 1:
                with db.read() as s:
                    version = records.get_row(s, "indicator", "IND-001").version
                with db.write() as s:
                    records.update(s, actor, "indicator", "IND-001", {"source": f"w{n}-{i}"},
                                   expected_version=version)
                updated += 1
            else:
                name = f"w{n}-{i}"
                with db.write() as s:
                    records.create(s, actor, "indicator", {**INDICATOR, "name": name})
                created.append(name)
        except QmsError as exc:  # reported to its writer, never lost silently
            refused[type(exc).__name__] = refused.get(type(exc).__name__, 0) + 1
    db.dispose()
    queue.put((created, updated, refused))


def _run_writers(db, db_url, actor, writers: int, writes: int, every: int) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        records.create(s, actor, "indicator", {**INDICATOR, "name": "compartido"})
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_url, n, writes, every, queue)) for n in range(writers)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=900) for _ in procs]
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * writers
    created = [name for r in results for name in r[0]]
    updated = sum(r[1] for r in results)
    refused: dict[str, int] = {}
    for r in results:
        for kind, k in r[2].items():
            refused[kind] = refused.get(kind, 0) + k
    assert len(created) + updated + sum(refused.values()) == writers * writes  # each write: landed or reported
    assert set(refused) <= {"ConcurrencyError", "DatabaseBusy"}
    with db.read() as s:
        names = set(s.execute(select(Indicator.name)).scalars()) - {"compartido"}
        assert names == set(created)  # nothing lost, nothing extra
        shared = records.get_row(s, "indicator", "IND-001")
        assert shared.version == 1 + updated  # every reported update landed, once
        events = s.execute(select(func.count()).select_from(TrailEvent)).scalar_one()
        assert events == 1 + len(created) + updated
        assert trail.verify(s) == []


def test_concurrent_writer_processes_on_one_record_and_many(db, db_url, actor):
    _run_writers(db, db_url, actor, writers=4, writes=12, every=3)


def _slow_wanted(config) -> bool:  # type: ignore[no-untyped-def]
    return "slow" in (config.getoption("markexpr") or "") or bool(os.environ.get("QMS_SLOW_TESTS"))


@pytest.mark.slow
def test_eight_writer_processes_times_two_hundred_writes(db, db_url, actor, request):
    if not _slow_wanted(request.config):
        pytest.skip("slow: run with -m slow or QMS_SLOW_TESTS=1")
    _run_writers(db, db_url, actor, writers=8, writes=200, every=10)
