"""Management review (9.3): lifecycle, inputs gathered from the data, decisions and actions."""

from datetime import date

import pytest
from sqlalchemy import func, select

from qms_tui import i18n
from qms_tui.db.models import Action, ReviewOutput, TrailEvent
from qms_tui.domain.errors import TransitionError, ValidationError
from qms_tui.domain.periods import parse_period
from qms_tui.services import records, trail
from qms_tui.services import reviews as R

TODAY = date(2025, 11, 30)


def _count(db, model=TrailEvent, **where):
    with db.read() as s:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return s.execute(stmt).scalar_one()


@pytest.fixture
def people(db, actor):
    with db.write() as s:
        records.create(s, actor, "person", {"code": "coord", "name": "Ana Coordinadora", "role": "coordinator"})
        records.create(s, actor, "person", {"code": "mgarcia", "name": "María García", "role": "process_owner"})


@pytest.fixture
def review(db, actor, people):
    return R.create_review(db, actor, {"title": "Revisión por la dirección 2025", "planned_date": "2025-12-01",
                                       "clauses": "9.3"})


ACTION = {"description": "Actualizar la matriz de riesgos", "owner": "mgarcia", "due_date": "2026-03-31"}


def _held(db, actor, code, on="2025-12-01"):
    return R.hold_review(db, actor, code, on, "El SGCE es conveniente, adecuado y eficaz.",
                         participants="Secretaría Ejecutiva; Comité de Calidad")


# ---------------------------------------------------------------- lifecycle


def test_plan_hold_decide_and_approve(db, actor, review):
    assert review.code == "RD-2025-01" and review.status == "planned" and review.clauses == ("9.3",)
    assert R.update_review(db, actor, review.code, {"title": "RxD 2025"}, expected_version=1).title == "RxD 2025"
    held = _held(db, actor, review.code)
    assert (held.status, held.held_on) == ("held", date(2025, 12, 1))
    assert held.participants.startswith("Secretaría Ejecutiva")
    out, act = R.add_output(db, actor, review.code, "resources", "Asignar un analista al SGCE", ACTION)
    assert out.kind == "resources" and act.kind == "improvement" and act.review_id == held.id
    assert act.status == "pending" and act.due_date == date(2026, 3, 31)
    out2, none = R.add_output(db, actor, review.code, "change", "Integrar el proceso de voto por internet")
    assert none is None
    extra = R.add_output_action(db, actor, out2.code, {**ACTION, "kind": "preventive",
                                                       "description": "Actualizar el mapa de procesos"})
    done = R.approve_minutes(db, actor, review.code, approved_on=date(2025, 12, 5))
    assert (done.status, done.minutes_approved_on) == ("minutes_approved", date(2025, 12, 5))
    detail = R.review_detail(db, review.code)
    assert detail.approver_name == "Ana Coordinadora" and detail.review.minutes_approved_by_id is not None
    assert [(line.output.code, [a.code for a in line.actions]) for line in detail.outputs] == [
        (out.code, [act.code]), (out2.code, [extra.code])]
    assert detail.other_actions == () and detail.previous_review is None
    with db.read() as s:
        assert trail.verify(s) == []


def test_hold_needs_date_and_conclusions(db, actor, review):
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        R.hold_review(db, actor, review.code, None, "  ")
    assert set(err.value.fields) == {"held_on", "conclusions"}
    with pytest.raises(ValidationError) as err:
        R.hold_review(db, actor, review.code, "1 de diciembre", "Conclusiones")
    assert err.value.fields == ["held_on"]
    assert _count(db) == before
    _held(db, actor, review.code)
    with pytest.raises(TransitionError):
        _held(db, actor, review.code)


def test_decisions_need_a_held_review_and_valid_actions(db, actor, review):
    before = _count(db)
    with pytest.raises(TransitionError):
        R.add_output(db, actor, review.code, "improvement", "Antes de sesionar")
    assert _count(db) == before
    _held(db, actor, review.code)
    before = (_count(db), _count(db, ReviewOutput), _count(db, Action))
    with pytest.raises(ValidationError) as err:
        R.add_output(db, actor, review.code, "improvement", "Mejorar el PREP",
                     {"description": "Simulacros", "owner": "nadie", "due_date": ""})
    assert set(err.value.fields) == {"owner", "due_date"}
    with pytest.raises(ValidationError) as err:
        R.add_output(db, actor, review.code, "otra cosa", "")
    assert set(err.value.fields) == {"kind", "decision"}
    assert (_count(db), _count(db, ReviewOutput), _count(db, Action)) == before


def test_minutes_need_a_decision_and_conclusions(db, actor, review):
    with pytest.raises(TransitionError):
        R.approve_minutes(db, actor, review.code)  # still planned
    _held(db, actor, review.code)
    before = _count(db)
    with pytest.raises(TransitionError) as err:
        R.approve_minutes(db, actor, review.code)
    assert "decision" in str(err.value) and _count(db) == before
    R.add_output(db, actor, review.code, "improvement", "Mejorar la capacitación")
    with pytest.raises(ValidationError) as err:
        R.approve_minutes(db, actor, review.code, approved_on="2025-11-01")  # before it was held
    assert err.value.fields == ["approved_on"]
    with pytest.raises(ValidationError) as err:
        R.approve_minutes(db, actor, review.code, approved_on="ayer")
    assert err.value.fields == ["approved_on"]
    R.update_review(db, actor, review.code, {"conclusions": ""})
    before = _count(db)
    with pytest.raises(TransitionError) as err:
        R.approve_minutes(db, actor, review.code)
    assert "conclusions" in str(err.value) and _count(db) == before


def test_approved_minutes_freeze_the_review(db, actor, review):
    [first] = [i for i in R.gather_inputs(db, actor, review.code, today=TODAY) if i.item == "a"]
    _held(db, actor, review.code)
    R.add_output(db, actor, review.code, "improvement", "Mejorar la capacitación")
    R.approve_minutes(db, actor, review.code, approved_on=date(2025, 12, 2))
    before = _count(db)
    for call in (
        lambda: R.update_review(db, actor, review.code, {"title": "Otro"}),
        lambda: R.edit_input(db, actor, first.code, "Texto"),
        lambda: R.gather_inputs(db, actor, review.code, today=TODAY),
        lambda: R.add_output(db, actor, review.code, "change", "Tarde"),
    ):
        with pytest.raises(TransitionError):
            call()
    assert _count(db) == before


# ---------------------------------------------------------------- gathering


def _measure(s, actor, indicator, period, value):
    p = parse_period(period)
    records.create(s, actor, "measurement", {"indicator": indicator, "period": period, "value": value},
                   extra={"period_start": p.start, "period_end": p.end})


@pytest.fixture
def dataset(db, actor, people):
    """A year of data: indicators, NCs, an audit with findings, risks, a project and a
    previous review with an open action."""
    prev = R.create_review(db, actor, {"title": "RxD 2024", "planned_date": "2024-11-20"})
    _held(db, actor, prev.code, on="2024-11-25")
    _, prev_action = R.add_output(db, actor, prev.code, "improvement", "Reforzar la capacitación",
                                  {**ACTION, "due_date": "2025-03-31"})
    R.approve_minutes(db, actor, prev.code, approved_on=date(2024, 11, 28))
    with db.write() as s:
        c = lambda entity, data, **kw: records.create(s, actor, entity, data, **kw)  # noqa: E731
        c("process", {"code": "PR-01", "name": "Organización electoral", "category": "substantive"})
        c("event", {"code": "CPP-2025", "name": "Consulta de Presupuesto Participativo 2025",
                    "kind": "participation", "start_date": "2025-01-15", "key_date": "2025-05-04",
                    "end_date": "2025-06-30"})
        c("objective", {"title": "Organizar la consulta con calidad", "process": "PR-01"})
        base = {"unit": "%", "direction": "higher", "target": 95, "frequency": "monthly",
                "objective": "OBJ-01", "process": "PR-01"}
        c("indicator", {**base, "name": "MRVO instaladas"})
        c("indicator", {**base, "name": "Paquetes a tiempo"})
        c("indicator", {"name": "Quejas atendidas", "unit": "días", "direction": "lower", "target": 10,
                        "frequency": "quarterly", "clauses": "9.1.2"})
        _measure(s, actor, "IND-001", "2025-10", 98)
        _measure(s, actor, "IND-002", "2025-09", 96)
        _measure(s, actor, "IND-002", "2025-10", 70)
        _measure(s, actor, "IND-003", "2024-06", 5)  # before the period: no data in it
        nc = {"description": "…", "detected_on": "2025-03-10", "source": "internal_audit"}
        c("nonconformity", {**nc, "title": "Paquetes sin acuse", "severity": "major"})
        c("nonconformity", {**nc, "title": "Queja sin respuesta", "source": "complaint", "severity": "minor",
                            "detected_on": "2025-05-01"}, extra={"status": "closed", "closed_on": date(2025, 6, 1)})
        c("nonconformity", {**nc, "title": "Antigua", "detected_on": "2024-06-01"})
        overdue = c("action", {"nonconformity": "NC-2025-001", "kind": "corrective", "description": "Acuses",
                               "owner": "mgarcia", "due_date": "2025-05-01"})
        c("audit", {"title": "Auditoría interna 2025", "kind": "internal", "scope": "PR-01",
                    "planned_start": "2025-04-01", "planned_end": "2025-04-03"})
        c("audit", {"title": "Auditoría de seguimiento", "kind": "internal", "scope": "PR-01",
                    "planned_start": "2025-10-01", "planned_end": "2025-10-02"})
        audit = records.get_row(s, "audit", "AUD-2025-01")
        records.transition(s, actor, "audit", audit, "status", "performed", {"actual_end": date(2025, 4, 3)})
        minor = c("finding", {"audit": "AUD-2025-01", "kind": "minor", "title": "Proveedor sin evaluar",
                              "description": "…", "clauses": "8.4.1"})
        ofi = c("finding", {"audit": "AUD-2025-01", "kind": "ofi", "title": "Digitalizar las actas",
                            "description": "…"})
        c("risk", {"kind": "risk", "title": "Retraso en la entrega de material", "likelihood": 4, "impact": 4,
                   "treatment": "mitigate"})
        c("risk", {"kind": "opportunity", "title": "Voto por internet", "likelihood": 2, "impact": 2})
        c("project", {"title": "Paquetes a tiempo", "problem": "…", "started_on": "2025-06-01"},
          extra={"pdca_stage": "do"})
    return {"prev": prev, "prev_action": prev_action, "overdue": overdue, "minor": minor, "ofi": ofi}


def _by_item(inputs):
    return {i.item: i.summary for i in inputs}


def test_gather_inputs_summarises_the_data_of_the_period(db, actor, review, dataset):
    inputs = R.gather_inputs(db, actor, review.code, today=TODAY, lang="en")
    assert [i.item for i in inputs] == ["a", "b", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "d", "e", "f"]
    got = _by_item(inputs)
    for text in got.values():
        assert text.startswith("Period: 2024-11-25 to 2025-11-30 (since review RD-2024-01).")
    assert "Actions from previous reviews: 1 (pending 1)." in got["a"]
    assert f"{dataset['prev_action'].code} overdue since 2025-03-31" in got["a"]
    assert "CPP-2025 Consulta de Presupuesto Participativo 2025" in got["b"]
    assert "NC-2025-002" in got["c1"] and "IND-003 no data" in got["c1"]
    assert "Quality objectives: 1; met (all indicators green): 0." in got["c2"]
    assert "OBJ-01 «Organizar la consulta con calidad»: IND-001 on target (98), IND-002 off target (70)" in got["c2"]
    assert "PR-01: green 1, yellow 0, red 1, no data 0" in got["c3"]
    assert "(no process): green 0, yellow 0, red 0, no data 1" in got["c3"]
    assert "Nonconformities opened in the period: 2 (NC-2025-001, NC-2025-002); closed: 1." in got["c4"]
    assert "Open now: 2 (major 1, minor 0, not classified 1)." in got["c4"]
    assert f"Corrective actions overdue: 1 ({dataset['overdue'].code})." in got["c4"]
    assert "Latest results of 3 active indicators: green 1, yellow 0, red 1, no data 1." in got["c5"]
    assert "Off target (red): IND-002 70 against 95 (2025-10)." in got["c5"]
    assert "Measurements for periods in the review period: 3." in got["c5"]
    assert "Audit AUD-2025-01 «Auditoría interna 2025» (internal audit), 2025-04-03." in got["c6"]
    assert "Findings: 2 (minor nonconformity 1, opportunity for improvement 1)." in got["c6"]
    assert "Planned in the period and not yet performed: AUD-2025-02." in got["c6"]
    assert "Audit findings linked to clause 8.4: 1 (minor nonconformity 1)." in got["c7"]
    assert got["d"].endswith("No records in the period — complete by hand.")
    assert "Open risks: 1 (critical 0, high 1, medium 0, low 0); open opportunities: 1." in got["e"]
    assert "High risks: RO-001." in got["e"] and "Treatment: mitigate 1; without treatment: 0." in got["e"]
    assert f"{dataset['ofi'].code} Digitalizar las actas" in got["f"]
    assert "Improvement projects by PDCA stage: Do 1." in got["f"] and "RO-002" in got["f"]
    with db.read() as s:
        assert trail.verify(s) == []


def test_refresh_keeps_text_edited_by_people_and_rewrites_only_what_changed(db, actor, review, dataset):
    first = {i.item: i for i in R.gather_inputs(db, actor, review.code, today=TODAY)}
    events = _count(db, entity="review_input")
    assert events == 12
    assert R.gather_inputs(db, actor, review.code, today=TODAY) and _count(db, entity="review_input") == 12
    R.edit_input(db, actor, first["c1"].code, "Encuesta de satisfacción: 92 % satisfechos.", expected_version=1)
    with db.write() as s:
        records.create(s, actor, "nonconformity", {"title": "Nueva", "description": "…", "source": "complaint",
                                                   "detected_on": "2025-11-01"})
    events = _count(db, entity="review_input")
    again = _by_item(R.gather_inputs(db, actor, review.code, today=TODAY))
    assert _count(db, entity="review_input") == events + 1  # only c4 was rewritten
    assert "Nonconformities opened in the period: 3" in again["c4"]
    assert again["c1"] == "Encuesta de satisfacción: 92 % satisfechos."  # kept, though complaints changed
    detail = R.review_detail(db, review.code)
    assert detail.edited == {first["c1"].code} and detail.previous_review == "RD-2024-01"
    assert [i.item for i in detail.inputs][:3] == ["a", "b", "c1"]


def test_without_an_earlier_review_the_period_is_twelve_months(db, actor, review):
    got = _by_item(R.gather_inputs(db, actor, review.code, today=date(2024, 2, 29)))
    assert got["a"].startswith("Period: 2023-02-28 to 2024-02-29 (last 12 months; no earlier review held).")
    assert "No actions from previous reviews." in got["a"]
    assert got["b"].endswith("No records in the period — complete by hand.")
    assert "No quality objectives recorded." in got["c2"]


def test_spanish_gathering_does_not_crash(db, actor, review, dataset):
    assert len(R.gather_inputs(db, actor, review.code, today=TODAY, lang="es")) == 12
    i18n.set_language("es")
    assert len(R.gather_inputs(db, actor, review.code, today=TODAY)) == 12  # language of the session


def test_edit_input_needs_text(db, actor, review):
    first = R.gather_inputs(db, actor, review.code, today=TODAY)[0]
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        R.edit_input(db, actor, first.code, "   ")
    assert err.value.fields == ["summary"] and _count(db) == before


def test_actions_of_a_review_not_tied_to_a_decision_are_listed_apart(db, actor, review):
    with db.write() as s:
        loose = records.create(s, actor, "action", {**ACTION, "kind": "improvement", "review": review.code})
    detail = R.review_detail(db, review.code)
    assert [a.code for a in detail.other_actions] == [loose.code] and detail.outputs == ()


def test_actions_of_a_decision_carry_it_and_are_listed_under_it(db, actor, review):
    _held(db, actor, review.code)
    out, act = R.add_output(db, actor, review.code, "improvement", "Reforzar la capacitación",
                            {**ACTION, "review_output": "SR-9999"})  # the decision is set by the service
    other, _ = R.add_output(db, actor, review.code, "change", "Integrar el voto por internet")
    extra = R.add_output_action(db, actor, other.code, ACTION)
    assert (act.review_output_id, act.review_id) == (out.id, review.id)
    assert (extra.review_output_id, extra.review_id) == (other.id, review.id)
    with db.read() as s:
        assert records.get_row(s, "action", act.code).review_output_id == out.id
    detail = R.review_detail(db, review.code)
    assert [(line.output.code, [a.code for a in line.actions]) for line in detail.outputs] == [
        (out.code, [act.code]), (other.code, [extra.code])]
    assert detail.outputs[0].actions[0].review_output_id == out.id and detail.other_actions == ()


def test_risks_in_the_review_use_the_bands_of_the_register(db, actor, review):
    with db.write() as s:
        for title, lk, im in (("Caída del sistema de cómputo", 5, 4), ("Retraso de material", 4, 4),
                              ("Ausentismo de funcionariado", 2, 3), ("Lluvia", 1, 2)):
            records.create(s, actor, "risk", {"kind": "risk", "title": title, "likelihood": lk, "impact": im})
    got = _by_item(R.gather_inputs(db, actor, review.code, today=TODAY, lang="en"))["e"]
    assert "Open risks: 4 (critical 1, high 1, medium 1, low 1); open opportunities: 0." in got
    assert "Critical risks: RO-001." in got and "High risks: RO-002." in got
