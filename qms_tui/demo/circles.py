"""Quality circles (domain.md §7, §4.6): one in the DE de Participación Ciudadana y
Capacitación, one in Dirección Distrital 14; members and roles, meetings with minutes and
agreements, improvement projects in different PDCA stages (one closed with its benefit)."""

from __future__ import annotations

from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import AgreementStatus as AS
from qms_tui.domain.enums import CircleRole as R
from qms_tui.domain.enums import Pdca as P
from qms_tui.services import circles

CIRCLES: tuple[tuple, ...] = (
    ("pc", "Círculo de Calidad «Participación sin Barreras»", "DEPCYC", -400,
     "Mejorar la oportunidad de la dictaminación de proyectos y la accesibilidad de las MRVO.",
     [("mtorres", R.SPONSOR), ("lhernandez", R.FACILITATOR), ("ymedina", R.LEADER),
      ("rpineda", R.SECRETARY), ("pmendoza", R.MEMBER), ("dflores", R.MEMBER)]),
    ("dd14", "Círculo de Calidad de la Dirección Distrital 14", "DD-14", -200,
     "Acercar la educación cívica y la atención ciudadana a las colonias del distrito.",
     [("eortega", R.SPONSOR), ("lhernandez", R.FACILITATOR), ("ajuarez", R.LEADER),
      ("ksilva", R.SECRETARY), ("bcervantes", R.MEMBER)]),
)

# key, circle, title, problem, process, indicator, nc, risk, baseline, target, unit, started, due
PROJECTS: tuple[tuple, ...] = (
    ("dictamen", "pc", "Dictaminar en plazo los proyectos de presupuesto participativo",
     "En la Consulta 2023-2024 el 3.5 % de los proyectos se dictaminó fuera de plazo por falta "
     "de un calendario común con las alcaldías.", "PR-09", "ind.dictamen", None, None,
     96.5, 98.0, "%", -400, -120),
    ("relocation", "pc", "Reducir las reubicaciones de MRVO el día de la consulta",
     "41 MRVO cambiaron de domicilio el día de la Consulta 2025 sin registro del control de "
     "cambios (hallazgo de la auditoría interna).", "PR-09", None, "nc.action_plan",
     "risk.mrvo_access", 41, 10, "reubicaciones", -40, 150),
    ("civic14", "dd14", "Aumentar la asistencia a talleres de educación cívica en la DD-14",
     "La asistencia promedio a los talleres del distrito es de 96 personas al mes, por debajo "
     "de la meta distrital de 130.", "PR-06", "ind.civic", None, "risk.universities",
     96, 130, "personas/mes", -190, 30),
    ("requests14", "dd14", "Reducir el tiempo de respuesta a solicitudes ciudadanas en la DD-14",
     "Las solicitudes de información de COPACO tardan 6.5 días hábiles en responderse.",
     "PR-10", None, None, None, 6.5, 3, "días", -15, 160),
)

# circle, days, pdca stage, project, agenda, minutes, [(text, owner, due, done)]
MEETINGS: tuple[tuple, ...] = (
    ("pc", -390, P.PLAN, "dictamen", "Selección del tema; matriz de priorización.",
     "Se votó el tema con la matriz de priorización (impacto, control del círculo, medición). "
     "Se acordó levantar la línea base por alcaldía.",
     [("Levantar la línea base de tiempos de dictaminación por alcaldía.", "ymedina", -375, True),
      ("Elaborar el diagrama de Pareto de causas de retraso.", "rpineda", -375, True)]),
    ("pc", -300, P.DO, "dictamen", "Contramedidas; calendario común con alcaldías.",
     "El Pareto mostró que el 70 % de los retrasos se debe a solicitudes de información tardías. "
     "Se inician mesas quincenales con las 16 alcaldías.",
     [("Mesas de trabajo quincenales con las 16 alcaldías.", "pmendoza", -250, True)]),
    ("pc", -85, P.ACT, "dictamen", "Verificación de resultados de la Consulta 2025.",
     "98.2 % de proyectos dictaminados en plazo (meta 98 %). Se propone estandarizar el calendario.",
     [("Incorporar el calendario común al procedimiento de la Consulta.", "pmendoza", -30, True)]),
    ("pc", -35, P.PLAN, "relocation", "Nuevo tema: reubicaciones de MRVO.",
     "Se adopta el hallazgo de la auditoría interna como tema. Lluvia de ideas de causas (6M).",
     [("Mapa de reubicaciones 2025 por Dirección Distrital.", "ymedina", -20, True),
      ("Proponer el formato de control de cambios de ubicación.", "rpineda", 10, False)]),
    ("dd14", -185, P.PLAN, "civic14", "Integración del círculo y selección del tema.",
     "Se integró el círculo y se eligió el tema por votación.",
     [("Encuesta a vecinos sobre horarios preferidos.", "ksilva", -160, True)]),
    ("dd14", -120, P.DO, "civic14", "Talleres en horario vespertino y en escuelas.",
     "La encuesta indica preferencia por sábados y sedes escolares. Se programan talleres piloto.",
     [("Acordar sedes con cinco escuelas secundarias.", "ajuarez", -100, True),
      ("Difundir los talleres en grupos vecinales.", "bcervantes", -90, False)]),
    ("dd14", -20, P.CHECK, "civic14", "Revisión de la asistencia de los últimos tres meses.",
     "Asistencia promedio de 121 personas al mes (meta 130). Se analiza la baja de octubre.",
     [("Analizar la asistencia por sede y horario.", "ksilva", 10, False)]),
)


def load(ctx: Ctx) -> None:
    s, facilitator = ctx.session, ctx.as_("lhernandez")
    for key, name, unit, formed, purpose, members in CIRCLES:
        c = ctx.keep(f"cc.{key}", circles.create_circle(s, facilitator, {
            "name": name, "org_unit": unit, "purpose": purpose, "formed_on": ctx.day(formed),
            "active": True,
        }))
        for login, role in members:
            circles.add_member(s, facilitator, c.code, login, role)
    for (key, circle, title, problem, process, indicator, nc, risk, baseline, target, unit,
         started, due) in PROJECTS:
        ctx.keep(f"pm.{key}", circles.create_project(s, facilitator, {
            "circle": ctx.code(f"cc.{circle}"), "title": title, "problem": problem,
            "process": process, "indicator": ctx.codes.get(indicator) if indicator else None,
            "nonconformity": ctx.codes.get(nc) if nc else None,
            "risk": ctx.codes.get(risk) if risk else None, "baseline": baseline,
            "target": target, "unit": unit, "started_on": ctx.day(started),
            "due_date": ctx.day(due), "clauses": "10.1, 10.3, 7.3",
        }))
    leaders = {c[0]: next(login for login, role in c[5] if role == R.LEADER) for c in CIRCLES}
    members = {c[0]: [login for login, _ in c[5]] for c in CIRCLES}
    for circle, day, stage, project, agenda, minutes, agreements in MEETINGS:
        _advance_to(ctx, project, stage, leaders[circle])
        detail = circles.record_meeting(s, ctx.as_(leaders[circle]), ctx.code(f"cc.{circle}"), {
            "date": ctx.day(day), "place": "Sala de juntas" if circle == "pc" else "Sede distrital",
            "attendees": ", ".join(members[circle][1:]), "absentees": members[circle][0],
            "agenda": agenda, "minutes": minutes, "pdca_stage": stage,
            "project": ctx.code(f"pm.{project}"), "next_date": ctx.day(day + 14),
        }, [{"text": t, "owner": o, "due_date": ctx.day(d)} for t, o, d, _ in agreements])
        for agreement, (*_, done) in zip(detail.agreements, agreements, strict=True):
            if done:
                circles.set_agreement_status(s, ctx.as_(leaders[circle]), agreement.code, AS.DONE)
    pc = ctx.as_("ymedina")
    _advance_to(ctx, "relocation", P.DO, "ymedina")
    circles.advance_project(s, pc, ctx.code("pm.dictamen"), P.CLOSED, closed_on=ctx.day(-80),
                            benefit="Proyectos dictaminados en plazo: de 96.5 % a 98.2 %; calendario "
                                    "común con las 16 alcaldías incorporado al procedimiento.")


_ORDER = (P.PLAN, P.DO, P.CHECK, P.ACT)
_RESULTS = {"dictamen": 98.2, "civic14": 121.0}


def _advance_to(ctx: Ctx, project: str, stage: str, leader: str) -> None:
    """Move the project forward stage by stage up to ``stage`` (Check takes the result)."""
    code = ctx.code(f"pm.{project}")
    current = ctx.codes.get(f"stage.{project}", P.PLAN)
    while _ORDER.index(current) < _ORDER.index(stage):
        current = _ORDER[_ORDER.index(current) + 1]
        circles.advance_project(ctx.session, ctx.as_(leader), code, current,
                                measured_result=_RESULTS.get(project) if current == P.CHECK else None)
    ctx.codes[f"stage.{project}"] = current
