"""Quality policy versions, their communication, objectives and the objectives overview."""

from datetime import date

import pytest
from sqlalchemy import func, select

from qms_tui.db.models import Policy, TrailEvent
from qms_tui.domain.errors import TransitionError, ValidationError
from qms_tui.services import indicators, org, policy, trail

TEXT = "El IECM se compromete a organizar elecciones y mecanismos de participación con calidad."


def _verify(db):
    with db.read() as s:
        assert trail.verify(s) == []


def test_versions_are_numbered_drafts(db, actor):
    v1 = policy.create_policy_version(db, actor, TEXT)
    v2 = policy.create_policy_version(db, actor, TEXT + " v2", effective_from="2025-01-01", notes="ajuste")
    assert (v1.number, v1.status, v1.clauses) == (1, "draft", ("5.2.1", "5.2.2"))
    assert (v2.number, v2.effective_from) == (2, date(2025, 1, 1))
    assert policy.current_policy(db) is None
    assert [v.number for v in policy.policy_versions(db)] == [2, 1]
    with pytest.raises(ValidationError) as err:
        policy.create_policy_version(db, actor, "   ")
    assert err.value.fields == ["text"]


def test_approval_supersedes_the_previous_version(db, actor):
    org.create_person(db, actor, {"code": "coord", "name": "Coordinación", "role": "coordinator"})
    v1 = policy.create_policy_version(db, actor, TEXT)
    a1 = policy.approve_policy(db, actor, v1.code, approved_on="2024-03-01")
    assert (a1.status, a1.approved_on, a1.effective_from) == ("approved", date(2024, 3, 1), date(2024, 3, 1))
    assert a1.approved_by_id == org.person_by_login(db, "coord").id
    v2 = policy.create_policy_version(db, actor, TEXT + " Revisada.")
    a2 = policy.approve_policy(db, actor, v2.code, approved_on=date(2025, 2, 1), effective_from="2025-03-01")
    assert a2.effective_from == date(2025, 3, 1)
    statuses = {v.code: v.status for v in policy.policy_versions(db)}
    assert statuses == {v1.code: "superseded", v2.code: "approved"}
    assert policy.current_policy(db).code == v2.code
    with pytest.raises(TransitionError):
        policy.approve_policy(db, actor, v1.code)
    with pytest.raises(TransitionError):
        policy.approve_policy(db, actor, v2.code)
    _verify(db)


def test_failed_approval_changes_nothing(db, actor):
    v1 = policy.create_policy_version(db, actor, TEXT)
    policy.approve_policy(db, actor, v1.code)
    v2 = policy.create_policy_version(db, actor, TEXT)
    with db.read() as s:
        before = s.execute(select(func.count()).select_from(TrailEvent)).scalar_one()
    with pytest.raises(ValidationError) as err:
        policy.approve_policy(db, actor, v2.code, approved_on="ayer")
    assert err.value.fields == ["approved_on"]
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(TrailEvent)).scalar_one() == before
        assert s.execute(select(Policy.status).where(Policy.code == v1.code)).scalar_one() == "approved"


def test_communication_of_an_approved_version(db, actor):
    v1 = policy.create_policy_version(db, actor, TEXT)
    data = {"date": "2025-02-10", "channel": "Intranet", "audience": "Todo el personal"}
    with pytest.raises(TransitionError):
        policy.add_communication(db, actor, v1.code, data)
    policy.approve_policy(db, actor, v1.code)
    c = policy.add_communication(db, actor, v1.code, data)
    assert c.policy_id == v1.id and c.channel == "Intranet"
    with pytest.raises(ValidationError) as err:
        policy.add_communication(db, actor, v1.code, {**data, "audience": ""})
    assert err.value.fields == ["audience"]
    _verify(db)


def test_objectives_plans_and_overview(db, actor):
    o1 = policy.create_objective(db, actor, {"title": "Instalar todas las casillas", "clauses": "6.2.1"})
    o2 = policy.create_objective(db, actor, {"title": "Atender quejas a tiempo"})
    o3 = policy.create_objective(db, actor, {"title": "Objetivo retirado", "status": "retired"})
    assert o1.status == "active" and o1.clauses == ("6.2.1",)
    plan = policy.add_objective_plan(db, actor, o1.code, {"what": "Capacitar a CAE", "due_date": "2025-05-01",
                                                          "evaluation": "Indicador IND-001"})
    assert plan.objective_id == o1.id
    with pytest.raises(TransitionError):
        policy.add_objective_plan(db, actor, o3.code, {"what": "Nada"})
    with pytest.raises(ValidationError) as err:
        policy.add_objective_plan(db, actor, o1.code, {"what": ""})
    assert err.value.fields == ["what"]
    base = {"unit": "%", "direction": "higher", "target": 100, "frequency": "monthly", "objective": o1.code}
    good = indicators.create_indicator(db, actor, {**base, "name": "A"})
    bad = indicators.create_indicator(db, actor, {**base, "name": "B"})
    indicators.create_indicator(db, actor, {**base, "name": "C sin datos"})
    indicators.record_measurement(db, actor, good.code, "2025-01", 100)
    indicators.record_measurement(db, actor, bad.code, "2025-01", 85)
    overview = policy.objectives_overview(db, date(2025, 2, 1))
    assert [o.objective.code for o in overview] == [o1.code, o2.code]
    first, second = overview
    assert [p.code for p in first.plans] == [plan.code]
    assert [st.light for st in first.indicators] == ["green", "yellow", "none"]
    assert first.light == "yellow" and first.symbol == "▲"
    assert second.light == "none" and second.indicators == [] and second.plans == []
    assert len(policy.objectives_overview(db, include_retired=True)) == 3
    updated = policy.update_objective(db, actor, o2.code, {"status": "achieved"})
    assert updated.status == "achieved"
    with pytest.raises(ValidationError) as err:
        policy.update_objective(db, actor, o2.code, {"status": ""})
    assert err.value.fields == ["status"]
    _verify(db)
