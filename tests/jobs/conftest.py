"""Scheduler fixtures: settings in a temporary TOML file, a small dataset with one record of
every kind of reminder at TODAY, and a demo database (copied per test from one template)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from qms_tui.domain import clock
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.periods import parse_period
from qms_tui.services import records

TODAY = date(2025, 7, 1)
AT = "2025-07-01T08:00"  # after the 07:00 reminders, the 06:00 reports and the 02:30 backup
COORD = Actor(login="coord", role=Role.COORDINATOR, name="María García")
CREATED = {"created_at": datetime(2025, 1, 2, tzinfo=UTC), "updated_at": datetime(2025, 1, 2, tzinfo=UTC)}

#: What the small dataset makes due at TODAY: (kind, record code, recipient).
EXPECTED = {
    ("measurement_due", "IND-001", "jlopez"),
    ("measurement_overdue", "IND-002", "jlopez"),
    ("measurement_due", "IND-003", "jlopez"),
    ("measurement_overdue", "IND-004", "coord"),
    ("audit_upcoming", "AUD-2025-01", "aperez"),
    ("audit_upcoming", "AUD-2025-01", "jlopez"),
    ("review_upcoming", "RD-2025-01", "coord"),
    ("action_overdue", "AC-2025-001", "jlopez"),
    ("action_due", "AC-2025-002", "aperez"),
    ("check_overdue", "VE-2025-001", "aperez"),
    ("check_due", "VE-2025-002", "jlopez"),
    ("document_review_overdue", "DOC-A", "coord"),
    ("document_review_due", "DOC-B", "jlopez"),
}


def write_settings(path: Path, tmp: Path, *, reports: bool = True, **smtp: object) -> Path:
    lines = ["[scheduler]", 'timezone = "America/Mexico_City"', 'lang = "en"', "",
             "[reports]", f"enabled = {_toml(reports)}", f'folder = {_toml(tmp / "reports")}', "",
             "[backup]", f'folder = {_toml(tmp / "backups")}', "keep = 3", "", "[smtp]"]
    for key, value in smtp.items():
        lines.append(f"{key} = {_toml(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """QMS_CONFIG → a settings file whose folders are in tmp_path; e-mail off."""
    path = write_settings(tmp_path / "qms.toml", tmp_path, enabled=False)
    monkeypatch.setenv("QMS_CONFIG", str(path))
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    return path


def _measure(s, indicator: str, period: str, value: float) -> None:  # type: ignore[no-untyped-def]
    p = parse_period(period)
    records.create(s, COORD, "measurement", {"indicator": indicator, "period": period, "value": value},
                   extra={"period_start": p.start, "period_end": p.end})


def fill(db) -> None:  # type: ignore[no-untyped-def]
    """People, a process, two events, four indicators, two audits, two reviews, a
    nonconformity with three actions and two checks, three documents (see EXPECTED)."""
    c = COORD
    with clock.frozen(TODAY), db.write() as s:
        people = [("coord", "María García", "coordinator", "coord@iecm.test"),
                  ("jlopez", "Juan López", "process_owner", "jlopez@iecm.test"),
                  ("aperez", "Ana Pérez", "auditor", None),
                  ("old", "Persona Inactiva", "process_owner", "old@iecm.test")]
        for code, name, role, email in people:
            records.create(s, c, "person", {"code": code, "name": name, "role": role, "email": email})
        records.update(s, c, "person", "old", {"active": False})
        records.create(s, c, "process", {"code": "PR-01", "name": "Organización electoral",
                                         "category": "substantive", "owner": "jlopez"})
        records.create(s, c, "event", {"code": "EV-PJ", "name": "Elección judicial", "kind": "extraordinary",
                                       "start_date": "2025-01-05", "key_date": "2025-06-01",
                                       "end_date": "2025-06-20"})
        records.create(s, c, "event", {"code": "EV-OLD", "name": "Consulta", "kind": "participation",
                                       "start_date": "2025-01-01", "key_date": "2025-03-01",
                                       "end_date": "2025-04-30"})
        base = {"unit": "%", "direction": "higher", "target": "95"}
        records.create(s, c, "indicator", {**base, "name": "Casillas instaladas", "frequency": "monthly",
                                           "owner": "jlopez"}, extra=CREATED)
        records.create(s, c, "indicator", {**base, "name": "Paquetes a tiempo", "frequency": "monthly",
                                           "owner": "jlopez"}, extra=CREATED)
        records.create(s, c, "indicator", {**base, "name": "Cómputos concluidos", "frequency": "per_event",
                                           "event": "EV-PJ", "process": "PR-01"}, extra=CREATED)
        records.create(s, c, "indicator", {**base, "name": "Participación", "frequency": "per_event",
                                           "event": "EV-OLD", "owner": "old"}, extra=CREATED)
        for month in ("01", "02", "03", "04", "05"):
            _measure(s, "IND-001", f"2025-{month}", 97.0)
        for month in ("01", "02", "03"):
            _measure(s, "IND-002", f"2025-{month}", 96.0)
        records.create(s, c, "audit", {"title": "Auditoría interna", "kind": "internal", "scope": "PR-01",
                                       "process": "PR-01", "planned_start": "2025-07-10",
                                       "planned_end": "2025-07-11", "lead_auditor": "aperez"})
        records.create(s, c, "audit", {"title": "Auditoría posterior", "kind": "internal", "scope": "PR-01",
                                       "planned_start": "2025-08-30", "planned_end": "2025-08-31",
                                       "lead_auditor": "aperez"})
        records.create(s, c, "review", {"title": "Revisión por la dirección", "planned_date": "2025-07-05"})
        records.create(s, c, "review", {"title": "Revisión de octubre", "planned_date": "2025-10-01"})
        records.create(s, c, "nonconformity", {"title": "Acta sin firma", "description": "Acta sin firma.",
                                               "source": "internal_audit", "detected_on": "2025-05-01",
                                               "owner": "jlopez"})
        for desc, owner, due in (("Capacitar", "jlopez", "2025-06-20"), ("Verificar actas", "aperez", "2025-07-05"),
                                 ("Rediseñar formato", "jlopez", "2025-09-01")):
            records.create(s, c, "action", {"kind": "corrective", "description": desc, "owner": owner,
                                            "due_date": due, "nonconformity": "NC-2025-001"})
        records.create(s, c, "effectiveness_check", {"nonconformity": "NC-2025-001", "planned_date": "2025-06-25",
                                                     "criterion": "Actas firmadas", "verifier": "aperez"})
        records.create(s, c, "effectiveness_check", {"nonconformity": "NC-2025-001", "planned_date": "2025-07-03",
                                                     "criterion": "Sin reincidencia"})
        for code, owner, process, nxt in (("DOC-A", "coord", None, "2025-06-01"), ("DOC-B", None, "PR-01", "2025-07-20"),
                                          ("DOC-C", "coord", None, "2025-12-01")):
            records.create(s, c, "document", {"code": code, "title": f"Documento {code}", "kind": "procedure",
                                              "owner": owner, "process": process, "next_review": nxt})


@pytest.fixture
def small(db):  # type: ignore[no-untyped-def]
    fill(db)
    return db


def notification_set(db) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from qms_tui.db.models import Notification, Person

    with db.read() as s:
        rows = s.execute(select(Notification.kind, Notification.record_code, Person.code)
                         .join(Person, Person.id == Notification.recipient_id)).all()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def count_rows(db, model) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


# ---------------------------------------------------------------- demo data (SQLite)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from qms_tui.db.session import Database
    from qms_tui.demo import load_demo
    from qms_tui.services.setup import init_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = Database(f"sqlite:///{path}")
    init_database(db)
    load_demo(db, today=TODAY)
    db.dispose()
    return path


@pytest.fixture
def demo_path(demo_template, tmp_path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    yield path
