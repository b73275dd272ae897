"""The audit screen: plan, team, checklist by clause, findings, and its steps on keys."""

from __future__ import annotations

from qms_tui.screens.audit import AuditScreen
from qms_tui.screens.dialogs.error import ErrorDialog
from qms_tui.screens.dialogs.record_form import RecordFormDialog
from qms_tui.screens.dialogs.transition import StepDialog
from qms_tui.services import audits
from qms_tui.services.signatures import signatures_of
from tui.conftest import make_app, settle, type_text
from tui.dataset import COORD

SIZE = (120, 40)


def _detail(db):  # type: ignore[no-untyped-def]
    return audits.audit_detail(db, "AUD-2025-01")


async def _open(pilot):  # type: ignore[no-untyped-def]
    await settle(pilot)
    pilot.app.open_record("audit", "AUD-2025-01")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AuditScreen)
    return pilot.app.screen


async def test_confirm_checklist_result_finding_and_team(tui_db, spanish):
    audits.update_audit(tui_db, COORD, "AUD-2025-01", {"clauses": "8.5.1, 9.1.1", "process": "PR-01"})
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        head = screen.query_one("#audit-head").render().plain
        assert "◆ planned" in head and "María García" in head and "PR-01" in head
        await pilot.press("c")
        await settle(pilot)
        assert _detail(tui_db).audit.status == "confirmed"

        await pilot.press("k")  # the checklist from the clauses
        await settle(pilot)
        items = _detail(tui_db).checklist
        assert [i.clause for i in items] == ["8.5.1", "9.1.1"]

        table = screen.query_one("#audit-checklist")
        table.focus()
        await pilot.press("enter")  # record the first item's result
        await settle(pilot)
        assert isinstance(app.screen, StepDialog)
        await pilot.press("enter", "down", "enter")  # pending → conforming
        await pilot.press("tab")
        await type_text(pilot, "Actas revisadas")
        await pilot.press("ctrl+s")
        await settle(pilot)
        first = _detail(tui_db).checklist[0]
        assert (first.result, first.evidence_note) == ("conforming", "Actas revisadas")
        assert "✔ conforming" in str(table.get_row(first.code)[3])

        await pilot.press("down")  # the second item, then a finding of it
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormDialog)
        form_values = {f.name for f in app.screen.spec.fields}
        assert "audit" not in form_values
        assert app.screen.query_one("#field-checklist_item").value == items[1].code
        assert app.screen.query_one("#field-kind").value == "minor"  # prefilled
        await pilot.press("tab")
        await type_text(pilot, "Sin bitacora")
        await pilot.press("tab")
        await type_text(pilot, "No hay bitacora de medicion")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        findings = _detail(tui_db).findings
        assert len(findings) == 1
        finding, nc = findings[0]
        assert finding.title == "Sin bitacora" and nc is None and finding.clauses == ("9.1.1",)
        row = screen.query_one("#audit-findings").get_row(finding.code)
        assert "to raise" in str(row[3])

        await pilot.press("m")  # a team member: the process owner may not audit it
        await settle(pilot)
        await type_text(pilot, "jlopez")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormDialog)  # refused inline
        assert app.screen.query_one("#row-person").has_class("-invalid")
        await pilot.press("escape")
        await settle(pilot)
        if not isinstance(app.screen, AuditScreen):  # "discard what you typed?"
            await pilot.press("y")
            await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
    assert _detail(tui_db).team == ()


async def test_closing_with_a_finding_without_its_nonconformity_is_refused(tui_db, spanish):
    audits.confirm_audit(tui_db, COORD, "AUD-2025-01")
    audits.add_finding(tui_db, COORD, {"audit": "AUD-2025-01", "kind": "minor", "title": "Falta firma",
                                       "description": "Acta sin firma"})
    audits.perform_audit(tui_db, COORD, "AUD-2025-01", "2025-06-09", "2025-06-10")
    audits.accept_report(tui_db, COORD, "AUD-2025-01", "Conforme con una NC menor", "2025-06-12")
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "findings without a nonconformity" in "\n".join(app.screen.lines)
    assert _detail(tui_db).audit.status == "report_accepted"


async def test_perform_and_accept_the_report(tui_db, spanish):
    audits.confirm_audit(tui_db, COORD, "AUD-2025-01")
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2025-06-02")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "2025-06-03")
        await pilot.press("ctrl+s")
        await settle(pilot)
        audit = _detail(tui_db).audit
        assert (audit.status, str(audit.actual_start), str(audit.actual_end)) == ("performed", "2025-06-02", "2025-06-03")
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Sistema conforme")
        await pilot.press("ctrl+s")
        await settle(pilot)
        audit = _detail(tui_db).audit
        assert (audit.status, audit.conclusions) == ("report_accepted", "Sistema conforme")
        assert [s.signature.meaning for s in signatures_of(tui_db, "audit", audit.code)] == ["approved"]
        await settle(pilot)
        assert "✔" in app.screen.query_one("#audit-signatures").render().plain


async def test_raise_takes_the_one_finding_still_without_its_nc(tui_db, spanish):
    """"r" without choosing a row in the findings table raises the one major or minor
    finding still without its nonconformity (not the row the cursor rests on)."""
    from qms_tui.services.nonconformities import raise_from_finding

    audits.confirm_audit(tui_db, COORD, "AUD-2025-01")
    first = audits.add_finding(tui_db, COORD, {"audit": "AUD-2025-01", "kind": "major", "title": "Primera",
                                               "description": "Primera.", "process": "PR-01"})
    second = audits.add_finding(tui_db, COORD, {"audit": "AUD-2025-01", "kind": "minor", "title": "Segunda",
                                                "description": "Segunda.", "process": "PR-01"})
    audits.perform_audit(tui_db, COORD, "AUD-2025-01", "2025-06-09", "2025-06-10")
    raise_from_finding(tui_db, COORD, first.code)
    app = make_app(tui_db, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        assert not screen.query_one("#audit-findings").has_focus
        await pilot.press("r")
        await settle(pilot)
        assert not isinstance(app.screen, ErrorDialog)
    raised = {f.code: nc for f, nc in _detail(tui_db).findings}
    assert raised[second.code] is not None
