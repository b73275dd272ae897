"""Audit programmes of the previous and the current year and their audits (9.2; domain.md
§3, §4.5): teams, checklists by clause with results, findings of every kind. Dates are
relative to ``today``; the NEMT Register strengths are those reported in 2025."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from qms_tui.db.models import ChecklistItem
from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import AuditKind as AK
from qms_tui.domain.enums import AuditRole as AR
from qms_tui.domain.enums import ChecklistResult as CR
from qms_tui.domain.enums import FindingKind as FK
from qms_tui.services import audits, indicators

CRITERIA = ("ISO 9001:2015, ISO/TS 54001:2019, Manual del SGCE, CIPECDMX, Ley de Participación "
            "Ciudadana de la CDMX y procedimientos de las áreas auditadas.")

# key, title, kind, process, event, unit, start, end (days from today), lead, team, clauses,
# final state, scope
AUDITS: tuple[tuple, ...] = (
    ("prev_internal", "Auditoría interna al PELO 2023-2024 (etapa post-electoral)", AK.INTERNAL,
     "PR-03", "PELO-2023-2024", "DEOEYG", -435, -433, "ajuarez",
     [("vmorales", AR.AUDITOR), ("srodriguez", AR.AUDITOR), ("ovargas", AR.AUDITEE)],
     "7.2, 7.5.3, 8.5.1.3, 8.5.1.4, 8.5.2, 8.5.4, 8.5.5", "closed",
     "Reclutamiento y capacitación de SEL y CAEL, entrega de material, integración de paquetes "
     "y de expedientes post-jornada en 8 Direcciones Distritales."),
    ("prev_surveillance", "Auditoría externa de seguimiento — NEMT Register (PELO 2023-2024)",
     AK.SURVEILLANCE, None, "PELO-2023-2024", None, -367, -365, None,
     [("lhernandez", AR.AUDITEE), ("mtorres", AR.AUDITEE)],
     "4.4, 5.2, 6.2, 8.5.1.4, 8.5.1.5, 9.1.3, 9.2, 9.3, 10.2", "closed",
     "Seis procesos sustantivos, procesos estratégicos y de apoyo; ejecución distrital."),
    ("internal", "Auditoría interna a la Consulta de Presupuesto Participativo 2025", AK.INTERNAL,
     "PR-09", "PP-2025", "DEPCYC", -60, -56, "srodriguez",
     [("hgutierrez", AR.AUDITOR), ("nramos", AR.AUDITOR), ("itrejo", AR.OBSERVER),
      ("pmendoza", AR.AUDITEE)],
     "7.2, 7.5.3, 8.1, 8.5.1.4, 8.5.1.5, 8.5.6, 9.1.1", "closed",
     "Registro y dictaminación de proyectos, opinión digital (SEI), instalación y operación de "
     "MRVO, cómputo y validación de resultados; oficinas centrales y 10 Direcciones Distritales. "
     "Más de 50 horas de auditoría."),
    ("recert", "Auditoría externa de recertificación ISO/TS 54001:2019 — NEMT Register",
     AK.RECERTIFICATION, None, "PP-2025", None, -12, -9, None,
     [("lhernandez", AR.AUDITEE), ("mtorres", AR.AUDITEE), ("rcastillo", AR.AUDITEE)],
     "4.3, 4.4, 5.2, 6.1, 6.2, 7.1.3, 7.2, 8.4, 8.5.1.2, 8.5.1.4, 8.5.1.5, 8.5.1.6, 8.5.1.8, "
     "9.1.3, 9.2, 9.3, 10.2, 10.3", "performed",
     "Sistema completo para el ciclo 2026-2029: seis procesos sustantivos, mecanismos de "
     "participación ciudadana, procesos estratégicos y de apoyo, ejecución distrital."),
    ("next", "Auditoría interna a la preparación de COPACO 2026 y Consulta PP 2026-2027",
     AK.INTERNAL, "PR-10", "COPACO-PP-2026", "DEPCYC", 25, 27, "ajuarez",
     [("vmorales", AR.AUDITOR), ("hgutierrez", AR.AUDITOR), ("pmendoza", AR.AUDITEE)],
     "6.1, 7.2, 8.1, 8.2.2, 8.5.1", "confirmed",
     "Planeación de la elección de COPACO y de la consulta, capacitación y ubicación de MRVO."),
)

# audit, key, kind, clause, title, description, evidence, process, unit
FINDINGS: tuple[tuple, ...] = (
    ("prev_internal", "prev_major", FK.MAJOR, "7.2",
     "Sin evidencia de evaluación de competencia del personal eventual (SEL y CAEL)",
     "En 6 de 8 Direcciones Distritales muestreadas no se conservan las evaluaciones de la "
     "capacitación del personal eventual; falla sistemática del requisito de competencia.",
     "Expedientes de 48 personas revisados en DD-03, DD-07, DD-11, DD-19, DD-25 y DD-30.",
     "PR-04", "DEOEYG"),
    ("prev_internal", "prev_minor", FK.MINOR, "8.5.4",
     "Bitácoras de apertura de bodega electoral incompletas",
     "Tres Direcciones Distritales no registraron todas las aperturas de la bodega electoral.",
     "Bitácoras de bodega de DD-07, DD-12 y DD-21 contrastadas con la videovigilancia.",
     "PR-03", "DD-12"),
    ("prev_internal", "prev_obs", FK.OBSERVATION, "7.5.3",
     "Expedientes post-jornada integrados con versiones distintas de formatos",
     "Coexisten dos versiones del formato de acta circunstanciada; aún no causa incumplimiento.",
     "Expedientes de cómputo de 4 distritos.", "PR-05", "DEOEYG"),
    ("prev_internal", "prev_strength", FK.STRENGTH, "8.5.2",
     "Trazabilidad de paquetes electorales con folios y sellos",
     "La cadena de custodia de paquetes es trazable de la casilla a la bodega distrital.",
     "Recibos y folios de 120 paquetes verificados.", "PR-03", "DEOEYG"),
    ("prev_surveillance", "surv_minor", FK.MINOR, "9.1.3",
     "Indicadores de proceso sin análisis de resultados",
     "Los resultados de 12 indicadores de proceso se capturan sin análisis ni acciones.",
     "Hojas de seguimiento de indicadores del tercer trimestre.", "PR-13", "SA"),
    ("prev_surveillance", "surv_ofi", FK.OFI, "9.1.1",
     "Automatizar el tablero de indicadores del SGCE",
     "Un tablero con semáforo facilitaría el seguimiento por la alta dirección.", None,
     "PR-13", "SA"),
    ("internal", "int_minor", FK.MINOR, "8.5.6",
     "Reubicaciones de MRVO sin registro del control de cambios",
     "41 MRVO cambiaron de domicilio el día de la consulta sin el registro de la revisión del "
     "cambio, de quién lo autorizó y de su difusión.",
     "Reportes de incidencias de DD-07, DD-15 y DD-22; entrevistas a responsables de MRVO.",
     "PR-09", "DD-22"),
    ("internal", "int_obs", FK.OBSERVATION, "7.2",
     "Capacitación a responsables de MRVO sin evaluación del aprendizaje",
     "Se registra la asistencia, pero no se evalúa lo aprendido.", None, "PR-09", "DEPCYC"),
    ("internal", "int_ofi", FK.OFI, "9.1.1",
     "Integrar los reportes del SEI y de las MRVO en un solo tablero",
     "Los resultados digitales y presenciales se consolidan a mano.", None, "PR-09", "DEPCYC"),
    ("internal", "int_strength", FK.STRENGTH, "8.5.1.4",
     "Plataforma de seguimiento de proyectos de presupuesto participativo",
     "La ciudadanía consulta el avance de los proyectos ganadores en línea.", None, "PR-09", "DEPCYC"),
    ("recert", "rec_minor1", FK.MINOR, "7.1.3",
     "Plan de continuidad del centro de datos sin prueba en el último año",
     "No hay evidencia de la prueba anual de conmutación al sitio alterno.",
     "Plan de continuidad y bitácoras de la UTSI.", "PR-15", "UTSI"),
    ("recert", "rec_minor2", FK.MINOR, "8.4.1",
     "Reevaluación de proveedores no realizada para dos contratos",
     "Dos proveedores de material de la consulta no tienen reevaluación documentada.",
     "Expedientes de adquisición de material electoral 2025.", "PR-16", "SA"),
    ("recert", "rec_ofi", FK.OFI, "6.1",
     "Vincular los riesgos del calendario electoral con los indicadores",
     "La matriz de riesgos podría referir los indicadores que alertan de cada riesgo.", None,
     "PR-12", "SE"),
    ("recert", "rec_s1", FK.STRENGTH, "8.4", "Procedimientos de adquisición abiertos",
     "Licitaciones públicas y transparencia de los procesos de compra.", None, "PR-16", "SA"),
    ("recert", "rec_s2", FK.STRENGTH, "8.5.1.4",
     "Plataforma de seguimiento de proyectos del presupuesto participativo",
     "Seguimiento público de la ejecución de los proyectos.", None, "PR-09", "DEPCYC"),
    ("recert", "rec_s3", FK.STRENGTH, "7.3", "Cultura organizacional orientada a la calidad",
     "El personal conoce la política de calidad y su contribución al SGCE.", None, "PR-13", "SA"),
    ("recert", "rec_s4", FK.STRENGTH, "8.5.1.4", "Sistema Electrónico por Internet (SEI)",
     "Opinión y voto por internet confiables y accesibles.", None, "PR-15", "UTSI"),
)

CONCLUSIONS = {
    "prev_internal": "Se cumplen en lo general los criterios; una no conformidad mayor (competencia "
                     "del personal eventual) y una menor.",
    "prev_surveillance": "El SGCE mantiene su conformidad; una no conformidad menor. Se recomienda "
                         "mantener la certificación.",
    "internal": "Sin no conformidades mayores; una no conformidad menor, una observación, una "
                "oportunidad de mejora y una fortaleza. El proceso es conforme y eficaz.",
}


def _year_of(day: date) -> int:
    return day.year


def load(ctx: Ctx) -> None:
    s, coord, top = ctx.session, ctx.as_("lhernandez"), ctx.as_("mtorres")
    for year in (ctx.year - 1, ctx.year):
        p = audits.create_programme(s, coord, {
            "year": year, "title": f"Programa anual de auditorías {year}",
            "objectives": "Verificar la conformidad y eficacia del SGCE antes, durante y después "
                          "de las jornadas; preparar las auditorías externas.",
            "scope": "Procesos sustantivos, de participación ciudadana, estratégicos y de apoyo; "
                     "oficinas centrales y Direcciones Distritales.",
            "criteria": CRITERIA, "methods": "Entrevistas, revisión documental, observación en "
                                             "sitio y muestreo por Dirección Distrital.",
            "resources": "Cinco auditores internos certificados; 200 horas-auditor.",
            "clauses": "9.2.1, 9.2.2",
        })
        audits.approve_programme(s, top, p.code, approved_on=date(year, 1, 20))
        ctx.keep(f"pa.{year}", p)
    for (key, title, kind, process, event, unit, start, end, lead, team, clauses, final,
         scope) in AUDITS:
        planned_start = ctx.day(start)
        programme = ctx.codes.get(f"pa.{_year_of(planned_start)}")
        a = ctx.keep(f"aud.{key}", audits.create_audit(s, coord, {
            "programme": programme, "title": title, "kind": kind, "scope": scope,
            "criteria": CRITERIA, "objectives": "Determinar la conformidad y eficacia del SGCE.",
            "process": process, "event": event, "org_unit": unit, "planned_start": planned_start,
            "planned_end": ctx.day(end), "lead_auditor": lead, "clauses": clauses,
            "plan": "Reunión de apertura, entrevistas por proceso, recorridos en sitio y reunión de "
                    "cierre.", "methods": "En sitio y a distancia; muestreo por distrito.",
        }))
        if lead:
            audits.add_team_member(s, coord, a.code, lead, AR.LEAD)
        for person, role in team:
            audits.add_team_member(s, coord, a.code, person, role)
        audits.generate_checklist(s, ctx.as_(lead) if lead else coord, a.code)
        audits.confirm_audit(s, coord, a.code)
        if final == "confirmed":
            continue
        auditor = ctx.as_(lead) if lead else coord
        audits.perform_audit(s, coord, a.code, actual_start=planned_start, actual_end=ctx.day(end))
        items = _items(ctx, a.id)
        for f in (f for f in FINDINGS if f[0] == key):
            _finding(ctx, auditor, a.code, items, f)
        for item in items.values():
            if item.result == CR.PENDING:
                audits.record_checklist_result(s, auditor, item.code, CR.CONFORMING,
                                               "Evidencia revisada sin desviaciones.")
        if final == "performed":
            continue
        audits.accept_report(s, top, a.code, conclusions=CONCLUSIONS[key],
                             accepted_on=ctx.day(end + 14))


def _items(ctx: Ctx, audit_id: int) -> dict[str, ChecklistItem]:
    rows = ctx.session.execute(
        select(ChecklistItem).where(ChecklistItem.audit_id == audit_id).order_by(ChecklistItem.id)
    ).scalars()
    out: dict[str, ChecklistItem] = {}
    for row in rows:
        out.setdefault(row.clause, row)
    return out


def _finding(ctx: Ctx, auditor, audit_code: str, items: dict, f: tuple) -> None:  # type: ignore[no-untyped-def]
    _, key, kind, clause, title, description, evidence, process, unit = f
    s = ctx.session
    item = items.get(clause)
    if item is None:
        audits.add_checklist_item(s, auditor, audit_code, {
            "clause": clause, "question": f"¿Se cumple el requisito {clause}?",
        })
        item = _items(ctx, ctx.ids[_audit_key(ctx, audit_code)])[clause]
        items[clause] = item
    if item.result == CR.PENDING:
        result = {FK.MAJOR: CR.NONCONFORMING, FK.MINOR: CR.NONCONFORMING,
                  FK.OBSERVATION: CR.OBSERVATION}.get(kind, CR.CONFORMING)
        audits.record_checklist_result(s, auditor, item.code, result, evidence or description)
        s.refresh(item)
    ctx.keep(f"f.{key}", audits.add_finding(s, auditor, {
        "audit": audit_code, "kind": kind, "title": title, "description": description,
        "evidence": evidence, "process": process, "org_unit": unit,
        "checklist_item": item.code, "clauses": clause,
    }))


def _audit_key(ctx: Ctx, code: str) -> str:
    return next(k for k, v in ctx.codes.items() if v == code and k.startswith("aud."))


def close(ctx: Ctx) -> None:
    """Close the audits whose follow-up is complete (after their NCs were raised)."""
    for key, *_, _start, end, _lead, _team, _clauses, final, _scope in AUDITS:
        if final == "closed":
            audits.close_audit(ctx.session, ctx.as_("lhernandez"), ctx.code(f"aud.{key}"),
                               closed_on=ctx.day(end + (80 if key.startswith("prev") else 36)))


def record_external_results(ctx: Ctx) -> None:
    """Nonconformities per external audit: the indicator's latest per-event values."""
    for key, *_, _start, end, _lead, _team, _clauses, _final, _scope in AUDITS:
        if key not in ("prev_surveillance", "recert"):
            continue
        n = sum(1 for f in FINDINGS if f[0] == key and f[2] in (FK.MAJOR, FK.MINOR))
        indicators.record_measurement(
            ctx.session, ctx.as_("lhernandez"), ctx.code("ind.ext_findings"),
            ctx.day(end).isoformat(), n, note=f"{n} NC menores; sin NC mayores. Informe de NEMT Register.")
