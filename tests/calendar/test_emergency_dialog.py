"""In the TUI, a change refused by a freeze window is offered as an emergency change: a
coordinator gives the justification in a signature dialog and the same change goes through,
recorded in the trail and signed; a process owner only sees the refusal (issue #10)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from textual.widgets import Input, Static

from qms_tui.app import QmsApp
from qms_tui.db.models import Signature, TrailEvent
from qms_tui.domain import clock
from qms_tui.screens.dialogs.error import ErrorDialog
from qms_tui.screens.dialogs.sign import SignDialog
from qms_tui.screens.document import DocumentScreen
from qms_tui.screens.form_screen import FormScreen
from qms_tui.services import documents, freeze, records, trail

IN_FREEZE = date(2027, 6, 1)  # PELO-2027's freeze: 2027-05-22 … 2027-06-09
SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _in_the_freeze(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(clock, "today", lambda: IN_FREEZE)  # the services' today, in every worker thread


async def settle(pilot, rounds: int = 4) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot, ready, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    """Wait for ``ready()`` (a loaded machine may need more than a few rounds)."""
    for _ in range(int(seconds / 0.05)):
        if ready():
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


def _title(db, code: str) -> str:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return records.get_row(s, "document", code).title


async def _edit_title(pilot, app, code: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    app.open_record("document", code)
    await until(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen.data is not None)
    assert isinstance(app.screen, DocumentScreen)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen.query("#field-title"))
    title = app.screen.query_one("#field-title", Input)
    title.focus()
    title.value = title.value + suffix
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(app.screen, FormScreen))


async def test_a_coordinator_makes_an_emergency_change_with_a_justification(db, people, calendar_world):
    code = calendar_world["document"]
    app = QmsApp(db=db, lang="en", login="coord", today=IN_FREEZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _edit_title(pilot, app, code, " (sede alterna)")
        dialog = app.screen
        assert isinstance(dialog, SignDialog) and dialog.meaning == "emergency_change"
        intro = " ".join(str(s.render()) for s in dialog.query(Static))
        assert "frozen from 2027-05-22 to 2027-06-09 around PELO-2027" in intro
        assert _title(db, code) == "Procedimiento de cómputos"  # nothing written yet

        await pilot.press("ctrl+s")  # no justification: refused in place, naming the field
        await settle(pilot)
        assert isinstance(app.screen, SignDialog) and _title(db, code) == "Procedimiento de cómputos"

        app.screen.query_one("#field-justification").focus()
        app.screen.query_one("#field-justification").insert("Cambio de sede del cómputo por inundación")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, (SignDialog, FormScreen)))
        assert not isinstance(app.screen, (SignDialog, FormScreen))
    assert _title(db, code) == "Procedimiento de cómputos (sede alterna)"
    with db.read() as s:
        summary = s.execute(select(TrailEvent.summary).where(TrailEvent.entity == "document")
                            .order_by(TrailEvent.seq.desc()).limit(1)).scalar()
        signed = s.execute(select(Signature.record_code, Signature.meaning, Signature.reason)).all()
        assert trail.verify(s) == []
    assert summary == "emergency change: Cambio de sede del cómputo por inundación"
    assert [tuple(r) for r in signed] == [(code, "emergency_change", "Cambio de sede del cómputo por inundación")]


async def test_a_process_owner_only_sees_the_refusal(db, people, calendar_world):
    code = calendar_world["document"]
    app = QmsApp(db=db, lang="en", login="owner", today=IN_FREEZE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _edit_title(pilot, app, code, " (otra)")
        assert isinstance(app.screen, ErrorDialog)
        assert "frozen from 2027-05-22" in " ".join(str(s.render()) for s in app.screen.query(Static))
    assert _title(db, code) == "Procedimiento de cómputos"


def test_the_emergency_context_applies_to_any_guarded_service(db, people, calendar_world):
    coord = people["coord"]
    with freeze.emergency("Reasignación urgente"):
        dto = documents.update_document(db, coord, calendar_world["document"], {"title": "Procedimiento B"})
    assert dto.title == "Procedimiento B"
    with pytest.raises(freeze.Frozen):  # outside the block the freeze holds again
        documents.update_document(db, coord, calendar_world["document"], {"title": "Procedimiento C"})
