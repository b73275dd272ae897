"""Risk and opportunity register: rating, order, residual rating and treatment actions."""

import pytest
from sqlalchemy import func, select

from qms_tui.db.models import Risk, TrailEvent
from qms_tui.domain.errors import TransitionError, ValidationError
from qms_tui.services import org, processes, risks, trail

RISK = {"kind": "risk", "title": "Retraso en la entrega de paquetes", "likelihood": 3, "impact": 4}


def _count(db, model):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_register_is_rated_and_ordered_by_level(db, actor):
    processes.create_process(db, actor, {"code": "LOG", "name": "Logística electoral", "category": "substantive"})
    low = risks.create_risk(db, actor, {**RISK, "title": "Bajo", "likelihood": 1, "impact": 2})
    crit = risks.create_risk(db, actor, {**RISK, "title": "Crítico", "likelihood": 5, "impact": 4,
                                         "process": "LOG", "residual_likelihood": 2, "residual_impact": 3})
    mid = risks.create_risk(db, actor, RISK)
    opp = risks.create_risk(db, actor, {**RISK, "kind": "opportunity", "title": "Voto anticipado",
                                        "likelihood": 2, "impact": 3, "treatment": "exploit"})
    register = risks.risk_register(db)
    assert [r.code for r in register] == [crit.code, mid.code, opp.code, low.code]
    assert [(r.level, r.band) for r in register] == [(20, "critical"), (12, "high"), (6, "medium"), (2, "low")]
    top = register[0]
    assert (top.residual_level, top.residual_band, top.process) == (6, "medium", "LOG")
    assert register[1].residual_level is None and register[1].residual_band is None
    assert [r.code for r in risks.risk_register(db, kind="opportunity")] == [opp.code]
    assert [r.code for r in risks.risk_register(db, process="LOG")] == [crit.code]
    assert risks.risk_row(db, mid.code).level == 12
    with db.read() as s:
        assert trail.verify(s) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"likelihood": 6}, "likelihood"),
        ({"impact": "alto"}, "impact"),
        ({"residual_likelihood": 2}, "residual_impact"),
        ({"residual_impact": 2}, "residual_likelihood"),
    ],
)
def test_invalid_risk_names_the_field_and_writes_nothing(db, actor, changes, field):
    with pytest.raises(ValidationError) as err:
        risks.create_risk(db, actor, {**RISK, **changes})
    assert err.value.fields == [field]
    assert _count(db, TrailEvent) == 0


def test_update_checks_residual_pair_against_stored_values(db, actor):
    r = risks.create_risk(db, actor, {**RISK, "residual_likelihood": 1, "residual_impact": 2})
    with pytest.raises(ValidationError) as err:
        risks.update_risk(db, actor, r.code, {"residual_impact": ""})
    assert err.value.fields == ["residual_impact"]
    cleared = risks.update_risk(db, actor, r.code, {"residual_impact": "", "residual_likelihood": None})
    assert cleared.residual_impact is None and cleared.version == 2
    updated = risks.update_risk(db, actor, r.code, {"impact": 5, "status": "treating"})
    assert (updated.impact, updated.status, updated.version) == (5, "treating", 3)
    with pytest.raises(ValidationError) as err:
        risks.update_risk(db, actor, r.code, {"status": ""})
    assert err.value.fields == ["status"]


def test_treatment_actions_link_to_the_risk(db, actor):
    org.create_person(db, actor, {"code": "jlopez", "name": "José López", "role": "process_owner"})
    r = risks.create_risk(db, actor, {**RISK, "owner": "jlopez"})
    a = risks.add_risk_action(db, actor, r.code, {"kind": "preventive", "description": "Rutas alternas",
                                                  "owner": "jlopez", "due_date": "2025-05-01"})
    assert a.risk_id == r.id and a.status == "pending"
    row = risks.risk_row(db, r.code)
    assert row.open_actions == 1 and row.owner == "José López"
    assert [x.code for x in risks.risk_actions(db, r.code)] == [a.code]
    with pytest.raises(ValidationError) as err:
        risks.add_risk_action(db, actor, r.code, {"kind": "preventive", "description": "x", "owner": "jlopez"})
    assert err.value.fields == ["due_date"]
    risks.update_risk(db, actor, r.code, {"status": "closed"})
    with pytest.raises(TransitionError):
        risks.add_risk_action(db, actor, r.code, {"kind": "preventive", "description": "Otra",
                                                  "owner": "jlopez", "due_date": "2025-06-01"})
    assert _count(db, Risk) == 1
    with db.read() as s:
        assert trail.verify(s) == []
