"""Management reviews (9.3): last year's (held, actions done), this year's (inputs gathered
from the data, held, decisions with tracked actions, minutes approved) and the next one."""

from __future__ import annotations

from qms_tui.demo.capa import finish_actions
from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import ActionKind as AK
from qms_tui.domain.enums import ReviewOutputKind as OK
from qms_tui.services import reviews

PARTICIPANTS = (
    "Rocío Castillo Méndez (Secretaria Ejecutiva); Miguel Ángel Torres Aguilar (Secretario "
    "Administrativo, representante de la alta dirección); titulares de las cuatro Direcciones "
    "Ejecutivas y de las Unidades Técnicas; Laura Hernández Ruiz (Coordinadora de Calidad); "
    "Contraloría Interna como invitada."
)

# key, title, planned/held (days), event, conclusions, approve (days), outputs
REVIEWS: tuple[tuple, ...] = (
    ("prev", "Revisión por la dirección — preparación del PELE-PJ 2024-2025", -337,
     "PELE-PJ-2024-2025",
     "El SGCE es conveniente, adecuado y eficaz. La auditoría de seguimiento 2024 concluyó sin "
     "no conformidades mayores. Se requiere adecuar el alcance al proceso extraordinario judicial.",
     -327, [
         (OK.CHANGE, "Adecuar el alcance y la planificación del SGCE al PELE-PJ 2024-2025.",
          ("Actualizar la matriz de procesos y riesgos para la elección judicial.", "lhernandez",
           -250, AK.IMPROVEMENT, -255)),
         (OK.IMPROVEMENT, "Automatizar el tablero de indicadores del SGCE.",
          ("Publicar el tablero de indicadores con semáforo en la intranet.", "dflores", -200,
           AK.IMPROVEMENT, -210)),
         (OK.RESOURCES, "Presupuestar la auditoría de recertificación.",
          ("Incluir la auditoría de recertificación en el programa anual de adquisiciones.",
           "ereyes", -150, AK.IMPROVEMENT, -160)),
     ]),
    ("current", "Revisión por la dirección — cierre del ciclo de certificación 2023-2026", -35,
     "PP-2025",
     "El SGCE sigue siendo conveniente, adecuado y eficaz y está listo para la recertificación. "
     "La auditoría interna de la Consulta de Presupuesto Participativo 2025 no reportó no "
     "conformidades mayores. Preocupan el tiempo de los cómputos de la elección judicial y el "
     "cierre en tiempo de las acciones correctivas.",
     -28, [
         (OK.IMPROVEMENT, "Reducir el tiempo de los cómputos distritales con simulacros y mejoras "
                          "al SICODID antes del siguiente proceso electoral.",
          ("Dos simulacros de cómputo con las 33 Direcciones Distritales.", "ovargas", 120,
           AK.IMPROVEMENT, None)),
         (OK.CHANGE, "Incorporar al Manual de Calidad la decisión sobre el cambio climático "
                     "(ISO 9001:2015/Amd 1:2024).",
          ("Someter a aprobación la versión 4.0 del Manual de Calidad.", "lhernandez", 15,
           AK.IMPROVEMENT, None)),
         (OK.RESOURCES, "Reforzar con dos plazas la sustanciación de quejas en periodo electoral.",
          ("Gestionar dos plazas eventuales para la Unidad Técnica de Asuntos Jurídicos.", "groman",
           -3, AK.IMPROVEMENT, None)),
     ]),
)


def load(ctx: Ctx) -> None:
    s, coord, top = ctx.session, ctx.as_("lhernandez"), ctx.as_("mtorres")
    for key, title, day, event, conclusions, approve, outputs in REVIEWS:
        review = ctx.keep(f"rd.{key}", reviews.create_review(s, coord, {
            "title": title, "planned_date": ctx.day(day), "event": event,
            "participants": PARTICIPANTS, "clauses": "9.3.1, 9.3.2, 9.3.3",
        }))
        reviews.gather_inputs(s, coord, review.code, today=ctx.day(day), lang="es")
        reviews.hold_review(s, coord, review.code, ctx.day(day), conclusions, PARTICIPANTS)
        for kind, decision, (description, owner, due, action_kind, done) in outputs:
            _, action = reviews.add_output(s, top, review.code, kind, decision, {
                "description": description, "owner": owner, "due_date": ctx.day(due),
                "kind": action_kind,
            })
            if done is not None:
                ctx.done_actions.append((action.code, owner, ctx.day(done)))
        reviews.approve_minutes(s, top, review.code, approved_on=ctx.day(approve))
        finish_actions(ctx)  # last year's decisions were carried out before this year's review
    ctx.keep("rd.next", reviews.create_review(s, coord, {
        "title": "Revisión por la dirección — COPACO 2026 y Consulta de Presupuesto Participativo "
                 "2026-2027", "planned_date": ctx.day(110), "event": "COPACO-PP-2026",
        "participants": PARTICIPANTS, "clauses": "9.3.1, 9.3.2, 9.3.3",
    }))
