"""Audits (9.2): programme, plan, team, checklist, findings, report and closure; auditor
independence; every guard refused with nothing written."""

from datetime import date

import pytest
from sqlalchemy import func, select

from qms_tui.db.models import AuditMember, ChecklistItem, Finding, TrailEvent
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.errors import TransitionError, ValidationError
from qms_tui.services import audits, records, trail
from qms_tui.services import nonconformities as ncs

START, END = date(2024, 3, 4), date(2024, 3, 6)
PEOPLE = (("owner", "Olga Vargas", Role.PROCESS_OWNER), ("lead", "Ana Juárez", Role.AUDITOR),
          ("aud", "Víctor Morales", Role.AUDITOR), ("obs", "Iván Trejo", Role.READER))


@pytest.fixture
def world(db, actor):
    """People, a process owned by ``owner`` and an approved-to-be programme for 2024."""
    with db.write() as s:
        ids = {code: records.create(s, actor, "person", {"code": code, "name": name, "role": role}).id
               for code, name, role in PEOPLE}
        records.create(s, actor, "process", {"code": "PR-03", "name": "Organización electoral",
                                             "category": "substantive", "owner": "owner"})
        records.create(s, actor, "process", {"code": "PR-09", "name": "Presupuesto participativo",
                                             "category": "participation", "owner": "aud"})
    return ids


def _audit(db, actor, **extra):
    return audits.create_audit(db, actor, {
        "title": "Auditoría interna al PELO", "kind": "internal", "scope": "Bodegas distritales",
        "process": "PR-03", "planned_start": START, "planned_end": END, "lead_auditor": "lead",
        "clauses": "7.2, 8.5.1", **extra})


def _events(db):
    with db.read() as s:
        return trail.event_count(s)


def _refused(db, exc, fn, *args, **kwargs):
    """Call ``fn`` expecting ``exc``; assert that nothing was written."""
    before = _events(db)
    with pytest.raises(exc) as err:
        fn(*args, **kwargs)
    assert _events(db) == before
    return err.value


def _fields(err):
    return [(e.field, e.message) for e in err.errors]


def test_audit_happy_path_from_programme_to_closure(db, actor, world):
    p = audits.create_programme(db, actor, {"year": 2024, "title": "Programa 2024", "clauses": "9.2.1"})
    assert (p.code, p.status) == ("PA-2024-01", "draft")
    lead = Actor(login="lead", role=Role.AUDITOR, name="Ana Juárez")  # person found by login
    p = audits.approve_programme(db, lead, p.code, approved_on=date(2024, 1, 20))
    assert (p.status, p.approved_by_id, p.approved_on) == ("approved", world["lead"], date(2024, 1, 20))

    a = _audit(db, actor, programme=p.code)
    assert (a.code, a.status, a.clauses) == ("AUD-2024-01", "planned", ("7.2", "8.5.1"))
    audits.add_team_member(db, actor, a.code, "lead", "lead")
    audits.add_team_member(db, actor, a.code, "aud", "auditor")
    audits.add_team_member(db, actor, a.code, "owner", "auditee")  # the owner is audited, not auditing
    items = audits.generate_checklist(db, lead, a.code)
    assert [(i.clause, i.position, i.result) for i in items] == [("7.2", 1, "pending"), ("8.5.1", 2, "pending")]
    assert items[0].question == "Is there evidence that the requirements of 7.2 Competence are met?"
    assert audits.generate_checklist(db, lead, a.code) == []  # every clause has its item
    extra = audits.add_checklist_item(db, lead, a.code, "8.5.4", "¿Se registra cada apertura de bodega?")
    assert (extra.position, extra.clause) == (3, "8.5.4")

    audits.confirm_audit(db, actor, a.code)
    a = audits.perform_audit(db, actor, a.code, START, "2024-03-06")
    assert (a.status, a.actual_start, a.actual_end) == ("performed", START, END)
    audits.record_checklist_result(db, lead, items[0].code, "nonconforming", "6 de 8 expedientes sin evaluación")
    audits.record_checklist_result(db, lead, items[1].code, "conforming")
    item = audits.record_checklist_result(db, lead, extra.code, "observation", "Bitácoras incompletas")
    assert (item.result, item.evidence_note, item.version) == ("observation", "Bitácoras incompletas", 2)

    made = {}
    for kind in ("major", "minor", "observation", "ofi", "strength"):
        data = {"audit": a.code, "kind": kind, "title": f"Hallazgo {kind}", "description": "Descripción"}
        if kind == "major":
            data["checklist_item"] = items[0].code
        if kind == "minor":
            data.update(process="PR-09", clauses="8.5.4")
        made[kind] = audits.add_finding(db, lead, data)
    major, minor = made["major"], made["minor"]
    assert [f.code for f in made.values()] == [f"HAL-2024-00{n}" for n in range(1, 6)]  # year of the audit
    assert (major.process_id, major.clauses) == (a.process_id, ("7.2",))  # inherited from audit and item
    assert minor.clauses == ("8.5.4",) and minor.process_id != a.process_id

    a = audits.accept_report(db, actor, a.code, conclusions="Una NC mayor y una menor.", accepted_on=date(2024, 3, 20))
    assert (a.status, a.report_accepted_on, a.conclusions) == ("report_accepted", date(2024, 3, 20), "Una NC mayor y una menor.")
    nc1 = ncs.raise_from_finding(db, lead, major.code)
    nc2 = ncs.raise_from_finding(db, lead, minor.code)
    a = audits.close_audit(db, actor, a.code, closed_on=date(2024, 6, 1))
    assert (a.status, a.closed_on) == ("closed", date(2024, 6, 1))

    d = audits.audit_detail(db, a.code)
    assert (d.programme, d.process, d.process_name, d.lead_auditor) == ("PA-2024-01", "PR-03", "Organización electoral", "Ana Juárez")
    assert d.team == (("lead", "Ana Juárez", "lead"), ("aud", "Víctor Morales", "auditor"), ("owner", "Olga Vargas", "auditee"))
    assert [i.code for i in d.checklist] == [items[0].code, items[1].code, extra.code]
    assert [(f.code, nc) for f, nc in d.findings][:3] == [(major.code, nc1.code), (minor.code, nc2.code), (made["observation"].code, None)]
    assert d.counts == {"major": 1, "minor": 1, "observation": 1, "ofi": 1, "strength": 1}
    page = audits.list_audits(db, where={"status": "closed"})
    assert page.total == 1 and page.rows[0].code == a.code
    with db.read() as s:
        assert trail.verify(s) == []


def test_auditor_independence(db, actor, world):
    err = _refused(db, ValidationError, _audit, db, actor, lead_auditor="owner")
    assert _fields(err) == [("lead_auditor", "an auditor may not audit their own process ({process})")]
    assert err.errors[0].params == {"process": "PR-03"}
    a = _audit(db, actor)
    for role in ("lead", "auditor"):
        err = _refused(db, ValidationError, audits.add_team_member, db, actor, a.code, "owner", role)
        assert err.fields == ["person"] and "own process" in err.errors[0].message
    audits.add_team_member(db, actor, a.code, "aud", "auditor")
    err = _refused(db, ValidationError, audits.add_team_member, db, actor, a.code, "aud", "observer")
    assert _fields(err) == [("person", "{name} is already on the audit team")]
    err = _refused(db, ValidationError, audits.add_team_member, db, actor, a.code, "obs", "lead")
    assert err.fields == ["role"] and err.errors[0].params == {"name": "Ana Juárez"}
    # re-planning: the lead may not become the owner, the process may not be one a team auditor owns
    err = _refused(db, ValidationError, audits.update_audit, db, actor, a.code, {"lead_auditor": "owner"})
    assert err.fields == ["lead_auditor"]
    err = _refused(db, ValidationError, audits.update_audit, db, actor, a.code, {"process": "PR-09"})
    assert err.fields == ["process"] and err.errors[0].params == {"name": "Víctor Morales"}
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(AuditMember)).scalar_one() == 1


def test_plan_and_checklist_guards_write_nothing(db, actor, world):
    p = audits.create_programme(db, actor, {"year": 2024, "title": "Programa 2024"})
    a = _audit(db, actor)
    err = _refused(db, ValidationError, audits.add_checklist_item, db, actor, a.code, "99.9", "¿?")
    assert err.fields == ["clause"]
    err = _refused(db, ValidationError, audits.add_checklist_item, db, actor, a.code, {"clause": "7.2", "question": ""})
    assert err.fields == ["question"]
    item = audits.add_checklist_item(db, actor, a.code, {"clause": "7.2", "question": "¿Competencia?"})
    err = _refused(db, TransitionError, audits.record_checklist_result, db, actor, item.code, "conforming")
    assert "confirmed or performed" in err.message
    data = {"audit": a.code, "kind": "minor", "title": "x", "description": "y"}
    err = _refused(db, TransitionError, audits.add_finding, db, actor, data)
    assert err.message.startswith("findings are recorded while")
    err = _refused(db, TransitionError, audits.close_audit, db, actor, a.code)  # lifecycle
    assert err.params["current"] == "planned"
    err = _refused(db, ValidationError, audits.cancel_audit, db, actor, a.code, "  ")
    assert err.fields == ["reason"]
    # a programme closed takes no audit (closing is outside this module: a transition)
    with db.write() as s:
        row = records.get_row(s, "programme", p.code)
        records.transition(s, actor, "programme", row, "status", "closed")
    err = _refused(db, TransitionError, _audit, db, actor, programme=p.code)
    assert err.params == {"code": p.code}
    cancelled = audits.cancel_audit(db, actor, a.code, "Reprogramada por la jornada")
    assert cancelled.status == "cancelled"
    with db.read() as s:
        last = s.execute(select(TrailEvent.summary).order_by(TrailEvent.seq.desc()).limit(1)).scalar_one()
    assert last == "planned → cancelled: Reprogramada por la jornada"
    err = _refused(db, TransitionError, audits.update_audit, db, actor, a.code, {"title": "Otra"})
    assert "can no longer change" in err.message
    err = _refused(db, TransitionError, audits.add_team_member, db, actor, a.code, "aud", "auditor")
    assert "team and checklist" in err.message


def test_conduct_report_and_closure_guards_write_nothing(db, actor, world):
    a = _audit(db, actor)
    items = audits.generate_checklist(db, actor, a.code)
    audits.confirm_audit(db, actor, a.code)
    err = _refused(db, ValidationError, audits.perform_audit, db, actor, a.code, None, "")
    assert err.fields == ["actual_start", "actual_end"]
    err = _refused(db, ValidationError, audits.perform_audit, db, actor, a.code, END, START)
    assert _fields(err) == [("actual_end", "must not be before {other}")]
    audits.perform_audit(db, actor, a.code, START, END)
    other = _audit(db, actor, title="Otra auditoría")
    foreign = audits.add_checklist_item(db, actor, other.code, "7.2", "¿?")
    err = _refused(db, ValidationError, audits.add_finding, db, actor, {
        "audit": a.code, "kind": "minor", "title": "x", "description": "y", "checklist_item": foreign.code})
    assert err.fields == ["checklist_item"]
    err = _refused(db, ValidationError, audits.accept_report, db, actor, a.code)
    assert err.fields == ["conclusions"]
    err = _refused(db, TransitionError, audits.accept_report, db, actor, a.code, "Conforme")
    assert err.params == {"items": f"{items[0].code}, {items[1].code}"}
    for i in items:
        audits.record_checklist_result(db, actor, i.code, "conforming")
    err = _refused(db, ValidationError, audits.accept_report, db, actor, a.code, "Conforme", date(2024, 3, 1))
    assert err.fields == ["accepted_on"]
    f1 = audits.add_finding(db, actor, {"audit": a.code, "kind": "major", "title": "x", "description": "y"})
    f2 = audits.add_finding(db, actor, {"audit": a.code, "kind": "minor", "title": "x", "description": "y"})
    audits.add_finding(db, actor, {"audit": a.code, "kind": "observation", "title": "x", "description": "y"})
    audits.update_audit(db, actor, a.code, {"conclusions": "Conforme con dos NC"})
    a = audits.accept_report(db, actor, a.code)  # the stored conclusions suffice
    assert a.conclusions == "Conforme con dos NC" and a.report_accepted_on == date.today()
    err = _refused(db, TransitionError, audits.update_audit, db, actor, a.code, {"scope": "Otro", "title": "T"})
    assert err.params["fields"] == "scope, title"
    assert audits.update_audit(db, actor, a.code, {"conclusions": "Corregidas"}).conclusions == "Corregidas"
    err = _refused(db, TransitionError, audits.add_finding, db, actor, {"audit": a.code, "kind": "ofi", "title": "x", "description": "y"})
    err = _refused(db, TransitionError, audits.close_audit, db, actor, a.code)
    assert err.params == {"findings": f"{f1.code}, {f2.code}"}
    ncs.raise_from_finding(db, actor, f1.code)
    err = _refused(db, TransitionError, audits.close_audit, db, actor, a.code)
    assert err.params == {"findings": f2.code}
    ncs.raise_from_finding(db, actor, f2.code)
    assert audits.close_audit(db, actor, a.code).status == "closed"
    err = _refused(db, TransitionError, audits.update_audit, db, actor, a.code, {"conclusions": "x"})
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Finding)).scalar_one() == 3
        assert s.execute(select(func.count()).select_from(ChecklistItem)).scalar_one() == 3
        assert trail.verify(s) == []
