"""Evidence files (small generated text and CSV) and controlled documents with versions."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from qms_tui.demo.context import Ctx
from qms_tui.demo.org import DISTRICTS
from qms_tui.demo.seed import POLICY_TEXT, objective_titles
from qms_tui.domain.enums import DocumentKind as DK
from qms_tui.services import documents


def _csv(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def mrvo_rows(ctx: Ctx) -> list[list[object]]:
    """MRVO approved and installed per district on the Consulta PP 2025 day."""
    rows: list[list[object]] = [["direccion_distrital", "mrvo_aprobadas", "mrvo_instaladas"]]
    for n in range(1, DISTRICTS + 1):
        approved = ctx.rng.randint(58, 92)
        missing = 1 if n in (7, 22) else 0
        rows.append([f"DD-{n:02d}", approved, approved - missing])
    return rows


def mrvo_installed_pct(rows: list[list[object]]) -> float:
    approved = sum(int(r[1]) for r in rows[1:])  # type: ignore[arg-type]
    installed = sum(int(r[2]) for r in rows[1:])  # type: ignore[arg-type]
    return round(100.0 * installed / approved, 2)


def _evidence(ctx: Ctx, key: str, data: dict, content: bytes, filename: str, media: str) -> None:
    ctx.keep(key, documents.add_evidence(ctx.session, ctx.as_("lhernandez"), data, content,
                                         filename, media))


def load_evidence(ctx: Ctx) -> None:
    y = ctx.year
    _evidence(ctx, "evi.policy", {
        "title": "Política y objetivos de calidad vigentes (texto aprobado)",
        "effective_date": ctx.day(-300), "process": "PR-13", "clauses": "5.2.1, 5.2.2, 6.2.1",
        "description": "Texto aprobado de la política de calidad y de los cuatro objetivos de calidad.",
    }, ("Política de calidad\n\n" + POLICY_TEXT + "\n\nObjetivos de calidad\n\n"
        + "\n".join(f"{i}. {t}" for i, t in enumerate(objective_titles(), 1)) + "\n").encode(),
        "politica_y_objetivos_de_calidad.txt", "text/plain")
    rows = [["fecha", "unidad", "modalidad", "asistentes"]]
    first = ctx.day(-280)
    for n in range(1, DISTRICTS + 1):
        rows.append([(first + timedelta(days=n % 10)).isoformat(), f"DD-{n:02d}", "presencial",
                     ctx.rng.randint(9, 16)])
    rows.append([(first + timedelta(days=12)).isoformat(), "Oficinas centrales", "en línea", 412])
    _evidence(ctx, "evi.policy_comm", {
        "title": "Listas de asistencia a las sesiones de difusión de la política de calidad",
        "effective_date": first + timedelta(days=12), "process": "PR-13", "clauses": "5.2.2, 7.3",
    }, _csv(rows), "difusion_politica_calidad.csv", "text/csv")
    mrvo = mrvo_rows(ctx)
    ctx.codes["mrvo_pct"] = str(mrvo_installed_pct(mrvo))
    _evidence(ctx, "evi.mrvo", {
        "title": "Reporte de instalación de MRVO — Consulta de Presupuesto Participativo 2025",
        "effective_date": date(2025, 8, 18), "process": "PR-09", "clauses": "8.5.1.4, 9.1.1",
        "description": "MRVO aprobadas e instaladas por Dirección Distrital (corte de las 12:00 h).",
    }, _csv(mrvo), "mrvo_instaladas_pp2025.csv", "text/csv")
    _evidence(ctx, "evi.programme", {
        "title": f"Programa anual de auditorías internas {y}", "effective_date": date(y, 1, 20),
        "process": "PR-13", "clauses": "9.2.1, 9.2.2",
    }, _csv([["auditoria", "proceso_o_evento", "mes", "auditor_lider"],
             ["Interna", "Consulta de Presupuesto Participativo 2025", "septiembre", "srodriguez"],
             ["Externa (recertificación)", "SGCE completo — NEMT Register", "noviembre", "—"],
             ["Interna", "Preparación COPACO y Consulta PP 2026-2027", "diciembre", "ajuarez"]]),
        f"programa_auditorias_{y}.csv", "text/csv")
    _evidence(ctx, "evi.outage", {
        "title": "Bitácora del incidente del enlace principal del centro de datos",
        "effective_date": ctx.day(-(ctx.today.day + 3)), "process": "PR-15",
        "clauses": "7.1.3, 10.2.2",
    }, _csv([["hora", "evento"], ["02:10", "Pérdida del enlace principal"],
             ["02:25", "Conmutación manual al enlace de respaldo fallida"],
             ["08:40", "Proveedor restablece el enlace principal"]]),
        "bitacora_incidente_enlace.csv", "text/csv")


# code, title, kind, process, owner, review months, clauses, [(version, summary, days ago or None)]
DOCUMENTS: tuple[tuple, ...] = (
    ("MC-SGCE", "Manual del Sistema de Gestión de Calidad Electoral", DK.MANUAL, "PR-13",
     "lhernandez", 12, "4.3, 4.4, 5.3, 7.5.1", [
         ("3.0", "Alcance con seis procesos sustantivos y exclusiones justificadas (procesos 1 y 7).", 420),
         ("4.0", "Incorpora el cambio climático en 4.1 y 4.2 (ISO 9001:2015/Amd 1:2024) y los "
                 "nombres 2025 de las Direcciones Ejecutivas.", None)]),
    ("POL-SGCE", "Política de Calidad del IECM", DK.POLICY, "PR-13", "mtorres", 12, "5.2.1, 5.2.2", [
        ("2.0", "Texto vigente de la política de calidad aprobado por la alta dirección.", 300)]),
    ("PR-SGCE-01", "Procedimiento de auditoría interna", DK.PROCEDURE, "PR-13", "lhernandez", 24,
     "9.2.1, 9.2.2", [("2.1", "Independencia de auditores y listas de verificación por cláusula.", 500)]),
    ("PR-SGCE-02", "Procedimiento de no conformidades y acciones correctivas", DK.PROCEDURE, "PR-13",
     "lhernandez", 24, "8.7, 10.2.1, 10.2.2", [
         ("3.0", "Análisis de causa raíz con 5 porqués o diagrama de Ishikawa.", 610),
         ("3.1", "Análisis de extensión obligatorio y verificación de eficacia por persona ajena a "
                 "las acciones.", None)]),
    ("PR-SGCE-03", "Procedimiento de control de la información documentada", DK.PROCEDURE, "PR-13",
     "lhernandez", 24, "7.5.2, 7.5.3", [("2.0", "Control de documentos externos y retención.", 700)]),
    ("PR-DEPCYC-04", "Procedimiento para la instalación y operación de las MRVO", DK.PROCEDURE,
     "PR-09", "pmendoza", 12, "8.5.1.4, 8.5.6", [("1.2", "Ajustes para la Consulta 2025.", 240)]),
    ("PL-DEOEYG-01", "Plan de seguridad y cadena de custodia de los paquetes electorales", DK.PLAN,
     "PR-03", "ovargas", 12, "8.5.2, 8.5.4", [("2.0", "Actualización para el PELE-PJ 2024-2025.", 330)]),
)


def load_documents(ctx: Ctx) -> None:
    s, author, approver = ctx.session, ctx.as_("lhernandez"), ctx.as_("mtorres")
    for code, title, kind, process, owner, months, clauses, versions in DOCUMENTS:
        last_approved = max((d for *_, d in versions if d is not None), default=None)
        next_review = ctx.day(-last_approved + months * 30) if last_approved else None
        ctx.keep(f"doc.{code}", documents.create_document(s, author, {
            "code": code, "title": title, "kind": kind, "process": process, "owner": owner,
            "review_months": months, "next_review": next_review, "clauses": clauses,
        }))
        for version, summary, days_ago in versions:
            evidence = ctx.code("evi.policy") if code == "POL-SGCE" else None
            v = documents.add_version(s, author, code, {
                "label": version, "change_summary": summary, "evidence": evidence,
            })
            documents.submit_version(s, author, v.code)
            if days_ago is not None:
                documents.approve_version(s, approver, v.code, approved_on=ctx.day(-days_ago),
                                          effective_from=ctx.day(-days_ago + 7))
    ctx.keep("doc.form", documents.create_document(s, ctx.as_("pmendoza"), {
        "code": "FO-DEPCYC-04-02", "title": "Formato de control de cambios de ubicación de MRVO",
        "kind": DK.FORM, "process": "PR-09", "owner": "pmendoza", "review_months": 12,
        "clauses": "8.5.6, 7.5.3",
    }))
    documents.add_version(s, ctx.as_("pmendoza"), "FO-DEPCYC-04-02", {
        "label": "1.0", "change_summary": "Formato nuevo: acción correctiva de la NC de reubicación de MRVO.",
    })
