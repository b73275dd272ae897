"""Risks and opportunities (6.1) per process and event, levels spread, with treatments and
some actions."""

from __future__ import annotations

from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import ActionKind as AK
from qms_tui.domain.enums import RiskKind as RK
from qms_tui.domain.enums import RiskStatus as RS
from qms_tui.domain.enums import Treatment as T
from qms_tui.services import risks

# key, kind, title, process, event, L, I, treatment, plan, owner, status, residual, clauses,
# [(action kind, description, owner, due in days, done)]
RISKS: tuple[tuple, ...] = (
    ("mrvo_access", RK.RISK, "Insuficientes domicilios accesibles para instalar MRVO", "PR-09",
     "COPACO-PP-2026", 4, 4, T.MITIGATE, "Recorridos con personas con discapacidad y convenios con "
     "escuelas y alcaldías para espacios en planta baja.", "pmendoza", RS.TREATING, (2, 4),
     "6.1.1, 6.1.2, 7.1.4, 8.5.1.4",
     [(AK.PREVENTIVE, "Recorridos de verificación de accesibilidad en las 1,851 unidades territoriales.",
       "pmendoza", 45, False)]),
    ("sei_down", RK.RISK, "Indisponibilidad del SEI durante la opinión digital", "PR-15",
     "COPACO-PP-2026", 2, 5, T.MITIGATE, "Pruebas de carga, sitio alterno y plan de continuidad.",
     "dflores", RS.TREATING, (1, 5), "6.1.1, 7.1.3, 8.5.1.4",
     [(AK.PREVENTIVE, "Prueba de carga con 50,000 sesiones concurrentes y simulacro de conmutación.",
       "dflores", 60, False),
      (AK.PREVENTIVE, "Contratar enlace redundante con un segundo proveedor.", "ereyes", -20, False)]),
    ("custody", RK.RISK, "Ruptura de la cadena de custodia de paquetes en bodegas distritales",
     "PR-03", "COPACO-PP-2026", 2, 5, T.MITIGATE, "Bitácoras de apertura, sellos foliados y "
     "videovigilancia en bodegas.", "ovargas", RS.TREATING, (1, 5), "6.1.1, 8.5.2, 8.5.4",
     [(AK.PREVENTIVE, "Capacitar a titulares de DD en el uso de la bitácora de bodega.", "ovargas",
       -30, True)]),
    ("staff_turnover", RK.RISK, "Rotación del personal eventual capacitado antes de la jornada",
     "PR-14", "COPACO-PP-2026", 3, 3, T.MITIGATE, "Lista de reserva capacitada al 20 %.",
     "groman", RS.OPEN, None, "6.1.1, 7.1.2, 7.2", []),
    ("lottery", RK.RISK, "Errores en la asignación de candidaturas judiciales por insaculación",
     "PR-02", "PELE-PJ-2024-2025", 2, 4, T.MITIGATE, "Insaculación electrónica ante notario con "
     "verificación cruzada de listas.", "agarcia", RS.CLOSED, (1, 4), "6.1.1, 8.5.1.2", []),
    ("budget_cut", RK.RISK, "Reducción presupuestal que limite la operación de las 33 DD", "PR-12",
     None, 3, 4, T.ACCEPT, "Priorizar actividades sustantivas del calendario y documentar los "
     "impactos ante el Consejo General.", "rcastillo", RS.OPEN, None, "4.1, 6.1.1, 7.1.1", []),
    ("complaints_load", RK.RISK, "Quejas fuera de plazo por aumento de casos de violencia "
     "política en razón de género", "PR-08", None, 3, 3, T.MITIGATE, "Reforzar la plantilla de "
     "sustanciación en periodo electoral.", "fnavarro", RS.TREATING, (2, 3), "6.1.1, 8.5.1.8",
     [(AK.PREVENTIVE, "Protocolo de turnos y tablero de plazos de quejas.", "fnavarro", 20, False)]),
    ("climate", RK.RISK, "Lluvias intensas afectan la instalación de MRVO y el traslado de paquetes "
     "(cambio climático, ISO 9001 Amd 1:2024)", "PR-03", "COPACO-PP-2026", 3, 4, T.MITIGATE,
     "Rutas alternas, toldos y coordinación con Protección Civil.", "ovargas", RS.OPEN, None,
     "4.1, 6.1.1, 8.5.4", []),
    ("vendor", RK.RISK, "Proveedor único de impresión de documentación de la consulta", "PR-16",
     "COPACO-PP-2026", 2, 3, T.TRANSFER, "Fianza de cumplimiento y penas convencionales en el "
     "contrato.", "ereyes", RS.TREATING, (2, 2), "6.1.1, 8.4.1, 8.4.3", []),
    ("digital_opinion", RK.OPPORTUNITY, "Ampliar la opinión digital (SEI) para elevar la "
     "participación en la Consulta PP", "PR-09", "COPACO-PP-2026", 4, 4, T.EXPLOIT,
     "Campaña en redes y módulos de apoyo en las 33 DD.", "pmendoza", RS.TREATING, None,
     "6.1.1, 6.1.2, 8.5.1.4",
     [(AK.IMPROVEMENT, "Instalar módulos de apoyo a la opinión digital en las 33 DD.", "pmendoza",
       120, False)]),
    ("pp_platform", RK.OPPORTUNITY, "Replicar la plataforma de seguimiento de proyectos PP en "
     "otras áreas", "PR-15", None, 3, 3, T.EXPLOIT, "Adaptarla al seguimiento de acuerdos del "
     "Consejo General.", "dflores", RS.OPEN, None, "6.1.1, 7.1.6, 10.3", []),
    ("universities", RK.OPPORTUNITY, "Convenios con universidades para talleres de educación "
     "cívica", "PR-06", None, 3, 2, T.EXPLOIT, "Servicio social en las 33 DD.", "csanchez",
     RS.TREATING, None, "6.1.1, 8.5.1.6",
     [(AK.IMPROVEMENT, "Firmar dos convenios con universidades públicas.", "csanchez", 90, False)]),
)


def load(ctx: Ctx) -> None:
    s = ctx.session
    for (key, kind, title, process, event, lk, im, treatment, plan, owner, status, residual,
         clauses, actions) in RISKS:
        actor = ctx.as_(owner)
        data = {
            "kind": kind, "title": title, "process": process, "event": event,
            "likelihood": lk, "impact": im, "treatment": treatment, "treatment_plan": plan,
            "owner": owner, "status": RS.TREATING if status == RS.CLOSED else status,
            "review_date": ctx.day(90 if status != RS.CLOSED else -60), "clauses": clauses,
            "description": f"{title}. Identificado en el análisis de riesgos del proceso {process}.",
        }
        if residual:
            data["residual_likelihood"], data["residual_impact"] = residual
        risk = ctx.keep(f"risk.{key}", risks.create_risk(s, actor, data))
        for action_kind, description, who, due, done in actions:
            a = risks.add_risk_action(s, actor, risk.code, {
                "kind": action_kind, "description": description, "owner": who,
                "due_date": ctx.day(due),
            })
            if done:
                ctx.done_actions.append((a.code, who, ctx.day(due - 3)))
        if status == RS.CLOSED:
            risks.update_risk(s, actor, risk.code, {"status": RS.CLOSED})
