"""The process map (ISO/TS 54001 electoral processes, participation, strategic, support)
and the electoral events with their stages (domain.md §2.3, §4.3–4.4). Event dates are
historical facts where known; illustrative dates say so in the description."""

from __future__ import annotations

from datetime import date, timedelta

from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import EventKind as EK
from qms_tui.domain.enums import ProcessCategory as C
from qms_tui.domain.enums import StageKind as SK
from qms_tui.services import processes

NOT_APPLICABLE = {
    1: "No aplica al IECM: la credencialización, el Registro Federal de Electores y la Lista "
       "Nominal son atribución exclusiva del Instituto Nacional Electoral (INE); el IECM recibe "
       "del INE la Lista Nominal para su uso (propiedad de un tercero, 8.5.3).",
    7: "No aplica al IECM: desde la reforma político-electoral de 2014 la fiscalización de los "
       "ingresos y gastos de campaña de partidos y candidaturas locales corresponde al INE. "
       "El IECM conserva la fiscalización de las asociaciones políticas locales, fuera del alcance.",
}

# code, name, category, ts no., owner, unit, clauses, purpose
PROCESSES: tuple[tuple[str, str, str, int | None, str | None, str, str, str], ...] = (
    ("PR-01", "Registro de electores", C.SUBSTANTIVE, 1, None, "SE", "4.3, 8.5.1.1",
     "Integración del padrón y la lista nominal (atribución del INE)."),
    ("PR-02", "Registro de organizaciones políticas y candidaturas", C.SUBSTANTIVE, 2, "agarcia",
     "DEAPYF", "8.2.2, 8.2.3, 8.5.1, 8.5.1.2",
     "Registrar partidos y agrupaciones políticas locales y las candidaturas en los plazos legales."),
    ("PR-03", "Logística electoral", C.SUBSTANTIVE, 3, "ovargas", "DEOEYG",
     "8.4, 8.5.1, 8.5.1.3, 8.5.2, 8.5.4",
     "Producir, almacenar y distribuir la documentación y el material electoral con cadena de custodia."),
    ("PR-04", "Emisión del voto", C.SUBSTANTIVE, 4, "ovargas", "DEOEYG", "8.5.1, 8.5.1.4, 8.5.6",
     "Garantizar el voto libre y secreto en casillas, MRVO, voto anticipado y por internet (SEI)."),
    ("PR-05", "Escrutinio y declaración de resultados", C.SUBSTANTIVE, 5, "ovargas", "DEOEYG",
     "8.5.1, 8.5.1.5, 8.6",
     "Cómputos distritales, PREP, declaración de validez y entrega de constancias."),
    ("PR-06", "Educación electoral y construcción de ciudadanía", C.SUBSTANTIVE, 6, "csanchez",
     "DEGDHECYCC", "8.5.1, 8.5.1.6, 7.4",
     "Promover la cultura democrática mediante talleres, materiales y campañas de educación cívica."),
    ("PR-07", "Fiscalización del financiamiento de campañas", C.SUBSTANTIVE, 7, None, "DEAPYF",
     "4.3, 8.5.1.7", "Revisión de ingresos y gastos de campaña (atribución del INE)."),
    ("PR-08", "Resolución de disputas electorales", C.SUBSTANTIVE, 8, "fnavarro", "UTAJ",
     "8.2.1, 8.5.1, 8.5.1.8",
     "Sustanciar quejas y procedimientos sancionadores de forma accesible, imparcial y oportuna."),
    ("PR-09", "Consulta de Presupuesto Participativo", C.PARTICIPATION, None, "pmendoza", "DEPCYC",
     "8.1, 8.5.1, 8.5.1.4, 8.5.1.5",
     "Organizar la consulta por unidad territorial: registro, dictaminación, opinión (SEI y MRVO) y resultados."),
    ("PR-10", "Elección de Comisiones de Participación Comunitaria (COPACO)", C.PARTICIPATION, None,
     "pmendoza", "DEPCYC", "8.1, 8.5.1",
     "Elegir cada tres años a las nueve personas integrantes de cada COPACO por unidad territorial."),
    ("PR-11", "Mecanismos de democracia directa", C.PARTICIPATION, None, "pmendoza", "DEPCYC",
     "8.2.2, 8.2.3, 8.5.1",
     "Verificar requisitos y organizar plebiscito, referéndum, consulta popular, consulta ciudadana, "
     "iniciativa ciudadana y revocación de mandato."),
    ("PR-12", "Planeación institucional", C.STRATEGIC, None, "rcastillo", "SE", "4.1, 4.2, 6.1, 6.3",
     "Programa Operativo Anual, calendario electoral y seguimiento del Plan General de Desarrollo."),
    ("PR-13", "Gestión de la calidad", C.STRATEGIC, None, "lhernandez", "SA",
     "4.4, 5.2, 6.2, 9.1.3, 9.2, 9.3, 10.2, 10.3",
     "Mantener y mejorar el SGCE: política, objetivos, auditorías, revisión por la dirección y mejora."),
    ("PR-14", "Recursos humanos", C.SUPPORT, None, "groman", "SA", "7.1.2, 7.2, 7.3",
     "Reclutar, formar y evaluar al personal permanente y eventual."),
    ("PR-15", "Tecnologías de la información", C.SUPPORT, None, "dflores", "UTSI", "7.1.3, 7.1.5.1, 8.3",
     "Desarrollar y operar los sistemas institucionales (SEI, cómputos, PREP) y su infraestructura."),
    ("PR-16", "Adquisiciones", C.SUPPORT, None, "ereyes", "SA", "8.4, 8.4.1, 8.4.2, 8.4.3",
     "Contratar bienes y servicios con transparencia y evaluar a los proveedores externos."),
    ("PR-17", "Comunicación", C.SUPPORT, None, "mjimenez", "UTCSD", "7.4, 8.2.1",
     "Comunicación interna y externa, difusión de procesos electorales y de participación."),
)

ILLUSTRATIVE = " La fecha del día de la jornada es ilustrativa (dato de demostración)."

# code, name, kind, start, key day, end, freeze before/after, description, stages
EVENTS: tuple[tuple, ...] = (
    ("PELO-2020-2021", "Proceso Electoral Local Ordinario 2020-2021", EK.ORDINARY,
     date(2020, 9, 11), date(2021, 6, 6), date(2021, 10, 31), 15, 10,
     "Elección de diputaciones al Congreso, alcaldías y concejalías. Fechas de inicio y "
     "conclusión aproximadas."),
    ("COPACO-PP-2023", "Elección de COPACO 2023 y Consulta de Presupuesto Participativo 2023-2024",
     EK.PARTICIPATION, date(2023, 1, 16), date(2023, 5, 7), date(2023, 8, 31), 10, 5,
     "Jornada presencial el 7 de mayo de 2023 (opinión digital del 28 de abril al 4 de mayo): "
     "2,438 MRVO en 1,787 unidades territoriales; 5.96 % de participación."),
    ("PELO-2023-2024", "Proceso Electoral Local Ordinario 2023-2024", EK.ORDINARY,
     date(2023, 9, 10), date(2024, 6, 2), date(2024, 10, 31), 15, 10,
     "Jefatura de Gobierno, Congreso (66 diputaciones), 16 alcaldías y concejalías; jornada "
     "concurrente con la elección federal del 2 de junio de 2024."),
    ("PELE-PJ-2024-2025", "Proceso Electoral Local Extraordinario del Poder Judicial 2024-2025",
     EK.EXTRAORDINARY, date(2025, 1, 5), date(2025, 6, 1), date(2025, 9, 30), 15, 10,
     "137 cargos del Poder Judicial local en 11 distritos judiciales electorales; 6,134 casillas; "
     "cómputos mediante SICODID. Fecha de inicio aproximada."),
    ("PP-2025", "Consulta de Presupuesto Participativo 2025", EK.PARTICIPATION,
     date(2025, 3, 3), date(2025, 8, 17), date(2025, 10, 31), 10, 5,
     "Consulta en agosto de 2025, opinión digital (SEI) y presencial en MRVO; base de las "
     "auditorías interna y externa de 2025." + ILLUSTRATIVE),
    ("COPACO-PP-2026", "Elección de COPACO 2026 y Consulta de Presupuesto Participativo 2026-2027",
     EK.PARTICIPATION, date(2026, 1, 15), date(2026, 5, 3), date(2026, 8, 31), 10, 5,
     "Convocatoria única del 15 de enero de 2026 y Manual de Geografía, Organización y "
     "Capacitación conjunto." + ILLUSTRATIVE),
)


#: Start of the campaigns (elections; historical where known) — others: 25 days of diffusion.
CAMPAIGN_START = {
    "PELO-2020-2021": date(2021, 4, 4),
    "PELO-2023-2024": date(2024, 3, 1),
    "PELE-PJ-2024-2025": date(2025, 3, 30),
}


def stages(code: str, start: date, key: date, end: date) -> list[tuple[str, str, date, date]]:
    """Preparation, campaign or diffusion, the day itself, counting and post-election."""
    election = code in CAMPAIGN_START
    if election:
        camp_start, camp_end = CAMPAIGN_START[code], key - timedelta(days=4)  # 3-day silence
    else:
        camp_start, camp_end = key - timedelta(days=25), key - timedelta(days=1)
    count_end = key + timedelta(days=7 if election else 4)
    return [
        (SK.PREPARATION, "Preparación de la elección" if election else "Preparación y registro de proyectos",
         start, camp_start - timedelta(days=1)),
        (SK.CAMPAIGN, "Campañas electorales" if election else "Difusión y opinión digital anticipada",
         camp_start, camp_end),
        (SK.ELECTION_DAY, "Jornada electoral" if election else "Jornada de la consulta (MRVO)", key, key),
        (SK.COUNTING, "Cómputos y resultados" if election else "Cómputo, validación y resultados",
         key, count_end),
        (SK.POST, "Etapa post-electoral" if election else "Seguimiento a la ejecución",
         count_end + timedelta(days=1), end),
    ]


def load(ctx: Ctx) -> None:
    s, coord = ctx.session, ctx.as_("lhernandez")
    for code, name, cat, no, owner, unit, clauses, purpose in PROCESSES:
        applicable = no not in NOT_APPLICABLE
        ctx.keep(f"pr.{code}", processes.create_process(s, coord, {
            "code": code, "name": name, "category": cat, "ts_process_no": no, "owner": owner,
            "org_unit": unit, "applicable": applicable,
            "justification": None if applicable else NOT_APPLICABLE[no],
            "purpose": purpose, "inputs": _inputs(cat), "outputs": _outputs(cat),
            "clauses": clauses,
        }))
    for code, name, kind, start, key, end, fb, fa, description, *_ in EVENTS:
        ctx.keep(f"ev.{code}", processes.create_event(s, coord, {
            "code": code, "name": name, "kind": kind, "start_date": start, "key_date": key,
            "end_date": end, "freeze_before": fb, "freeze_after": fa, "description": description,
        }))
        for stage_kind, stage_name, a, b in stages(code, start, key, end):
            processes.add_stage(s, coord, code, {
                "kind": stage_kind, "name": stage_name, "start_date": a, "end_date": b,
            })


def _inputs(category: str) -> str:
    return {
        C.SUBSTANTIVE: "Marco legal (CIPECDMX, LGIPE, Reglamento de Elecciones), acuerdos del "
                       "Consejo General, calendario electoral, Lista Nominal del INE.",
        C.PARTICIPATION: "Ley de Participación Ciudadana de la CDMX, convocatoria, Marco Geográfico "
                         "de Participación Ciudadana, proyectos dictaminados por las alcaldías.",
        C.STRATEGIC: "Contexto interno y externo, partes interesadas, resultados del SGCE.",
        C.SUPPORT: "Requerimientos de las áreas, presupuesto autorizado, normatividad aplicable.",
    }[category]


def _outputs(category: str) -> str:
    return {
        C.SUBSTANTIVE: "Servicio electoral conforme a requisitos; registros y resultados publicados.",
        C.PARTICIPATION: "Resultados de la participación validados y publicados por unidad territorial.",
        C.STRATEGIC: "Planes, objetivos, decisiones de la dirección y acciones de mejora.",
        C.SUPPORT: "Recursos, personas, sistemas y servicios disponibles para los procesos.",
    }[category]
