"""The dashboard's lean indicator lights (last value only) are exactly those of the full
``indicator_statuses``: light, attainment, value, period, overdue and missing periods, for
periodic and per-event indicators, on several days (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from tui.dataset import TODAY, fill

from qms_tui.demo import load_demo
from qms_tui.services import dashboard as dash
from qms_tui.services.indicators import indicator_statuses

DAYS = (date(2024, 12, 31), TODAY, date(2025, 11, 3), date(2027, 7, 10))


def _both(db, today):  # type: ignore[no-untyped-def]
    with db.read() as s:
        lean = dash._indicator_lights(s, today)
        full = [(st.objective, dash._light(st)) for st in indicator_statuses(s, today)]
    return lean, full


def test_lean_lights_match_the_statuses_on_the_small_dataset(db):
    fill(db)
    for day in DAYS:
        lean, full = _both(db, day)
        assert lean == full and lean


def test_lean_lights_match_the_statuses_on_the_demo(db):
    load_demo(db, today=TODAY)
    for day in DAYS:
        lean, full = _both(db, day)
        assert lean == full
        assert any(light.overdue for _o, light in lean) or day < TODAY
    frequencies = {light.frequency for _o, light in _both(db, TODAY)[0]}
    assert {"per_event", "monthly", "quarterly"} <= frequencies  # both paths are exercised
