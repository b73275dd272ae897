"""A small electoral calendar written through the services: people, a process and its owner,
an event (key day 2027-06-06) with its five stages, and activities planned around it."""

from __future__ import annotations

from datetime import date

import pytest

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.services import audits, documents, processes, records, reviews

KEY = date(2027, 6, 6)
PEOPLE = (("coord", "Laura Hernández", Role.COORDINATOR), ("owner", "Olga Vargas", Role.PROCESS_OWNER),
          ("lead", "Ana Juárez", Role.AUDITOR), ("reader", "Rita Consulta", Role.READER))
STAGES = (("preparation", "Preparación", date(2026, 9, 1), date(2027, 3, 31)),
          ("campaign", "Campañas", date(2027, 4, 1), date(2027, 6, 2)),
          ("election_day", "Jornada electoral", KEY, KEY),
          ("counting", "Cómputos", KEY, date(2027, 6, 13)),
          ("post", "Etapa post-electoral", date(2027, 6, 14), date(2027, 9, 30)))


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    system = Actor(login="setup", role=Role.ADMIN, name="Setup")
    with db.write() as s:
        ids = {code: records.create(s, system, "person", {"code": code, "name": name, "role": role}).id
               for code, name, role in PEOPLE}
        records.create(s, system, "process", {"code": "PR-05", "name": "Escrutinio y resultados",
                                              "category": "substantive", "owner": "owner"})
    return {code: Actor(login=code, role=role, name=name, person_id=ids[code]) for code, name, role in PEOPLE}


@pytest.fixture
def calendar_world(db, people):  # type: ignore[no-untyped-def]
    """Event PELO-2027 (key day 2027-06-06, freeze E-15 … E+3 by default) with stages, an
    audit, a review, a controlled document; another event PP-2026 with its own audit."""
    coord = people["coord"]
    processes.create_event(db, coord, {"code": "PELO-2027", "name": "Proceso Electoral Local 2026-2027",
                                       "kind": "ordinary", "start_date": "2026-09-01", "key_date": KEY,
                                       "end_date": "2027-09-30"})
    for kind, name, start, end in STAGES:
        processes.add_stage(db, coord, "PELO-2027", {"kind": kind, "name": name, "start_date": start, "end_date": end})
    processes.create_event(db, coord, {"code": "PP-2026", "name": "Consulta 2026", "kind": "participation",
                                       "start_date": "2026-01-15", "key_date": "2026-05-03",
                                       "end_date": "2026-08-31", "freeze_before": 10, "freeze_after": 5})
    audit = audits.create_audit(db, coord, {
        "title": "Auditoría a la preparación de la jornada", "kind": "internal", "scope": "Bodegas",
        "process": "PR-05", "event": "PELO-2027", "planned_start": "2027-05-01", "planned_end": "2027-05-03",
        "lead_auditor": "lead"})
    other = audits.create_audit(db, coord, {
        "title": "Auditoría a la consulta", "kind": "internal", "scope": "MRVO", "process": "PR-05",
        "event": "PP-2026", "planned_start": "2026-04-01", "planned_end": "2026-04-02"})
    review = reviews.create_review(db, coord, {"title": "Revisión post-electoral", "planned_date": "2027-07-01",
                                               "event": "PELO-2027"})
    documents.create_document(db, coord, {"code": "PR-SGCE-05", "title": "Procedimiento de cómputos",
                                          "kind": "procedure", "process": "PR-05", "owner": "owner",
                                          "review_months": 12, "next_review": "2027-08-01"})
    return {"audit": audit.code, "other_audit": other.code, "review": review.code, "document": "PR-SGCE-05"}
