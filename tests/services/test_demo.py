"""The IECM demo dataset: verbatim policy and objectives, the organization and process map,
indicators with long series, findings and nonconformities of every kind and state, a clean
trail, all-or-nothing and deterministic loading."""

from __future__ import annotations

import os
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from qms_tui.db.models import (
    Action,
    Audit,
    EffectivenessCheck,
    Finding,
    Indicator,
    Measurement,
    Nonconformity,
    Objective,
    OrgUnit,
    Person,
    Policy,
    Process,
    Project,
    Review,
    ReviewInput,
    TrailEvent,
)
from qms_tui.db.session import Database
from qms_tui.demo import DemoSummary, has_data, load_demo
from qms_tui.domain.errors import QmsError
from qms_tui.services import trail
from qms_tui.services.indicators import indicator_statuses, overdue_indicators
from qms_tui.services.setup import init_database

TODAY = date(2025, 11, 20)
SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_e18ae8f6df587a44.txt"
NC_STATES = {"draft", "registered", "correction", "root_cause", "action_plan", "implementation",
             "verification", "closed", "cancelled"}


def _seed() -> tuple[str, list[str]]:
    if not SEED.exists():
        pytest.skip(f"seed file not found: {SEED}")
    raw = SEED.read_text(encoding="utf-8")
    match = re.search(r"“(.*?)”", raw, re.S)
    assert match, "the seed has no quoted policy"
    objectives = [line.strip() for line in raw.split("Nuestros objetivos de calidad son:")[1].splitlines()
                  if line.strip()]
    return match.group(1), objectives


@pytest.fixture
def loaded(db: Database) -> tuple[Database, DemoSummary]:
    summary = load_demo(db, today=TODAY)
    print(f"\n{db.backend}: demo loaded in {summary.seconds:.2f} s, "
          f"{summary.total} records, {summary.trail_events} trail events")
    return db, summary


def test_policy_and_objectives_are_the_seed_text_verbatim(loaded):
    db, _ = loaded
    policy_text, objectives = _seed()
    assert len(objectives) == 4
    with db.read() as s:
        current = s.execute(select(Policy).where(Policy.status == "approved")).scalars().all()
        assert len(current) == 1 and current[0].text == policy_text
        assert s.execute(select(func.count()).select_from(Policy).where(Policy.status == "superseded")).scalar_one() >= 1
        titles = s.execute(select(Objective.title).order_by(Objective.code)).scalars().all()
    assert titles == objectives


def test_organization_processes_and_people(loaded):
    db, summary = loaded
    with db.read() as s:
        districts = s.execute(select(OrgUnit.district_no).where(OrgUnit.kind == "district")).scalars().all()
        assert sorted(districts) == list(range(1, 34))
        ts = {p.ts_process_no: p for p in s.execute(
            select(Process).where(Process.ts_process_no.is_not(None))).scalars()}
        assert sorted(ts) == list(range(1, 9))
        for no, proc in ts.items():
            if no in (1, 7):
                assert proc.applicable is False and "INE" in (proc.justification or "")
            else:
                assert proc.applicable is True and proc.owner_id is not None
        roles = dict(s.execute(select(Person.role, func.count()).group_by(Person.role)).all())
        auditors = set(s.execute(select(Person.id).where(Person.role == "auditor")).scalars())
        owners = set(s.execute(select(Process.owner_id)).scalars())
    assert roles.get("auditor", 0) >= 4 and roles.get("coordinator", 0) >= 1
    assert roles.get("admin", 0) >= 1 and roles.get("reader", 0) >= 1
    assert not auditors & owners, "internal auditors must own no process"
    assert summary["person"] >= 20 and has_data(db)


def test_indicators_have_long_series_with_every_light(loaded):
    db, _ = loaded
    with db.read() as s:
        rows = s.execute(
            select(Indicator.code, Indicator.frequency, func.count(Measurement.id))
            .join(Measurement, Measurement.indicator_id == Indicator.id).group_by(Indicator.id)
        ).all()
    assert len(rows) >= 12
    for code, frequency, n in rows:
        assert n >= (3 if frequency == "per_event" else 24), (code, frequency, n)
    lights = {st.light for st in indicator_statuses(db, TODAY)}
    assert {"green", "yellow", "red"} <= lights
    assert len(overdue_indicators(db, TODAY)) >= 2


def test_findings_and_nonconformities_cover_every_kind_and_state(loaded):
    db, _ = loaded
    with db.read() as s:
        kinds = set(s.execute(select(Finding.kind)).scalars())
        states = set(s.execute(select(Nonconformity.status)).scalars())
        reopened = s.execute(select(Nonconformity.status).where(Nonconformity.reopen_count > 0)).scalars().all()
        sources = set(s.execute(select(Nonconformity.source)).scalars())
        results = set(s.execute(select(EffectivenessCheck.result)).scalars())
        overdue = s.execute(select(func.count()).select_from(Action).where(
            Action.due_date < TODAY, Action.status.in_(["pending", "in_progress"]))).scalar_one()
        audits = set(s.execute(select(Audit.kind, Audit.status)).all())
        held = s.execute(select(Review.code).where(Review.status == "minutes_approved")).scalars().all()
        inputs = s.execute(select(func.count()).select_from(ReviewInput)).scalar_one()
        planned = s.execute(select(func.count()).select_from(Review).where(Review.status == "planned")).scalar_one()
        closed_project = s.execute(select(Project.benefit, Project.measured_result)
                                   .where(Project.pdca_stage == "closed")).first()
    assert kinds == {"major", "minor", "observation", "ofi", "strength"}
    assert NC_STATES <= states, NC_STATES - states
    assert any(st in ("root_cause", "action_plan", "implementation", "verification") for st in reopened)
    assert {"internal_audit", "external_audit", "indicator", "complaint"} <= sources
    assert {"effective", "not_effective"} <= results
    assert overdue >= 2
    assert {("internal", "closed"), ("recertification", "performed")} <= audits
    assert any(k == "internal" and st in ("planned", "confirmed") for k, st in audits)
    assert len(held) >= 1 and inputs >= 12 and planned >= 1
    assert closed_project is not None and closed_project.benefit and closed_project.measured_result


def test_trail_is_clean_and_a_second_load_is_refused(loaded):
    db, summary = loaded
    with db.read() as s:
        assert trail.verify(s) == []
        actors = set(s.execute(select(TrailEvent.actor)).scalars())
        before = s.execute(select(func.count()).select_from(TrailEvent)).scalar_one()
    assert {"lhernandez", "mtorres", "srodriguez", "ovargas"} <= actors
    assert summary.trail_events == before and str(summary)
    with pytest.raises(QmsError):
        load_demo(db, today=TODAY)
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(TrailEvent)).scalar_one() == before


# ---------------------------------------------------------------- determinism


@pytest.fixture
def second_db(db_url: str, tmp_path):  # type: ignore[no-untyped-def]
    """Another empty database on the same backend as ``db``."""
    if db_url.startswith("sqlite"):
        database = Database(f"sqlite:///{tmp_path / 'second.db'}")
        init_database(database)
        yield database
        database.dispose()
        return
    base = os.environ["QMS_TEST_POSTGRES_URL"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    database = Database(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        init_database(database)
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _snapshot(db: Database) -> dict[str, list[tuple]]:
    with db.read() as s:
        return {
            "indicator": s.execute(select(Indicator.code, Indicator.name, Indicator.target)
                                   .order_by(Indicator.code)).all(),
            "measurement": s.execute(select(Measurement.code, Measurement.period, Measurement.value)
                                     .order_by(Measurement.code)).all(),
            "finding": s.execute(select(Finding.code, Finding.kind, Finding.title).order_by(Finding.code)).all(),
            "nonconformity": s.execute(select(Nonconformity.code, Nonconformity.status,
                                              Nonconformity.detected_on, Nonconformity.title)
                                       .order_by(Nonconformity.code)).all(),
            "action": s.execute(select(Action.code, Action.status, Action.due_date).order_by(Action.code)).all(),
            "audit": s.execute(select(Audit.code, Audit.status, Audit.planned_start).order_by(Audit.code)).all(),
        }


def test_loading_is_deterministic(db, second_db):
    load_demo(db, today=TODAY)
    load_demo(second_db, today=TODAY)
    assert _snapshot(db) == _snapshot(second_db)


def test_a_failure_leaves_the_database_empty(db, monkeypatch):
    from qms_tui.demo import documents

    def boom(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(documents, "load_documents", boom)
    with pytest.raises(RuntimeError):
        load_demo(db, today=TODAY)
    assert not has_data(db)
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(TrailEvent)).scalar_one() == 0


def test_the_operator_becomes_a_demo_coordinator(db_url):
    from qms_tui.db.session import Database
    from qms_tui.demo import load_demo
    from qms_tui.services import org
    from qms_tui.services.setup import init_database

    db = Database(db_url)
    init_database(db)
    load_demo(db, today=date(2025, 11, 20), operator="tester")
    person = org.person_by_login(db, "tester")
    assert person is not None and person.role == "coordinator" and person.active
    db.dispose()
