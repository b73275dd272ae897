"""The sign dialog: states what is signed, asks the PIN only of people who have one, shows a
wrong PIN next to it and signs with the right one."""

from __future__ import annotations

from datetime import date

import pytest

from qms_tui.services import policy, users
from qms_tui.services.signatures import Meaning, signatures_of


async def _settle(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("with_pin", [True, False])
async def test_signing_a_policy_version_from_the_dialog(db, people, with_pin):
    if not db.sqlite:
        pytest.skip("the TUI is the same on both databases")
    from textual.widgets import Input, Static

    from qms_tui.app import QmsApp
    from qms_tui.screens.dialogs.sign import SignDialog

    coord = people["coordinator"]
    if with_pin:
        users.set_pin(db, coord, coord.login, "s3creto!")
    code = policy.create_policy_version(db, coord, "Política de calidad").code
    results: list = []
    app = QmsApp(db=db, lang="en", login="lhernandez", today=date(2025, 6, 16))

    def submit(values, _confirmed):  # type: ignore[no-untyped-def]
        return policy.approve_policy(app.database(), app.actor, code, pin=values["pin"], comment=values["comment"])

    async with app.run_test(size=(120, 40)) as pilot:
        await _settle(app, pilot)
        app.push_screen(SignDialog(f"Approve {code}", Meaning.APPROVED, submit, record=code), results.append)
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SignDialog)
        statement = str(dialog.query_one(".sign-statement", Static).render())
        assert f"Record: {code}" in statement and "Meaning: approved" in statement
        assert "Signer: Laura Hernández" in statement
        assert dialog.has_class("-pin") is with_pin
        if with_pin:
            dialog.query_one("#field-pin", Input).value = "equivocado"
            await pilot.press("ctrl+s")
            await _settle(app, pilot)
            assert app.screen is dialog and dialog.query_one("#row-pin").has_class("-invalid")
            assert "is incorrect" in str(dialog.query_one("#error-pin", Static).render())
            dialog.query_one("#field-pin", Input).value = "s3creto!"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert app.screen is not dialog
    assert results and results[0].status == "approved"
    [sig] = signatures_of(db, "policy", code)
    assert sig.matches and sig.signer_login == "lhernandez"
