"""The process health card and the electoral event card: every item opens its record."""

from __future__ import annotations

from qms_tui.screens.event import EventScreen
from qms_tui.screens.indicator import IndicatorScreen
from qms_tui.screens.nonconformity import NonconformityScreen
from qms_tui.screens.process import ProcessScreen
from qms_tui.services import audits, nonconformities, processes, records
from qms_tui.services.search import create_record
from qms_tui.widgets.figure import Figure
from tui.conftest import make_app, settle
from tui.dataset import COORD

SIZE = (120, 40)


def _link_to_pr01(db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        records.update(s, COORD, "indicator", "IND-002", {"process": "PR-01"})
        records.update(s, COORD, "process", "PR-01", {"ts_process_no": "3", "clauses": "8.5.1"})
    nonconformities.update_nc(db, COORD, "NC-2025-001", {"process": "PR-01"})
    create_record(db, COORD, "risk", {"kind": "risk", "title": "Lluvias el día de la jornada", "process": "PR-01",
                                      "likelihood": "4", "impact": "4"})
    create_record(db, COORD, "document", {"code": "PR-01-P01", "title": "Procedimiento de instalación",
                                          "kind": "procedure", "process": "PR-01"})
    audits.update_audit(db, COORD, "AUD-2025-01", {"process": "PR-01", "lead_auditor": ""})


async def test_process_card_shows_everything_and_opens_each_item(tui_db, spanish):
    _link_to_pr01(tui_db)
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("process", "PR-01")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProcessScreen)
        head = screen.query_one("#card-head").render().plain
        assert "Juan López" in head and "✔ yes" in head and "8.5.1" in head
        assert "ISO/TS 54001 electoral process: 3 · Electoral logistics (8.5.1.3)" in head
        ids = {f.id for f in screen.query(Figure)}
        assert {"card-indicator-IND-002", "card-nonconformity-NC-2025-001", "card-risk-RO-001",
                "card-document-PR-01-P01", "card-audit-AUD-2025-01"} <= ids
        badge = screen.query_one("#card-indicator-IND-002 StatusBadge")
        assert str(badge.render()) == "▲ at risk"
        risk = screen.query_one("#card-risk-RO-001").query(".card-meta").first().render()
        assert "✖ high (16)" in str(risk)
        assert "Next audit: AUD-2025-01" in str(screen.query_one("#card-audit-AUD-2025-01 .figure-fill").render())

        screen.query_one("#card-indicator-IND-002").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IndicatorScreen) and app.screen.code == "IND-002"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("down")  # the next item: the open nonconformity
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NonconformityScreen) and app.screen.code == "NC-2025-001"


async def test_a_process_not_applicable_shows_its_justification(tui_db, spanish):
    processes.update_process(tui_db, COORD, "PR-01", {"applicable": False, "justification": "Lo realiza el INE"})
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("process", "PR-01")
        await settle(pilot)
        head = app.screen.query_one("#card-head").render().plain
        assert "✖ not applicable — Lo realiza el INE" in head
        assert "No indicators." in str(app.screen.query_one("#card-indicators .card-empty").render())


async def test_event_card_lists_stages_and_linked_records(tui_db, spanish):
    processes.create_event(tui_db, COORD, {"code": "PELO-2027", "name": "Proceso electoral local 2026-2027",
                                           "kind": "ordinary", "start_date": "2026-09-01", "key_date": "2027-06-06",
                                           "end_date": "2027-09-30"})
    processes.add_stage(tui_db, COORD, "PELO-2027", {"kind": "preparation", "name": "Preparación",
                                                     "start_date": "2026-09-01", "end_date": "2027-03-31"})
    with tui_db.write() as s:
        records.update(s, COORD, "indicator", "IND-001", {"event": "PELO-2027"})
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("event", "PELO-2027")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EventScreen)
        assert "ordinary local election" in screen.query_one("#card-head").render().plain
        stages = [f for f in screen.query(Figure) if f.id and f.id.startswith("card-stage-")]
        assert len(stages) == 1
        screen.query_one("#card-indicator-IND-001").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IndicatorScreen) and app.screen.code == "IND-001"
