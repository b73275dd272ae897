"""Quality indicators (domain.md §6) with their measurements: two years and more of monthly
and quarterly series ending at the last complete period before ``today`` (mostly green, some
yellow, a few red recently, two overdue), and per-event series on historical event days."""

from __future__ import annotations

from datetime import date

from qms_tui.demo.context import Ctx
from qms_tui.domain.enums import Dimension as D
from qms_tui.domain.enums import Direction as DIR
from qms_tui.domain.periods import Period, period_for, previous_period
from qms_tui.services import indicators

EFF, EFI, QUA, ECO = D.EFFECTIVENESS, D.EFFICIENCY, D.QUALITY, D.ECONOMY
ILLUSTRATIVE = "Dato ilustrativo (demostración)."

PP20, PP22, PP23, PP25 = date(2020, 3, 15), date(2022, 5, 1), date(2023, 5, 7), date(2025, 8, 17)
E18, E21, E24, PJ25 = date(2018, 7, 1), date(2021, 6, 6), date(2024, 6, 2), date(2025, 6, 1)
EVENT_NAMES = {
    PP20: "Consulta de Presupuesto Participativo 2020 y 2021", PP22: "Consulta de Presupuesto "
    "Participativo 2022", PP23: "Consulta de Presupuesto Participativo 2023-2024",
    PP25: "Consulta de Presupuesto Participativo 2025", E18: "PELO 2017-2018",
    E21: "PELO 2020-2021", E24: "PELO 2023-2024", PJ25: "PELE-PJ 2024-2025",
}

# Each indicator: its input data and a series. Series: ("event", [(day, value, note)]) or
# (frequency, count, skip_latest, base, spread, decimals, {index_from_end: (value, note)}).
INDICATORS: tuple[tuple[str, dict, tuple], ...] = (
    ("mrvo", dict(name="Porcentaje de MRVO instaladas el día de la consulta", objective=1,
                  process="PR-09", event="PP-2025", unit="%", dimension=EFF,
                  direction=DIR.HIGHER, target=99.5, green_from=100, yellow_from=98,
                  formula="MRVO instaladas / MRVO aprobadas × 100", owner="pmendoza",
                  source="Reportes de instalación de las Direcciones Distritales",
                  clauses="8.5.1.4, 9.1.1"),
     ("event", [(PP20, 99.1, None), (PP22, 99.6, None), (PP23, 99.8, None), (PP25, None, None)])),
    ("packages", dict(name="Porcentaje de paquetes electorales entregados en tiempo a las sedes "
                           "distritales", objective=1, process="PR-03", event="PELE-PJ-2024-2025",
                      unit="%", dimension=EFF, direction=DIR.HIGHER, target=100, green_from=98,
                      yellow_from=90, formula="Paquetes en tiempo / paquetes × 100",
                      owner="ovargas", source="Recibos de entrega de paquetes", clauses="8.5.2, 8.5.4"),
     ("event", [(E18, 97.2, None), (E21, 99.1, None), (E24, 99.6, None), (PJ25, 98.7, None)])),
    ("candidacies", dict(name="Porcentaje de solicitudes de registro de candidaturas resueltas "
                              "en el plazo legal", objective=1, process="PR-02",
                         event="PELO-2023-2024", unit="%", dimension=EFF, direction=DIR.HIGHER,
                         target=100, green_from=98, formula="Resueltas en plazo / presentadas × 100",
                         owner="agarcia", clauses="8.2.3, 8.5.1.2"),
     ("event", [(E18, 98.9, None), (E21, 99.6, None), (E24, 100.0, None)])),
    ("tecdmx", dict(name="Porcentaje de resoluciones del IECM confirmadas por el TECDMX",
                    objective=1, process="PR-08", event="PELE-PJ-2024-2025", unit="%",
                    dimension=QUA, direction=DIR.HIGHER, target=90,
                    formula="Confirmadas / impugnadas × 100", owner="fnavarro",
                    source="Sentencias del Tribunal Electoral de la CDMX", clauses="8.5.1.8, 9.1.2"),
     ("event", [(E18, 86.4, None), (E21, 91.2, None), (E24, 93.5, None), (PJ25, 89.0, None)])),
    ("count_time", dict(name="Tiempo promedio para concluir los cómputos distritales",
                        objective=1, process="PR-05", event="PELE-PJ-2024-2025", unit="horas",
                        dimension=EFI, direction=DIR.LOWER, target=36,
                        formula="Σ horas de cómputo / distritos", owner="ovargas",
                        source="SICODID", clauses="8.5.1.5, 9.1.1", rule_red=True),
     ("event", [(E18, 31.5, None), (E21, 34.0, None), (E24, 38.2, None),
                (PJ25, 47.5, "Elección judicial: 137 cargos y boletas por especialidad.")])),
    ("results", dict(name="Horas para publicar los resultados de la Consulta de Presupuesto "
                          "Participativo", objective=1, process="PR-09", event="PP-2025",
                     unit="horas", dimension=EFI, direction=DIR.LOWER, target=24,
                     formula="Hora de publicación − hora de cierre de MRVO", owner="pmendoza",
                     clauses="8.5.1.5, 8.6"),
     ("event", [(PP20, 30.0, None), (PP22, 22.0, None), (PP23, 20.0, None), (PP25, 17.5, None)])),
    ("participation", dict(name="Porcentaje de participación en la Consulta de Presupuesto "
                                "Participativo", objective=1, process="PR-09", event="PP-2025",
                           unit="%", dimension=EFF, direction=DIR.HIGHER, target=6.5,
                           baseline=5.96, baseline_period="2023-05-07",
                           formula="Opiniones emitidas / lista nominal × 100", owner="pmendoza",
                           rule_red=False, clauses="8.5.1.4, 9.1.2"),
     ("event", [(PP20, 3.62, None), (PP22, 4.87, None),
                (PP23, 5.96, "Dato publicado: 422,509 opiniones presenciales y 14,005 digitales."),
                (PP25, 6.71, None)])),
    ("dictamen", dict(name="Porcentaje de proyectos de presupuesto participativo dictaminados "
                           "en plazo", objective=2, process="PR-09", event="PP-2025", unit="%",
                      dimension=EFI, direction=DIR.HIGHER, target=95,
                      formula="Dictaminados en plazo / registrados × 100", owner="pmendoza",
                      source="Órganos dictaminadores de las alcaldías", clauses="8.4.2, 8.5.1"),
     ("event", [(PP20, 88.0, None), (PP22, 93.0, None), (PP23, 96.5, None), (PP25, 98.2, None)])),
    ("ext_findings", dict(name="No conformidades por auditoría externa", objective=3,
                          process="PR-13", unit="número", dimension=QUA, direction=DIR.LOWER,
                          target=3, formula="Conteo de NC mayores y menores del informe",
                          owner="lhernandez", clauses="9.2.2, 10.2"),
     ("event", [(date(2022, 12, 16), 4, "Auditoría de recertificación 2022."),
                (date(2023, 11, 17), 3, "Auditoría de seguimiento 2023.")])),
    ("civic", dict(name="Personas alcanzadas por talleres de educación cívica", objective=1,
                   process="PR-06", unit="personas", dimension=EFF, direction=DIR.HIGHER,
                   target=4000, formula="Σ asistentes registrados", owner="csanchez",
                   rule_yellow_run=3, clauses="8.5.1.6, 9.1.1"),
     ("monthly", 30, 0, 4350, 300, 0, {-20: (2950, "Talleres suspendidos durante la veda electoral."),
                                       -2: (3480, "Menor convocatoria en periodo vacacional."),
                                       -1: (3590, "Dos Direcciones Distritales sin facilitador.")})),
    ("it", dict(name="Disponibilidad de los sistemas institucionales críticos", objective=1,
                process="PR-15", unit="%", dimension=QUA, direction=DIR.HIGHER, target=99.5,
                green_from=100, yellow_from=99, formula="Horas disponibles / horas totales × 100",
                owner="dflores", source="Monitoreo del centro de datos", clauses="7.1.3, 9.1.1"),
     ("monthly", 30, 0, 99.82, 0.08, 2, {-9: (98.9, "Mantenimiento correctivo del almacenamiento."),
                                         -1: (97.85, "Caída del enlace principal del centro de "
                                                     "datos (6 h 30 min).")})),
    ("budget", dict(name="Ejercicio del presupuesto del programa de calidad respecto a lo programado",
                    objective=2, process="PR-13", unit="%", dimension=ECO, direction=DIR.BAND,
                    band_low=95, band_high=105, band_tolerance=5, owner="lhernandez",
                    formula="Ejercido / programado × 100", clauses="7.1.1, 9.1.3"),
     ("monthly", 24, 0, 100.0, 2.2, 1, {-8: (108.6, "Capacitación adelantada de auditores."),
                                        -3: (112.4, "Pago anticipado de la auditoría externa."),
                                        -1: (103.5, None)})),
    ("ine", dict(name="Porcentaje de actividades del convenio con el INE concluidas en plazo",
                 objective=2, process="PR-12", unit="%", dimension=EFI, direction=DIR.HIGHER,
                 target=95, owner="rcastillo", formula="Concluidas en plazo / programadas × 100",
                 source="Plan integral de coordinación INE-IECM", clauses="8.4.1, 9.1.1"),
     ("monthly", 26, 5, 97.0, 1.6, 1, {})),
    ("complaints", dict(name="Porcentaje de quejas resueltas dentro del plazo", objective=1,
                        process="PR-08", unit="%", dimension=EFF, direction=DIR.HIGHER, target=95,
                        formula="Resueltas en plazo / recibidas × 100", owner="fnavarro",
                        clauses="8.2.1, 8.5.1.8, 9.1.2"),
     ("quarterly", 24, 0, 97.0, 1.5, 1, {-6: (88.0, "Incremento de quejas durante las campañas."),
                                         -1: (93.1, "Rezago post-electoral.")})),
    ("capa", dict(name="Porcentaje de acciones correctivas concluidas en tiempo", objective=4,
                  process="PR-13", unit="%", dimension=EFI, direction=DIR.HIGHER, target=90,
                  green_from=95, yellow_from=75, formula="Concluidas en tiempo / vencidas × 100",
                  owner="lhernandez", rule_trend_run=3, clauses="10.2.1, 9.1.3"),
     ("quarterly", 24, 0, 90.5, 2.5, 1, {-2: (64.0, "Acciones de la NC de cómputos vencidas."),
                                         -1: (80.0, None)})),
    ("satisfaction", dict(name="Satisfacción de la ciudadanía con la atención en las Direcciones "
                                "Distritales", objective=1, process="PR-13", unit="%",
                          dimension=QUA, direction=DIR.HIGHER, target=85, green_from=95,
                          yellow_from=85, formula="Respuestas satisfechas / encuestas × 100",
                          owner="lhernandez", source="Encuesta trimestral en las 33 DD",
                          clauses="9.1.2"),
     ("quarterly", 25, 3, 88.0, 2.5, 1, {})),
    ("procurement", dict(name="Porcentaje del monto adjudicado mediante licitación pública",
                         objective=1, process="PR-16", unit="%", dimension=ECO,
                         direction=DIR.HIGHER, target=70, owner="ereyes",
                         formula="Monto licitado / monto adjudicado × 100", clauses="8.4.1"),
     ("quarterly", 24, 0, 78.0, 4.0, 1, {})),
)


def periods(ctx: Ctx, frequency: str, count: int, skip: int) -> list[Period]:
    """``count`` periods ending ``skip`` periods before the last complete one."""
    p = previous_period(period_for(frequency, ctx.today))
    for _ in range(skip):
        p = previous_period(p)
    out = []
    for _ in range(count):
        out.append(p)
        p = previous_period(p)
    return out[::-1]


def series(ctx: Ctx, spec: tuple) -> list[tuple[str, float, str | None]]:
    if spec[0] == "event":
        out = []
        for day, value, note in spec[1]:
            if day > ctx.today:
                continue
            if value is None:  # MRVO 2025: computed from the evidence file
                value = float(ctx.codes["mrvo_pct"])
            out.append((day.isoformat(), value, note or f"{EVENT_NAMES.get(day, '')}. {ILLUSTRATIVE}"))
        return out
    frequency, count, skip, base, spread, decimals, overrides = spec
    values = []
    for i, p in enumerate(periods(ctx, frequency, count, skip)):
        value = round(ctx.rng.gauss(base, spread), decimals)
        if base < 100:  # a percentage that cannot exceed 100
            value = min(value, 100.0)
        note = None
        if (i - count) in overrides:
            value, note = overrides[i - count]
        values.append((p.label, float(value), note))
    return values


def load(ctx: Ctx) -> None:
    s, coord = ctx.session, ctx.as_("lhernandez")
    for key, data, spec in INDICATORS:
        data = dict(data)
        data["objective"] = ctx.code(f"obj.{data['objective']}")
        data.setdefault("frequency", "per_event" if spec[0] == "event" else spec[0])
        data.setdefault("definition", _definition(data))
        data.setdefault("rule_red", key in ("it", "count_time", "ext_findings"))
        ind = ctx.keep(f"ind.{key}", indicators.create_indicator(s, coord, data))
        owner = ctx.as_(data["owner"])
        points = series(ctx, spec)
        for i, (period, value, note) in enumerate(points):
            evidence = None
            if key == "mrvo" and period == "2025-08-17":
                evidence = ctx.code("evi.mrvo")
            elif key == "it" and i == len(points) - 1:  # the red month: the incident log
                evidence = ctx.code("evi.outage")
            m = indicators.record_measurement(s, owner, ind.code, period, value, note=note,
                                              evidence=evidence)
            ctx.keep(f"med.{key}.{period}", m)
            ctx.codes[f"last.{key}"] = period


def _definition(data: dict) -> str:
    return (f"{data['name']}. Fórmula: {data.get('formula', '—')}. Valores anteriores a la "
            "puesta en operación del sistema capturados desde los informes del SGCE.")
