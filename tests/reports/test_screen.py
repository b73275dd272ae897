"""The Reports screen: the fields follow the report chosen, bad input is one error dialog (no
work started), and a report renders in the background with its path shown and copyable."""

from __future__ import annotations

import pytest

from qms_tui.app import QmsApp
from qms_tui.screens.reports import ReportsScreen, open_reports
from reports.dataset import TODAY

SIZE = (120, 40)


async def settle(pilot, rounds: int = 3) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_screen(app, pilot):  # type: ignore[no-untyped-def]
    await settle(pilot)
    open_reports(app)
    await settle(pilot)
    assert isinstance(app.screen, ReportsScreen)
    return app.screen


def shown(screen, name: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(screen.query_one(f"#field-{name}").display)


async def test_fields_follow_the_report_and_bad_input_is_an_error_dialog(report_db, tmp_path):
    app = QmsApp(db=report_db, lang="en", login="coord", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        assert shown(screen, "standard") and shown(screen, "start") and not shown(screen, "code")
        screen.query_one("#kind").value = "audit"
        await pilot.pause()
        assert shown(screen, "code") and not shown(screen, "standard")
        assert "qms-audit-" in screen.query_one("#output").value  # a suggested path
        screen.query_one("#kind").value = "evidence"
        await pilot.pause()
        screen.query_one("#start").value = "2025-13-01"
        screen.query_one("#output").value = str(tmp_path / "e.pdf")
        await pilot.press("ctrl+g")
        await settle(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "ErrorDialog" and "must be a date" in " ".join(dialog.lines)
        assert not [w for w in app.workers if w.group == "report"]
        assert not (tmp_path / "e.pdf").exists()


@pytest.mark.pdf
async def test_a_report_renders_in_the_background_and_its_path_can_be_copied(report_db, tmp_path, monkeypatch):
    app = QmsApp(db=report_db, lang="en", login="coord", today=TODAY)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot)
        screen.query_one("#kind").value = "capa"
        await pilot.pause()
        out = tmp_path / "capa.pdf"
        screen.query_one("#output").value = str(out)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert screen.query_one("#generate").disabled  # while it renders
        await settle(pilot)
        assert out.exists() and screen.last_path == str(out)
        assert str(out) in str(screen.query_one("#report-status").render())
        await pilot.press("ctrl+y")
        assert copied == [str(out)]


async def test_the_palette_opens_the_reports_screen(report_db):
    app = QmsApp(db=report_db, lang="en", login="coord", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Reports")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)


@pytest.mark.parametrize(("typed", "kind", "field"), [("expediente", "evidence", "standard"),
                                                      ("informe de auditor", "audit", "code")])
async def test_the_palette_finds_a_report_by_its_own_name(report_db, typed, kind, field):
    app = QmsApp(db=report_db, lang="es", login="coord", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*typed)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.kind == kind and shown(screen, field)
        assert f"qms-{kind}-" in screen.query_one("#output").value


async def test_a_records_report_waits_for_its_code_where_it_is_typed(report_db, tmp_path):
    # opened for an audit report, the code is focused: typing fills it; asked to generate
    # without it, the dialog says which code, and closing it goes back to the field
    app = QmsApp(db=report_db, lang="es", login="coord", today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReportsScreen(kind="audit"))
        await settle(pilot)
        screen = app.screen
        assert app.focused is screen.query_one("#code")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "necesita la clave de la auditoría (AUD-…)" in " ".join(app.screen.lines)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and app.focused is screen.query_one("#code")
        await pilot.press(*"AUD-2025-01")
        assert screen.query_one("#code").value == "AUD-2025-01"
