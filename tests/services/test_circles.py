"""Quality circles: members, meetings with agreements, improvement projects through PDCA."""

from datetime import date

import pytest
from sqlalchemy import func, select

from qms_tui.db.models import Agreement, Meeting, TrailEvent
from qms_tui.domain.errors import ConcurrencyError, NotFound, TransitionError, ValidationError
from qms_tui.services import circles as C
from qms_tui.services import records, trail


def _count(db, model=TrailEvent):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def circle(db, actor):
    with db.write() as s:
        records.create(s, actor, "org_unit", {"code": "DEOE", "name": "Dirección Ejecutiva de Organización Electoral",
                                              "kind": "executive"})
        for code, name in (("ana", "Ana López"), ("beto", "Beto Ruiz"), ("caro", "Carolina Pérez")):
            records.create(s, actor, "person", {"code": code, "name": name, "role": "process_owner"})
        records.create(s, actor, "indicator", {"name": "Tiempo de entrega de paquetes", "unit": "h",
                                               "direction": "lower", "target": 10, "frequency": "per_event"})
    return C.create_circle(db, actor, {"name": "Círculo Paquetes a Tiempo", "org_unit": "DEOE",
                                       "formed_on": "2025-01-15"})


def test_members_once_each_and_one_leader(db, actor, circle):
    C.add_member(db, actor, circle.code, "ana", "leader")
    C.add_member(db, actor, circle.code, "beto", "secretary")
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        C.add_member(db, actor, circle.code, "ana", "member")
    assert err.value.fields == ["person"]
    with pytest.raises(ValidationError) as err:
        C.add_member(db, actor, circle.code, "caro", "leader")
    assert err.value.fields == ["role"] and "Ana López" in str(err.value)
    with pytest.raises(ValidationError) as err:
        C.add_member(db, actor, circle.code, "nadie", "jefa")
    assert set(err.value.fields) == {"person", "role"}
    assert _count(db) == before
    C.add_member(db, actor, circle.code, "caro", "member")
    detail = C.circle_detail(db, circle.code)
    assert [(m.person_code, m.role) for m in detail.members] == [("ana", "leader"), ("beto", "secretary"),
                                                                 ("caro", "member")]
    assert detail.org_unit_name.startswith("Dirección Ejecutiva")
    C.remove_member(db, actor, circle.code, "ana")
    C.add_member(db, actor, circle.code, "ana", "member")
    C.remove_member(db, actor, circle.code, "caro")
    C.add_member(db, actor, circle.code, "caro", "leader")  # the leader left: a new one may be named
    with pytest.raises(NotFound):
        C.remove_member(db, actor, circle.code, "nadie")
    with db.read() as s:
        assert trail.verify(s) == []


def test_update_circle(db, actor, circle):
    assert C.update_circle(db, actor, circle.code, {"active": False}, expected_version=1).active is False


def test_meetings_are_numbered_per_circle_with_their_agreements(db, actor, circle):
    other = C.create_circle(db, actor, {"name": "Círculo PREP"})
    m1 = C.record_meeting(db, actor, circle.code, {"date": "2025-02-01", "minutes": "Selección del tema"},
                          [{"text": "Levantar datos de entrega", "owner": "beto", "due_date": "2025-02-15"},
                           {"text": "Pareto de causas"}])
    m2 = C.record_meeting(db, actor, circle.code, {"date": "2025-02-15", "minutes": "Análisis", "pdca_stage": "plan"})
    mo = C.record_meeting(db, actor, other.code, {"date": "2025-02-16", "minutes": "Arranque"})
    assert (m1.meeting.number, m2.meeting.number, mo.meeting.number) == (1, 2, 1)
    assert [a.text for a in m1.agreements] == ["Levantar datos de entrega", "Pareto de causas"]
    assert all(a.status == "open" and a.meeting_id == m1.meeting.id for a in m1.agreements)
    assert m1.circle_name == "Círculo Paquetes a Tiempo"
    extra = C.add_agreement(db, actor, m2.meeting.code, {"text": "Presentar a la Dirección"})
    assert len(C.meeting_detail(db, m2.meeting.code).agreements) == 1 and extra.meeting_id == m2.meeting.id
    assert [m.number for m in C.circle_detail(db, circle.code).meetings] == [1, 2]


def test_a_bad_agreement_writes_no_meeting(db, actor, circle):
    before = (_count(db), _count(db, Meeting), _count(db, Agreement))
    with pytest.raises(ValidationError) as err:
        C.record_meeting(db, actor, circle.code, {"date": "2025-02-01", "minutes": "Sesión"},
                         [{"text": "Bien"}, {"text": "", "due_date": "mañana"}])
    assert set(err.value.fields) == {"text", "due_date"}
    assert all(e.params["row"] == 2 for e in err.value.errors)
    with pytest.raises(ValidationError) as err:
        C.record_meeting(db, actor, circle.code, {"date": "", "minutes": ""})
    assert set(err.value.fields) == {"date", "minutes"}
    assert (_count(db), _count(db, Meeting), _count(db, Agreement)) == before


def test_a_meeting_cannot_point_to_another_circles_project(db, actor, circle):
    other = C.create_circle(db, actor, {"name": "Círculo PREP"})
    p = C.create_project(db, actor, {"circle": other.code, "title": "PREP", "problem": "x", "started_on": "2025-01-01"})
    with pytest.raises(ValidationError) as err:
        C.record_meeting(db, actor, circle.code, {"date": "2025-02-01", "minutes": "x", "project": p.code})
    assert err.value.fields == ["project"]


def test_agreement_status_follows_its_lifecycle(db, actor, circle):
    m = C.record_meeting(db, actor, circle.code, {"date": "2025-02-01", "minutes": "x"}, [{"text": "Hacer"}])
    code = m.agreements[0].code
    assert C.set_agreement_status(db, actor, code, "done").status == "done"
    assert C.set_agreement_status(db, actor, code, "open").status == "open"
    assert C.set_agreement_status(db, actor, code, "cancelled").status == "cancelled"
    before = _count(db)
    with pytest.raises(TransitionError):
        C.set_agreement_status(db, actor, code, "done")
    with pytest.raises(ValidationError) as err:
        C.set_agreement_status(db, actor, code, "hecho?")
    assert err.value.fields == ["status"] and _count(db) == before


def test_agreement_status_refuses_a_stale_version(db, actor, circle):
    m = C.record_meeting(db, actor, circle.code, {"date": "2025-02-01", "minutes": "x"}, [{"text": "Hacer"}])
    seen = m.agreements[0]
    C.set_agreement_status(db, actor, seen.code, "done")  # someone else, meanwhile
    before = _count(db)
    with pytest.raises(ConcurrencyError):
        C.set_agreement_status(db, actor, seen.code, "cancelled", expected_version=seen.version)
    assert _count(db) == before
    assert C.set_agreement_status(db, actor, seen.code, "open", expected_version=seen.version + 1).status == "open"


PROJECT = {"title": "Reducir el tiempo de entrega de paquetes", "problem": "Entregas tardías en 12 distritos",
           "indicator": "IND-001", "baseline": 20, "target": 10, "unit": "h", "started_on": "2025-02-01"}


def test_project_through_pdca_with_guards(db, actor, circle):
    p = C.create_project(db, actor, {**PROJECT, "circle": circle.code})
    assert p.pdca_stage == "plan" and p.code == "PM-2025-01"
    assert C.advance_project(db, actor, p.code, "do").pdca_stage == "do"
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        C.advance_project(db, actor, p.code, "check")
    assert err.value.fields == ["measured_result"]
    with pytest.raises(ValidationError) as err:
        C.advance_project(db, actor, p.code, "check", measured_result="doce")
    assert err.value.fields == ["measured_result"]
    with pytest.raises(ValidationError) as err:
        C.advance_project(db, actor, p.code, "revisar")
    assert err.value.fields == ["stage"]
    with pytest.raises(TransitionError):
        C.advance_project(db, actor, p.code, "closed")
    assert _count(db) == before
    assert C.advance_project(db, actor, p.code, "check", measured_result=12).measured_result == 12
    C.advance_project(db, actor, p.code, "act")
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        C.advance_project(db, actor, p.code, "closed", closed_on="2024-12-31")
    assert set(err.value.fields) == {"benefit", "closed_on"} and _count(db) == before
    # a new PDCA turn: the stored measured result still satisfies Check
    assert C.advance_project(db, actor, p.code, "plan").pdca_stage == "plan"
    for stage in ("do", "check", "act"):
        C.advance_project(db, actor, p.code, stage)
    done = C.advance_project(db, actor, p.code, "closed", benefit="8 horas menos por entrega",
                             closed_on=date(2025, 9, 30))
    assert (done.pdca_stage, done.closed_on, done.benefit) == ("closed", date(2025, 9, 30), "8 horas menos por entrega")
    with pytest.raises(TransitionError):
        C.update_project(db, actor, p.code, {"title": "Otro"})
    with db.read() as s:
        assert trail.verify(s) == []


def test_closing_defaults_to_today(db, actor, circle):
    p = C.create_project(db, actor, {**PROJECT, "benefit": "Menos quejas"})
    for stage in ("do", "check", "act", "closed"):
        p = C.advance_project(db, actor, p.code, stage, measured_result=9 if stage == "check" else None)
    assert p.closed_on == date.today()


def test_project_detail_improvement_and_target(db, actor, circle):
    p = C.create_project(db, actor, {**PROJECT, "circle": circle.code})
    m = C.record_meeting(db, actor, circle.code, {"date": "2025-03-01", "minutes": "Plan", "project": p.code})
    d = C.project_detail(db, p.code)
    assert d.improvement is None and d.target_reached is None
    assert d.circle_name == "Círculo Paquetes a Tiempo" and d.indicator_code == "IND-001"
    assert [x.code for x in d.meetings] == [m.meeting.code] and m.project_code == p.code
    C.update_project(db, actor, p.code, {"measured_result": 12})
    d = C.project_detail(db, p.code)  # downwards: 20 → 10
    assert d.improvement == pytest.approx(-8) and d.progress == pytest.approx(80) and d.target_reached is False
    C.update_project(db, actor, p.code, {"measured_result": 9.5})
    assert C.project_detail(db, p.code).target_reached is True
    C.update_project(db, actor, p.code, {"baseline": 80, "target": 95, "measured_result": 96.1})
    d = C.project_detail(db, p.code)  # upwards: 80 → 95
    assert d.improvement == pytest.approx(16.1) and d.target_reached is True


def test_target_maths():
    assert C.target_reached(80, 95, 94.9) is False
    assert C.target_reached(80, 95, 95) is True
    assert C.target_reached(20, 10, 10) is True
    assert C.target_reached(None, 10, 9, "lower") is True
    assert C.target_reached(None, 10, 9) is False  # no baseline, no direction: upwards
    assert C.target_reached(10, 10, 11, "lower") is False
    assert C.target_reached(10, None, 11) is None
    assert C.improvement(0.1, 0.3) == pytest.approx(0.2) and C.improvement(None, 3) is None
    assert C.progress(20, 10, 15) == pytest.approx(50) and C.progress(10, 10, 12) is None


def test_projects_by_stage(db, actor, circle):
    a = C.create_project(db, actor, PROJECT)
    b = C.create_project(db, actor, {**PROJECT, "title": "Otro"})
    C.advance_project(db, actor, b.code, "do")
    C.advance_project(db, actor, b.code, "cancelled")
    groups = C.projects_by_stage(db)
    assert list(groups) == ["plan", "do", "check", "act", "closed", "cancelled"]
    assert [p.code for p in groups["plan"]] == [a.code] and [p.code for p in groups["cancelled"]] == [b.code]
    assert groups["do"] == []
