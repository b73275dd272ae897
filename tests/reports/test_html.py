"""The report HTML, without WeasyPrint: golden files (QMS_UPDATE_GOLDEN=1 rewrites them after a
wanted change; review the diff) and what the HTML must say."""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import pytest

from qms_tui.domain.clauses import EVIDENCE_CLAUSES, ISO54001
from qms_tui.reports import dossier, records
from qms_tui.reports.common import css_string, kv_rows, num, render_html
from qms_tui.services.evidence import evidence_pack
from reports.dataset import END, GENERATED, POLICY_TEXT, START, TODAY

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("QMS_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with QMS_UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:  # the first differences; the whole diff shows once rewritten
        diff = difflib.unified_diff(expected.splitlines(), text.splitlines(), "golden", "now", lineterm="", n=0)
        pytest.fail(f"{name} differs from its golden file:\n" + "\n".join(list(diff)[:24]))


def dossier_html(db, lang: str) -> str:  # type: ignore[no-untyped-def]
    pack = evidence_pack(db, ISO54001, START, END, TODAY)
    meta = dossier.dossier_meta(ISO54001, START, END, lang, "tester", GENERATED)
    pages = {"c-4.1": 5, "g-4": 5, "appendix": 30}  # a few, as the renderer would pass them
    parts = [dossier.front_part(pack, lang, pages), *dossier.body_parts(pack, lang)]
    return "".join(f"<!-- part {p.name} -->\n{render_html(p.template, p.context, meta)}" for p in parts)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_dossier_html_golden(report_db, lang):
    golden(f"dossier-{lang}.html", dossier_html(report_db, lang))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_audit_report_html_golden(report_db, lang):
    report = records.audit_report(report_db, "AUD-2025-01", lang, "tester", GENERATED, TODAY)
    golden(f"audit-{lang}.html", render_html(report.part.template, report.part.context, report.meta))


def test_manifest_golden(report_db):
    pack = evidence_pack(report_db, ISO54001, START, END, TODAY)
    meta = dossier.dossier_meta(ISO54001, START, END, "es", "tester", GENERATED)
    data = dossier.dossier_manifest(pack, meta)
    golden("manifest-es.json", data.decode("utf-8"))
    parsed = json.loads(data)
    codes = {r["code"] for r in parsed["records"]}
    assert {"AUD-2025-01", "HAL-2025-001", "NC-2025-001", "AC-2025-001", "MED-000001"} <= codes
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) for r in parsed["records"])
    assert "5.1.1" in parsed["gaps"] and parsed["not_applicable"] == ["8.5.1.1"]


def test_the_dossier_lists_every_clause_marks_gaps_and_shows_the_records(report_db):
    html = dossier_html(report_db, "en")
    for clause in EVIDENCE_CLAUSES(ISO54001):
        assert f'id="c-{clause.number}"' in html, clause.number
    assert html.count('<span class="gap-mark">GAP</span> No record evidences this clause') >= 40
    toc = html.split("<!-- part 4 -->")[0]
    assert re.search(r'<tr class="gap"><td class="number">5\.1\.1</td>', toc)
    assert 'Not applicable' in toc and "Atribución exclusiva del INE." in toc
    for code in ("POL-01", "AUD-2025-01", "HAL-2025-001", "NC-2025-001", "RD-2025-01", "PM-2025-01",
                 "DOC-001", "EVI-2025-0001", "IND-001"):
        assert code in html, code
    assert POLICY_TEXT in html
    assert "<svg" in html and "Casillas instaladas" in html  # the indicator's chart
    assert re.search(r"[0-9a-f]{64}", html.split("<!-- part appendix -->")[1])  # the file's SHA-256


def test_spanish_and_english_texts(report_db):
    es, en = dossier_html(report_db, "es"), dossier_html(report_db, "en")
    assert "Expediente de evidencias" in es and "BRECHA" in es and 'lang="es"' in es
    assert "Evidence dossier" in en and "GAP" in en and 'lang="en"' in en
    assert "Página" not in en


def test_charts_are_deterministic_svg(report_db):
    assert dossier_html(report_db, "en") == dossier_html(report_db, "en")
    html = dossier_html(report_db, "en")
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    assert "<dc:date>" not in svg and "Matplotlib" not in svg


def test_helpers():
    assert str(css_string('a "b" & <c>\\')) == "a \\22 b\\22  \\26  \\3c c\\3e \\5c "
    assert num(1234.5) == "1\u202f234.5" and num(98.0) == "98" and num(None) == "—"
    rows = kv_rows([("A", "1"), ("B", "x" * 80), ("C", "2"), ("D", "3")])
    assert rows == [[("A", "1", 3)], [("B", "x" * 80, 3)], [("C", "2", 1), ("D", "3", 1)]]


def test_the_other_record_reports_render(report_db):
    from qms_tui.domain.periods import parse_period

    review = records.review_report(report_db, "RD-2025-01", "en", "tester", GENERATED, TODAY)
    project = records.project_report(report_db, "PM-2025-01", "es", "tester", GENERATED, TODAY)
    indicators = records.indicators_report(report_db, parse_period("2025-Q2"), "en", "tester", GENERATED)
    capa = records.capa_report(report_db, "en", "tester", GENERATED, TODAY)
    html = {r.meta.kind: render_html(r.part.template, r.part.context, r.meta)
            for r in (review, project, indicators, capa)}
    assert "Management review minutes RD-2025-01" in html["review"] and "SR-0001" in html["review"]
    assert "Verificar domicilios en 33 distritos" in html["review"]
    assert "Informe de proyecto de mejora PM-2025-01" in html["project"] and "<svg" in html["project"]
    assert "98.2" in html["project"]
    assert "IND-001" in html["indicators"] and "2025-04" in html["indicators"] and "2025-03" not in html["indicators"]
    assert "On target: 1" in html["indicators"]
    assert "NC-2025-001" in html["capa"] and "AC-2025-001" in html["capa"] and "92 days overdue" in html["capa"]
    assert json.loads(indicators.manifest)["period"] == "2025-Q2"


def test_nice_ticks_and_charts_in_plain_svg():
    from qms_tui.reports import charts

    assert charts.nice_ticks(55.3, 81.9) == [60, 65, 70, 75, 80]
    assert charts.nice_ticks(97.7, 100.1) == [98, 98.5, 99, 99.5, 100]
    assert charts.nice_ticks(0, 3.24) == [0, 1, 2, 3]
    assert charts.nice_ticks(-12, 7) == [-10, -5, 0, 5]
    assert charts.nice_ticks(5, 5) == [5]
    detail = {"series": [{"period": "2025-01", "value": 99.0, "light": "green"},
                         {"period": "2025-02", "value": 90.0, "light": "yellow"},
                         {"period": "2025-03", "value": 50.0, "light": "red"}],
              "target": 95.0, "direction": "higher", "yellow_from": 90.0, "unit": "%"}
    labels = {"value": "Value", "target": "Target", "band": "Band", "threshold": "Yellow <threshold>"}
    svg = charts.indicator_chart(detail, labels)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert svg.count("<circle") == 1 and svg.count("<polygon") == 2  # a circle, a triangle, a cross
    assert ">2025-02<" in svg and ">Yellow &lt;threshold&gt;<" in svg and ">%<" in svg
    assert svg.count('stroke-dasharray="3.5 1.5"') == 2  # the target line and its legend sample
    bars = charts.bars_chart(["0-30", ">90"], [("major", [1, 0], "#c62828"), ("minor", [2, 3], "#c77c00")],
                             stacked=True, unit="Count")
    assert bars.count("<rect") == 3 + 2  # three bars that are not zero, two legend swatches
    progress = charts.progress_chart([("Baseline", 41.0, "#777"), ("Target", 10.0, "#2e7d32"),
                                            ("Result", None, "#1f4e79")])
    assert ">Baseline<" in progress and ">41<" in progress and "Result" not in progress
