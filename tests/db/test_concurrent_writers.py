"""Several writer processes on one database: every write lands, the trail chain holds."""

import multiprocessing as mp

from sqlalchemy import func, select

from qms_tui.db.models import Indicator, TrailEvent
from qms_tui.db.session import Database
from qms_tui.domain.actor import Actor
from qms_tui.services import records, trail

WRITERS, WRITES = 4, 15


def _writer(url: str, n: int, queue) -> None:  # type: ignore[no-untyped-def]
    db = Database(url)
    actor = Actor(f"writer{n}", "coordinator")
    done = 0
    for i in range(WRITES):
        with db.write() as s:
            records.create(s, actor, "indicator", {"name": f"w{n}-{i}", "unit": "%", "direction": "higher",
                                                   "target": 1, "frequency": "monthly"})
        done += 1
    db.dispose()
    queue.put(done)


def test_concurrent_writer_processes(db, db_url):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_url, n, queue)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert sum(queue.get(timeout=5) for _ in procs) == WRITERS * WRITES
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Indicator)).scalar_one() == WRITERS * WRITES
        codes = s.execute(select(Indicator.code)).scalars().all()
        assert len(set(codes)) == WRITERS * WRITES
        assert s.execute(select(func.count()).select_from(TrailEvent)).scalar_one() == WRITERS * WRITES
        assert trail.verify(s) == []
