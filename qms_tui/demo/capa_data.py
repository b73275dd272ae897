"""The nonconformity scripts run by :mod:`qms_tui.demo.capa`: one per lifecycle state.

Day offsets are relative to ``today`` unless the script has a ``base`` date (an NC tied to
an electoral event); ``T(n)`` is always relative to ``today`` (e.g. an overdue due date)."""

from __future__ import annotations

from datetime import date

from qms_tui.domain.enums import ActionKind as K
from qms_tui.domain.enums import ActionStatus as S
from qms_tui.domain.enums import Effectiveness as E
from qms_tui.domain.enums import IshikawaCategory as I
from qms_tui.domain.enums import NcSource as SRC
from qms_tui.domain.enums import RcaMethod as M


def T(n: int) -> tuple[str, int]:  # noqa: N802 - reads like a date in the scripts
    return ("T", n)


CLOSED = {
    "origin": "finding", "finding": "prev_major", "owner": "ovargas", "detected": -433,
    "steps": [
        ("correction", "Se integraron a los expedientes las evaluaciones faltantes de las 6 DD "
         "muestreadas, descargadas de la plataforma de capacitación.", -420,
         "Se revisaron las 33 DD: 9 con expedientes incompletos, todos completados."),
        ("rca", M.FIVE_WHYS, "El control de cambios de los procedimientos de apoyo no verificaba "
         "los registros de competencia que exige el SGCE.", [
             "¿Por qué faltan evaluaciones? Porque no se conservaban en el expediente.",
             "¿Por qué? Porque la evaluación se aplicaba en línea y nadie descargaba el resultado.",
             "¿Por qué? Porque el procedimiento no indicaba quién conserva la evidencia.",
             "¿Por qué? Porque el procedimiento se actualizó sin revisar los registros de 7.2.",
             "¿Por qué? Porque el control de cambios de procedimientos de apoyo no incluía al SGCE."]),
        ("action", "a1", K.CORRECTIVE, "Actualizar el procedimiento de reclutamiento y capacitación "
         "del personal eventual para conservar la evaluación en el expediente.", "groman", -380,
         S.DONE, -385),
        ("action", "a2", K.CORRECTIVE, "Incluir la revisión de la Coordinación de Calidad en el "
         "control de cambios de procedimientos de apoyo.", "lhernandez", -360, S.DONE, -362),
        ("implement",),
        ("check", "c1", -337, "Muestra de 10 DD: 100 % de los expedientes del personal eventual "
         "del PELE-PJ con evaluación conservada.", "ajuarez"),
        ("verify",),
        ("effectiveness", "c1", E.EFFECTIVE, -336, "10 de 10 DD con expedientes completos "
         "(muestra de 60 personas).", "ajuarez"),
        ("close", -335),
    ],
}

REOPENED = {
    "origin": "finding", "finding": "prev_minor", "owner": "ovargas", "detected": -433,
    "steps": [
        ("correction", "Se completaron las bitácoras con los registros de videovigilancia.", -426,
         "Se verificaron las bitácoras de las 33 bodegas distritales."),
        ("rca", M.FIVE_WHYS, "La capacitación en cadena de custodia omitía el llenado de la "
         "bitácora en cada apertura.", [
             "¿Por qué faltan registros? Porque la bitácora se llenaba al final del día.",
             "¿Por qué? Porque el personal de guardia no sabía que debía registrar cada apertura.",
             "¿Por qué? Porque la capacitación en cadena de custodia no trataba la bitácora.",
             "¿Por qué? Porque el programa de capacitación no se revisó contra el plan de seguridad."]),
        ("action", "a1", K.CORRECTIVE, "Incluir el llenado de la bitácora de bodega en la "
         "capacitación de cadena de custodia.", "ovargas", -395, S.DONE, -397),
        ("implement",),
        ("check", "c1", -350, "Ninguna apertura sin registro en 10 bodegas durante 60 días.", "vmorales"),
        ("verify",),
        ("effectiveness", "c1", E.EFFECTIVE, -348, "Muestra de 10 bodegas sin desviaciones.", "vmorales"),
        ("close", -345),
        ("reopen", "Recurrencia: durante el PELE-PJ 2024-2025 la DD-12 abrió su bodega dos veces "
         "sin registro en la bitácora (verificación de seguimiento)."),
        ("rca", M.ISHIKAWA, "El control de aperturas depende de un registro manual posterior, sin "
         "verificación automática.", [
             (I.METHOD, "La bitácora en papel permite registrar aperturas después del hecho."),
             (I.PEOPLE, "Rotación del personal de guardia entre procesos electorales."),
             (I.MACHINE, "La videovigilancia no está enlazada con la bitácora."),
             (I.ENVIRONMENT, "Jornadas extendidas durante la elección judicial.")]),
        ("action", "a2", K.CORRECTIVE, "Bitácora digital con registro en tiempo real y alerta a "
         "la DEOEyG.", "dflores", 40, S.IN_PROGRESS, None),
        ("action", "a3", K.CORRECTIVE, "Verificación semanal aleatoria de bitácoras por la DEOEyG.",
         "ovargas", 10, S.PENDING, None),
        ("implement",),
    ],
}

VERIFICATION = {
    "origin": "finding", "finding": "surv_minor", "owner": "lhernandez", "detected": -365,
    "steps": [
        ("correction", "Se documentó el análisis del tercer trimestre de los 12 indicadores.", -350,
         "Se revisaron los 17 indicadores del SGCE."),
        ("rca", M.FIVE_WHYS, "El formato de seguimiento de indicadores no exigía análisis ni "
         "revisión.", [
             "¿Por qué no hay análisis? Porque las áreas solo capturaban el valor.",
             "¿Por qué? Porque el formato no tenía campos de análisis ni de acciones.",
             "¿Por qué? Porque el formato se diseñó para reportar, no para decidir.",
             "¿Por qué? Porque no se definió quién revisa el análisis de cada indicador."]),
        ("action", "a1", K.CORRECTIVE, "Agregar al tablero de indicadores campos obligatorios de "
         "análisis y acciones.", "dflores", -320, S.DONE, -322),
        ("implement",),
        ("check", "c1", -230, "Todos los indicadores del primer trimestre con análisis y, si están "
         "en rojo, con acción.", "hgutierrez"),
        ("verify",),
        ("effectiveness", "c1", E.NOT_EFFECTIVE, -228, "5 de 17 indicadores del primer trimestre "
         "siguieron sin análisis.", "hgutierrez"),
        ("rca", M.FIVE_WHYS, "Las personas responsables no sabían interpretar los umbrales del "
         "semáforo.", [
             "¿Por qué siguen sin análisis? Porque los responsables no sabían qué escribir.",
             "¿Por qué? Porque no sabían interpretar los umbrales del semáforo.",
             "¿Por qué? Porque nunca recibieron capacitación sobre el análisis de indicadores."]),
        ("action", "a2", K.CORRECTIVE, "Taller de análisis de indicadores para responsables de "
         "proceso.", "groman", -180, S.DONE, -175),
        ("implement",),
        ("check", "c2", 20, "Indicadores del tercer trimestre con análisis completo.", "hgutierrez"),
        ("verify",),
    ],
}

OUTPUT_CLOSED = {
    "origin": "new", "owner": "ovargas", "base": date(2025, 4, 22), "detected": 0,
    "data": {"title": "Boletas con error de impresión en el nombre de una candidatura",
             "description": "En la verificación en la imprenta se detectó un lote de 12,400 boletas "
                            "de magistratura con el nombre de una candidatura sustituida.",
             "source": SRC.OUTPUT, "severity": "minor", "process": "PR-03",
             "event": "PELE-PJ-2024-2025", "org_unit": "DEOEYG", "clauses": "8.4.2, 8.6, 8.7.1, 8.7.2"},
    "steps": [
        ("correction", "Se separaron y destruyeron ante notario las 12,400 boletas; el proveedor "
         "reimprimió el lote sin costo.", 3, "Se verificaron los 11 distritos judiciales: un lote."),
        ("rca", M.ISHIKAWA, "La validación de la prueba final de impresión no incluía el cotejo "
         "nominal contra el acuerdo de registro vigente.", [
             (I.METHOD, "El cotejo de la prueba final no era nominal."),
             (I.PEOPLE, "Personal de verificación sin la lista actualizada tras sustituciones."),
             (I.MATERIAL, "Archivo de diseño generado antes de la última sustitución."),
             (I.MEASUREMENT, "No se muestreaban todas las combinaciones de boleta.")]),
        ("action", "a1", K.CORRECTIVE, "Cotejo nominal al 100 % de las pruebas finales contra el "
         "acuerdo de registro vigente.", "ovargas", 15, S.DONE, 12),
        ("action", "a2", K.PREVENTIVE, "Cláusula contractual de bloqueo de archivos de diseño hasta "
         "concluir las sustituciones.", "ereyes", 20, S.DONE, 18),
        ("implement",),
        ("check", "c1", 40, "Cero errores en las boletas recibidas por los consejos distritales.",
         "nramos"),
        ("verify",),
        ("effectiveness", "c1", E.EFFECTIVE, 42, "Actas de recepción sin incidencias en los 11 "
         "distritos judiciales.", "nramos"),
        ("close", 47),
    ],
}

IMPLEMENTATION = {
    "origin": "new", "owner": "ovargas", "base": date(2025, 6, 16), "detected": 0,
    "measurement": "med.count_time.2025-06-01",
    "data": {"title": "Tiempo promedio de cómputo distrital fuera de meta en la elección judicial",
             "description": "El tiempo promedio para concluir los cómputos fue de 47.5 h frente a "
                            "la meta de 36 h (semáforo rojo).",
             "source": SRC.INDICATOR, "severity": "minor", "process": "PR-05",
             "event": "PELE-PJ-2024-2025", "org_unit": "DEOEYG", "clauses": "8.5.1.5, 9.1.1, 10.2.1"},
    "steps": [
        ("correction", "Se reforzaron con personal de oficinas centrales los cuatro consejos con "
         "mayor rezago y se concluyeron los cómputos.", 1,
         "Se analizaron los tiempos de los 33 distritos: 9 superaron 48 horas."),
        ("rca", M.ISHIKAWA, "El SICODID no permitía la captura simultánea por especialidad y el "
         "personal no practicó ese escenario.", [
             (I.MACHINE, "Captura secuencial por especialidad en el SICODID."),
             (I.PEOPLE, "Sin simulacro con boletas por especialidad."),
             (I.METHOD, "Procedimiento de cómputo diseñado para elecciones de partidos."),
             (I.ENVIRONMENT, "137 cargos y 11 distritos judiciales electorales."),
             (I.MATERIAL, "Actas de escrutinio con campos ambiguos.")]),
        ("action", "a1", K.CORRECTIVE, "Habilitar en el SICODID la captura simultánea por "
         "especialidad.", "dflores", 90, S.DONE, 85),
        ("action", "a2", K.CORRECTIVE, "Actualizar el procedimiento de cómputo distrital para "
         "elecciones con múltiples cargos.", "ovargas", T(-10), S.IN_PROGRESS, None),
        ("action", "a3", K.CORRECTIVE, "Dos simulacros de cómputo con las 33 Direcciones "
         "Distritales.", "ovargas", T(30), S.PENDING, None),
        ("implement",),
    ],
}

ACTION_PLAN = {
    "origin": "finding", "finding": "int_minor", "owner": "pmendoza", "detected": -56,
    "steps": [
        ("correction", "Se registraron y difundieron las 41 reubicaciones en el sistema de la "
         "consulta.", -50, "Se revisaron las 33 DD: 11 con reubicaciones sin registro."),
        ("rca", M.ISHIKAWA, "No existe un formato ni una autorización definida para cambiar la "
         "ubicación de una MRVO el día de la consulta.", [
             (I.METHOD, "Sin procedimiento para cambios de ubicación el mismo día."),
             (I.PEOPLE, "Responsables de MRVO sin instrucción sobre quién autoriza."),
             (I.ENVIRONMENT, "Domicilios cerrados o sin accesibilidad el día de la consulta."),
             (I.MEASUREMENT, "No se contabilizan las reubicaciones por Dirección Distrital.")]),
        ("action", "a1", K.CORRECTIVE, "Emitir el formato de control de cambios de ubicación de "
         "MRVO (FO-DEPCYC-04-02).", "pmendoza", -5, S.PENDING, None),
        ("action", "a2", K.CORRECTIVE, "Capacitar a titulares de DD en el nuevo control de "
         "cambios.", "ymedina", 25, S.PENDING, None),
    ],
}

COMPLAINT = {
    "title": "Queja: MRVO en planta alta sin acceso para persona usuaria de silla de ruedas",
    "description": "Una persona usuaria de silla de ruedas no pudo emitir su opinión en la MRVO "
                   "instalada en planta alta en la Dirección Distrital 9.",
    "source": SRC.COMPLAINT, "severity": "minor", "process": "PR-09", "event": "PP-2025",
    "org_unit": "DD-09", "clauses": "7.1.4, 8.2.1, 8.5.1.4",
}

ROOT_CAUSE = {
    "origin": "new", "owner": "pmendoza", "detected": -25, "data": COMPLAINT,
    "steps": [
        ("correction", "Se ofreció a la persona la opinión digital asistida y se respondió la "
         "queja.", -24, "Se revisan los domicilios de MRVO de las 33 DD para COPACO 2026."),
        ("rca", M.FIVE_WHYS, "La cédula de ubicación de MRVO no incluía criterios de accesibilidad "
         "verificables.", [
             "¿Por qué no hubo acceso? Porque la MRVO se instaló en planta alta.",
             "¿Por qué? Porque fue el único domicilio ofrecido en la unidad territorial.",
             "¿Por qué se aceptó? Porque la cédula de ubicación no exigía acceso a nivel de calle.",
             "¿Por qué? Porque la cédula se heredó de procesos sin criterios de accesibilidad.",
             "¿Por qué? Porque la revisión de la cédula no consultó a grupos de atención prioritaria."]),
    ],
}

SCRIPTS: tuple[tuple[str, dict], ...] = (
    ("closed", CLOSED),
    ("reopened", REOPENED),
    ("verification", VERIFICATION),
    ("output_closed", OUTPUT_CLOSED),
    ("implementation", IMPLEMENTATION),
    ("action_plan", ACTION_PLAN),
    ("root_cause", ROOT_CAUSE),
    ("correction", {"origin": "finding", "finding": "rec_minor2", "owner": "ereyes", "detected": -9,
                    "steps": [("correction", "Se reevaluaron los dos proveedores pendientes.", -6,
                               "Se revisarán los 38 contratos de 2025.")]}),
    ("registered", {"origin": "finding", "finding": "rec_minor1", "owner": "dflores", "detected": -9}),
    ("cancelled", {"origin": "new", "owner": "pmendoza", "detected": -24,
                   "data": {**COMPLAINT, "title": "Queja duplicada: MRVO en planta alta en la DD-9"},
                   "steps": [("cancel", "Duplicada: la misma queja llegó por correo y por ventanilla; "
                                        "se atiende en {root_cause}.")]}),
    ("draft", {"origin": "measurement", "measurement": "it", "owner": "dflores", "detected": None}),
)
