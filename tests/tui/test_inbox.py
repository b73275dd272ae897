"""The inbox (Pilot): the unread count in the header, the list newest first with unread rows
marked, enter opens the overdue record and marks it read; the count follows."""

from __future__ import annotations

from qms_tui.domain.actor import SYSTEM
from qms_tui.screens.inbox import UNREAD_MARK, InboxScreen
from qms_tui.screens.record_detail import RecordDetailScreen
from qms_tui.services import notifications, reminders
from qms_tui.services.notifications import Draft
from qms_tui.services.org import person_by_login
from qms_tui.widgets.paged_table import PagedTable
from tui.conftest import make_app, settle, type_text
from tui.dataset import TODAY

SIZE = (120, 40)


def _header_count(app) -> str:  # type: ignore[no-untyped-def]
    label = app.screen.query_one("AppHeader .header-inbox")
    return str(label.render()) if label.display else ""


async def test_inbox_opens_the_overdue_record_and_the_count_follows(tui_db):
    written = notifications.create(tui_db, SYSTEM, reminders.all_reminders(tui_db, TODAY, lang="en"))
    jlopez = person_by_login(tui_db, "jlopez")
    report = Draft(jlopez.id, "jlopez", "report_ready", "The monthly indicators report 2025-05 is ready",
                   None, "indicators_report-2025-05", TODAY, "/srv/qms/reports/indicators-2025-05.pdf")
    written += notifications.create(tui_db, SYSTEM, [report])
    unread = notifications.unread_count(tui_db, "jlopez")
    assert written == 3 and unread == 2
    overdue = next(n for n in notifications.inbox(tui_db, "jlopez").rows if n.kind == "action_overdue")

    app = make_app(tui_db, lang="en", login="jlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _header_count(app) == f"✉ {unread}"

        await pilot.press("ctrl+p")
        await type_text(pilot, "Inbox")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        inbox = app.screen
        assert isinstance(inbox, InboxScreen)
        table = inbox.query_one(PagedTable).table
        assert table.row_count == unread
        row = table.get_row(str(overdue.id))
        assert str(row[0]) == UNREAD_MARK and "bold" in str(row[0].style)
        assert str(row[3]) == f"Action {overdue.record_code}"

        table.move_cursor(row=table.get_row_index(str(overdue.id)))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        assert (app.screen.entity, app.screen.code) == ("action", overdue.record_code)

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is inbox
        assert str(inbox.query_one(PagedTable).table.get_row(str(overdue.id))[0]) != UNREAD_MARK
        assert _header_count(app) == f"✉ {unread - 1}"  # the inbox's own header

        table = inbox.query_one(PagedTable).table
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        assert str(table.get_row(first)[2]) == "Report ready"
        table.move_cursor(row=0)
        await pilot.press("enter")  # no record to open: its text is shown, and it is read
        await settle(pilot)
        assert app.screen is inbox
        assert any("indicators-2025-05.pdf" in str(n.message) for n in app._notifications)
        assert _header_count(app) == ""  # nothing unread: no count at all

        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, InboxScreen)
        assert _header_count(app) == ""  # the dashboard's header counted again
    assert notifications.unread_count(tui_db, "jlopez") == 0


async def test_no_unread_no_count(tui_db):
    app = make_app(tui_db, lang="en", login="coord")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert _header_count(app) == ""
