"""The PDFs say who signed what and whether the record still matches what was signed: a
change behind the application's back shows as "changed since signed" (issue #6)."""

from __future__ import annotations

import json

from sqlalchemy import text

from qms_tui.reports import records as reports
from qms_tui.reports.common import render_html
from qms_tui.services import records, signatures
from qms_tui.services.signatures import Meaning
from reports.dataset import COORD, GENERATED, TODAY, fill


def _sign(db, entity: str, code: str, meaning: str, reason: str | None = None) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        signatures.sign(s, COORD, entity, records.get_row(s, entity, code), meaning, reason)


def _audit_html(db, lang: str) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    report = reports.audit_report(db, "AUD-2025-01", lang, "tester", GENERATED, TODAY)
    return render_html(report.part.template, report.part.context, report.meta), json.loads(report.manifest)


def test_audit_report_prints_the_signatures_and_a_later_change(db):  # type: ignore[no-untyped-def]
    fill(db)
    html, _ = _audit_html(db, "en")
    assert "Electronic signatures" not in html  # nothing signed yet: no empty table
    _sign(db, "audit", "AUD-2025-01", Meaning.APPROVED, "Comité de calidad")
    _sign(db, "nonconformity", "NC-2025-001", Meaning.CLOSED)

    html, manifest = _audit_html(db, "en")
    assert html.count("Electronic signatures") == 2  # the audit's and its nonconformity's
    assert "Comité de calidad" in html and "María García" in html
    assert html.count("✔ matches the signed state") == 2 and "CHANGED SINCE SIGNED" not in html
    [audit] = [r for r in manifest["records"] if r["code"] == "AUD-2025-01"]
    assert [(g["meaning"], g["signer"], g["matches"]) for g in audit["signatures"]] == [
        ("approved", "María García", True)]

    html_es, _ = _audit_html(db, "es")
    assert "Firmas electrónicas" in html_es or "Firma electrónica" in html_es

    with db.engine.begin() as c:  # behind the application's back
        c.execute(text("UPDATE audit SET conclusions = 'Otra conclusión' WHERE code = 'AUD-2025-01'"))
    html, manifest = _audit_html(db, "en")
    assert html.count("✖ CHANGED SINCE SIGNED") == 1 and html.count("✔ matches the signed state") == 1
    [audit] = [r for r in manifest["records"] if r["code"] == "AUD-2025-01"]
    assert audit["signatures"][0]["matches"] is False
