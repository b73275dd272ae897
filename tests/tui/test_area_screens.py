"""The area screens (policy, objective, risk and its register, management review, circle →
meeting → project, document, evidence): one keyboard task per area, asserting the database
afterwards (through the services), and every screen at 80×24."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from rich.console import Console
from textual.keys import _character_to_key
from textual.widgets import DataTable, Static

from qms_tui.screens.circle import CircleScreen
from qms_tui.screens.dialogs.area_meeting import AreaMeetingDialog
from qms_tui.screens.dialogs.area_text_edit import AreaTextEditDialog
from qms_tui.screens.dialogs.confirm import ConfirmDialog
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.sign import SignDialog
from qms_tui.screens.dialogs.transition import StepDialog
from qms_tui.screens.document import DocumentScreen
from qms_tui.screens.evidence import EvidenceScreen
from qms_tui.screens.meeting import MeetingScreen
from qms_tui.screens.objective import ObjectiveScreen
from qms_tui.screens.policy import PolicyScreen
from qms_tui.screens.project import ProjectScreen, pdca_bar, pdca_short
from qms_tui.screens.review import ReviewScreen
from qms_tui.screens.risk import RiskScreen
from qms_tui.screens.risk_register import RiskRegisterScreen
from qms_tui.services import circles, documents, policy, reviews, risks
from qms_tui.services.search import list_records
from qms_tui.services.signatures import signatures_of
from qms_tui.widgets.status_badge import StatusBadge
from tui.conftest import make_app, settle
from tui.dataset import COORD, TODAY

SIZE = (120, 40)


async def type_keys(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` key by key (any printable character)."""
    await pilot.press(*[ch if ch.isalnum() else _character_to_key(ch) for ch in text])


def plain(widget) -> str:  # type: ignore[no-untyped-def]
    """What a Static shows, as plain text (Text content, or a rich table rendered)."""
    content = widget.content
    if isinstance(content, str):
        return content
    if hasattr(content, "plain"):
        return content.plain
    console = Console(width=max(widget.size.width, 40), file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(content)
    return captured.get()


def add_area_records(db) -> None:  # type: ignore[no-untyped-def]
    """On top of the TUI dataset: a rated risk, a circle (two members, a project at Do) and a
    controlled document whose version 2.0 is in review while 1.0 is in force."""
    risks.create_risk(db, COORD, {"kind": "risk", "title": "Lluvias intensas en la jornada", "likelihood": "3",
                                  "impact": "4", "process": "PR-01", "owner": "jlopez", "treatment": "mitigate",
                                  "treatment_plan": "Lonas y rutas alternas"})
    circles.create_circle(db, COORD, {"name": "Círculo de casillas", "formed_on": "2025-02-01"})
    circles.add_member(db, COORD, "CC-01", "jlopez", "leader")
    circles.add_member(db, COORD, "CC-01", "coord", "facilitator")
    project = circles.create_project(db, COORD, {
        "circle": "CC-01", "title": "Menos casillas reubicadas", "problem": "Reubicaciones sin aviso",
        "started_on": "2025-05-01", "baseline": "12", "target": "5", "unit": "casillas"})
    circles.advance_project(db, COORD, project.code, "do")
    documents.create_document(db, COORD, {"code": "PR-SGC-01", "title": "Control de documentos",
                                          "kind": "procedure", "owner": "coord", "review_months": "12"})
    first = documents.add_version(db, COORD, "PR-SGC-01", {"label": "1.0", "change_summary": "Emisión"})
    documents.submit_version(db, COORD, first.code)
    documents.approve_version(db, COORD, first.code, approved_on="2025-01-10")
    second = documents.add_version(db, COORD, "PR-SGC-01", {"label": "2.0", "change_summary": "Firmas"})
    documents.submit_version(db, COORD, second.code)


@pytest.fixture
def area_db(tui_db):  # type: ignore[no-untyped-def]
    add_area_records(tui_db)
    return tui_db


def circle_project(db) -> str:  # type: ignore[no-untyped-def]
    return next(p.code for p in circles.circle_detail(db, "CC-01").projects)


async def open_screen(pilot, entity: str, code: str):  # type: ignore[no-untyped-def]
    pilot.app.open_record(entity, code)
    await settle(pilot)
    return pilot.app.screen


async def save(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await settle(pilot)


# ---------------------------------------------------------------- 1. quality policy


async def test_a_new_policy_version_is_written_and_approved(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "policy", "POL-01")
        assert isinstance(screen, PolicyScreen) and "in force" in plain(screen.query_one("#pol-head"))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormDialog)
        assert app.screen.focused.id == "field-text"  # it starts from the text in force
        await pilot.press("f7")  # select all: the new text replaces it
        await type_keys(pilot, "Organizamos elecciones con enfoque de derechos humanos.")
        await save(pilot)
        assert app.screen is screen and screen.code == "POL-02"  # the new draft is on screen
        assert "draft" in plain(screen.query_one("#pol-head"))
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SignDialog) and "POL-01" in dialog.intro  # to be superseded
        assert dialog.focused.id == "field-approved_on"
        await save(pilot)  # signed: coord has no signing PIN
        assert app.screen is screen
        head = plain(screen.query_one("#pol-head"))
        assert "in force" in head and "✔ approved · María García" in head
    versions = {v.code: v for v in policy.policy_versions(area_db)}
    assert versions["POL-02"].status == "approved" and versions["POL-02"].approved_on == TODAY
    assert versions["POL-02"].text == "Organizamos elecciones con enfoque de derechos humanos."
    assert versions["POL-01"].status == "superseded"
    assert policy.current_policy(area_db).code == "POL-02"
    [signature] = signatures_of(area_db, "policy", "POL-02")
    assert (signature.signature.meaning, signature.signer_login, signature.matches) == ("approved", "coord", True)


async def test_a_process_owner_is_not_offered_the_approval(area_db):
    policy.create_policy_version(area_db, COORD, "Borrador")
    app = make_app(area_db, lang="en", login="jlopez")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "policy", "POL-02")
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert not offered & {"approve_version", "new_version", "edit"}
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is screen
    assert policy.policy_versions(area_db)[0].status == "draft"


# ---------------------------------------------------------------- 2. objectives and plans


async def test_a_plan_is_added_to_an_objective(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "objective", "OBJ-01")
        assert isinstance(screen, ObjectiveScreen)
        badges = screen.query("#obj-indicators StatusBadge")
        assert [b.light for b in badges] == ["green", "yellow"]  # IND-001 on target, IND-002 at risk
        assert "on target" in plain(badges.first())
        assert any("attainment" in plain(x) for x in screen.query("#obj-indicators Label"))
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormDialog) and app.screen.focused.id == "field-what"
        await type_keys(pilot, "Simulacro de instalacion")
        await pilot.press("tab")
        await type_keys(pilot, "Vehiculos y 40 personas")
        await pilot.press("tab")
        await type_keys(pilot, "jlopez")
        await pilot.press("tab")
        await type_keys(pilot, "2025-09-30")
        await pilot.press("tab")
        await type_keys(pilot, "Porcentaje de casillas instaladas a las 8:00")
        await save(pilot)
        assert app.screen is screen
        row = screen.query_one("#obj-plans", DataTable).get_row_at(0)
        assert str(row[0]) == "Simulacro de instalacion" and str(row[2]) == "Juan López"
    overview = next(o for o in policy.objectives_overview(area_db, TODAY) if o.objective.code == "OBJ-01")
    [plan] = overview.plans
    assert (plan.what, plan.resources, plan.due_date) == ("Simulacro de instalacion", "Vehiculos y 40 personas",
                                                          date(2025, 9, 30))
    assert plan.evaluation == "Porcentaje de casillas instaladas a las 8:00"
    page = list_records(area_db, "objective_plan", where={"objective": "OBJ-01"})
    assert page.refs["responsible"][plan.responsible_id] == "jlopez"


# ---------------------------------------------------------------- 3. risks and opportunities


async def test_a_risk_shows_its_rating_and_gets_an_action(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "risk", "RO-001")
        assert isinstance(screen, RiskScreen)
        levels = plain(screen.query_one("#risk-levels"))
        assert "● high (12)" in levels and "treatment plan with owner and date" in levels
        assert "not assessed yet" in levels
        assert "[12●]" in plain(screen.query_one("#risk-matrix"))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormDialog) and app.screen.focused.id == "field-kind"
        await pilot.press("tab")
        await type_keys(pilot, "Contratar lonas para 20 casillas")
        await pilot.press("tab")
        await type_keys(pilot, "jlopez")
        await save(pilot)
        assert app.screen is screen
        assert "Contratar lonas" in str(screen.query_one("#risk-actions", DataTable).get_row_at(0)[1])
    [action] = risks.risk_actions(area_db, "RO-001")
    assert (action.kind, action.status, action.description) == ("preventive", "pending",
                                                                 "Contratar lonas para 20 casillas")
    assert risks.risk_row(area_db, "RO-001").open_actions == 1


async def test_the_register_orders_by_level_and_filters_by_kind(area_db):
    risks.create_risk(area_db, COORD, {"kind": "opportunity", "title": "Voto anticipado", "likelihood": "2",
                                       "impact": "2"})
    risks.create_risk(area_db, COORD, {"kind": "risk", "title": "Caída del sistema", "likelihood": "4",
                                       "impact": "5", "process": "PR-01"})
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_keys(pilot, "Risk register")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RiskRegisterScreen)
        table = screen.query_one("#reg-table", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["RO-003", "RO-001", "RO-002"]
        assert "‼ critical (20)" in str(table.get_row_at(0)[0])
        await pilot.press("t", "enter", "down", "down", "enter")  # type: opportunity
        await settle(pilot)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["RO-002"]
        await pilot.press("tab", "tab", "tab")  # past the process and status filters to the rows
        assert app.screen.focused is table
        await pilot.press("enter")  # open it
        await settle(pilot)
        assert isinstance(app.screen, RiskScreen) and app.screen.code == "RO-002"
        assert "little value" in plain(app.screen.query_one("#risk-levels"))


# ---------------------------------------------------------------- 4. management review


async def test_a_review_gathers_its_inputs_is_held_and_records_a_decision_with_an_action(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "review", "RD-2025-01")
        assert isinstance(screen, ReviewScreen)
        await pilot.press("i")
        await settle(pilot)
        detail = reviews.review_detail(area_db, "RD-2025-01")
        assert [i.item for i in detail.inputs] == ["a", "b", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "d", "e", "f"]
        assert screen.query_one("#rev-inputs", DataTable).row_count == 12

        # edit the text of the first input in the large editor
        screen.query_one("#rev-inputs").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AreaTextEditDialog)
        await pilot.press("f7")
        await type_keys(pilot, "Sin acciones pendientes. Revisado por la Secretaria.")
        await save(pilot)
        assert app.screen is screen
        first = reviews.review_detail(area_db, "RD-2025-01").inputs[0]
        assert first.summary == "Sin acciones pendientes. Revisado por la Secretaria."
        assert first.code in reviews.review_detail(area_db, "RD-2025-01").edited
        assert "✎" in str(screen.query_one("#rev-inputs", DataTable).get_row_at(0)[1])

        # hold it
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("tab")  # from the date to the conclusions
        await type_keys(pilot, "El SGCE es adecuado y eficaz.")
        await save(pilot)
        assert reviews.review_detail(area_db, "RD-2025-01").review.status == "held"

        # a decision with its tracked action
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("tab")  # from the kind to the decision
        await type_keys(pilot, "Reforzar la capacitacion de funcionarios")
        await pilot.press("tab")
        await type_keys(pilot, "Programa de talleres distritales")
        await pilot.press("tab")
        await type_keys(pilot, "jlopez")
        await save(pilot)
        assert app.screen is screen
        table = screen.query_one("#rev-outputs", DataTable)
        assert str(table.get_row_at(1)[0]).strip().startswith("↳ AC-")
        assert "pending" in str(table.get_row_at(1)[4])

        # approve the minutes, signed
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, SignDialog)
        await save(pilot)
        assert app.screen is screen
        assert "minutes approved" in plain(screen.query_one("#rev-head"))
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert not offered & {"gather", "hold", "add_decision", "approve_minutes", "edit_input"}
    assert [x.signature.meaning for x in signatures_of(area_db, "review", "RD-2025-01")] == ["approved"]
    detail = reviews.review_detail(area_db, "RD-2025-01")
    assert (detail.review.status, detail.review.minutes_approved_on) == ("minutes_approved", TODAY)
    [line] = detail.outputs
    assert (line.output.kind, line.output.decision) == ("improvement", "Reforzar la capacitacion de funcionarios")
    [action] = line.actions
    assert (action.description, action.kind, action.status) == ("Programa de talleres distritales", "improvement",
                                                                "pending")
    assert action.review_id == detail.review.id
    assert detail.review.conclusions == "El SGCE es adecuado y eficaz."


# ---------------------------------------------------------------- 5. circles, meetings, projects


async def test_a_circle_meeting_is_recorded_with_an_agreement_which_is_then_done(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "circle", "CC-01")
        assert isinstance(screen, CircleScreen)
        members = screen.query_one("#circle-members", DataTable)
        assert [str(members.get_row_at(i)[1]) for i in range(2)] == ["facilitator", "leader"]
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AreaMeetingDialog)
        assert "Juan López" in dialog.query_one("#field-attendees").text  # the members, proposed
        for _ in range(5):  # place, attendees, absentees, agenda, minutes
            await pilot.press("tab")
        assert dialog.focused.id == "field-minutes"
        await type_keys(pilot, "Se revisaron las reubicaciones.")
        for _ in range(4):  # stage, project, next date, agreements
            await pilot.press("tab")
        assert dialog.focused.id == "field-agreements"
        await type_keys(pilot, "Avisar a la ciudadania | jlopez | 2025-07-15")
        await save(pilot)
        assert app.screen is screen
        meetings = screen.query_one("#circle-meetings", DataTable)
        code = str(meetings.get_row_at(0)[2])

        meetings.focus()
        await pilot.press("enter")
        await settle(pilot)
        meeting = app.screen
        assert isinstance(meeting, MeetingScreen) and meeting.code == code
        assert "☐ open" in str(meeting.query_one("#meet-agreements", DataTable).get_row_at(0)[0])
        meeting.query_one("#meet-agreements").focus()
        await pilot.press("space")
        await settle(pilot)
        assert "☑ done" in str(meeting.query_one("#meet-agreements", DataTable).get_row_at(0)[0])
    detail = circles.meeting_detail(area_db, code)
    assert detail.meeting.number == 1 and detail.meeting.minutes == "Se revisaron las reubicaciones."
    assert detail.project_code == circle_project(area_db)  # the circle's only open project
    [agreement] = detail.agreements
    assert (agreement.text, agreement.due_date, agreement.status) == ("Avisar a la ciudadania", date(2025, 7, 15),
                                                                      "done")


async def test_a_wrong_agreement_is_shown_under_the_agreements_and_nothing_is_written(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_screen(pilot, "circle", "CC-01")
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#field-minutes").focus()
        await type_keys(pilot, "Minuta")
        dialog.query_one("#field-agreements").focus()
        await type_keys(pilot, "Bien | jlopez")
        await pilot.press("enter")
        await type_keys(pilot, "Mal | nadie")
        await save(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#row-agreements").has_class("-invalid")
        assert "agreement 2" in plain(dialog.query_one("#error-agreements"))
    assert circles.circle_detail(area_db, "CC-01").meetings == ()


async def test_a_project_advances_to_check_with_its_measured_result(area_db):
    code = circle_project(area_db)
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "project", code)
        assert isinstance(screen, ProjectScreen)
        bar = plain(screen.query_one("#proj-pdca"))
        assert "✔ P Plan" in bar and "▶ D DO ◀" in bar and "○ C Check" in bar and "(2 of 4)" in bar
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepDialog) and dialog.focused.id == "field-measured_result"
        await save(pilot)  # no result: refused next to the field
        assert app.screen is dialog and dialog.query_one("#row-measured_result").has_class("-invalid")
        await type_keys(pilot, "6")
        await save(pilot)
        assert app.screen is screen
        assert "▶ C CHECK ◀" in plain(screen.query_one("#proj-pdca"))
        results = plain(screen.query_one("#proj-results"))
        assert "Improvement: -6 casillas" in results and "✖ no" in results  # 6 > target 5
    detail = circles.project_detail(area_db, code)
    assert (detail.project.pdca_stage, detail.project.measured_result) == ("check", 6.0)
    assert (detail.improvement, detail.target_reached) == (-6.0, False)


def test_the_pdca_bar_marks_the_stage_in_words(spanish):
    assert pdca_short("do") == "P-[H]-V-A"
    assert pdca_short("closed") == "P-H-V-A ✔"
    bar = pdca_bar("check").plain
    assert "✔ P Planear" in bar and "✔ H Hacer" in bar and "▶ V VERIFICAR ◀" in bar and "○ A Actuar" in bar


# ---------------------------------------------------------------- 6. documents and evidence


async def test_approving_a_document_version_makes_the_previous_one_obsolete(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_screen(pilot, "document", "PR-SGC-01")
        assert isinstance(screen, DocumentScreen)
        table = screen.query_one("#doc-versions", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == ["2.0", "1.0"]  # newest first
        assert "in review" in str(table.get_row_at(0)[1]) and "in force" in str(table.get_row_at(1)[1])
        offered = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert {"approve_version", "return_version"} <= offered and "add_version" not in offered
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, SignDialog) and "becomes obsolete" in app.screen.intro
        await save(pilot)
        assert app.screen is screen
        assert "⊘ obsolete" in str(table.get_row_at(1)[1]) and "◆ in force" in str(table.get_row_at(0)[1])
        assert "✔ approved" in plain(screen.query_one("#doc-head"))
    detail = documents.document_detail(area_db, "PR-SGC-01", today=TODAY)
    assert [(v.label, v.status) for v in detail.versions] == [("2.0", "approved"), ("1.0", "obsolete")]
    assert detail.current.approved_on == TODAY
    assert detail.document.next_review == date(2026, 6, 16)
    assert [x.signature.meaning for x in signatures_of(area_db, "document_version", detail.current.code)] == [
        "approved"]


async def test_a_document_version_is_returned_with_a_reason(area_db):
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_screen(pilot, "document", "PR-SGC-01")
        await pilot.press("r")
        await settle(pilot)
        await type_keys(pilot, "Faltan las firmas")
        await save(pilot)
    detail = documents.document_detail(area_db, "PR-SGC-01", today=TODAY)
    assert detail.in_preparation.status == "draft"


async def test_an_evidence_file_is_stored_from_a_path_and_saved_back(area_db, tmp_path):
    content = b"Acta de la sesion\n" * 200
    source = tmp_path / "acta_sesion.txt"
    source.write_bytes(content)
    copy = tmp_path / "copia.txt"
    app = make_app(area_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_keys(pilot, "Add an evidence file")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StepDialog) and app.screen.focused.id == "field-title"
        await type_keys(pilot, "Acta de la primera sesion")
        await pilot.press("tab")
        await type_keys(pilot, str(source))
        await pilot.press("tab", "tab", "tab", "tab")  # date, description, process, clauses
        await type_keys(pilot, "7.5.3")
        await save(pilot)
        screen = app.screen
        assert isinstance(screen, EvidenceScreen)
        shown = plain(screen.query_one("#ev-sha256", Static))
        assert shown == hashlib.sha256(content).hexdigest()
        assert "acta_sesion.txt" in plain(screen.query_one("#ev-head"))
        assert "3,600 bytes" in plain(screen.query_one("#ev-head"))

        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_keys(pilot, str(copy))
        await save(pilot)
        assert app.screen is screen
        assert copy.read_bytes() == content
        await pilot.press("s")  # again: the file exists, so it asks first
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_keys(pilot, str(copy))
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "already exists" in app.screen.question
        await pilot.press("n", "escape")
        await settle(pilot)
    [evidence] = documents.evidence_list(area_db)
    assert (evidence.title, evidence.filename, evidence.size) == ("Acta de la primera sesion", "acta_sesion.txt",
                                                                  len(content))
    assert evidence.sha256 == hashlib.sha256(content).hexdigest() and evidence.clauses == ("7.5.3",)


# ---------------------------------------------------------------- 80×24


async def test_every_area_screen_renders_at_80x24(area_db, tmp_path):
    reviews.gather_inputs(area_db, COORD, "RD-2025-01", today=TODAY, lang="es")
    source = tmp_path / "informe.pdf"
    source.write_bytes(b"%PDF-1.4 informe")
    evidence = documents.add_evidence_file(area_db, COORD, {"title": "Informe", "effective_date": "2025-06-01"},
                                           source)
    meeting = circles.record_meeting(area_db, COORD, "CC-01", {"date": "2025-06-01", "minutes": "Minuta"},
                                     [{"text": "Revisar rutas", "owner": "jlopez"}])
    targets = [
        ("policy", "POL-01", PolicyScreen), ("objective", "OBJ-01", ObjectiveScreen), ("risk", "RO-001", RiskScreen),
        ("review", "RD-2025-01", ReviewScreen), ("circle", "CC-01", CircleScreen),
        ("meeting", meeting.meeting.code, MeetingScreen), ("project", circle_project(area_db), ProjectScreen),
        ("document", "PR-SGC-01", DocumentScreen), ("evidence", evidence.code, EvidenceScreen),
    ]
    app = make_app(area_db)  # Spanish
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for entity, code, cls in targets:
            screen = await open_screen(pilot, entity, code)
            assert isinstance(screen, cls) and screen.data is not None, entity
            assert screen.has_class("-narrow")
            head = screen.query_one(".wf-head")
            assert head.region.width <= 80 and plain(head).lstrip().startswith(code), entity
            assert all(b.region.right <= 80 for b in screen.query(StatusBadge))
            await pilot.press("pagedown", "pagedown", "end")
            await pilot.press("f1")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.press("escape")
            await settle(pilot)
        app.push_screen(RiskRegisterScreen())
        await settle(pilot)
        table = app.screen.query_one("#reg-table", DataTable)
        assert table.row_count == 1 and table.region.right <= 80
        assert app.screen.query_one("#reg-kind").region.right <= 80
