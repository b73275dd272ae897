"""Nonconformities (10.2): from a finding or an indicator to closure, reopening, the
not-effective loop, drafts; every guard refused with nothing written; verifier independence
and who may close."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qms_tui.db.models import Action, Cause, Nonconformity
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import IshikawaCategory, Role
from qms_tui.domain.errors import (
    ConcurrencyError,
    NotFound,
    PermissionDenied,
    TransitionError,
    ValidationError,
)
from qms_tui.services import audits, records, trail
from qms_tui.services import nonconformities as ncs

START, END = date(2024, 3, 4), date(2024, 3, 6)
PEOPLE = (("owner", "Olga Vargas", Role.PROCESS_OWNER), ("lead", "Ana Juárez", Role.AUDITOR),
          ("doer", "Diego Flores", Role.PROCESS_OWNER), ("verif", "Héctor Gutiérrez", Role.AUDITOR),
          ("lhernandez", "Laura Hernández", Role.COORDINATOR))
NC = {"title": "Queja: MRVO sin accesibilidad", "description": "MRVO en planta alta", "source": "complaint",
      "severity": "minor", "process": "PR-03", "owner": "owner", "detected_on": date(2025, 2, 1)}


@pytest.fixture
def world(db, actor):
    """People (with actors), process PR-03 owned by ``owner``, an indicator with a red value."""
    with db.write() as s:
        ids = {code: records.create(s, actor, "person", {"code": code, "name": name, "role": role}).id
               for code, name, role in PEOPLE}
        records.create(s, actor, "process", {"code": "PR-03", "name": "Organización electoral",
                                             "category": "substantive", "owner": "owner"})
        for code, process in (("IND-001", "PR-03"), ("IND-002", None)):
            records.create(s, actor, "indicator", {
                "name": "Tiempo de cómputo", "unit": "h", "direction": "lower", "target": 36,
                "frequency": "monthly", "process": process, "owner": "doer", "clauses": "9.1.1"})
            records.create(s, actor, "measurement", {"indicator": code, "period": "2025-06", "value": 47.5},
                           extra={"period_start": date(2025, 6, 1), "period_end": date(2025, 6, 30)})
    return {code: Actor(login=code, role=role, name=name, person_id=ids[code]) for code, name, role in PEOPLE}


def _events(db):
    with db.read() as s:
        return trail.event_count(s)


def _refused(db, exc, fn, *args, **kwargs):
    before = _events(db)
    with pytest.raises(exc) as err:
        fn(*args, **kwargs)
    assert _events(db) == before
    return err.value


def _audit(db, actor):
    a = audits.create_audit(db, actor, {
        "title": "Auditoría interna", "kind": "internal", "scope": "Bodegas", "process": "PR-03",
        "planned_start": START, "planned_end": END, "lead_auditor": "lead"})
    audits.confirm_audit(db, actor, a.code)
    audits.perform_audit(db, actor, a.code, START, END)
    return a.code


def _finding(db, actor, audit, kind="major"):
    return audits.add_finding(db, actor, {"audit": audit, "kind": kind, "title": f"Sin evaluación ({kind})",
                                          "description": "6 de 8 DD sin evaluaciones", "clauses": "7.2"})


def _action(db, actor, nc, owner="doer", **extra):
    return ncs.add_action(db, actor, nc, {"kind": "corrective", "description": "Actualizar el procedimiento",
                                          "owner": owner, "due_date": date(2025, 5, 1), **extra})


def _to_implementation(db, actor, code, owner="doer"):
    """registered → implementation with one action (returned)."""
    ncs.record_correction(db, actor, code, "Se atendió de inmediato", date(2025, 2, 2))
    ncs.record_root_cause(db, actor, code, "five_whys", "Sin criterio de accesibilidad", ["¿Por qué? Porque…"])
    a = _action(db, actor, code, owner)
    ncs.start_implementation(db, actor, code)
    return a


def _status(db, code):
    with db.read() as s:
        return records.get_row(s, "nonconformity", code).status


def test_nc_from_finding_to_closure_and_reopening(db, actor, world):
    f = _finding(db, actor, _audit(db, actor))
    nc = ncs.raise_from_finding(db, world["lhernandez"], f.code)
    with db.read() as s:
        pr03 = records.get_row(s, "process", "PR-03").id
    assert (nc.code, nc.status, nc.source, nc.severity, nc.detected_on) == ("NC-2024-001", "registered", "internal_audit", "major", END)
    assert (nc.process_id, nc.owner_id, nc.reported_by_id, nc.finding_id) == (pr03, world["owner"].person_id, world["lead"].person_id, f.id)
    assert (nc.title, nc.description, nc.clauses) == (f.title, f.description, ("7.2",))
    owner = world["owner"]
    nc = ncs.record_correction(db, owner, nc.code, "Se integraron las evaluaciones", date(2024, 3, 10), "33 DD revisadas")
    assert (nc.status, nc.correction_on, nc.extent) == ("correction", date(2024, 3, 10), "33 DD revisadas")
    nc = ncs.record_correction(db, owner, nc.code, "Se integraron todas las evaluaciones", date(2024, 3, 11),
                               expected_version=nc.version)  # edited in place, extent kept
    assert (nc.status, nc.correction, nc.extent) == ("correction", "Se integraron todas las evaluaciones", "33 DD revisadas")
    whys = ["¿Por qué faltan? No se conservaban.", "¿Por qué? Nadie descargaba el resultado.", "  "]
    nc = ncs.record_root_cause(db, owner, nc.code, "five_whys", "El procedimiento no asigna quién conserva", whys)
    assert (nc.status, nc.rca_method) == ("root_cause", "five_whys")
    a1 = _action(db, owner, nc.code)
    assert _status(db, nc.code) == "action_plan" and a1.nonconformity_id == nc.id and a1.code.startswith("AC-")
    a2 = _action(db, owner, nc.code, owner="owner", kind="preventive")
    ncs.update_action_status(db, world["doer"], a1.code, "in_progress")
    assert ncs.start_implementation(db, owner, nc.code).status == "implementation"
    done = ncs.update_action_status(db, world["doer"], a1.code, "done", date(2024, 5, 2), "Procedimiento v2")
    assert (done.status, done.completed_on, done.evidence_note) == ("done", date(2024, 5, 2), "Procedimiento v2")
    ncs.update_action_status(db, owner, a2.code, "cancelled")
    check = ncs.plan_effectiveness_check(db, owner, nc.code, date(2024, 8, 1), "10 de 10 DD con expedientes", "verif")
    assert (check.result, check.verifier_id) == ("pending", world["verif"].person_id)
    assert ncs.request_verification(db, owner, nc.code).status == "verification"
    check = ncs.record_effectiveness(db, world["verif"], check.code, "effective", date(2024, 8, 2), "Muestra sin desviaciones")
    assert (check.result, check.performed_on, check.verifier_id) == ("effective", date(2024, 8, 2), world["verif"].person_id)
    nc = ncs.close_nc(db, world["lhernandez"], nc.code, closed_on=date(2024, 8, 5))
    assert (nc.status, nc.closed_on, nc.closed_by_id) == ("closed", date(2024, 8, 5), world["lhernandez"].person_id)

    d = ncs.nc_detail(db, nc.code)
    assert (d.process, d.process_name, d.owner, d.finding, d.measurement) == ("PR-03", "Organización electoral", "Olga Vargas", f.code, None)
    assert [(c.position, c.text) for c in d.causes] == [(1, whys[0]), (2, whys[1])]
    assert [(x.action.code, x.owner) for x in d.actions] == [(a1.code, "Diego Flores"), (a2.code, "Olga Vargas")]
    assert [c.code for c in d.checks] == [check.code]
    assert (d.age_days, d.allowed) == ((date(2024, 8, 5) - END).days, ("root_cause",))

    err = _refused(db, ValidationError, ncs.reopen_nc, db, actor, nc.code, "")
    assert err.fields == ["reason"]
    nc = ncs.reopen_nc(db, actor, nc.code, "Recurrencia en la DD-12")
    assert (nc.status, nc.reopen_count, nc.status_reason, nc.closed_on, nc.closed_by_id) == ("root_cause", 1, "Recurrencia en la DD-12", None, None)
    nc = ncs.record_root_cause(db, owner, nc.code, "ishikawa", "Bitácora manual sin verificación",
                               [("method", "Bitácora en papel"), (IshikawaCategory.PEOPLE, "Rotación del personal")])
    assert (nc.status, nc.rca_method) == ("root_cause", "ishikawa")
    causes = ncs.nc_detail(db, nc.code).causes
    assert [(c.method, c.category, c.position) for c in causes] == [("ishikawa", "method", 1), ("ishikawa", "people", 2)]
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Cause)).scalar_one() == 2  # the whys were replaced
        assert trail.verify(s) == []


def test_not_effective_goes_back_to_root_cause(db, actor, world):
    owner, verif = world["owner"], world["verif"]
    nc = ncs.create_nc(db, actor, NC)
    assert (nc.code, nc.status) == ("NC-2025-001", "registered")
    _to_implementation(db, owner, nc.code)
    a1 = ncs.nc_detail(db, nc.code).actions[0].action
    c1 = ncs.plan_effectiveness_check(db, owner, nc.code, date(2025, 6, 1), "Sin quejas en 3 meses")
    ncs.update_action_status(db, owner, a1.code, "done", date(2025, 4, 1))
    ncs.request_verification(db, owner, nc.code)
    ncs.record_effectiveness(db, actor, c1.code, "not_effective", date(2025, 6, 2), "Dos quejas más", verifier="verif")
    nc = ncs.nc_detail(db, nc.code).nc
    assert (nc.status, nc.reopen_count) == ("root_cause", 1)
    assert nc.status_reason == f"effectiveness check {c1.code} was not effective: Dos quejas más"
    a2 = _action(db, owner, nc.code, owner="owner")
    ncs.start_implementation(db, owner, nc.code)
    ncs.update_action_status(db, owner, a2.code, "done")
    err = _refused(db, TransitionError, ncs.request_verification, db, owner, nc.code)
    assert err.message == "plan an effectiveness check before requesting the verification"
    c2 = ncs.plan_effectiveness_check(db, owner, nc.code, date(2025, 9, 1), "Sin quejas en 6 meses", "verif")
    ncs.request_verification(db, owner, nc.code)
    err = _refused(db, TransitionError, ncs.close_nc, db, actor, nc.code)
    assert err.params == {"check": c1.code}  # the latest performed one was not effective
    err = _refused(db, TransitionError, ncs.record_effectiveness, db, verif, c1.code, "effective", date(2025, 9, 2))
    assert err.message == "{check} was already recorded ({result})"
    ncs.record_effectiveness(db, verif, c2.code, "effective", date(2025, 9, 2))
    nc = ncs.close_nc(db, actor, nc.code)
    assert (nc.status, nc.closed_on, nc.closed_by_id, nc.reopen_count) == ("closed", date.today(), None, 1)
    with db.read() as s:
        assert trail.verify(s) == []


def test_registration_and_analysis_guards_write_nothing(db, actor, world):
    audit = _audit(db, actor)
    obs = _finding(db, actor, audit, "observation")
    err = _refused(db, TransitionError, ncs.raise_from_finding, db, actor, obs.code)
    assert err.params == {"finding": obs.code, "kind": "observation"}
    f = _finding(db, actor, audit, "minor")
    nc = ncs.raise_from_finding(db, actor, f.code, {"owner": "doer", "detected_on": date(2024, 3, 7)})
    assert (nc.owner_id, nc.detected_on, nc.source, nc.severity) == (world["doer"].person_id, date(2024, 3, 7), "internal_audit", "minor")
    for fn, args in ((ncs.raise_from_finding, (f.code,)), (ncs.create_nc, ({**NC, "finding": f.code},))):
        err = _refused(db, TransitionError, fn, db, actor, *args)
        assert err.params == {"finding": f.code, "nc": nc.code}
    code = nc.code
    err = _refused(db, TransitionError, ncs.record_root_cause, db, actor, code, "five_whys", "x", ["y"])
    assert err.params["current"] == "registered"
    err = _refused(db, TransitionError, _action, db, actor, code)
    assert "after the root-cause analysis" in err.message
    err = _refused(db, ValidationError, ncs.record_correction, db, actor, code, " ", None)
    assert err.fields == ["correction", "correction_on"]
    err = _refused(db, ValidationError, ncs.record_correction, db, actor, code, "Hecho", date(2024, 3, 1))
    assert (err.fields, err.errors[0].message) == (["correction_on"], "must not be before {other}")
    ncs.record_correction(db, actor, code, "Hecho", date(2024, 3, 8))
    cases = [
        (("five_whys", "", ["a"]), [("root_cause", "is required")]),
        (("five_whys", "Causa", ["", "  "]), [("causes", "at least one cause is required for this method")]),
        (("ishikawa", "Causa", ["sin categoría"]), [("causes", "every Ishikawa cause needs a category")]),
        (("ishikawa", "Causa", [("luck", "x")]), [("causes", "unknown Ishikawa category {category}")]),
        (("guess", "", []), [("method", "must be one of: {options}"), ("root_cause", "is required")]),
    ]
    for args, expected in cases:
        err = _refused(db, ValidationError, ncs.record_root_cause, db, actor, code, *args)
        assert [(e.field, e.message) for e in err.errors] == expected, args
    ncs.record_root_cause(db, actor, code, "other", "Causa sin método formal", [])
    err = _refused(db, ValidationError, ncs.add_action, db, actor, code, {"kind": "corrective", "description": "x"})
    assert err.fields == ["owner", "due_date"] and _status(db, code) == "root_cause"
    err = _refused(db, ValidationError, ncs.cancel_nc, db, actor, code, None)
    assert err.fields == ["reason"]
    err = _refused(db, NotFound, ncs.raise_from_measurement, db, actor, 999)
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Nonconformity)).scalar_one() == 1


def test_implementation_verification_and_closure_guards_write_nothing(db, actor, world):
    owner, doer = world["owner"], world["doer"]
    nc = ncs.create_nc(db, actor, NC)
    code = nc.code
    ncs.record_correction(db, owner, code, "Se atendió", date(2025, 2, 2))
    ncs.record_root_cause(db, owner, code, "five_whys", "Cédula sin criterio", ["¿Por qué?"])
    a1 = _action(db, owner, code)
    ncs.update_action_status(db, owner, a1.code, "cancelled")
    err = _refused(db, TransitionError, ncs.start_implementation, db, owner, code)
    assert err.message == "{code} has no action to implement"
    err = _refused(db, TransitionError, ncs.update_action_status, db, owner, a1.code, "done")
    assert err.params["current"] == "cancelled"
    a2 = _action(db, owner, code)
    ncs.start_implementation(db, owner, code)
    err = _refused(db, TransitionError, ncs.request_verification, db, owner, code)
    assert err.params == {"actions": a2.code}
    ncs.update_action_status(db, owner, a2.code, "cancelled")
    err = _refused(db, TransitionError, ncs.request_verification, db, owner, code)
    assert err.message == "at least one action must be done before the verification"
    a3 = _action(db, owner, code)
    ncs.update_action_status(db, doer, a3.code, "done")
    # verifier independence (10.2.1 d): nobody owning an action verifies
    err = _refused(db, ValidationError, ncs.plan_effectiveness_check, db, owner, code, date(2025, 6, 1), "x", "doer")
    assert err.fields == ["verifier"] and err.errors[0].params["actions"] == f"{a1.code}, {a2.code}, {a3.code}"
    check = ncs.plan_effectiveness_check(db, owner, code, date(2025, 6, 1), "Sin quejas")
    err = _refused(db, TransitionError, ncs.record_effectiveness, db, owner, check.code, "effective", date(2025, 6, 2))
    assert "in verification" in err.message
    err = _refused(db, TransitionError, ncs.close_nc, db, actor, code)
    assert err.params["current"] == "implementation"
    ncs.request_verification(db, owner, code)
    err = _refused(db, ValidationError, ncs.record_effectiveness, db, doer, check.code, "effective", date(2025, 6, 2))
    assert err.fields == ["verifier"]  # the acting person owns an action
    err = _refused(db, ValidationError, ncs.record_effectiveness, db, actor, check.code, "pending", None)
    assert err.fields == ["verifier", "result", "performed_on"]  # coord is no person, none planned
    err = _refused(db, ValidationError, ncs.record_effectiveness, db, actor, check.code, "effective", date(2025, 6, 2), None, "nobody")
    assert err.fields == ["verifier"]
    err = _refused(db, TransitionError, ncs.close_nc, db, actor, code)
    assert err.message == "cannot close without an effectiveness check"
    ncs.record_effectiveness(db, world["verif"], check.code, "effective", date(2025, 6, 2))
    for who in (owner, world["verif"], Actor("reader", Role.READER)):
        err = _refused(db, PermissionDenied, ncs.close_nc, db, who, code)
        assert err.message.startswith("only a quality coordinator or an administrator may close")
    err = _refused(db, ValidationError, ncs.close_nc, db, actor, code, date(2025, 1, 1))
    assert err.fields == ["closed_on"]
    err = _refused(db, TransitionError, ncs.reopen_nc, db, actor, code, "Recurrencia")
    assert "only a closed nonconformity" in err.message
    ncs.close_nc(db, Actor("admin", Role.ADMIN), code)
    err = _refused(db, TransitionError, ncs.update_action_status, db, doer, a3.code, "in_progress")
    assert "can no longer change" in err.message
    err = _refused(db, TransitionError, ncs.update_nc, db, actor, code, {"title": "Otro"})
    with db.read() as s:
        assert trail.verify(s) == []


def test_drafts_from_measurements_and_their_fate(db, actor, world):
    with db.read() as s:
        m1, m2 = (records.get_row(s, "measurement", c).id for c in ("MED-000001", "MED-000002"))
    key = "IND-001:red:2025-06"
    d1 = ncs.raise_from_measurement(db, world["lhernandez"], m1, {"severity": "minor"}, draft=True, breach_key=key)
    assert (d1.status, d1.source, d1.breach_key, d1.measurement_id, d1.severity) == ("draft", "indicator", key, m1, "minor")
    assert d1.title == "Indicator IND-001 off target in 2025-06"
    assert d1.description == "Tiempo de cómputo: the value of 2025-06 is 47.5 h; the target is 36 h."
    assert (d1.owner_id, d1.reported_by_id, d1.detected_on, d1.clauses) == (world["owner"].person_id, world["lhernandez"].person_id, date.today(), ("9.1.1",))
    err = _refused(db, TransitionError, ncs.raise_from_measurement, db, actor, m1, draft=True, breach_key=key)
    assert err.params == {"nc": d1.code}
    d2 = ncs.raise_from_measurement(db, actor, m2, draft=True)
    assert (d2.owner_id, d2.reported_by_id, d2.process_id) == (world["doer"].person_id, None, None)  # indicator's owner
    m = ncs.nc_detail(db, d1.code).measurement
    assert (m.indicator, m.period, m.value) == ("IND-001", "2025-06", 47.5)
    err = _refused(db, TransitionError, ncs.record_correction, db, actor, d1.code, "x", date.today())
    assert err.params["current"] == "draft (raised automatically)"
    err = _refused(db, ValidationError, ncs.dismiss_draft, db, actor, d1.code, "")
    assert err.fields == ["reason"]
    assert ncs.accept_draft(db, actor, d1.code).status == "registered"
    d2 = ncs.dismiss_draft(db, actor, d2.code, "Valor capturado por error")
    assert (d2.status, d2.status_reason) == ("dismissed", "Valor capturado por error")
    c = ncs.cancel_nc(db, actor, d1.code, "Duplicada")
    assert (c.status, c.status_reason) == ("cancelled", "Duplicada")
    err = _refused(db, TransitionError, ncs.cancel_nc, db, actor, d1.code, "Otra vez")
    with db.read() as s:
        assert trail.verify(s) == []


def test_generic_actions_ageing_and_listing(db, actor, world):
    with db.write() as s:
        records.create(s, actor, "risk", {"kind": "risk", "title": "Retraso", "likelihood": 3, "impact": 4})
        a = records.create(s, actor, "action", {"risk": "RO-001", "kind": "preventive", "description": "Rutas",
                                                "owner": "doer", "due_date": date(2025, 5, 1)})
    err = _refused(db, ValidationError, ncs.update_action_status, db, actor, a.code, "finished")
    assert err.fields == ["status"]
    done = ncs.update_action_status(db, world["doer"], a.code, "done", evidence_note="Rutas publicadas")
    assert (done.status, done.completed_on, done.evidence_note) == ("done", date.today(), "Rutas publicadas")
    again = ncs.update_action_status(db, world["doer"], a.code, "in_progress", expected_version=done.version)
    assert (again.status, again.completed_on, again.evidence_note) == ("in_progress", None, "Rutas publicadas")
    _refused(db, ConcurrencyError, ncs.update_action_status, db, actor, a.code, "pending", expected_version=1)

    today = date(2025, 6, 30)
    for days, severity in ((0, "major"), (30, "major"), (31, "minor"), (75, "minor"), (91, None), (200, "major")):
        ncs.create_nc(db, actor, {**NC, "severity": severity, "detected_on": today - timedelta(days=days)})
    ncs.create_nc(db, actor, {**NC, "detected_on": today - timedelta(days=500)}, draft=True)  # drafts are not open
    gone = ncs.create_nc(db, actor, {**NC, "detected_on": today - timedelta(days=500)})
    ncs.cancel_nc(db, actor, gone.code, "Duplicada")
    updated = ncs.update_nc(db, actor, "NC-2025-001", {"title": "Título corregido"})
    assert (updated.title, updated.version) == ("Título corregido", 2)
    assert ncs.nc_ageing(db, today) == {
        "major": {"0-30": 2, "31-60": 0, "61-90": 0, ">90": 1},
        "minor": {"0-30": 0, "31-60": 1, "61-90": 1, ">90": 0},
        "": {"0-30": 0, "31-60": 0, "61-90": 0, ">90": 1},
    }
    page = ncs.list_ncs(db, where={"status": "registered"}, order="detected_on")
    assert page.total == 6 and page.rows[0].detected_on == today - timedelta(days=200)
    assert ncs.nc_detail(db, "NC-2025-001", today=today).age_days == 0
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Action)).scalar_one() == 1
