"""Fixtures of the import / export / restore tests (both backends through ``db``)."""

from __future__ import annotations

import getpass

import pytest
from io_helpers import MONTHLY

from qms_tui.services import records


@pytest.fixture
def indicators(db, actor):  # type: ignore[no-untyped-def]
    """The OS login as coordinator (the CLI's actor), 10 monthly indicators IND-001…010, one
    quarterly IND-011 and one per-event IND-012."""
    with db.write() as s:
        records.create(s, actor, "person", {"code": "coord", "name": "Coordinación", "role": "coordinator"})
        login = getpass.getuser()
        if login != "coord":
            records.create(s, actor, "person", {"code": login, "name": "Operador", "role": "coordinator"})
        for i in range(10):
            records.create(s, actor, "indicator", {**MONTHLY, "name": f"Indicador {i + 1}"})
        records.create(s, actor, "indicator", {**MONTHLY, "name": "Trimestral", "frequency": "quarterly"})
        records.create(s, actor, "indicator", {**MONTHLY, "name": "Por evento", "frequency": "per_event"})
    return [f"IND-{i:03d}" for i in range(1, 13)]
