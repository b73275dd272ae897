"""Freeze windows around key days: controlled documents and process definitions change only
as emergency changes justified by a coordinator; the window moves with the key day."""

from datetime import date

import pytest
from sqlalchemy import select

from qms_tui.db.models import Signature, TrailEvent
from qms_tui.domain import clock
from qms_tui.domain.errors import PermissionDenied, TransitionError
from qms_tui.services import calendar, documents, freeze, processes, trail

IN_FREEZE = date(2027, 6, 1)  # PELO-2027: key day 2027-06-06, default window E-15 … E+3


def _events(db) -> int:
    with db.read() as s:
        return trail.event_count(s)


def _last_summary(db, entity: str) -> str | None:
    with db.read() as s:
        return s.execute(select(TrailEvent.summary).where(TrailEvent.entity == entity)
                         .order_by(TrailEvent.seq.desc()).limit(1)).scalar()


def _signatures(db) -> list[tuple[str, str, str, str | None]]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(Signature.entity, Signature.record_code, Signature.meaning,
                                                   Signature.reason).order_by(Signature.id))]


def test_windows_with_defaults_and_per_event_days(db, calendar_world):
    assert (freeze.DEFAULT_FREEZE_BEFORE, freeze.DEFAULT_FREEZE_AFTER) == (15, 3)
    found = freeze.active_freezes(db, IN_FREEZE)
    assert [(f.event, f.start, f.end) for f in found] == [("PELO-2027", date(2027, 5, 22), date(2027, 6, 9))]
    assert freeze.active_freezes(db, date(2027, 5, 21)) == [] and freeze.active_freezes(db, date(2027, 6, 10)) == []
    pp = freeze.active_freezes(db, date(2026, 4, 23))  # PP-2026: 10 days before, 5 after
    assert [(f.event, f.start, f.end) for f in pp] == [("PP-2026", date(2026, 4, 23), date(2026, 5, 8))]
    with clock.frozen(IN_FREEZE):
        assert [f.event for f in freeze.active_freezes(db)] == ["PELO-2027"]


def test_editing_a_controlled_document_in_a_freeze_is_refused(db, people, calendar_world):
    coord, owner = people["coord"], people["owner"]
    doc = calendar_world["document"]
    v = documents.add_version(db, owner, doc, {"label": "1.0", "change_summary": "Primera versión"})
    before = _events(db)
    with clock.frozen(IN_FREEZE):
        for call in (lambda: documents.update_document(db, coord, doc, {"title": "Otro título"}),
                     lambda: documents.submit_version(db, owner, v.code),
                     lambda: documents.update_document(db, coord, doc, {"title": "x"}, emergency_reason="  ")):
            with pytest.raises(TransitionError) as err:
                call()
            assert str(err.value) == ("changes to controlled documents are frozen from 2027-05-22 to 2027-06-09 "
                                      "around PELO-2027; an emergency change needs a justification")
        with pytest.raises(PermissionDenied, match="emergency change"):  # a process owner cannot justify it
            documents.update_document(db, owner, doc, {"title": "x"}, emergency_reason="Cambio de sede")
        assert _events(db) == before
        dto = documents.update_document(db, coord, doc, {"title": "Procedimiento de cómputos (sede alterna)"},
                                        emergency_reason="Cambio de sede del cómputo por inundación")
        assert dto.title.endswith("(sede alterna)")
        assert _last_summary(db, "document") == "emergency change: Cambio de sede del cómputo por inundación"
        documents.submit_version(db, coord, v.code, emergency_reason="Sede alterna")
        assert _last_summary(db, "document_version") == "draft → in_review; emergency change: Sede alterna"
        approved = documents.approve_version(db, coord, v.code, approved_on=IN_FREEZE, emergency_reason="Sede alterna")
        assert approved.status == "approved"
        assert _signatures(db) == [
            ("document", doc, "emergency_change", "Cambio de sede del cómputo por inundación"),
            ("document_version", v.code, "emergency_change", "Sede alterna"),  # submitted
            ("document_version", v.code, "approved", None),
            ("document_version", v.code, "emergency_change", "Sede alterna")]  # approved
        with pytest.raises(TransitionError, match="frozen"):
            documents.add_version(db, owner, doc, {"label": "1.1", "change_summary": "Ajuste"})
    assert documents.add_version(db, owner, doc, {"label": "1.1", "change_summary": "Ajuste"}).status == "draft"
    with db.read() as s:
        assert trail.verify(s) == []


def test_process_definitions_are_frozen_too_and_the_window_moves_with_the_key_day(db, people, calendar_world):
    coord = people["coord"]
    with clock.frozen(IN_FREEZE):
        with pytest.raises(TransitionError, match="process definitions are frozen"):
            processes.update_process(db, coord, "PR-05", {"purpose": "Nuevo propósito"})
        processes.update_process(db, coord, "PR-05", {"purpose": "Nuevo propósito"}, emergency_reason="Acuerdo del Consejo")
        assert _last_summary(db, "process") == "emergency change: Acuerdo del Consejo"
        assert _signatures(db) == [("process", "PR-05", "emergency_change", "Acuerdo del Consejo")]
        calendar.shift_event(db, coord, "PELO-2027", "2027-07-04")  # planning is never frozen
        assert freeze.active_freezes(db) == []
        processes.update_process(db, coord, "PR-05", {"purpose": "Otro propósito"})
    with clock.frozen(date(2027, 6, 30)):
        assert [f.end for f in freeze.active_freezes(db)] == [date(2027, 7, 7)]


def test_cli_lists_events_and_freezes(db, db_url, calendar_world, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from qms_tui.cli import cli

    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    listed = CliRunner().invoke(cli, ["events", "list", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "PP-2026  key day 2026-05-03  (2026-01-15 – 2026-08-31)  freeze 2026-04-23 – 2026-05-08  0 anchored  Consulta 2026",
        "PELO-2027  key day 2027-06-06  (2026-09-01 – 2027-09-30)  freeze 2027-05-22 – 2027-06-09  0 anchored  "
        "Proceso Electoral Local 2026-2027"]
    frozen = CliRunner().invoke(cli, ["events", "freeze", "--on", "2027-06-01", "--db", db_url])
    assert frozen.output.strip() == ("PELO-2027: frozen from 2027-05-22 to 2027-06-09 (key day 2027-06-06) — "
                                     "Proceso Electoral Local 2026-2027")
    free = CliRunner().invoke(cli, ["events", "freeze", "--on", "2027-07-01", "--db", db_url])
    assert free.output.strip() == "no freeze window on 2027-07-01"
    bad = CliRunner().invoke(cli, ["events", "freeze", "--on", "1/7/2027", "--db", db_url])
    assert bad.exit_code == 1 and "must be a date like 2025-03-14" in bad.stderr
    refused = CliRunner().invoke(cli, ["events", "shift", "PELO-2027", "--to", "2027-06-13", "--db", db_url])
    assert refused.exit_code == 1 and "may not" in refused.stderr  # the OS login is no QMS user here
    with pytest.raises(freeze.Frozen) as err:
        freeze.check_not_frozen(db, freeze_actor(), "document", day=date(2027, 6, 1))
    assert err.value.freeze.event == "PELO-2027"


def freeze_actor():
    from qms_tui.domain.actor import Actor

    return Actor(login="x", role="coordinator")
