"""A read-only (*consulta*) user changes nothing — through the services, the CLI or the TUI —
and is told why."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from qms_tui.cli import cli
from qms_tui.db.models import TrailEvent
from qms_tui.domain.errors import PermissionDenied
from qms_tui.domain.specs import SPECS
from qms_tui.services import (
    audits,
    documents,
    identity,
    indicators,
    policy,
    records,
    reviews,
    users,
)
from qms_tui.services import nonconformities as ncs
from qms_tui.services.search import create_record, update_record

from .conftest import BOOT

INDICATOR = {"name": "Casillas instaladas", "unit": "%", "direction": "higher", "target": "98",
             "frequency": "monthly"}


def _events(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(TrailEvent)).scalar_one()


@pytest.fixture
def world(db, people):  # type: ignore[no-untyped-def]
    """A record in each signing state, written by the coordinator."""
    coord = people["coordinator"]
    with db.write() as s:
        records.create(s, BOOT, "process", {"code": "PR-03", "name": "Organización electoral",
                                            "category": "substantive", "owner": "ovargas"})
        records.create(s, coord, "indicator", INDICATOR)
    out = {"policy": policy.create_policy_version(db, coord, "Política").code}
    doc = documents.create_document(db, coord, {"code": "PR-01", "title": "Procedimiento", "kind": "procedure"})
    v = documents.add_version(db, coord, doc.code, {"label": "1", "change_summary": "Emisión"})
    out["version"] = documents.submit_version(db, coord, v.code).code
    a = audits.create_audit(db, coord, {"title": "Auditoría", "kind": "internal", "scope": "Todo",
                                        "planned_start": date(2025, 3, 4), "planned_end": date(2025, 3, 6)})
    audits.confirm_audit(db, coord, a.code)
    audits.perform_audit(db, coord, a.code, date(2025, 3, 4), date(2025, 3, 6))
    out["audit"] = a.code
    rv = reviews.create_review(db, coord, {"title": "Revisión", "planned_date": "2025-12-01"})
    reviews.hold_review(db, coord, rv.code, "2025-12-01", "Eficaz")
    reviews.add_output(db, coord, rv.code, "resources", "Un analista")
    out["review"] = rv.code
    out["nc"] = ncs.create_nc(db, coord, {"title": "Queja", "description": "x", "source": "complaint",
                                          "process": "PR-03", "detected_on": date(2025, 2, 1)}).code
    return out


def test_the_reader_changes_nothing_through_the_services(db, people, world):
    reader = people["reader"]
    before = _events(db)
    attempts = [
        *[(create_record, (db, reader, entity, {})) for entity in SPECS],
        *[(update_record, (db, reader, entity, "X-1", {})) for entity in SPECS],
        (policy.approve_policy, (db, reader, world["policy"])),
        (documents.approve_version, (db, reader, world["version"])),
        (documents.return_version, (db, reader, world["version"], "No")),
        (audits.accept_report, (db, reader, world["audit"], "Conforme")),
        (audits.add_finding, (db, reader, {"audit": world["audit"], "kind": "ofi", "title": "t", "description": "d"})),
        (reviews.approve_minutes, (db, reader, world["review"])),
        (ncs.record_correction, (db, reader, world["nc"], "Corrección", date(2025, 2, 2))),
        (ncs.cancel_nc, (db, reader, world["nc"], "Duplicada")),
        (ncs.close_nc, (db, reader, world["nc"])),
        (indicators.record_measurement, (db, reader, "IND-001", "2025-05", 97)),
        (users.add_user, (db, reader, "nuevo", "Nuevo", "auditor")),
        (users.set_role, (db, reader, "eortega", "coordinator")),
        (users.set_pin, (db, reader, "lhernandez", "123456")),
    ]
    for fn, args in attempts:
        with pytest.raises(PermissionDenied) as err:
            fn(*args)
        assert "Eduardo Ortega (read-only) may not" in str(err.value) or "read-only" in str(err.value), fn
    assert _events(db) == before


def test_the_reader_changes_nothing_through_the_cli(db, db_url, people, world, monkeypatch, tmp_path):
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    monkeypatch.setattr(identity, "os_login", lambda: "eortega")
    csv = tmp_path / "m.csv"
    csv.write_text("indicator,period,value\nIND-001,2025-05,97\n", encoding="utf-8")
    before = _events(db)
    for args in (["users", "add", "x", "--name", "X", "--role", "reader"], ["users", "disable", "ovargas"],
                 ["users", "set-role", "eortega", "admin"], ["import", "measurements", str(csv)]):
        r = CliRunner().invoke(cli, ["--db", db_url, *args])
        assert r.exit_code == 1, (args, r.output)
        assert "error: Eduardo Ortega (read-only) may not" in r.output, r.output
    assert _events(db) == before


async def test_the_reader_changes_nothing_through_the_tui(db, people, world):
    if not db.sqlite:
        pytest.skip("the TUI is the same on both databases")
    from qms_tui.app import QmsApp
    from qms_tui.screens.dialogs.error import ErrorDialog
    from qms_tui.screens.record_detail import RecordDetailScreen
    from qms_tui.widgets.record_form import RecordForm

    before = _events(db)
    app = QmsApp(db=db, lang="en", login="eortega", today=date(2025, 6, 16))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.read_only and app.actor.person_id == people["reader"].person_id
        app.push_screen(RecordDetailScreen("indicator", "IND-001"))
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("e")  # the key is not offered to a reader …
        await pilot.pause()
        assert isinstance(app.screen, RecordDetailScreen)
        app.open_form("indicator", "IND-001")  # … and a save forced through is refused, saying why
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.screen.query_one(RecordForm).query_one("#field-target").value = "97"
        await pilot.press("ctrl+s")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        text = "\n".join(app.screen.lines)
        assert "Eduardo Ortega (read-only) may not change records of this kind: Indicators" in text
    assert _events(db) == before
