"""Quality activities planned relative to the key day of the judicial election (PELE-PJ
2024-2025, election day 1 June 2025): the closing audit of the process, an extraordinary
management review on its results, the pending actions of the nonconformity on its district
counts, the re-approval of the custody plan of the electoral packages, and when the
TECDMX-confirmation indicator is due for it.

Like the rest of the demo, the activities fall a few weeks after ``today``; they are anchored
to the key day at the offset that gives that date (``E+200`` when today is 2025-11-20), so
``qms events shift PELE-PJ-2024-2025 --to …`` moves exactly these dates (and the event's own).
"""

from __future__ import annotations

from qms_tui.demo.audits import CRITERIA
from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import AuditKind as AK
from qms_tui.domain.enums import AuditRole as AR
from qms_tui.services import audits, calendar, reviews

EVENT = "PELE-PJ-2024-2025"

#: The per-event measurement of this indicator is due 120 days after the election day
#: (the appeals before the TECDMX are resolved by then).
TECDMX_DUE = "E+120"


def load(ctx: Ctx) -> None:
    s, coord = ctx.session, ctx.as_("lhernandez")
    start = ctx.day(28)
    audit = ctx.keep("aud.pj_closing", audits.create_audit(s, coord, {
        "programme": ctx.codes.get(f"pa.{start.year}"),
        "title": "Auditoría interna de cierre del PELE-PJ 2024-2025: cómputos, resguardo y "
                 "destrucción de la documentación electoral",
        "kind": AK.INTERNAL, "process": "PR-05", "event": EVENT, "org_unit": "DEOEYG",
        "scope": "Cómputos distritales por especialidad (SICODID), resguardo de paquetes y "
                 "destrucción de la documentación electoral en los 11 distritos judiciales.",
        "criteria": CRITERIA, "objectives": "Verificar el cierre del proceso electoral judicial y "
                                            "las lecciones aprendidas para el siguiente proceso.",
        "planned_start": start, "planned_end": ctx.day(30), "lead_auditor": "srodriguez",
        "clauses": "8.5.1.5, 8.5.4, 7.5.3, 10.3",
    }))
    audits.add_team_member(s, coord, audit.code, "srodriguez", AR.LEAD)
    audits.add_team_member(s, coord, audit.code, "hgutierrez", AR.AUDITOR)
    review = ctx.keep("rd.pj", reviews.create_review(s, coord, {
        "title": "Revisión por la dirección extraordinaria — resultados del PELE-PJ 2024-2025",
        "planned_date": ctx.day(35), "event": EVENT,
        "participants": "Alta dirección, titulares de la DEOEYG y de la UTSI, Coordinación de Calidad.",
        "clauses": "9.3.1, 9.3.2, 9.3.3",
    }))
    planned = [
        ("audit", audit.code, "planned_start"), ("audit", audit.code, "planned_end"),
        ("review", review.code, "planned_date"),
        ("action", ctx.code("ac.implementation.a2"), "due_date"),
        ("action", ctx.code("ac.implementation.a3"), "due_date"),
        ("document", ctx.code("doc.PL-DEOEYG-01"), "next_review"),
    ]
    for entity, code, field in planned:  # anchored where they are: the offset follows from the date
        calendar.anchor(s, coord, entity, code, field, EVENT)
    calendar.anchor(s, coord, "indicator", ctx.code("ind.tecdmx"), calendar.DUE, EVENT, TECDMX_DUE)
