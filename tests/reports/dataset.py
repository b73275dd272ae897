"""A tiny, frozen SGCE for the report tests: every kind of record once, fixed dates and
timestamps (so even the record hashes are the same on every run), written with
``records.create`` in one transaction. Most clauses stay without evidence: gaps."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from qms_tui.db.models import EvidenceBlob
from qms_tui.domain import clock
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.periods import parse_period
from qms_tui.services import records

TODAY = date(2025, 12, 31)
START, END = date(2025, 1, 1), date(2025, 12, 31)
GENERATED = datetime(2026, 1, 5, 16, 30, tzinfo=UTC)
STAMP = datetime(2025, 1, 2, 12, 0, tzinfo=UTC)
COORD = Actor(login="coord", role=Role.ADMIN, name="María García")
POLICY_TEXT = ("En el Instituto Electoral de la Ciudad de México administramos elecciones íntegras y "
               "mecanismos de participación incluyentes, y mejoramos continuamente nuestro SGCE.")
EVIDENCE_BYTES = b"lista de asistencia,2025-02-01\nMaria Garcia,presente\n"
CODES = ("PR-04", "POL-01", "OBJ-01", "RO-001", "IND-001", "PA-2025-01", "AUD-2025-01", "HAL-2025-001",
         "NC-2025-001", "RD-2025-01", "PM-2025-01", "DOC-001", "EVI-2025-0001")


def fill(db) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen(TODAY), db.write() as s:  # yearly codes (HAL-2025-001 …) follow TODAY
        def make(entity: str, data: dict, **extra: object):  # type: ignore[no-untyped-def]
            return records.create(s, COORD, entity, data, extra={"created_at": STAMP, "updated_at": STAMP, **extra})

        make("person", {"code": "coord", "name": "María García", "role": "coordinator"})
        make("person", {"code": "jlopez", "name": "Juan López", "role": "process_owner"})
        make("person", {"code": "aruiz", "name": "Ana Ruiz", "role": "auditor"})
        make("process", {"code": "PR-01", "name": "Registro de electores", "category": "substantive",
                         "ts_process_no": "1", "applicable": "no",
                         "justification": "Atribución exclusiva del INE.", "clauses": "8.5.1.1"})
        make("process", {"code": "PR-04", "name": "Emisión del voto", "category": "substantive",
                         "ts_process_no": "4", "owner": "jlopez", "clauses": "8.5.1.4, 4.4"})
        make("policy", {"text": POLICY_TEXT, "effective_from": "2024-01-15", "clauses": "5.2.1, 5.2.2"},
             status="approved", number=1, approved_on=date(2024, 1, 10), approved_by_id=1)
        make("policy_communication", {"policy": "POL-01", "date": "2025-02-01", "channel": "Intranet",
                                      "audience": "Todo el personal", "evidence": None})
        make("objective", {"title": "Instalar la totalidad de las casillas aprobadas", "owner": "coord",
                           "process": "PR-04", "clauses": "6.2.1"})
        make("objective_plan", {"objective": "OBJ-01", "what": "Verificar domicilios de casillas",
                                "responsible": "jlopez", "due_date": "2025-05-31",
                                "evaluation": "Indicador IND-001"})
        make("indicator", {"name": "Casillas instaladas", "objective": "OBJ-01", "process": "PR-04",
                           "unit": "%", "direction": "higher", "target": "98", "frequency": "monthly",
                           "owner": "coord", "clauses": "9.1.1, 8.5.1.4"})
        for period, value in (("2025-03", 97.0), ("2025-04", 98.5), ("2025-05", 99.1)):
            p = parse_period(period)
            make("measurement", {"indicator": "IND-001", "period": period, "value": value},
                 period_start=p.start, period_end=p.end, recorded_at=STAMP)
        make("risk", {"kind": "risk", "title": "Lluvias el día de la jornada", "likelihood": "3",
                      "impact": "4", "treatment": "mitigate", "owner": "jlopez", "review_date": "2025-06-30",
                      "clauses": "6.1.1"})
        make("programme", {"year": "2025", "title": "Programa anual de auditorías 2025", "clauses": "9.2.1"},
             status="approved", approved_on=date(2025, 1, 20), approved_by_id=1)
        make("audit", {"programme": "PA-2025-01", "title": "Auditoría interna a la emisión del voto",
                       "kind": "internal", "scope": "Emisión del voto en 3 distritos", "process": "PR-04",
                       "planned_start": "2025-07-01", "planned_end": "2025-07-03", "lead_auditor": "aruiz",
                       "conclusions": "El proceso es conforme salvo una no conformidad menor.",
                       "clauses": "8.5.1.4, 7.2"},
             status="report_accepted", actual_start=date(2025, 7, 1), actual_end=date(2025, 7, 3),
             report_accepted_on=date(2025, 7, 10), report_accepted_by_id=1)
        make("audit_member", {"audit": "AUD-2025-01", "person": "aruiz", "role": "lead"})
        make("checklist_item", {"audit": "AUD-2025-01", "clause": "7.2", "question": "¿Hay registros de competencia?",
                                "result": "nonconforming", "evidence_note": "Faltan 2 constancias."})
        make("finding", {"audit": "AUD-2025-01", "kind": "minor", "title": "Constancias de capacitación faltantes",
                         "description": "Dos funcionarios sin constancia.", "clauses": "7.2"})
        make("nonconformity", {"title": "Constancias de capacitación faltantes", "description": "Dos funcionarios sin constancia.",
                               "source": "internal_audit", "severity": "minor", "process": "PR-04",
                               "detected_on": "2025-07-03", "owner": "jlopez", "finding": "HAL-2025-001",
                               "clauses": "7.2"},
             status="action_plan", correction="Se capacitó a los dos funcionarios.",
             correction_on=date(2025, 7, 8), rca_method="five_whys",
             root_cause="El registro de constancias no tenía responsable.")
        make("cause", {"nonconformity": "NC-2025-001", "method": "five_whys", "position": "1",
                       "text": "¿Por qué? No se archivaron las constancias."})
        make("action", {"nonconformity": "NC-2025-001", "kind": "corrective",
                        "description": "Asignar responsable del archivo de constancias", "owner": "jlopez",
                        "due_date": "2025-09-30"})
        make("review", {"title": "Revisión por la dirección 2025", "planned_date": "2025-11-20",
                        "participants": "Alta dirección", "conclusions": "El SGCE es eficaz.",
                        "clauses": "9.3.1, 9.3.2, 9.3.3"},
             status="minutes_approved", held_on=date(2025, 11, 20), minutes_approved_on=date(2025, 11, 25),
             minutes_approved_by_id=1)
        make("review_input", {"review": "RD-2025-01", "item": "c2", "summary": "OBJ-01: IND-001 en meta."})
        make("review_output", {"review": "RD-2025-01", "kind": "improvement", "decision": "Ampliar la verificación de domicilios."})
        make("action", {"review": "RD-2025-01", "review_output": "SR-0001", "kind": "improvement",
                        "description": "Verificar domicilios en 33 distritos", "owner": "coord", "due_date": "2026-03-31"})
        make("circle", {"name": "Círculo de Calidad DD-14"})
        make("project", {"circle": "CC-01", "title": "Dictaminar en plazo", "problem": "Dictámenes tardíos.",
                         "baseline": "96.5", "target": "98", "measured_result": "98.2", "unit": "%",
                         "benefit": "98.2 % en plazo.", "started_on": "2025-02-01", "clauses": "10.3"},
             pdca_stage="closed", closed_on=date(2025, 10, 30))
        make("document", {"code": "DOC-001", "title": "Manual del SGCE", "kind": "manual", "owner": "coord",
                          "clauses": "7.5.1"})
        make("document_version", {"document": "DOC-001", "label": "1.0", "change_summary": "Versión inicial",
                                  "effective_from": "2025-02-10"},
             status="approved", approved_on=date(2025, 2, 1), approved_by_id=1)
        ev = make("evidence", {"title": "Lista de asistencia a la difusión de la política",
                               "effective_date": "2025-02-01", "clauses": "5.2.2"},
                  filename="asistencia.csv", media_type="text/csv", size=len(EVIDENCE_BYTES),
                  sha256=hashlib.sha256(EVIDENCE_BYTES).hexdigest())
        s.add(EvidenceBlob(evidence_id=ev.id, content=EVIDENCE_BYTES))
