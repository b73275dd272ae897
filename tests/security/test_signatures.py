"""Electronic signatures: approving a policy version, a document version, an audit report, a
review's minutes, verifying effectiveness and closing a nonconformity record who signed, the
meaning, the time and the hash of the record's state; a later change shows as not matching."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from qms_tui.db.models import LoginAttempt, Signature, TrailEvent
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.errors import PermissionDenied, ValidationError
from qms_tui.services import audits, documents, policy, records, reviews, signatures, trail, users
from qms_tui.services import nonconformities as ncs
from qms_tui.services.search import get_record
from qms_tui.services.signatures import Meaning, signatures_of, verify_signatures

from .conftest import BOOT


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _policy(db, actor, text_="La calidad electoral es nuestro compromiso."):  # type: ignore[no-untyped-def]
    return policy.create_policy_version(db, actor, text_)


def test_approving_the_policy_signs_it_and_direct_sql_breaks_the_match(db, people):
    coord = people["coordinator"]
    v1 = _policy(db, coord)
    approved = policy.approve_policy(db, coord, v1.code, approved_on="2025-01-10", comment="Sesión del Comité")
    assert approved.status == "approved"
    [sig] = signatures_of(db, "policy", v1.code)
    assert sig.matches and sig.signer == "Laura Hernández" and sig.signer_login == "lhernandez"
    assert (sig.signature.meaning, sig.signature.record_code, sig.signature.reason) == (
        "approved", v1.code, "Sesión del Comité")
    assert len(sig.signature.state_hash) == 64 and sig.signature.signed_at is not None
    assert sig.line().startswith("✔ approved · Laura Hernández · ") and sig.line().endswith("· matches")
    # superseding it is its lifecycle, not a change of what was approved
    v2 = _policy(db, coord, "Nueva política.")
    policy.approve_policy(db, coord, v2.code)
    assert [s.matches for s in signatures_of(db, "policy", v1.code)] == [True]
    assert verify_signatures(db) == []
    with db.read() as s:
        assert trail.verify(s) == []
    # behind the application's back: the signature no longer matches, and the trail names it
    with db.engine.begin() as c:
        c.execute(text("UPDATE policy SET text = 'Otra política' WHERE code = :c"), {"c": v1.code})
    [sig] = signatures_of(db, "policy", v1.code)
    assert not sig.matches and sig.line().startswith("✖ ") and sig.line().endswith("changed since signed")
    [bad] = verify_signatures(db)
    assert (bad.entity, bad.code, bad.missing) == ("policy", v1.code, False)
    with db.read() as s:
        problems = trail.verify(s)
    assert [(p.entity, p.code, p.kind) for p in problems] == [("policy", v1.code, "changed")]


def test_the_generic_detail_shows_the_signatures(db, people):
    from qms_tui.widgets.detail_view import detail_rows, signature_rows

    coord = people["coordinator"]
    v1 = _policy(db, coord)
    assert get_record(db, "policy", v1.code).signatures == ()
    policy.approve_policy(db, coord, v1.code)
    view = get_record(db, "policy", v1.code)
    [(label, line, matches)] = signature_rows(view)
    assert label == "Signatures" and matches and "✔ approved · Laura Hernández" in line
    assert all(lbl != "Signatures" for lbl, _t in detail_rows(view))  # not a field of the record
    with db.engine.begin() as c:
        c.execute(text("UPDATE policy SET notes = 'x' WHERE code = :c"), {"c": v1.code})
    [(_l, line, matches)] = signature_rows(get_record(db, "policy", v1.code))
    assert not matches and line.startswith("✖") and "changed since signed" in line


def test_only_signers_approve_and_a_refusal_writes_nothing(db, people):
    coord, owner, auditor = people["coordinator"], people["process_owner"], people["auditor"]
    v1 = _policy(db, coord)
    before = (_count(db, TrailEvent), _count(db, Signature))
    for who in (owner, auditor, people["reader"]):
        with pytest.raises(PermissionDenied, match="may not sign"):
            policy.approve_policy(db, who, v1.code)
    assert (_count(db, TrailEvent), _count(db, Signature)) == before
    # a process owner writes and submits a document version, but does not approve it
    doc = documents.create_document(db, owner, {"code": "PR-DEOEYG-01", "title": "Procedimiento", "kind": "procedure"})
    v = documents.add_version(db, owner, doc.code, {"label": "1.0", "change_summary": "Primera emisión"})
    documents.submit_version(db, owner, v.code)
    with pytest.raises(PermissionDenied):
        documents.approve_version(db, owner, v.code)
    documents.approve_version(db, people["admin"], v.code, approved_on=date(2025, 1, 2))
    [sig] = signatures_of(db, "document_version", v.code)
    assert (sig.signature.meaning, sig.signer, sig.matches) == ("approved", "Jorge Martínez", True)


def test_a_built_in_actor_that_is_no_person_signs_nothing(db, people):
    v1 = _policy(db, BOOT)
    assert policy.approve_policy(db, BOOT, v1.code).status == "approved"
    assert signatures_of(db, "policy", v1.code) == []
    disabled = people["coordinator"]
    users.disable_user(db, people["admin"], disabled.login)
    v2 = _policy(db, BOOT, "Otra")
    with pytest.raises(PermissionDenied, match="disabled"):
        policy.approve_policy(db, disabled, v2.code)


def test_the_signing_pin_is_required_checked_counted_and_locks(db, people):
    coord = people["coordinator"]
    users.set_pin(db, coord, coord.login, "s3creto!")
    v1 = _policy(db, coord)
    before = _count(db, TrailEvent)
    with pytest.raises(ValidationError) as err:
        policy.approve_policy(db, coord, v1.code)
    assert err.value.lines() == ["Signing PIN: your signing PIN is required to sign"]
    with pytest.raises(ValidationError) as err:
        policy.approve_policy(db, coord, v1.code, pin="equivocado")
    assert err.value.lines() == ["Signing PIN: is incorrect"]
    assert _count(db, TrailEvent) == before  # nothing approved …
    with db.read() as s:  # … but the failed attempt counts
        assert s.execute(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.login == "lhernandez", LoginAttempt.success.is_(False))).scalar_one() == 1
    assert policy.approve_policy(db, coord, v1.code, pin="s3creto!").status == "approved"
    assert signatures_of(db, "policy", v1.code)[0].matches
    # five wrong PINs lock signing, the right one included
    v2 = _policy(db, coord, "Otra")
    for _ in range(signatures.MAX_FAILURES):
        with pytest.raises(ValidationError):
            policy.approve_policy(db, coord, v2.code, pin="nada")
    with pytest.raises(ValidationError) as err:
        policy.approve_policy(db, coord, v2.code, pin="s3creto!")
    assert "locked" in err.value.lines()[0]
    # joined transactions (importers, loaders) are checked too, without recording attempts
    with pytest.raises(ValidationError), db.write() as s:
        signatures.sign(s, coord, "policy", v1.code, Meaning.APPROVED, pin="nada")


@pytest.fixture
def nc_world(db, people):  # type: ignore[no-untyped-def]
    coord, owner = people["coordinator"], people["process_owner"]
    with db.write() as s:
        records.create(s, BOOT, "person", {"code": "doer", "name": "Diego Flores", "role": "process_owner"})
        records.create(s, BOOT, "process", {"code": "PR-03", "name": "Organización electoral",
                                            "category": "substantive", "owner": "ovargas"})
    nc = ncs.create_nc(db, coord, {"title": "Queja", "description": "MRVO en planta alta", "source": "complaint",
                                   "severity": "minor", "process": "PR-03", "owner": "ovargas",
                                   "detected_on": date(2025, 2, 1)})
    ncs.record_correction(db, owner, nc.code, "Se reubicó la mesa", date(2025, 2, 2))
    ncs.record_root_cause(db, owner, nc.code, "five_whys", "Sin criterio", ["¿Por qué? Porque…"])
    a = ncs.add_action(db, owner, nc.code, {"kind": "corrective", "description": "Criterio de accesibilidad",
                                            "owner": "doer", "due_date": date(2025, 5, 1)})
    ncs.start_implementation(db, owner, nc.code)
    ncs.update_action_status(db, owner, a.code, "done", date(2025, 4, 2))
    check = ncs.plan_effectiveness_check(db, owner, nc.code, date(2025, 6, 1), "Sin quejas en 3 meses", "vmorales")
    ncs.request_verification(db, owner, nc.code)
    return nc.code, check.code


def test_verifying_effectiveness_and_closing_are_signed_and_reopening_voids_the_closure(db, people, nc_world):
    code, check = nc_world
    auditor, coord = people["auditor"], people["coordinator"]
    ncs.record_effectiveness(db, auditor, check, "effective", date(2025, 6, 2), "Sin quejas")
    [ver] = signatures_of(db, "effectiveness_check", check)
    assert (ver.signature.meaning, ver.signer, ver.matches) == ("verified_effectiveness", "Verónica Morales", True)
    assert ver.meaning == "verified effectiveness"
    with pytest.raises(PermissionDenied):  # a process owner does not close
        ncs.close_nc(db, people["process_owner"], code)
    ncs.close_nc(db, coord, code, closed_on=date(2025, 6, 3))
    [closed] = signatures_of(db, "nonconformity", code)
    assert (closed.signature.meaning, closed.matches) == ("closed", True)
    ncs.reopen_nc(db, coord, code, "Volvió a ocurrir")
    assert [s.matches for s in signatures_of(db, "nonconformity", code)] == [False]
    assert [s.matches for s in signatures_of(db, "effectiveness_check", check)] == [True]
    with db.read() as s:
        assert trail.verify(s) == []  # a change through the application: the trail is fine


def test_a_not_effective_verification_by_an_auditor_sends_the_nc_back(db, people, nc_world):
    code, check = nc_world
    ncs.record_effectiveness(db, people["auditor"], check, "not_effective", date(2025, 6, 2), "Dos quejas más")
    with db.read() as s:
        nc = records.get_row(s, "nonconformity", code)
        assert (nc.status, nc.reopen_count) == ("root_cause", 1)
        assert trail.verify(s) == []
    assert signatures_of(db, "effectiveness_check", check)[0].signature.meaning == "verified_effectiveness"


def test_the_audit_report_is_accepted_and_signed_by_the_programme_manager(db, people):
    coord, auditor = people["coordinator"], people["auditor"]
    a = audits.create_audit(db, coord, {"title": "Auditoría interna", "kind": "internal", "scope": "Bodegas",
                                        "planned_start": date(2024, 3, 4), "planned_end": date(2024, 3, 6),
                                        "lead_auditor": "vmorales", "clauses": "7.2"})
    audits.confirm_audit(db, auditor, a.code)
    audits.perform_audit(db, auditor, a.code, date(2024, 3, 4), date(2024, 3, 6))
    [item] = audits.generate_checklist(db, auditor, a.code)
    audits.record_checklist_result(db, auditor, item.code, "conforming")
    with pytest.raises(PermissionDenied):  # the auditors do not accept their own report
        audits.accept_report(db, auditor, a.code, conclusions="Conforme")
    audits.accept_report(db, coord, a.code, conclusions="Conforme", accepted_on=date(2024, 3, 20))
    audits.close_audit(db, coord, a.code, closed_on=date(2024, 4, 1))
    [sig] = signatures_of(db, "audit", a.code)
    assert (sig.signature.meaning, sig.signer, sig.matches) == ("approved", "Laura Hernández", True)
    # the report's content includes its checklist: editing a result voids the acceptance
    with db.engine.begin() as c:
        c.execute(text("UPDATE checklist_item SET result = 'nonconforming' WHERE code = :c"), {"c": item.code})
    assert not signatures_of(db, "audit", a.code)[0].matches


def test_the_review_minutes_are_signed(db, people):
    coord = people["coordinator"]
    rv = reviews.create_review(db, coord, {"title": "Revisión 2025", "planned_date": "2025-12-01", "clauses": "9.3"})
    reviews.hold_review(db, coord, rv.code, "2025-12-01", "El SGCE es eficaz.")
    out, _ = reviews.add_output(db, coord, rv.code, "resources", "Asignar un analista")
    reviews.approve_minutes(db, coord, rv.code, approved_on=date(2025, 12, 5))
    [sig] = signatures_of(db, "review", rv.code)
    assert (sig.signature.meaning, sig.matches) == ("approved", True)
    with db.engine.begin() as c:  # a decision of the minutes edited behind the application
        c.execute(text("UPDATE review_output SET decision = 'Nada' WHERE code = :c"), {"c": out.code})
    [bad] = verify_signatures(db)
    assert (bad.entity, bad.code) == ("review", rv.code)


def test_signatures_are_trail_records_and_a_deleted_one_is_named(db, people):
    coord = people["coordinator"]
    v1 = _policy(db, coord)
    policy.approve_policy(db, coord, v1.code)
    with db.read() as s:
        code = s.execute(select(Signature.code)).scalar_one()
        assert s.execute(select(TrailEvent.summary).where(TrailEvent.entity == "signature")).scalar_one() == (
            f"approved: policy {v1.code}")
    with db.engine.begin() as c:
        c.execute(text("DELETE FROM signature"))
    with db.read() as s:
        problems = trail.verify(s)
    assert [(p.entity, p.code, p.kind) for p in problems] == [("signature", code, "deleted")]


def test_the_state_hash_ignores_bookkeeping_but_not_content(db, people):
    coord = people["coordinator"]
    v1 = _policy(db, coord)
    with db.read() as s:
        obj = records.get_row(s, "policy", v1.code)
        h = signatures.state_hash(s, "policy", obj)
        obj.version, obj.status = 99, "superseded"
        assert signatures.state_hash(s, "policy", obj) == h
        obj.text = "Otro texto"
        assert signatures.state_hash(s, "policy", obj) != h
        s.rollback()


def test_meanings_have_stable_values():
    assert [m.value for m in Meaning] == ["approved", "reviewed", "verified_effectiveness", "closed",
                                          "emergency_change"]
    assert Actor(login="x", role=Role.ADMIN).role == "admin"
