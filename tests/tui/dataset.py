"""A small, frozen dataset written through the services (fixed dates; TODAY is injected)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.periods import parse_period
from qms_tui.services import records

TODAY = date(2025, 6, 16)
CREATED = {"created_at": datetime(2025, 1, 2, tzinfo=UTC), "updated_at": datetime(2025, 1, 2, tzinfo=UTC)}
COORD = Actor(login="coord", role=Role.COORDINATOR, name="María García")
POLICY_TEXT = (
    "El Instituto Electoral de la Ciudad de México organiza elecciones y mecanismos de "
    "participación ciudadana con certeza, legalidad, independencia e imparcialidad, "
    "y mejora continuamente su sistema de gestión de calidad electoral."
)


def _measure(s, indicator: str, period: str, value: float) -> None:  # type: ignore[no-untyped-def]
    p = parse_period(period)
    records.create(s, COORD, "measurement", {"indicator": indicator, "period": period, "value": value},
                   extra={"period_start": p.start, "period_end": p.end})


def fill(db) -> None:  # type: ignore[no-untyped-def]
    """People, a process, the approved policy, 2 objectives, 4 indicators with measurements,
    nonconformities of several ages, an audit, a review, projects and an overdue action."""
    with db.write() as s:
        c = COORD
        records.create(s, c, "person", {"code": "coord", "name": "María García", "role": "coordinator"})
        records.create(s, c, "person", {"code": "jlopez", "name": "Juan López", "role": "process_owner"})
        records.create(s, c, "process", {"code": "PR-01", "name": "Organización electoral",
                                         "category": "substantive", "owner": "jlopez"})
        records.create(s, c, "policy", {"text": POLICY_TEXT, "effective_from": "2024-01-15"},
                       extra={"status": "approved", "number": 1})
        records.create(s, c, "objective", {"title": "Instalar la totalidad de las casillas aprobadas",
                                           "owner": "coord", "process": "PR-01"})
        records.create(s, c, "objective", {"title": "Atender las quejas ciudadanas en tiempo",
                                           "owner": "jlopez"})
        base = {"unit": "%", "frequency": "monthly", "owner": "coord"}
        records.create(s, c, "indicator", {**base, "name": "Casillas instaladas", "objective": "OBJ-01",
                                           "direction": "higher", "target": "98"}, extra=CREATED)
        records.create(s, c, "indicator", {**base, "name": "Paquetes entregados a tiempo",
                                           "objective": "OBJ-01", "direction": "higher", "target": "95"}, extra=CREATED)
        records.create(s, c, "indicator", {**base, "name": "Quejas atendidas fuera de plazo",
                                           "objective": "OBJ-02", "direction": "lower", "target": "5"}, extra=CREATED)
        records.create(s, c, "indicator", {**base, "name": "Satisfacción de la ciudadanía",
                                           "direction": "higher", "target": "90"}, extra=CREATED)
        for period, value in (("2025-03", 97.0), ("2025-04", 98.5), ("2025-05", 99.1)):
            _measure(s, "IND-001", period, value)
        _measure(s, "IND-002", "2025-05", 80.0)
        _measure(s, "IND-003", "2025-05", 5.5)
        # IND-004 has never been measured: overdue
        ncs = [
            ("Casilla instalada en domicilio distinto", "major", "2025-06-10", None),
            ("Acta sin firma de funcionario", "minor", "2025-05-01", None),
            ("Paquete entregado fuera de plazo", "minor", "2025-02-20", None),
            ("Capacitación incompleta de funcionarios", None, "2025-06-01", None),
            ("Incumplimiento detectado por indicador", "major", "2025-06-02", "draft"),
        ]
        for title, severity, detected, status in ncs:
            data = {"title": title, "description": title + ".", "source": "internal_audit",
                    "detected_on": detected, "owner": "jlopez"}
            if severity:
                data["severity"] = severity
            records.create(s, c, "nonconformity", data, extra={"status": status} if status else None)
        records.create(s, c, "audit", {"title": "Auditoría interna al proceso electoral", "kind": "internal",
                                       "scope": "Organización electoral", "planned_start": "2025-07-01",
                                       "planned_end": "2025-07-03", "lead_auditor": "coord"})
        records.create(s, c, "review", {"title": "Revisión por la dirección 2025", "planned_date": "2025-11-20"})
        records.create(s, c, "project", {"title": "Reducir quejas fuera de plazo", "problem": "Demoras",
                                         "started_on": "2025-03-01"})
        records.create(s, c, "project", {"title": "Entrega oportuna de paquetes", "problem": "Retrasos",
                                         "started_on": "2025-04-01"}, extra={"pdca_stage": "do"})
        records.create(s, c, "action", {"kind": "corrective", "description": "Revisar rutas de entrega",
                                        "owner": "jlopez", "due_date": "2025-05-01", "nonconformity": "NC-2025-003"})
