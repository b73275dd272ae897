"""Documented information (ISO 9001 7.5): controlled documents with versions and approval,
and evidence files kept with their SHA-256.

Versions follow ``lifecycle.DOCUMENT_VERSION``: draft → in_review → approved → obsolete
(in_review → draft when returned). A document has at most one version in preparation
(draft or in review) and one approved version: approving a version makes the previous
approved one obsolete in the same transaction, and sets the document's next review.

Evidence bytes live in ``evidence_blob`` (not a record: no code, no trail event of its own);
the evidence record keeps the SHA-256, size and file name, and ``trail.verify`` compares
each blob with it. :func:`evidence_content` refuses bytes that no longer match.
"""

from __future__ import annotations

import calendar
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from qms_tui.db.models import (
    Document,
    DocumentVersion,
    Evidence,
    EvidenceBlob,
    Person,
    RecordClause,
)
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import enums as E
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import FieldError, NotFound, QmsError, TransitionError, ValidationError
from qms_tui.domain.fields import Field, is_blank, parse_all
from qms_tui.domain.specs import SPECS
from qms_tui.services import freeze, records, signatures
from qms_tui.services.tx import Tx, reading, writing

V = E.VersionStatus
IN_PREPARATION = (V.DRAFT.value, V.IN_REVIEW.value)
MAX_EVIDENCE_BYTES = 100 * 1024 * 1024  # one evidence file; larger files belong elsewhere


class EvidenceTampered(QmsError):
    """The stored bytes of an evidence file no longer match its SHA-256."""


@dataclass(frozen=True)
class DocumentDetail:
    document: Any
    versions: tuple[Any, ...]  # newest first
    current: Any | None  # the approved version
    in_preparation: Any | None  # the draft or in-review version
    owner_name: str | None
    process_code: str | None
    due_for_review: bool


# ---------------------------------------------------------------- helpers


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (31 Jan + 1 → 28/29 Feb)."""
    n = day.month - 1 + months
    year, month = day.year + n // 12, n % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _person_id(session: Session, actor: Actor) -> int | None:
    return session.execute(select(Person.id).where(Person.code == actor.login)).scalar_one_or_none()


def _versions(session: Session, document_id: int) -> list[DocumentVersion]:
    return list(session.execute(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.id.desc())
    ).scalars())


def _parse(fields: tuple[Field, ...], data: Mapping[str, Any]) -> dict[str, Any]:
    values, errors = parse_all(fields, data)
    if errors:
        raise ValidationError(errors)
    return values


def _move(session: Session, actor: Actor, version: DocumentVersion, target: str,
          columns: Mapping[str, Any] | None = None, summary: str | None = None) -> Any:
    lifecycle.check(lifecycle.DOCUMENT_VERSION, version.status, target, V)
    summary = summary or f"{version.status} → {target}"
    return records.transition(session, actor, "document_version", version, "status", target, columns,
                              summary=summary)


# ---------------------------------------------------------------- documents


def create_document(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """A controlled document; its code may be given (``PR-SGC-01``) or is assigned (DOC-001)."""
    with writing(tx) as s:
        return records.create(s, actor, "document", data)


def update_document(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None,
    *, emergency_reason: str | None = None,
) -> Any:
    """Change a document's fields (refused during a freeze window unless an emergency change)."""
    with writing(tx) as s, freeze.guard(s, actor, "document", emergency_reason=emergency_reason) as change:
        dto = records.update(s, actor, "document", code, changes, expected_version=expected_version,
                             summary=change.note())
        change.sign_as("document", dto.code)
        return dto


# ---------------------------------------------------------------- versions


def add_version(tx: Tx, actor: Actor, document_code: str, data: Mapping[str, Any], *,
                emergency_reason: str | None = None) -> Any:
    """A new draft version (``label``, ``change_summary``, ``effective_from``,
    ``evidence``). Refused while another version is in preparation, or if the label exists,
    or during a freeze window unless an emergency change."""
    with writing(tx) as s, freeze.guard(s, actor, "document", emergency_reason=emergency_reason) as change:
        doc = records.get_row(s, "document", document_code, lock=True)
        change.sign_as("document", doc.code)
        vdata = {**{k: v for k, v in data.items() if k != "document"}, "document": doc.code}
        values = records.validate(s, SPECS["document_version"], vdata)
        versions = _versions(s, doc.id)
        busy = next((v for v in versions if v.status in IN_PREPARATION), None)
        if busy is not None:
            raise ValidationError([FieldError(
                "label", N_("version {version} ({code}) is still {status}; approve it or discard it first"),
                {"version": busy.label, "code": busy.code, "status": V(busy.status).label()})])
        label = values["label"].casefold()
        if any(v.label.casefold() == label for v in versions):
            raise ValidationError([FieldError("label", N_("version {version} of this document already exists"),
                                              {"version": values["label"]})])
        return records.create(s, actor, "document_version", vdata, extra={"status": V.DRAFT.value},
                              summary=change.note())


def discard_version(tx: Tx, actor: Actor, version_code: str) -> None:
    """Delete a draft version that will not be submitted (the trail keeps it)."""
    with writing(tx) as s:
        version = records.get_row(s, "document_version", version_code, lock=True)
        if version.status != V.DRAFT:
            raise TransitionError(N_("only a draft version can be discarded; {code} is “{status}”"),
                                  code=version.code, status=V(version.status).label())
        records.remove(s, actor, "document_version", version.code)


def submit_version(tx: Tx, actor: Actor, version_code: str, *, emergency_reason: str | None = None) -> Any:
    """draft → in_review (refused during a freeze window unless an emergency change)."""
    with writing(tx) as s, freeze.guard(s, actor, "document", emergency_reason=emergency_reason) as change:
        version = records.get_row(s, "document_version", version_code, lock=True)
        change.sign_as("document_version", version.code)
        return _move(s, actor, version, V.IN_REVIEW, summary=change.note(f"{version.status} → {V.IN_REVIEW}"))


def return_version(tx: Tx, actor: Actor, version_code: str, reason: str) -> Any:
    """in_review → draft; the reason (required) goes to the trail event."""
    with writing(tx) as s:
        values = _parse((Field("reason", "longtext", True),), {"reason": reason})
        version = records.get_row(s, "document_version", version_code, lock=True)
        return _move(s, actor, version, V.DRAFT, summary=f"{V.IN_REVIEW} → {V.DRAFT}: {values['reason']}")


def approve_version(
    tx: Tx, actor: Actor, version_code: str, approved_on: Any = None, effective_from: Any = None,
    *, emergency_reason: str | None = None, pin: str | None = None, comment: str | None = None,
) -> Any:
    """in_review → approved by the person of the actor, on ``approved_on`` (today by
    default), effective from ``effective_from`` (given, stored, or the approval date).
    The previously approved version becomes obsolete; the document's next review is
    ``approved_on`` + ``review_months`` when the document has a review period. Refused
    during a freeze window unless an emergency change. Signed "approved" by the acting
    person (``pin``: their signing PIN, if they have one; ``comment``: kept with it)."""
    signatures.before_signing(tx, actor, "document_version", pin)
    with writing(tx) as s, freeze.guard(s, actor, "document", emergency_reason=emergency_reason) as change:
        values = _parse((Field("approved_on", "date"), Field("effective_from", "date")),
                        {"approved_on": approved_on, "effective_from": effective_from})
        version = records.get_row(s, "document_version", version_code, lock=True)
        lifecycle.check(lifecycle.DOCUMENT_VERSION, version.status, V.APPROVED, V)
        when = values["approved_on"] or clock.today()
        effective = values["effective_from"] or version.effective_from or when
        if effective < when:
            raise ValidationError([FieldError("effective_from", N_("must not be before {other}"),
                                              {"other": N_("Approved on")})])
        doc = records.get_row(s, "document", version.document_id, lock=True)
        for old in _versions(s, doc.id):
            if old.status == V.APPROVED and old.id != version.id:
                _move(s, actor, old, V.OBSOLETE, summary=f"{V.APPROVED} → {V.OBSOLETE}: {version.code}")
        approved = _move(s, actor, version, V.APPROVED, {
            "approved_by_id": _person_id(s, actor), "approved_on": when, "effective_from": effective},
            summary=change.note(f"{V.IN_REVIEW} → {V.APPROVED}"))
        change.sign_as("document_version", version.code)
        signatures.sign(s, actor, "document_version", version, signatures.Meaning.APPROVED, comment, pin=pin)
        if doc.review_months:
            records.apply(s, actor, "document", doc, {"next_review": add_months(when, doc.review_months)},
                          TrailAction.UPDATE, summary=f"{version.code} approved")
        return approved


def current_version(tx: Tx, document_code: str) -> Any | None:
    """The approved version of the document, or None."""
    with reading(tx) as s:
        doc = records.get_row(s, "document", document_code)
        v = next((v for v in _versions(s, doc.id) if v.status == V.APPROVED), None)
        return records.to_dto("document_version", v) if v else None


def document_detail(tx: Tx, code: str, today: date | None = None) -> DocumentDetail:
    today = today or clock.today()
    with reading(tx) as s:
        doc = records.get_row(s, "document", code)
        versions = [records.to_dto("document_version", v) for v in _versions(s, doc.id)]
        owner = s.get(Person, doc.owner_id) if doc.owner_id else None
        return DocumentDetail(
            document=records.get(s, "document", doc.id),
            versions=tuple(versions),
            current=next((v for v in versions if v.status == V.APPROVED), None),
            in_preparation=next((v for v in versions if v.status in IN_PREPARATION), None),
            owner_name=owner.name if owner else None,
            process_code=records.code_of(s, "process", doc.process_id),
            due_for_review=doc.next_review is not None and doc.next_review <= today,
        )


def documents_due_for_review(tx: Tx, today: date | None = None, within_days: int = 30) -> list[Any]:
    """Documents whose next review falls on or before ``today`` + ``within_days`` (overdue
    ones included), soonest first."""
    limit = (today or clock.today()) + timedelta(days=within_days)
    with reading(tx) as s:
        rows = s.execute(
            select(Document).where(Document.next_review.is_not(None), Document.next_review <= limit)
            .order_by(Document.next_review, Document.code)
        ).scalars()
        return [records.to_dto("document", d) for d in rows]


# ---------------------------------------------------------------- evidence files


def add_evidence(
    tx: Tx,
    actor: Actor,
    data: Mapping[str, Any],
    content: bytes,
    filename: str,
    media_type: str | None = None,
) -> Any:
    """An evidence record (``title``, ``effective_date``, ``description``, ``process``,
    ``clauses``) with its file: bytes stored in the same transaction, SHA-256 kept."""
    errors = []
    name = PurePath(str(filename or "").replace("\\", "/")).name.strip()
    if not isinstance(content, bytes | bytearray | memoryview):
        errors.append(FieldError("file", N_("is not a file's content")))
    elif not len(content):
        errors.append(FieldError("file", N_("is empty")))
    elif len(content) > MAX_EVIDENCE_BYTES:
        errors.append(FieldError("file", N_("is larger than {n} MB"), {"n": MAX_EVIDENCE_BYTES // 2**20}))
    if not name:
        errors.append(FieldError("file", N_("needs a file name")))
    elif len(name) > 255:
        errors.append(FieldError("file", N_("has a file name longer than {n} characters"), {"n": 255}))
    with writing(tx) as s:
        try:
            records.validate(s, SPECS["evidence"], data)
        except ValidationError as exc:
            errors = [*exc.errors, *errors]
        if errors:
            raise ValidationError(errors)
        blob = bytes(content)
        media = (media_type or "").strip()[:100] or mimetypes.guess_type(name)[0] or "application/octet-stream"
        dto = records.create(s, actor, "evidence", data, extra={
            "filename": name, "media_type": media, "size": len(blob),
            "sha256": hashlib.sha256(blob).hexdigest()})
        s.add(EvidenceBlob(evidence_id=dto.id, content=blob))
        s.flush()
        return dto


def add_evidence_file(tx: Tx, actor: Actor, data: Mapping[str, Any], path: str | Path,
                      media_type: str | None = None) -> Any:
    """:func:`add_evidence` with the bytes of the file at ``path`` (errors name "file")."""
    if is_blank(str(path) if path is not None else None):
        raise ValidationError([FieldError("file", N_("is required"))])
    p = Path(path).expanduser()
    try:
        content = p.read_bytes()
    except OSError as exc:
        raise ValidationError([FieldError("file", N_("cannot be read: {path} ({reason})"),
                                          {"path": str(p), "reason": exc.strerror or type(exc).__name__})]) from None
    return add_evidence(tx, actor, data, content, p.name, media_type)


def evidence_content(tx: Tx, code: str) -> bytes:
    """The stored bytes of an evidence file, checked against its SHA-256."""
    with reading(tx) as s:
        ev = records.get_row(s, "evidence", code)
        blob = s.get(EvidenceBlob, ev.id)
        if blob is None:
            raise NotFound(N_("Evidence file content"), ev.code)
        content = bytes(blob.content)
        if hashlib.sha256(content).hexdigest() != ev.sha256:
            raise EvidenceTampered(N_("the stored file of {code} does not match its SHA-256"), code=ev.code)
        return content


def evidence_list(tx: Tx, *, clause: str | None = None, process: str | None = None) -> list[Any]:
    """Evidence records (with clauses), newest effective date first; ``clause`` matches the
    clause and its sub-clauses, ``process`` is a process code."""
    with reading(tx) as s:
        stmt = select(Evidence)
        if clause:
            number = clause.strip()
            stmt = stmt.where(Evidence.id.in_(select(RecordClause.record_id).where(
                RecordClause.entity == "evidence",
                or_(RecordClause.clause == number, RecordClause.clause.like(number + ".%")))))
        if process:
            stmt = stmt.where(Evidence.process_id == records.get_row(s, "process", process).id)
        rows = s.execute(stmt.order_by(Evidence.effective_date.desc(), Evidence.id.desc())).scalars().all()
        links: dict[int, list[str]] = {}
        if rows:
            for rid, number in s.execute(
                select(RecordClause.record_id, RecordClause.clause).where(
                    RecordClause.entity == "evidence", RecordClause.record_id.in_([r.id for r in rows]))
            ):
                links.setdefault(rid, []).append(number)
        return [records.to_dto("evidence", r, tuple(sorted(links.get(r.id, []), key=_clause_key)))
                for r in rows]


def _clause_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))
