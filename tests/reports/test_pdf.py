"""PDF smoke tests (WeasyPrint in child processes; read back with pypdf only): pages, text,
page numbers, bookmarks by clause, PDF/A-3b identification, the manifest attachment, and no
file left behind when rendering fails."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from qms_tui.domain.clauses import EVIDENCE_CLAUSES, ISO54001
from qms_tui.reports import render as renderer
from qms_tui.reports import run
from qms_tui.reports.common import Part
from reports.dataset import END, GENERATED, START, TODAY

pytestmark = pytest.mark.pdf


def request(kind: str, out: Path, **kw: object) -> run.ReportRequest:
    return run.ReportRequest(kind=kind, out=str(out), author="tester", generated_at=GENERATED, today=TODAY,
                             **kw)  # type: ignore[arg-type]


def outline_titles(reader: PdfReader) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []

    def walk(items) -> None:  # type: ignore[no-untyped-def]
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return out


@pytest.fixture(scope="module")
def dossier_pdf(report_db, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("pdf") / "dossier.pdf"
    result = run.generate(report_db, request("evidence", out, standard=ISO54001, start=START, end=END, lang="es"))
    return out, result


def test_dossier_pages_text_and_page_numbers(dossier_pdf):
    out, result = dossier_pdf
    reader = PdfReader(out)
    n = len(reader.pages)
    assert n == result.pages > 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    for clause in EVIDENCE_CLAUSES(ISO54001):
        assert re.search(rf"(^|\n){re.escape(clause.number)} ", text), clause.number
    for code in ("POL-01", "AUD-2025-01", "HAL-2025-001", "NC-2025-001", "RD-2025-01", "PM-2025-01", "EVI-2025-0001"):
        assert code in text, code
    assert "elecciones íntegras" in text and "BRECHA" in text and "Resumen de brechas" in text
    assert f"Página 1 de {n}" in reader.pages[0].extract_text()
    assert f"Página {n} de {n}" in reader.pages[-1].extract_text()  # numbers run on across the parts
    assert "Instituto Electoral de la Ciudad de México" in reader.pages[1].extract_text()  # running header
    assert "Generado el 2026-01-05" in reader.pages[1].extract_text()  # footer: when
    assert sorted(os.listdir(out.parent)) == ["dossier.pdf"]  # no temporary file left


def test_dossier_bookmarks_by_clause(dossier_pdf):
    out, _result = dossier_pdf
    titles = outline_titles(PdfReader(out))
    numbers = {t.split(" ", 1)[0]: page for t, page in titles}
    for clause in EVIDENCE_CLAUSES(ISO54001):
        assert clause.number in numbers, clause.number
    assert numbers["4.1"] <= numbers["9.2.2"] <= numbers["10.3"]
    assert titles[0][0] == "Expediente de evidencias" and titles[0][1] == 0
    assert any(t.startswith("Anexo") for t, _p in titles)


def test_dossier_is_pdfa3b_with_the_manifest_attached(dossier_pdf, report_db):
    out, _result = dossier_pdf
    reader = PdfReader(out)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root and len(root["/AF"]) == 1
    assert reader.metadata.author == "tester" and reader.metadata.producer.startswith("WeasyPrint")
    manifest = json.loads(reader.attachments["manifest.json"][0])
    by_code = {r["code"]: r for r in manifest["records"]}
    assert {"POL-01", "AUD-2025-01", "NC-2025-001", "EVI-2025-0001", "COM-001", "MED-000001"} <= set(by_code)
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) for r in manifest["records"])
    assert by_code["EVI-2025-0001"]["file_sha256"] and manifest["standard"] == ISO54001
    assert manifest["period"] == {"from": "2025-01-01", "to": "2025-12-31"} and "5.1.1" in manifest["gaps"]


def test_audit_report_in_english(report_db, tmp_path):
    out = tmp_path / "audit.pdf"
    result = run.generate(report_db, request("audit", out, code="AUD-2025-01", lang="en"))
    reader = PdfReader(out)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == result.pages >= 1
    assert "Audit report AUD-2025-01" in text and "HAL-2025-001" in text and "NC-2025-001" in text
    assert f"Page 1 of {result.pages}" in text
    assert "manifest.json" in reader.attachments


def test_no_partial_file_when_rendering_fails(report_db, tmp_path, monkeypatch):
    def broken(body, meta, out, workdir, **kw):  # type: ignore[no-untyped-def]
        Path(out).write_bytes(b"%PDF-1.7 half a report")
        raise RuntimeError("layout failed")

    monkeypatch.setattr(run, "render_report", broken)
    out = tmp_path / "capa.pdf"
    with pytest.raises(RuntimeError):
        run.generate(report_db, request("capa", out, lang="en"))
    assert os.listdir(tmp_path) == []


class _Crash:
    """Unpickled in the child, it ends the process at once: a renderer that dies."""

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os._exit, (3,))


def test_a_renderer_that_dies_is_an_error_and_leaves_nothing(report_db, tmp_path, monkeypatch):
    real_plan = run._plan

    def plan(tx, req):  # type: ignore[no-untyped-def]
        meta, _body, front, attachment = real_plan(tx, req)
        return meta, [Part("crash", "capa.html.j2", {"crash": _Crash()})], front, attachment

    monkeypatch.setattr(run, "_plan", plan)
    out = tmp_path / "capa.pdf"
    with pytest.raises(renderer.RenderFailed):
        run.generate(report_db, request("capa", out, lang="en"))
    assert os.listdir(tmp_path) == []


def test_a_report_of_many_parts_on_one_worker_finishes(tmp_path, monkeypatch):
    # Python 3.11's ProcessPoolExecutor hangs once a worker retires at max_tasks_per_child
    # (CPython gh-115634): a report of more parts than that must still finish. Its page
    # numbers are stamped in slices of 6 pages here: they still run 1…20.
    import threading

    from markupsafe import Markup

    from qms_tui.reports.common import Meta

    monkeypatch.setattr(renderer, "STAMP_SLICE", 6)
    meta = Meta(kind="capa", title="Parts", lang="en", author="tester", generated_at=GENERATED)
    body = [Part(f"p{n}", "stamp.html.j2", {"pages": 1, "first": 1, "page_content": Markup('"x"')}) for n in range(20)]
    done: list[object] = []

    def render() -> None:
        try:
            done.append(renderer.render_report(body, meta, str(tmp_path / "many.pdf"), tmp_path, workers=1))
        except Exception as exc:  # reported below
            done.append(exc)

    worker = threading.Thread(target=render, daemon=True)
    worker.start()
    worker.join(timeout=300)
    assert done, "the report of 20 parts did not finish"
    assert isinstance(done[0], renderer.RenderResult), done[0]
    reader = PdfReader(tmp_path / "many.pdf")
    assert done[0].pages == 20 and len(reader.pages) == 20
    assert [re.findall(r"Page \d+ of \d+", page.extract_text()) for page in reader.pages] == [
        [f"Page {n} of 20"] for n in range(1, 21)]


def test_a_front_matter_that_grows_once_numbered_gets_the_right_page_numbers(tmp_path):
    # The overlays are rendered while the front matter's second pass is, for the length of its
    # first pass; a front matter that grows (1 page, then 3 once it has the contents' numbers)
    # makes them be rendered again for the real length.
    from markupsafe import Markup

    from qms_tui.reports.common import Meta

    meta = Meta(kind="capa", title="Front", lang="en", author="tester", generated_at=GENERATED)
    quiet = {"first": 1, "page_content": Markup('"x"')}
    body = [Part(f"p{n}", "stamp.html.j2", {"pages": 2, **quiet}) for n in range(3)]
    asked: list[object] = []

    def front(numbers):  # type: ignore[no-untyped-def]
        asked.append(numbers)
        return Part("front", "stamp.html.j2", {"pages": 1 if numbers is None else 3, **quiet})

    result = renderer.render_report(body, meta, str(tmp_path / "front.pdf"), tmp_path, front=front, workers=2)
    reader = PdfReader(tmp_path / "front.pdf")
    assert result.pages == len(reader.pages) == 9
    assert [re.findall(r"Page \d+ of \d+", page.extract_text()) for page in reader.pages] == [
        [f"Page {n} of 9"] for n in range(1, 10)]
    assert asked[0] is None and len(asked) == 3  # the probe, a pass for 1 page, a pass for 3


def test_renderers_find_weasyprints_libraries_without_gcc():
    # the renderers' initializer keeps cffi's library lookup to ldconfig's cache; WeasyPrint
    # must still load pango, harfbuzz, fontconfig… (run in a child: it changes ctypes.util)
    import subprocess
    import sys

    code = ("import ctypes.util, sys\n"
            "from qms_tui.reports.pdf import _quick_library_lookup\n"
            "_quick_library_lookup()\n"
            "assert ctypes.util._findLib_gcc('pango-1.0') is None or not sys.platform.startswith('linux')\n"
            "import weasyprint\n"
            "weasyprint.HTML(string='<p>ok</p>').write_pdf()\n"
            "print('loaded')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "loaded"


@pytest.mark.parametrize("kind", ["evidence", "capa", "audit"])
def test_a_renderer_unpickles_its_parts_without_the_database_layer(report_db, tmp_path, kind):
    # a renderer takes its first job ~0.45 s later if the records in the part's context
    # drag the ORM in (they are the evidence pack's plain dataclasses)
    import pickle
    import subprocess
    import sys

    kw = {"standard": ISO54001, "start": START, "end": END} if kind == "evidence" else (
        {"code": "AUD-2025-01"} if kind == "audit" else {})
    _meta, body, front, _attachment = run._plan(report_db, run.resolve(request(kind, tmp_path / "x.pdf", **kw)))
    parts = list(body) + ([front(None)] if front else [])
    assert any(part.context for part in parts)
    blob = tmp_path / "parts.pickle"
    blob.write_bytes(pickle.dumps(parts))
    probe = (f"import pickle, sys\nparts = pickle.loads(open({str(blob)!r}, 'rb').read())\n"
             "print(len(parts), sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel'}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(parts)), "[]"]
