"""Quality policy (verbatim, approved, communicated; an earlier superseded wording),
the four quality objectives (verbatim) with their plans (6.2.2)."""

from __future__ import annotations

from datetime import date

from qms_tui.demo.context import Ctx
from qms_tui.demo.seed import OBJECTIVES, POLICY_TEXT
from qms_tui.services import policy

#: An earlier wording (illustrative), superseded by the current policy.
OLD_POLICY = (
    "En el Instituto Electoral de la Ciudad de México nos comprometemos a organizar procesos "
    "electorales y mecanismos de participación ciudadana con apego a los principios rectores "
    "de la función electoral, cumpliendo los requisitos legales aplicables y mejorando "
    "continuamente la eficacia de nuestro Sistema de Gestión de Calidad Electoral"
)

# owner, process, clauses, description
OBJECTIVE_DETAILS: tuple[tuple[str, str | None, str, str], ...] = (
    ("rcastillo", None, "5.1.2, 6.2.1, 8.5.1",
     "Se mide con los indicadores de los procesos sustantivos y de participación ciudadana: "
     "MRVO y casillas instaladas, paquetes en tiempo, cómputos, quejas y educación cívica."),
    ("rcastillo", "PR-12", "6.2.1, 8.4",
     "Actividades con el INE (convenio general de coordinación y anexos técnicos), las alcaldías "
     "(dictaminación de proyectos) y el TECDMX."),
    ("lhernandez", "PR-13", "4.3, 6.2.1, 9.2",
     "Mantener la certificación ISO/TS 54001:2019 (ciclo 2026-2029) y ampliar el alcance."),
    ("mtorres", "PR-13", "6.2.1, 10.1, 10.3",
     "Proyectos de mejora PHVA con beneficio medido, coordinados por la Secretaría Administrativa."),
)

# objective no., what, resources, responsible, due (days from today), how evaluated
PLANS: tuple[tuple[int, str, str, str, int, str], ...] = (
    (1, "Verificar cada hora la instalación de MRVO y casillas durante las jornadas, con reporte "
        "de las 33 Direcciones Distritales.", "Personal de las 33 DD; sistema de seguimiento de "
        "la jornada.", "ovargas", 160, "MRVO instaladas ≥ 99.5 % y paquetes en tiempo ≥ 98 %."),
    (1, "Reducir el tiempo de los cómputos distritales con simulacros y mejoras al SICODID.",
     "UTSI; dos simulacros por proceso.", "dflores", 150, "Tiempo promedio de cómputo ≤ 36 h."),
    (1, "Programa anual de talleres de educación cívica en las 33 Direcciones Distritales.",
     "Material didáctico; 66 personas facilitadoras.", "csanchez", 40,
     "≥ 4,000 personas alcanzadas al mes."),
    (2, "Seguimiento semanal del plan de coordinación con el INE (convenio y anexos técnicos).",
     "Secretaría Ejecutiva; tablero compartido.", "rcastillo", 90,
     "≥ 95 % de actividades conjuntas concluidas en plazo."),
    (2, "Mesas de trabajo con las 16 alcaldías para dictaminar en plazo los proyectos de "
        "presupuesto participativo.", "DEPCyC; enlaces de alcaldías.", "pmendoza", 120,
     "≥ 95 % de proyectos dictaminados en plazo."),
    (3, "Preparar y atender la auditoría de recertificación ISO/TS 54001:2019 con NEMT Register.",
     "Equipo de la Coordinación de Calidad; auditores internos.", "lhernandez", -8,
     "Certificado del ciclo 2026-2029 sin no conformidades mayores."),
    (3, "Incorporar el proceso de mecanismos de democracia directa al alcance certificado.",
     "Caracterización del proceso; auditoría interna previa.", "lhernandez", 330,
     "Proceso incluido en la siguiente auditoría de seguimiento."),
    (4, "Operar al menos dos círculos de calidad con proyectos PHVA.",
     "Facilitación de la Coordinación de Calidad; 1 h semanal por integrante.", "mtorres", 200,
     "≥ 2 proyectos concluidos al año con beneficio medido."),
    (4, "Formar personas facilitadoras de círculos en herramientas de calidad (Ishikawa, Pareto, "
        "5 porqués).", "Centro de Formación y Desarrollo.", "groman", 100,
     "20 personas facilitadoras formadas y evaluadas."),
)


def load(ctx: Ctx) -> None:
    s, coord, top = ctx.session, ctx.as_("lhernandez"), ctx.as_("mtorres")
    old = policy.create_policy_version(
        s, coord, OLD_POLICY, effective_from=date(2020, 1, 15),
        notes="Redacción anterior (ilustrativa), vigente durante el ciclo 2020-2023.")
    policy.approve_policy(s, top, old.code, approved_on=date(2020, 1, 10),
                          effective_from=date(2020, 1, 15))
    ctx.keep("pol.old", old)
    current = policy.create_policy_version(
        s, coord, POLICY_TEXT, effective_from=ctx.day(-300),
        notes="Texto publicado por el IECM; aprobado por la alta dirección.")
    policy.approve_policy(s, top, current.code, approved_on=ctx.day(-305),
                          effective_from=ctx.day(-300))
    ctx.keep("pol.current", current)
    comms = (
        (ctx.day(-298), "Intranet institucional y correo a todo el personal",
         "Personal de oficinas centrales y de las 33 Direcciones Distritales", None),
        (ctx.day(-268), "Sesiones de sensibilización presenciales y en línea",
         "Personal del SGCE y de los órganos desconcentrados", ctx.code("evi.policy_comm")),
        (ctx.day(-290), "Portal www.iecm.mx (sección SGCE)",
         "Ciudadanía, partidos políticos y demás partes interesadas", None),
    )
    for day, channel, audience, evidence in comms:
        policy.add_communication(s, coord, current.code, {
            "date": day, "channel": channel, "audience": audience, "evidence": evidence,
        })
    for no, (title, (owner, process, clauses, description)) in enumerate(
            zip(OBJECTIVES, OBJECTIVE_DETAILS, strict=True), start=1):
        ctx.keep(f"obj.{no}", policy.create_objective(s, coord, {
            "title": title, "description": description, "owner": owner, "process": process,
            "status": "active", "clauses": clauses,
        }))
    for no, what, resources, responsible, due, evaluation in PLANS:
        policy.add_objective_plan(s, coord, ctx.code(f"obj.{no}"), {
            "what": what, "resources": resources, "responsible": responsible,
            "due_date": ctx.day(due), "evaluation": evaluation,
        })
