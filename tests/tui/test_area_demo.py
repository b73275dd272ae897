"""The area screens on the demo data (rich and varied: approved minutes, closed projects,
documents in review, drafts …): records in every state open at 80×24 without an error."""

from __future__ import annotations

from datetime import date

import pytest

from qms_tui.screens.area import AreaScreen
from qms_tui.screens.dialogs.error import ErrorDialog
from qms_tui.screens.risk_register import RiskRegisterScreen
from qms_tui.services.search import list_records
from tui.conftest import settle

DEMO_TODAY = date(2025, 11, 20)
ENTITIES = ("policy", "objective", "risk", "review", "circle", "meeting", "project", "document", "evidence")


def sample(rows: list, most: int = 4) -> list[str]:  # type: ignore[type-arg]
    """Codes of one record per state (status, PDCA stage or kind), then others, at most ``most``."""
    seen: set[object] = set()
    picked: list[str] = []
    for r in rows:
        state = getattr(r, "status", None) or getattr(r, "pdca_stage", None) or getattr(r, "kind", None)
        if state not in seen:
            seen.add(state)
            picked.append(r.code)
    picked += [r.code for r in rows if r.code not in picked]
    return picked[:most]


@pytest.fixture
def demo_db(tmp_path):  # type: ignore[no-untyped-def]
    from qms_tui.db.session import Database
    from qms_tui.demo import load_demo
    from qms_tui.services.setup import init_database

    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    init_database(db)
    load_demo(db, today=DEMO_TODAY, operator="coord")
    yield db
    db.dispose()


async def test_area_records_of_the_demo_open_at_80x24(demo_db):
    from qms_tui.app import QmsApp

    codes = {e: sample(list_records(demo_db, e, limit=100).rows) for e in ENTITIES}
    assert all(codes.values()), codes
    app = QmsApp(db=demo_db, lang="es", login="coord", today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        register = RiskRegisterScreen()  # a light screen to come back to (the dashboard reloads)
        app.push_screen(register)
        await settle(pilot)
        assert register.query_one("#reg-table").row_count == list_records(demo_db, "risk").total
        for entity, entity_codes in codes.items():
            for code in entity_codes:
                app.open_record(entity, code)
                await settle(pilot)
                screen = app.screen
                assert not isinstance(screen, ErrorDialog), (entity, code, getattr(screen, "lines", None))
                assert isinstance(screen, AreaScreen) and screen.data is not None, (entity, code)
                assert screen.query_one(".wf-head").region.right <= 80
                await pilot.press("escape")
                await settle(pilot, rounds=1)
                assert app.screen is register
