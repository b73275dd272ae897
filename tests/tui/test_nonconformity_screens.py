"""The nonconformity screen, and the acceptance walk of the core workflows with the keyboard
alone: measurement → audit finding → nonconformity → action → effectiveness → closure,
asserting the database (through the services) after every step."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from qms_tui.db.models import TrailEvent
from qms_tui.screens.audit import AuditScreen
from qms_tui.screens.dashboard import DashboardScreen
from qms_tui.screens.dialogs.error import ErrorDialog
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import StepDialog
from qms_tui.screens.indicator import IndicatorScreen
from qms_tui.screens.nonconformity import NonconformityScreen
from qms_tui.services import audits, nonconformities, records
from qms_tui.services.indicators import measurements_page
from qms_tui.services.signatures import Meaning, signatures_of
from qms_tui.widgets.paged_table import PagedTable
from tui.conftest import make_app, settle, type_text
from tui.dataset import COORD

SIZE = (120, 40)


def _text(widget) -> str:  # type: ignore[no-untyped-def]
    return str(widget.render())


def _nc(db, code: str):  # type: ignore[no-untyped-def]
    return nonconformities.nc_detail(db, code)


def _trail_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(TrailEvent)).scalar_one()


def _major_open(app) -> int:  # type: ignore[no-untyped-def]
    return int(_text(app.screen.query_one("#fig-nc-major-total Label")).replace("\u00a0", "").replace(",", ""))


def _audit_with_a_finding(db) -> str:  # type: ignore[no-untyped-def]
    """AUD-2025-01 confirmed, a major finding on PR-01 (owned by jlopez), then performed."""
    audits.confirm_audit(db, COORD, "AUD-2025-01")
    finding = audits.add_finding(db, COORD, {
        "audit": "AUD-2025-01", "kind": "major", "title": "Casillas sin señalización",
        "description": "Tres casillas sin la señalización exigida.", "process": "PR-01", "clauses": "8.5.1",
    })
    audits.perform_audit(db, COORD, "AUD-2025-01", "2025-06-09", "2025-06-10")
    return finding.code


async def _step(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_acceptance_walk_with_the_keyboard_alone(tui_db, spanish):
    finding = _audit_with_a_finding(tui_db)
    app = make_app(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        majors_before = _major_open(app)

        # 1. record a measurement on an indicator
        await pilot.press("g", "i")
        await settle(pilot)
        await pilot.press("enter")  # IND-001, the first row
        await settle(pilot)
        assert isinstance(app.screen, IndicatorScreen) and app.screen.code == "IND-001"
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("ctrl+u")  # the suggested period (2025-05, already measured) goes
        await type_text(pilot, "2025-06")
        await pilot.press("tab")
        await type_text(pilot, "97.2")
        await _step(pilot)
        assert isinstance(app.screen, IndicatorScreen)
        page = measurements_page(tui_db, indicator="IND-001", text="2025-06")
        assert [(m.period, m.value) for m in page.rows] == [("2025-06", 97.2)]
        assert str(app.screen.query_one(PagedTable).table.get_row_at(0)[0]) == "2025-06"  # newest first

        # 2. open an audit and raise the nonconformity of its finding in one step
        await pilot.press("g", "a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen) and app.screen.code == "AUD-2025-01"
        app.screen.query_one("#audit-findings").focus()
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, NonconformityScreen)
        code = app.screen.code
        nc = _nc(tui_db, code)
        assert (nc.finding, nc.nc.status, nc.nc.severity, nc.process) == (finding, "registered", "major", "PR-01")
        assert nc.nc.detected_on == date(2025, 6, 10)
        assert app.screen.query_one("#nc-head").render().plain.startswith(code)

        # the dashboard counts it
        await pilot.press("g", "d")
        await settle(pilot)
        assert _major_open(app) == majors_before + 1

        # back to the nonconformity through its list
        await pilot.press("g", "n")
        await settle(pilot)
        await pilot.press("f")
        await type_text(pilot, code)
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NonconformityScreen) and app.screen.code == code

        # 3. correction and root cause (the lifecycle asks for them before the plan)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "Se colocaron los letreros")
        await _step(pilot)
        assert _nc(tui_db, code).nc.status == "correction"

        await pilot.press("r")
        await settle(pilot)
        await pilot.press("tab")  # from the method (5 whys) to the root cause
        await type_text(pilot, "Sin lista de verificacion de instalacion")
        await pilot.press("tab")
        await type_text(pilot, "No se reviso la senalizacion")
        await pilot.press("tab")
        await type_text(pilot, "No habia lista de verificacion")
        await _step(pilot)
        nc = _nc(tui_db, code)
        assert nc.nc.status == "root_cause" and nc.nc.rca_method == "five_whys"
        assert [c.text for c in nc.causes] == ["No se reviso la senalizacion", "No habia lista de verificacion"]

        # 4. add an action (the form comes with the kind and a due date)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormDialog)
        assert app.screen.focused.id == "field-kind"
        await pilot.press("tab")
        await type_text(pilot, "Incluir la senalizacion en la lista de verificacion")
        await pilot.press("tab")
        await type_text(pilot, "jlopez")
        await _step(pilot)
        assert isinstance(app.screen, NonconformityScreen)
        nc = _nc(tui_db, code)
        assert nc.nc.status == "action_plan" and len(nc.actions) == 1
        action = nc.actions[0].action
        assert (action.kind, action.status, nc.actions[0].owner) == ("corrective", "pending", "Juan López")

        # 5. implement and mark the action done
        await pilot.press("i")
        await settle(pilot)
        assert _nc(tui_db, code).nc.status == "implementation"
        await pilot.press("d")
        await settle(pilot)
        await _step(pilot)
        nc = _nc(tui_db, code)
        assert nc.actions[0].action.status == "done"
        assert nc.actions[0].action.completed_on == date(2025, 6, 16)

        # 6. plan the effectiveness check, request the verification, record it effective
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("tab")  # from the planned date to the criterion
        await type_text(pilot, "Ninguna casilla sin senalizacion en la siguiente jornada")
        await _step(pilot)
        nc = _nc(tui_db, code)
        assert [c.result for c in nc.checks] == ["pending"]

        await pilot.press("v")
        await settle(pilot)
        assert _nc(tui_db, code).nc.status == "verification"

        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab")  # from the check to the result
        await pilot.press("enter", "down", "enter")  # effective
        await _step(pilot)
        nc = _nc(tui_db, code)
        assert [c.result for c in nc.checks] == ["effective"]
        assert nc.nc.status == "verification"

        # 7. close, signed electronically
        await pilot.press("x")
        await settle(pilot)
        statement = app.screen.query_one(".sign-statement").render().plain
        assert code in statement and Meaning.CLOSED.label() in statement
        await _step(pilot)
        nc = _nc(tui_db, code)
        assert nc.nc.status == "closed" and nc.nc.closed_on == date(2025, 6, 16)
        meanings = {s.signature.meaning for s in signatures_of(tui_db, "nonconformity", code)}
        assert meanings == {"closed"}
        checks = nc.checks
        assert [s.signature.meaning for s in signatures_of(tui_db, "effectiveness_check", checks[0].code)] == \
            ["verified_effectiveness"]
        await settle(pilot)
        signed = app.screen.query_one("#nc-signatures").render().plain
        assert f"{code} · ✔ {Meaning.CLOSED.label()}" in signed
        assert f"{checks[0].code} · ✔ {Meaning.VERIFIED_EFFECTIVENESS.label()}" in signed
        assert "cerrada" in app.screen.query_one("#nc-head").render().plain or "closed" in \
            app.screen.query_one("#nc-head").render().plain

        await pilot.press("g", "d")
        await settle(pilot)
        assert _major_open(app) == majors_before


def _to_implementation(db) -> None:  # type: ignore[no-untyped-def]
    """NC-2025-003 (it already has an unfinished action) moved to implementation."""
    nonconformities.record_correction(db, COORD, "NC-2025-003", "Se entregaron", "2025-03-01")
    nonconformities.record_root_cause(db, COORD, "NC-2025-003", "other", "Rutas no planeadas", [])
    nonconformities.add_action(db, COORD, "NC-2025-003", {
        "kind": "corrective", "description": "Planear rutas", "owner": "jlopez", "due_date": "2025-07-01"})
    nonconformities.start_implementation(db, COORD, "NC-2025-003")


async def test_a_refused_step_shows_the_reason_and_writes_nothing(tui_db, spanish):
    _to_implementation(tui_db)
    before = _trail_count(tui_db)
    app = make_app(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("nonconformity", "NC-2025-003")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NonconformityScreen)
        first, second = (x.action.code for x in _nc(tui_db, "NC-2025-003").actions)  # by due date
        assert "OVERDUE" in screen.query_one("#nc-actions").get_row(first)[-1].plain  # due 2025-05-01
        assert "OVERDUE" not in screen.query_one("#nc-actions").get_row(second)[-1].plain
        await pilot.press("v")  # verification: the actions are not finished
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        message = "\n".join(app.screen.lines)
        assert first in message and second in message
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    assert _nc(tui_db, "NC-2025-003").nc.status == "implementation"
    assert _trail_count(tui_db) == before


async def test_an_invalid_step_is_shown_inline_and_keeps_what_was_typed(tui_db, spanish):
    app = make_app(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("nonconformity", "NC-2025-001")  # detected 2025-06-10
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepDialog)
        await type_text(pilot, "Se reubico la casilla")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "2025-06-01")  # before the detection
        await _step(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#row-correction_on").has_class("-invalid")
        assert dialog.focused.id == "field-correction_on"
        assert dialog.query_one("#field-correction").text == "Se reubico la casilla"
    assert _nc(tui_db, "NC-2025-001").nc.status == "registered"


async def test_only_the_steps_the_lifecycle_allows_are_offered(tui_db, spanish):
    app = make_app(tui_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("nonconformity", "NC-2025-005")  # a draft
        await settle(pilot)
        screen = app.screen
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert {"accept", "dismiss_draft", "edit"} <= offered
        assert not offered & {"correction", "close_nc", "verify", "cancel_nc", "add_action"}
        await pilot.press("x")  # not offered: nothing happens
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("z")  # dismiss: the reason, then a confirmation
        await settle(pilot)
        await type_text(pilot, "Duplicada")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
    detail = _nc(tui_db, "NC-2025-005")
    assert (detail.nc.status, detail.nc.status_reason) == ("dismissed", "Duplicada")


async def test_the_palette_offers_the_screen_steps(tui_db, spanish):
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("nonconformity", "NC-2025-002")  # registered
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "Correction")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert "NC-2025-002" in app.screen.title_text


async def test_root_cause_by_ishikawa_is_grouped_by_category(tui_db, spanish):
    nonconformities.record_correction(tui_db, COORD, "NC-2025-002", "Se firmo el acta", "2025-05-02")
    with tui_db.write() as s:
        records.update(s, COORD, "nonconformity", "NC-2025-002", {"title": "Acta sin firma"})
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_record("nonconformity", "NC-2025-002")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter", "down", "enter")  # Ishikawa (the method after 5 whys)
        await pilot.press("tab")
        await type_text(pilot, "Falta de control")
        await pilot.press("tab", "enter", "down", "enter")  # first row: people (the first category)
        await pilot.press("tab")
        await type_text(pilot, "Funcionario sin capacitacion")
        await _step(pilot)
        assert isinstance(app.screen, NonconformityScreen)
        rca = app.screen.query_one("#nc-rca").render().plain
        assert "Ishikawa" in rca and "People" in rca and "• Funcionario sin capacitacion" in rca
    nc = _nc(tui_db, "NC-2025-002")
    assert [(c.category, c.text) for c in nc.causes] == [("people", "Funcionario sin capacitacion")]


async def test_nonconformity_and_audit_render_at_80x24(tui_db, spanish):
    _audit_with_a_finding(tui_db)
    _to_implementation(tui_db)
    app = make_app(tui_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for entity, code, cls in (("nonconformity", "NC-2025-003", NonconformityScreen),
                                  ("audit", "AUD-2025-01", AuditScreen)):
            app.open_record(entity, code)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, cls) and screen.data is not None
            assert screen.has_class("-narrow")
            head = screen.query_one(".wf-head")
            assert head.region.width <= 80 and head.render().plain.startswith(code)
            await pilot.press("pagedown", "pagedown", "end")
            await pilot.press("f1")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.press("escape")
            await settle(pilot)
        app.open_record("nonconformity", "NC-2025-003")
        await settle(pilot)
        await pilot.press("p")  # a dialog fits too
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        assert app.screen.query_one("#step-save").region.bottom <= 24
