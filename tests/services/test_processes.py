"""Processes, events and stages, the process map and the process and event cards."""

from datetime import date

import pytest

from qms_tui.domain.errors import NotFound, ValidationError
from qms_tui.services import indicators, org, processes, records, risks, trail

PROC = {"code": "PR-LOG", "name": "Logística electoral", "category": "substantive"}
EVENT = {"code": "PELO-2024", "name": "Proceso Electoral Local Ordinario 2023-2024", "kind": "ordinary",
         "start_date": "2023-09-10", "key_date": "2024-06-02", "end_date": "2024-09-30"}


def _verify(db):
    with db.read() as s:
        assert trail.verify(s) == []


def test_non_applicable_process_needs_a_justification(db, actor):
    with pytest.raises(ValidationError) as err:
        processes.create_process(db, actor, {**PROC, "applicable": "no"})
    assert err.value.fields == ["justification"]
    with pytest.raises(ValidationError) as err:
        processes.create_process(db, actor, {**PROC, "name": "", "applicable": False, "justification": " "})
    assert sorted(err.value.fields) == ["justification", "name"]
    p = processes.create_process(db, actor, PROC)
    with pytest.raises(ValidationError) as err:
        processes.update_process(db, actor, p.code, {"applicable": False})
    assert err.value.fields == ["justification"]
    changed = processes.update_process(db, actor, p.code, {"applicable": False,
                                                           "justification": "Atribución del INE"})
    assert changed.applicable is False
    with pytest.raises(ValidationError) as err:
        processes.update_process(db, actor, p.code, {"justification": ""})
    assert err.value.fields == ["justification"]
    _verify(db)


def test_process_map_groups_by_category(db, actor):
    processes.create_process(db, actor, PROC)
    processes.create_process(db, actor, {"code": "PR-DIR", "name": "Dirección", "category": "strategic"})
    processes.create_process(db, actor, {"code": "PR-ADM", "name": "Recursos", "category": "support"})
    m = processes.process_map(db)
    assert list(m) == ["strategic", "substantive", "support", "participation"]
    assert [p.code for p in m["substantive"]] == ["PR-LOG"] and m["participation"] == []


def test_event_dates_and_stages(db, actor):
    with pytest.raises(ValidationError) as err:
        processes.create_event(db, actor, {**EVENT, "end_date": "2024-05-01"})
    assert err.value.fields == ["end_date"]
    ev = processes.create_event(db, actor, EVENT)
    day = processes.add_stage(db, actor, ev.code, {"kind": "election_day", "name": "Jornada electoral",
                                                   "start_date": "2024-06-02", "end_date": "2024-06-02"})
    prep = processes.add_stage(db, actor, ev.code, {"kind": "preparation", "name": "Preparación",
                                                    "start_date": "2023-09-10", "end_date": "2024-03-01"})
    assert [s.code for s in processes.event_stages(db, ev.code)] == [prep.code, day.code]
    with pytest.raises(ValidationError) as err:
        processes.add_stage(db, actor, ev.code, {"kind": "post", "name": "Cierre",
                                                 "start_date": "2024-09-01", "end_date": "2024-10-15"})
    assert err.value.fields == ["end_date"] and "2024-09-30" in str(err.value)
    with pytest.raises(ValidationError) as err:
        processes.add_stage(db, actor, ev.code, {"kind": "post", "name": "Al revés",
                                                 "start_date": "2024-09-01", "end_date": "2024-08-01"})
    assert err.value.fields == ["end_date"]
    with pytest.raises(ValidationError) as err:
        processes.add_stage(db, actor, ev.code, {"kind": "post", "name": "",
                                                 "start_date": "2023-01-01", "end_date": "2024-08-01"})
    assert sorted(err.value.fields) == ["name", "start_date"]
    with pytest.raises(ValidationError) as err:
        processes.update_event(db, actor, ev.code, {"start_date": "2023-10-01"})
    assert err.value.fields == ["start_date"] and "Preparación" in str(err.value)
    with pytest.raises(ValidationError) as err:
        processes.update_stage(db, actor, day.code, {"end_date": "2024-12-01"})
    assert err.value.fields == ["end_date"]
    assert processes.update_stage(db, actor, day.code, {"name": "Jornada"}).name == "Jornada"
    with pytest.raises(NotFound):
        processes.add_stage(db, actor, "NOPE", {"kind": "post", "name": "x",
                                                "start_date": "2024-01-01", "end_date": "2024-01-02"})
    _verify(db)


def _audit(s, actor, title, start, end, status, **more):
    return records.create(s, actor, "audit", {"title": title, "kind": "internal", "scope": "Logística",
                                              "process": "PR-LOG", "planned_start": start,
                                              "planned_end": end}, extra={"status": status, **more})


def test_process_card(db, actor):
    unit = org.create_org_unit(db, actor, {"code": "DEOE", "name": "Dirección Ejecutiva de Organización Electoral",
                                           "kind": "executive"})
    org.create_person(db, actor, {"code": "mgarcia", "name": "María García", "role": "process_owner",
                                  "org_unit": unit.code})
    processes.create_process(db, actor, {**PROC, "owner": "mgarcia", "org_unit": "DEOE", "ts_process_no": 3,
                                         "clauses": "8.5.1.3, 4.4.1"})
    processes.create_process(db, actor, {"code": "PR-OTRO", "name": "Otro", "category": "support"})
    ind = indicators.create_indicator(db, actor, {"name": "Paquetes a tiempo", "unit": "%", "direction": "higher",
                                                  "target": 100, "frequency": "monthly", "process": "PR-LOG"})
    indicators.create_indicator(db, actor, {"name": "Ajeno", "unit": "%", "direction": "higher", "target": 100,
                                            "frequency": "monthly", "process": "PR-OTRO"})
    indicators.record_measurement(db, actor, ind.code, "2025-01", 70)
    r = risks.create_risk(db, actor, {"kind": "risk", "title": "Bodega inundada", "likelihood": 2, "impact": 5,
                                      "process": "PR-LOG"})
    with db.write() as s:
        nc = {"title": "Paquete extraviado", "description": "d", "source": "internal_audit",
              "detected_on": "2025-02-01", "process": "PR-LOG"}
        open_nc = records.create(s, actor, "nonconformity", nc)
        records.create(s, actor, "nonconformity", {**nc, "title": "Cerrada"}, extra={"status": "closed"})
        records.create(s, actor, "nonconformity", {**nc, "title": "Borrador"}, extra={"status": "draft"})
        _audit(s, actor, "Auditoría 2024", "2024-10-01", "2024-10-03", "closed", actual_end=date(2024, 10, 3))
        done = _audit(s, actor, "Auditoría 2025", "2025-02-10", "2025-02-12", "performed")
        _audit(s, actor, "Atrasada", "2025-03-01", "2025-03-02", "planned")
        nxt = _audit(s, actor, "Próxima", "2025-06-01", "2025-06-02", "confirmed")
        _audit(s, actor, "Cancelada", "2025-05-01", "2025-05-02", "cancelled")
        doc = records.create(s, actor, "document", {"code": "PR-LOG-01", "title": "Procedimiento de bodegas",
                                                    "kind": "procedure", "process": "PR-LOG"})
    card = processes.process_card(db, "PR-LOG", today=date(2025, 4, 1))
    assert card.process.code == "PR-LOG" and card.owner == "María García"
    assert card.org_unit == "Dirección Ejecutiva de Organización Electoral"
    assert card.ts_process.number == "8.5.1.3" and card.ts_title == "Electoral logistics"
    assert card.applicable is True and card.justification is None
    assert [st.code for st in card.indicators] == [ind.code] and card.indicators[0].light == "red"
    assert [n.code for n in card.nonconformities] == [open_nc.code]
    assert [x.code for x in card.risks] == [r.code] and card.risks[0].band == "high"
    assert card.last_audit.code == done.code and card.next_audit.code == nxt.code
    assert [d.code for d in card.documents] == [doc.code]
    assert card.clauses == ("4.4.1", "8.5.1.3")
    bare = processes.process_card(db, "PR-OTRO", today=date(2025, 4, 1))
    assert bare.ts_process is None and bare.last_audit is None and bare.next_audit is None
    with pytest.raises(NotFound):
        processes.process_card(db, "PR-NADA")
    _verify(db)


def test_event_card(db, actor):
    ev = processes.create_event(db, actor, EVENT)
    processes.create_event(db, actor, {**EVENT, "code": "OTRO", "name": "Otro"})
    processes.add_stage(db, actor, ev.code, {"kind": "election_day", "name": "Jornada electoral",
                                             "start_date": "2024-06-02", "end_date": "2024-06-02"})
    ind = indicators.create_indicator(db, actor, {"name": "Casillas instaladas", "unit": "%", "direction": "higher",
                                                  "target": 100, "frequency": "per_event", "event": ev.code})
    r = risks.create_risk(db, actor, {"kind": "risk", "title": "Lluvia", "likelihood": 3, "impact": 3,
                                      "event": ev.code})
    with db.write() as s:
        rv = records.create(s, actor, "review", {"title": "Revisión post-electoral", "planned_date": "2024-10-15",
                                                 "event": ev.code})
        nc = records.create(s, actor, "nonconformity", {"title": "Casilla no instalada", "description": "d",
                                                        "source": "output", "detected_on": "2024-06-02",
                                                        "event": ev.code})
        au = records.create(s, actor, "audit", {"title": "Auditoría a la jornada", "kind": "internal",
                                                "scope": "Jornada", "event": ev.code,
                                                "planned_start": "2024-06-02", "planned_end": "2024-06-03"})
    card = processes.event_card(db, ev.code)
    assert card.event.code == ev.code and [s.name for s in card.stages] == ["Jornada electoral"]
    assert [(x.code, x.title) for x in card.indicators] == [(ind.code, "Casillas instaladas")]
    assert [(x.code, x.status) for x in card.risks] == [(r.code, "open")]
    assert [x.code for x in card.reviews] == [rv.code] and card.reviews[0].status == "planned"
    assert [x.code for x in card.nonconformities] == [nc.code]
    assert [(x.code, x.title) for x in card.audits] == [(au.code, "Auditoría a la jornada")]
    other = processes.event_card(db, "OTRO")
    assert other.stages == [] and other.indicators == [] and other.risks == []
