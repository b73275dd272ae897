"""Controlled documents (7.5): versions, approval, periodic review; evidence files."""

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select, text

from qms_tui.db.models import DocumentVersion, Evidence, EvidenceBlob, TrailEvent
from qms_tui.domain.errors import NotFound, TransitionError, ValidationError
from qms_tui.services import documents as D
from qms_tui.services import records, trail


def _count(db, model=TrailEvent):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def doc(db, actor):
    with db.write() as s:
        records.create(s, actor, "person", {"code": "coord", "name": "Ana Coordinadora", "role": "coordinator"})
        records.create(s, actor, "process", {"code": "PR-01", "name": "Gestión de calidad", "category": "strategic"})
    return D.create_document(db, actor, {"code": "PR-SGC-01", "title": "Control de documentos",
                                         "kind": "procedure", "process": "PR-01", "owner": "coord",
                                         "review_months": 12, "clauses": "7.5.3"})


def _approved(db, actor, label, on):
    v = D.add_version(db, actor, "PR-SGC-01", {"label": label, "change_summary": f"Versión {label}"})
    D.submit_version(db, actor, v.code)
    return D.approve_version(db, actor, v.code, approved_on=on)


def test_user_given_code_and_first_approval(db, actor, doc):
    assert doc.code == "PR-SGC-01" and doc.clauses == ("7.5.3",)
    v1 = D.add_version(db, actor, "PR-SGC-01", {"label": "1.0", "change_summary": "Emisión inicial"})
    assert v1.status == "draft"
    assert D.current_version(db, "PR-SGC-01") is None
    assert D.submit_version(db, actor, v1.code).status == "in_review"
    ok = D.approve_version(db, actor, v1.code, approved_on=date(2025, 1, 31))
    assert ok.status == "approved" and ok.approved_on == date(2025, 1, 31)
    assert ok.effective_from == date(2025, 1, 31) and ok.approved_by_id is not None
    assert D.current_version(db, "PR-SGC-01").code == v1.code
    detail = D.document_detail(db, "PR-SGC-01", today=date(2025, 6, 1))
    assert detail.document.next_review == date(2026, 1, 31)
    assert detail.owner_name == "Ana Coordinadora" and detail.process_code == "PR-01"
    assert detail.current.code == v1.code and not detail.due_for_review


def test_approving_a_new_version_makes_the_old_one_obsolete(db, actor, doc):
    v1 = _approved(db, actor, "1.0", date(2024, 3, 1))
    v2 = D.add_version(db, actor, "PR-SGC-01", {"label": "2.0", "change_summary": "Nuevo formato",
                                                "effective_from": "2025-03-15"})
    D.submit_version(db, actor, v2.code)
    D.approve_version(db, actor, v2.code, approved_on=date(2025, 3, 10))
    detail = D.document_detail(db, "PR-SGC-01", today=date(2025, 4, 1))
    assert [(v.label, v.status) for v in detail.versions] == [("2.0", "approved"), ("1.0", "obsolete")]
    assert detail.current.code == v2.code and detail.current.effective_from == date(2025, 3, 15)
    assert detail.document.next_review == date(2026, 3, 10)
    with db.read() as s:
        assert records.get(s, "document_version", v1.code).status == "obsolete"
        assert trail.verify(s) == []


def test_a_second_version_in_preparation_or_a_repeated_label_is_refused(db, actor, doc):
    v1 = D.add_version(db, actor, "PR-SGC-01", {"label": "1.0", "change_summary": "Emisión"})
    before = _count(db)
    for label in ("1.1", "1.0"):
        with pytest.raises(ValidationError) as err:
            D.add_version(db, actor, "PR-SGC-01", {"label": label, "change_summary": "Otra"})
        assert err.value.fields == ["label"]
    assert _count(db) == before and _count(db, DocumentVersion) == 1
    D.submit_version(db, actor, v1.code)
    with pytest.raises(ValidationError) as err:  # in review counts as in preparation
        D.add_version(db, actor, "PR-SGC-01", {"label": "1.1", "change_summary": "Otra"})
    assert err.value.fields == ["label"]
    D.approve_version(db, actor, v1.code, approved_on=date(2025, 1, 1))
    before = _count(db)
    with pytest.raises(ValidationError) as err:  # labels are unique per document
        D.add_version(db, actor, "PR-SGC-01", {"label": "1.0 ", "change_summary": "Repetida"})
    assert err.value.fields == ["label"] and _count(db) == before
    with pytest.raises(ValidationError) as err:
        D.add_version(db, actor, "PR-SGC-01", {"label": "", "change_summary": ""})
    assert set(err.value.fields) == {"label", "change_summary"} and _count(db) == before


def test_return_needs_a_reason_and_goes_back_to_draft(db, actor, doc):
    v = D.add_version(db, actor, "PR-SGC-01", {"label": "1.0", "change_summary": "Emisión"})
    D.submit_version(db, actor, v.code)
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        D.return_version(db, actor, v.code, "  ")
    assert err.value.fields == ["reason"] and _count(db) == before
    assert D.return_version(db, actor, v.code, "Falta el diagrama").status == "draft"
    with db.read() as s:
        last = s.execute(select(TrailEvent.summary).order_by(TrailEvent.seq.desc()).limit(1)).scalar_one()
    assert "Falta el diagrama" in last
    D.discard_version(db, actor, v.code)
    assert D.document_detail(db, "PR-SGC-01").versions == ()


def test_lifecycle_guards_write_nothing(db, actor, doc):
    v = D.add_version(db, actor, "PR-SGC-01", {"label": "1.0", "change_summary": "Emisión"})
    before = _count(db)
    with pytest.raises(TransitionError):  # draft cannot be approved directly
        D.approve_version(db, actor, v.code)
    with pytest.raises(TransitionError):
        D.return_version(db, actor, v.code, "no está en revisión")
    assert _count(db) == before
    D.submit_version(db, actor, v.code)
    before = _count(db)
    with pytest.raises(ValidationError) as err:
        D.approve_version(db, actor, v.code, approved_on="2025-05-10", effective_from="2025-05-01")
    assert err.value.fields == ["effective_from"]
    with pytest.raises(ValidationError) as err:
        D.approve_version(db, actor, v.code, approved_on="10/05/2025")
    assert err.value.fields == ["approved_on"]
    with pytest.raises(TransitionError):
        D.discard_version(db, actor, v.code)  # only drafts
    assert _count(db) == before
    with pytest.raises(NotFound):
        D.add_version(db, actor, "PR-NO-EXISTE", {"label": "1", "change_summary": "x"})


def test_documents_due_for_review(db, actor, doc):
    _approved(db, actor, "1.0", date(2024, 6, 15))  # next review 2025-06-15
    D.create_document(db, actor, {"title": "Manual de calidad", "kind": "manual"})  # no review period
    assert [d.code for d in D.documents_due_for_review(db, today=date(2025, 5, 1))] == []
    assert [d.code for d in D.documents_due_for_review(db, today=date(2025, 5, 20))] == ["PR-SGC-01"]
    assert [d.code for d in D.documents_due_for_review(db, today=date(2025, 7, 1), within_days=0)] == ["PR-SGC-01"]
    assert D.document_detail(db, "PR-SGC-01", today=date(2025, 6, 15)).due_for_review


def test_add_months_clamps_to_the_month_end():
    assert D.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert D.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert D.add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


# ---------------------------------------------------------------- evidence


EVIDENCE = {"title": "Acta de revisión firmada", "effective_date": "2025-02-20", "clauses": "9.3.3"}


def test_evidence_keeps_bytes_and_sha256_and_verify_detects_tampering(db, actor):
    content = b"%PDF-1.7 acta firmada\x00\x01"
    ev = D.add_evidence(db, actor, EVIDENCE, content, "C:\\actas\\acta-2025.pdf")
    assert ev.sha256 == hashlib.sha256(content).hexdigest() and ev.size == len(content)
    assert ev.filename == "acta-2025.pdf" and ev.media_type == "application/pdf"
    assert ev.code == "EVI-2025-0001" and ev.clauses == ("9.3.3",)
    assert D.evidence_content(db, ev.code) == content
    with db.read() as s:
        assert trail.verify(s) == []
    with db.engine.begin() as c:
        c.execute(text("UPDATE evidence_blob SET content = :b"), {"b": b"otro contenido"})
    with db.read() as s:
        problems = trail.verify(s)
    assert [(p.kind, p.code) for p in problems] == [("blob", ev.code)]
    with pytest.raises(D.EvidenceTampered):
        D.evidence_content(db, ev.code)


def test_evidence_from_a_file_and_bad_files_write_nothing(db, actor, tmp_path):
    f = tmp_path / "lista-asistencia.csv"
    f.write_bytes(b"nombre,firma\nAna,si\n")
    ev = D.add_evidence_file(db, actor, EVIDENCE, f)
    assert ev.filename == "lista-asistencia.csv" and ev.media_type == "text/csv"
    assert D.evidence_content(db, ev.code) == f.read_bytes()
    before = (_count(db), _count(db, Evidence), _count(db, EvidenceBlob))
    for path in (tmp_path / "no-existe.pdf", tmp_path, ""):
        with pytest.raises(ValidationError) as err:
            D.add_evidence_file(db, actor, EVIDENCE, path)
        assert err.value.fields == ["file"]
    with pytest.raises(ValidationError) as err:
        D.add_evidence(db, actor, {**EVIDENCE, "title": ""}, b"", "")
    assert err.value.fields == ["title", "file", "file"]
    assert (_count(db), _count(db, Evidence), _count(db, EvidenceBlob)) == before


def test_evidence_list_by_clause_and_process(db, actor):
    with db.write() as s:
        records.create(s, actor, "process", {"code": "PR-02", "name": "Organización", "category": "substantive"})
    a = D.add_evidence(db, actor, EVIDENCE, b"a", "a.pdf")
    b = D.add_evidence(db, actor, {"title": "Informe de auditoría", "effective_date": "2025-06-01",
                                   "process": "PR-02", "clauses": "9.2.2, 8.5.1"}, b"b", "b.pdf")
    assert [e.code for e in D.evidence_list(db)] == [b.code, a.code]
    assert [e.code for e in D.evidence_list(db, clause="9.3")] == [a.code]  # sub-clauses included
    assert [e.code for e in D.evidence_list(db, clause="9.2.2")] == [b.code]
    assert D.evidence_list(db, clause="9.2")[0].clauses == ("8.5.1", "9.2.2")
    assert [e.code for e in D.evidence_list(db, process="PR-02")] == [b.code]
    assert D.evidence_list(db, clause="7.5") == []


def test_a_version_may_point_to_its_evidence(db, actor, doc):
    ev = D.add_evidence(db, actor, EVIDENCE, b"pdf", "v1.pdf")
    v = D.add_version(db, actor, "PR-SGC-01", {"label": "1", "change_summary": "x", "evidence": ev.code})
    with db.read() as s:
        assert s.get(DocumentVersion, v.id).evidence_id == ev.id
