"""The audit-trail viewer: read-only, paged from the database, filtered by text, kind of
record and actor; enter shows the event's before/after."""

from __future__ import annotations

from qms_tui.domain.actor import Actor
from qms_tui.screens.dialogs.trail_event import TrailEventDialog
from qms_tui.screens.trail import TrailScreen
from qms_tui.services import records
from qms_tui.services.trail import trail_page
from qms_tui.widgets.paged_table import PagedTable
from tui.conftest import make_app, settle, type_text
from tui.dataset import COORD

SIZE = (120, 40)
JUAN = Actor(login="jlopez", role="coordinator", name="Juan López")  # a second coordinator


def _many_changes(db, n: int = 120) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        for i in range(n):
            records.update(s, JUAN, "indicator", "IND-004", {"source": f"Encuesta {i}"})


def _status(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(".paged-status").render())


async def test_trail_pages_from_the_database_and_filters(tui_db, spanish, monkeypatch):
    _many_changes(tui_db)
    total = trail_page(tui_db, limit=1).total
    calls: list[int] = []
    import qms_tui.services.trail as trail

    real = trail.trail_page

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["limit"])
        return real(*args, **kwargs)

    monkeypatch.setattr(trail, "trail_page", spy)
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Audit trail")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrailScreen)
        table = screen.query_one(PagedTable)
        assert table.total == total and table.table.row_count == 100
        assert f"rows 1–100 of {total}" in _status(screen)
        assert table.current_code == str(total)  # newest first
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert f"rows 101–{total} of {total}" in _status(screen)
        assert all(limit == 100 for limit in calls)  # never more than a page

        await pilot.press("w")  # who: jlopez made the 120 changes
        await type_text(pilot, "jlopez")
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == 120 and "rows 1–100 of 120" in _status(screen)

        await pilot.press("f")  # text within them
        await type_text(pilot, "IND-004")
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == 120

        await pilot.press("enter")  # the newest event: its before and after
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TrailEventDialog)
        assert dialog.row.actor == "jlopez"
        changes = dialog.row.changes()
        assert [c[0] for c in changes] == ["source"]
        assert (changes[0][1], changes[0][2]) == ("Encuesta 118", "Encuesta 119")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_trail_filter_by_kind_of_record(tui_db, spanish):
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(TrailScreen(entity="nonconformity"))
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.total == 5  # the five nonconformities were created
        kinds = {str(table.table.get_row_at(i)[4]) for i in range(table.table.row_count)}
        assert kinds == {"Nonconformity"}
        await pilot.press("t", "enter", "home", "enter")  # the kind filter: back to "(all)"
        await pilot.pause(0.3)
        await settle(pilot)
        assert table.total == trail_page(tui_db, limit=1).total


def test_trail_page_filters_in_sql():
    from qms_tui.db.session import Database
    from qms_tui.services.setup import init_database

    db = Database("sqlite://")
    init_database(db)
    with db.write() as s:
        records.create(s, COORD, "person", {"code": "coord", "name": "María García", "role": "coordinator"})
        records.create(s, COORD, "person", {"code": "jlopez", "name": "Juan López", "role": "process_owner"})
        records.update(s, COORD, "person", "jlopez", {"name": "Juan López Pérez"})
    page = trail_page(db, actor="coord", entity="person", limit=10)
    assert [(r.action, r.code) for r in page.rows] == [("update", "jlopez"), ("create", "jlopez"), ("create", "coord")]
    assert page.total == 3
    assert trail_page(db, actor="jlopez").total == 0
    assert trail_page(db, code="jlopez").total == 2
    assert trail_page(db, text="LÓPEZ", limit=10).total == 0  # text is code / summary / login
    assert trail_page(db, text="jlop", limit=1).total == 2
    assert [r.code for r in trail_page(db, entity="person", descending=False).rows] == ["coord", "jlopez", "jlopez"]
    newest = trail_page(db, limit=1).rows[0]
    assert newest.changes() == [("name", "Juan López", "Juan López Pérez")]
    db.dispose()


async def test_typing_a_longer_text_searches_the_previous_matches(tui_db, spanish, monkeypatch):
    """The viewer hands each page's matches to the next fetch: after "encuesta 11" only its
    events are searched for "encuesta 119" (and the rows are those of a full search)."""
    with tui_db.write() as s:
        for i in range(120):
            records.update(s, JUAN, "indicator", "IND-004", {"source": f"Encuesta {i}"}, summary=f"Encuesta {i}")
    import qms_tui.services.trail as trail

    real, seen = trail.trail_page, []

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        page = real(*args, **kwargs)
        seen.append((kwargs.get("text"), kwargs.get("within"), page))
        return page

    monkeypatch.setattr(trail, "trail_page", spy)
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(TrailScreen())
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        await pilot.press("f")
        await type_text(pilot, "encuesta 11")
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == 11  # Encuesta 11 and 110…119
        await pilot.press("f", "end")
        await type_text(pilot, "9")
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == 1
    text, within, page = seen[-1]
    assert text == "encuesta 119" and within is not None and within.text == "encuesta 11"
    assert [r.seq for r in page.rows] == [r.seq for r in real(tui_db, text="encuesta 119").rows]
