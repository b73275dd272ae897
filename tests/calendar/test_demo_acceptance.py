"""Issue 10's acceptance on the demo data: shifting the judicial election by 7 days moves
exactly what is planned relative to it (and the event's own dates), the trail shows it and
verifies; one clearly red measurement imported (twice, with --replace) raises one draft."""

import getpass
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import Date, select

from qms_tui.cli import cli
from qms_tui.db.models import MODELS, Anchor, Event, Indicator, Nonconformity, Stage, TrailEvent
from qms_tui.demo import load_demo
from qms_tui.services import calendar, trail

TODAY = date(2025, 11, 20)
EVENT = "PELE-PJ-2024-2025"


@pytest.fixture(autouse=True)
def _cli_env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.delenv("QMS_DATABASE_URL", raising=False)
    monkeypatch.delenv("QMS_DEBUG", raising=False)


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_demo(db, today=TODAY, operator=getpass.getuser())  # the CLI acts as the OS login
    return db


def _dates(db) -> dict[tuple[str, int, str], date]:
    out = {}
    with db.read() as s:
        for entity, model in MODELS.items():
            cols = [c.key for c in model.__table__.columns if isinstance(c.type, Date)]
            for obj in (s.execute(select(model)).scalars() if cols else ()):
                for c in cols:
                    out[(entity, obj.id, c)] = getattr(obj, c)
    return out


def qms(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def test_shifting_the_judicial_election_moves_exactly_what_is_planned_relative_to_it(demo, db_url):
    anchored = calendar.anchors_of(demo, EVENT)
    assert {(a.entity, a.field) for a in anchored} == {
        ("audit", "planned_start"), ("audit", "planned_end"), ("review", "planned_date"),
        ("action", "due_date"), ("document", "next_review"), ("indicator", "due")}
    assert len(anchored) == 7 and not any(a.drifted for a in anchored)
    with demo.read() as s:
        ev = s.execute(select(Event).where(Event.code == EVENT)).scalar_one()
        expected = {("event", ev.id, c) for c in ("start_date", "key_date", "end_date")}
        expected |= {("stage", sid, c) for sid in s.execute(select(Stage.id).where(Stage.event_id == ev.id)).scalars()
                     for c in ("start_date", "end_date")}
        expected |= {(a.entity, a.record_id, a.field) for a in s.execute(select(Anchor)).scalars()
                     if a.entity != "indicator"}
        seq = s.execute(select(TrailEvent.seq).order_by(TrailEvent.seq.desc()).limit(1)).scalar_one()
    before = _dates(demo)

    result = qms("events", "shift", EVENT, "--to", "2025-06-08", "--db", db_url)

    assert result.exit_code == 0, result.output
    after = _dates(demo)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == expected and len(expected) == 3 + 10 + 6
    assert all((after[k] - before[k]).days == 7 for k in changed)
    lines = result.output.strip().splitlines()
    assert lines[1] == f"{EVENT} key_date 2025-06-01 → 2025-06-08"
    audit = next(a for a in anchored if a.entity == "audit" and a.field == "planned_start")
    assert f"{audit.code} planned_start 2025-12-18 → 2025-12-25" in lines
    indicator = next(a for a in anchored if a.entity == "indicator")
    assert f"{indicator.code} due 2025-09-29 → 2025-10-06" in lines
    assert lines[-1] == f"{EVENT}: key day 2025-06-01 → 2025-06-08 (+7 days); 20 dates moved"
    with demo.read() as s:
        summaries = s.execute(select(TrailEvent.entity, TrailEvent.summary).where(TrailEvent.seq > seq)).all()
    assert ("event", "key day 2025-06-01 → 2025-06-08 (+7 days)") in summaries
    assert sum(1 for _e, text in summaries if text == f"shifted with {EVENT} by 7 days") == 5 + 5  # stages + records
    verified = qms("trail", "verify", "--db", db_url)
    assert verified.exit_code == 0 and verified.output.startswith("trail OK"), verified.output


def test_one_clearly_red_measurement_imported_twice_raises_one_draft(demo, db_url, tmp_path):
    with demo.read() as s:
        code = s.execute(select(Indicator.code).where(Indicator.rule_red.is_(True), Indicator.frequency == "monthly")
                         .order_by(Indicator.code)).scalars().first()
        drafts_before = s.execute(select(Nonconformity.breach_key).where(Nonconformity.status == "draft")).scalars().all()
    path = tmp_path / "rojo.csv"
    path.write_text(f"indicator,period,value,note\n{code},2025-11,50,caída total\n", encoding="utf-8")
    first = qms("import", "measurements", str(path), "--db", db_url)
    assert first.exit_code == 0, first.output
    path.write_text(f"indicator,period,value,note\n{code},2025-11,40,caída total\n", encoding="utf-8")
    again = qms("import", "measurements", str(path), "--replace", "--db", db_url)
    assert again.exit_code == 0, again.output
    with demo.read() as s:
        drafts = s.execute(select(Nonconformity.breach_key).where(Nonconformity.status == "draft")).scalars().all()
        assert sorted(set(drafts) - set(drafts_before)) == [f"red:{code}:2025-11"]
        assert trail.verify(s) == []
