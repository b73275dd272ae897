"""The electoral timeline screen: stages with their activities, keyboard navigation, enter
opens the record, planning a date relative to the key day, moving the key day, and the
FREEZE marker in the header."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Label, Static

from qms_tui.app import QmsApp
from qms_tui.screens import registry
from qms_tui.screens.audit import AuditScreen
from qms_tui.screens.dialogs.shift import ShiftDialog
from qms_tui.screens.dialogs.transition import TransitionDialog
from qms_tui.screens.timeline import TimelineScreen
from qms_tui.services import calendar
from qms_tui.widgets.figure import Figure

SIZE = (130, 44)


@pytest.fixture(autouse=True)
def _log_in_tmp(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))


async def settle(pilot, rounds: int = 4) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _texts(screen) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(f.query_one(".figure-fill", Label).render()) for f in screen.query(Figure)]


async def test_timeline_navigation_anchoring_and_moving_the_key_day(db, people, calendar_world):
    calendar.anchor(db, people["coord"], "review", calendar_world["review"], "planned_date", "PELO-2027", "E+25")
    calendar.anchor(db, people["coord"], "audit", calendar_world["audit"], "planned_end", "PELO-2027", "E-34")
    app = QmsApp(db=db, lang="en", login="coord", today=date(2027, 6, 1))  # inside PELO-2027's freeze
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "FREEZE PELO-2027" in str(app.screen.query_one(".header-freeze", Label).render())
        title = next(t for t, _h, target in registry.COMMANDS if target.endswith("timeline:open_timeline"))
        assert title == "Electoral timeline"
        registry.load("qms_tui.screens.timeline:open_timeline")(app)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen) and screen.event_code == "PELO-2027"
        head = str(screen.query_one("#tl-head", Static).render())
        assert "PELO-2027" in head and "freeze window 2027-05-22 – 2027-06-09" in head and "FREEZE active" in head
        sections = [str(s.render()) for s in screen.query(".section-title")]
        assert any("Jornada electoral" in s for s in sections) and "▶ Campañas · campaign or diffusion · 2027-04-01 – 2027-06-02" in sections
        texts = _texts(screen)
        assert len(texts) == 2
        assert "E-36" in texts[0] and "⚓ " + calendar_world["audit"] in texts[0]  # its end is anchored
        assert "E+25" in texts[1] and "⚓ " + calendar_world["review"] in texts[1]

        assert app.focused is screen.query_one("#tl-item-0")
        await pilot.press("down")
        assert app.focused is screen.query_one("#tl-item-1")
        await pilot.press("up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen) and app.screen.code == calendar_world["audit"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("a")  # plan the focused audit's start at E-40
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TransitionDialog)
        assert dialog.query_one("#field-code", Input).value == calendar_world["audit"]
        dialog.query_one("#field-offset", Input).value = "E-40"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "E-40" in _texts(screen)[0] and "⚓" in _texts(screen)[0]

        await pilot.press("m")  # move the key day a week later
        await settle(pilot)
        shift = app.screen
        assert isinstance(shift, ShiftDialog)
        shift.query_one("#field-to", Input).value = "2027-06-13"
        await pilot.press("ctrl+s")
        await settle(pilot)
        moved = str(shift.query_one("#shift-moved", Static).render())
        assert "PELO-2027 key_date 2027-06-06 → 2027-06-13" in moved
        assert f"{calendar_world['audit']} planned_start 2027-04-27 → 2027-05-04" in moved
        await pilot.press("ctrl+s")  # close
        await settle(pilot)
        assert app.screen is screen
        assert "2027-06-13 (E0)" in str(screen.query_one("#tl-head", Static).render())

        await pilot.press("left_square_bracket")  # the previous event
        await settle(pilot)
        assert screen.event_code == "PP-2026"
        assert calendar_world["other_audit"] in _texts(screen)[0]


async def test_readers_cannot_plan_or_move(db, people, calendar_world):
    app = QmsApp(db=db, lang="en", login="reader", today=date(2026, 12, 1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(TimelineScreen("PELO-2027"))
        await settle(pilot)
        screen = app.screen
        assert screen.check_action("shift", ()) is False and screen.check_action("anchor", ()) is False
        await pilot.press("m")
        await settle(pilot)
        assert app.screen is screen
        assert str(app.screen.query_one(".header-freeze", Label).render()) == ""
