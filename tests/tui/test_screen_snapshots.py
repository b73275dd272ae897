"""How the main screens look (SVG baselines in __snapshots__/): the indicator list, an
indicator, a nonconformity and an audit, with frozen data and a fixed today, in Spanish (the
real catalogue) and English, at the smallest (80×24) and the usual (120×40) sizes.

Regenerate after an intended change (a layout, a translation):
``pytest tests/tui/test_screen_snapshots.py --snapshot-update``, then look at the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from qms_tui import i18n
from tui.conftest import make_app, settle
from tui.dataset import TODAY, fill

SCREENS: dict[str, Callable[[Any], None]] = {
    "indicator_list": lambda app: app.open_list("indicator"),
    "indicator": lambda app: app.open_record("indicator", "IND-001"),
    "nonconformity": lambda app: app.open_record("nonconformity", "NC-2025-003"),
    "audit": lambda app: app.open_record("audit", "AUD-2025-01"),
}


FIXED = datetime(2025, 6, 16, 9, 30, tzinfo=UTC)


@pytest.fixture
def frozen_db(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The small dataset with the clock fixed: codes of TODAY's year, the trail's instants
    FIXED, and every other stored instant (recorded at, created, updated…) set to FIXED
    afterwards, so nothing of the real clock shows."""
    from sqlalchemy import DateTime, update
    from sqlmodel import SQLModel

    from qms_tui.db.session import Database
    from qms_tui.domain import clock
    from qms_tui.services.setup import init_database

    db = Database(f"sqlite:///{tmp_path / 'frozen.db'}")
    monkeypatch.setattr("qms_tui.services.trail.utcnow", lambda: FIXED)
    with clock.frozen(TODAY):
        init_database(db)
        fill(db)
    with db.engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "trail_event":  # append-only; no screen here shows it
                continue
            for column in table.columns:
                if column.type._type_affinity is DateTime:  # DateTime and its decorators
                    conn.execute(update(table).where(column.is_not(None)).values({column.name: FIXED}))
    yield db
    db.dispose()


@pytest.fixture
def real_catalogue() -> Iterator[None]:
    """The shipped Spanish catalogue, not the tests' mini one."""
    saved = i18n._catalogs.pop("es", None)
    yield
    i18n._catalogs.pop("es", None)
    if saved is not None:
        i18n._catalogs["es"] = saved


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_screen(frozen_db, real_catalogue, snap_compare, screen, size, lang):  # type: ignore[no-untyped-def]
    async def open_it(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        SCREENS[screen](pilot.app)
        await settle(pilot, rounds=6)

    assert snap_compare(make_app(frozen_db, lang=lang), terminal_size=size, run_before=open_it)
