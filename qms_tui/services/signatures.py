"""Electronic signatures (21 CFR Part 11 style): who signed which record, meaning what
("approved", "verified effectiveness", "closed" …), when, and a SHA-256 of the record's
state at that moment. A later change of that state makes the signature stop matching,
and every front end says so ("✖ changed since signed").

**What the hash covers** (:func:`state_hash`): the record's business content, i.e. every
column except the bookkeeping (``id``, ``version``, ``created_at``, ``updated_at``) and the
lifecycle ``status``, whose later legitimate moves must not void an approval (an approved
policy version becomes *superseded*, an approved document version *obsolete*); plus its ISO
clause links; plus the content of the parts that make up the signed document:

- an audit report: the audit with its team, checklist and findings (``closed_on`` is left
  out: closing the audit after accepting its report is the normal next step);
- a review's minutes: the review with its inputs (9.3.2) and decisions (9.3.3) — not the
  follow-up actions, whose progress is tracked after the approval;
- a nonconformity's closure: the NC with its causes, actions and effectiveness checks.

So editing the text of a policy, the conclusions of an accepted report or reopening a closed
NC all void the signature, while superseding a policy does not.

**Who signs**: the acting person (``actor.person_id`` or the person whose code is the login).
The role must have the ``sign`` verb on the entity (:mod:`qms_tui.domain.permissions`). People
act as themselves (:mod:`qms_tui.services.identity` maps every login to its person, unknown
logins only read), so every step taken in the TUI or the CLI is signed; a built-in actor that
is no person (the scheduler's, the demo loader's, a script's) has nobody to sign with, and
:func:`sign` then writes nothing and returns None. When the person has a signing PIN
(``qms users passwd``), the PIN must be given and right (:func:`require_pin`); five wrong PINs
within 15 minutes lock signing for that person for the rest of those 15 minutes.

Signature rows are records like any other: written with their trail event, so deleting or
editing one behind the application's back is named by ``qms trail verify``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from qms_tui.db.models import MODELS, LoginAttempt, Person, Signature, utcnow
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Meaning, TrailAction
from qms_tui.domain.errors import FieldError, PermissionDenied, ValidationError
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import CodeScheme, EntitySpec
from qms_tui.services import records, trail
from qms_tui.services.tx import Tx, reading, writing
from qms_tui.services.users import pin_matches

SPEC = EntitySpec("signature", N_("Electronic signature"), N_("Electronic signatures"),
                  CodeScheme("FE", width=6), ())
#: Columns never hashed: bookkeeping and the lifecycle status (see the module docstring).
VOLATILE = frozenset({"id", "version", "created_at", "updated_at", "status"})
#: Per entity, columns that legitimately change after the signature.
LATER: dict[str, frozenset[str]] = {"audit": frozenset({"closed_on"})}
#: Per entity, the parts hashed with it: (child entity, its column pointing to the record).
PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "audit": (("audit_member", "audit_id"), ("checklist_item", "audit_id"), ("finding", "audit_id")),
    "review": (("review_input", "review_id"), ("review_output", "review_id")),
    "nonconformity": (("cause", "nonconformity_id"), ("action", "nonconformity_id"),
                      ("effectiveness_check", "nonconformity_id")),
}
PIN_FIELD = "pin"
PIN_SOURCE = "signing-pin"
MAX_FAILURES, LOCK_MINUTES = 5, 15


@dataclass(frozen=True)
class SignatureStatus:
    """One signature of a record and whether the record still matches it."""

    signature: Any  # SignatureDTO (code, entity, record_code, signer_id, meaning, signed_at, state_hash, reason)
    signer: str  # the signer's name
    signer_login: str
    matches: bool

    @property
    def meaning(self) -> str:
        """The meaning in the current language ("aprobó" …)."""
        try:
            return Meaning(self.signature.meaning).label()
        except ValueError:
            return self.signature.meaning

    @property
    def mark(self) -> str:
        return "✔" if self.matches else "✖"

    def line(self) -> str:
        """One line for a detail view or a PDF: ``✔ approved · Laura Hernández · 2025-03-20
        14:05 UTC · matches``."""
        from qms_tui.i18n import tr

        when = self.signature.signed_at.strftime("%Y-%m-%d %H:%M UTC")
        state = tr("matches") if self.matches else tr("changed since signed")
        return f"{self.mark} {self.meaning} · {self.signer} · {when} · {state}"


@dataclass(frozen=True)
class Mismatch:
    """A signature that no longer matches its record (or whose record is gone)."""

    status: SignatureStatus
    entity: str
    code: str
    missing: bool = False  # the record no longer exists


# ---------------------------------------------------------------- the state hash


def _content(obj: Any, skip: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in trail.snapshot(obj).items() if k not in skip}


def state_of(session: Session, entity: str, obj: Any) -> dict[str, Any]:
    """The signed content of ``obj`` (see the module docstring), JSON-safe."""
    session.flush()
    state: dict[str, Any] = {
        "entity": entity,
        "record": _content(obj, VOLATILE | LATER.get(entity, frozenset())),
        "clauses": list(records.clauses_of(session, entity, obj.id)),
    }
    for child, column in PARTS.get(entity, ()):
        model = MODELS[child]
        rows = session.execute(
            select(model).where(getattr(model, column) == obj.id).order_by(model.id)
        ).scalars()
        state[child] = [_content(row, VOLATILE - {"status"}) for row in rows]
    return state


def state_hash(session: Session, entity: str, obj: Any) -> str:
    """SHA-256 (hex) of :func:`state_of`, canonical JSON."""
    return hashlib.sha256(trail.canonical(state_of(session, entity, obj)).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- signing PIN


def _person(session: Session, actor: Actor) -> Person | None:
    if actor.person_id is not None:
        return session.get(Person, actor.person_id)
    return session.execute(select(Person).where(Person.code == actor.login)).scalar_one_or_none()


def _pin_error(message: str, **params: Any) -> ValidationError:
    return ValidationError([FieldError(PIN_FIELD, message, params)])


def _recent_failures(session: Session, login: str, now: datetime) -> tuple[int, datetime | None]:
    """Failed PINs of ``login`` within the lock window since its last success, and the first."""
    since = now - timedelta(minutes=LOCK_MINUTES)
    last_ok = session.execute(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.login == login, LoginAttempt.source == PIN_SOURCE,
                                                LoginAttempt.success.is_(True))
    ).scalar_one()
    if last_ok is not None and _aware(last_ok) > since:
        since = _aware(last_ok)
    rows = session.execute(
        select(LoginAttempt.at).where(LoginAttempt.login == login, LoginAttempt.source == PIN_SOURCE,
                                      LoginAttempt.success.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at)
    ).scalars().all()
    return len(rows), (_aware(rows[0]) if rows else None)


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _check_pin(session: Session, person: Person, pin: str | None) -> bool:
    """Raise when the person has a PIN and ``pin`` is missing or signing is locked; return
    whether it is right (True when the person has no PIN)."""
    if not person.password_hash:
        return True
    failures, first = _recent_failures(session, person.code, utcnow())
    if failures >= MAX_FAILURES:
        wait = LOCK_MINUTES - int((utcnow() - first).total_seconds() // 60) if first else LOCK_MINUTES
        raise _pin_error(N_("too many incorrect PINs; signing is locked for {minutes} minutes"),
                         minutes=max(wait, 1))
    if pin is None or not str(pin).strip():
        raise _pin_error(N_("your signing PIN is required to sign"))
    return pin_matches(person.password_hash, str(pin))


def before_signing(tx: Tx, actor: Actor, entity: str, pin: str | None) -> None:
    """What a signing step checks before anything else: the role may sign ``entity``, and
    the PIN (:func:`require_pin`)."""
    authorize(actor, entity, "sign")
    require_pin(tx, actor, pin)


def require_pin(tx: Tx, actor: Actor, pin: str | None) -> None:
    """Check the signing PIN of the acting person before a signing step, recording the
    attempt in its own transaction (so failures count even though the step is refused).
    Nothing to check for a person without a PIN. Raises ValidationError on field ``pin``."""
    if isinstance(tx, Session):  # joined transaction: :func:`sign` checks without recording
        return
    with writing(tx) as s:
        person = _person(s, actor)
        if person is None or not person.password_hash:
            return
        ok = _check_pin(s, person, pin)
        s.add(LoginAttempt(login=person.code, success=ok, source=PIN_SOURCE))
    if not ok:
        raise _pin_error(N_("is incorrect"))


# ---------------------------------------------------------------- signing


def sign(
    session: Session,
    actor: Actor,
    entity: str,
    record: Any,
    meaning: str,
    reason: str | None = None,
    *,
    pin: str | None = None,
    check_pin: bool = True,
) -> Any | None:
    """Sign ``record`` (a row, a code or an id of ``entity``) in the caller's transaction:
    the acting person, ``meaning`` (a :class:`Meaning`), now, and the hash of its state.
    Raises PermissionDenied (role, disabled person) and ValidationError (PIN, field ``pin``).
    Returns the signature's DTO (None for a built-in actor that is no person)."""
    authorize(actor, entity, "sign")
    meaning = Meaning(meaning).value
    obj = record if not isinstance(record, str | int) else records.get_row(session, entity, record)
    signer = _person(session, actor)
    if signer is None:  # a built-in actor (scheduler, demo loader, scripts): nobody to sign
        return None
    if not signer.active:
        raise PermissionDenied(N_("{who} is disabled and cannot sign"), who=actor.label)
    if (check_pin or pin is not None) and not _check_pin(session, signer, pin):
        raise _pin_error(N_("is incorrect"))
    row = Signature(
        code=records.next_code(session, SPEC),
        entity=entity,
        record_id=obj.id,
        record_code=obj.code,
        signer_id=signer.id,
        meaning=meaning,
        signed_at=utcnow(),
        state_hash=state_hash(session, entity, obj),
        reason=(reason or "").strip() or None,
    )
    session.add(row)
    trail.append(session, actor, TrailAction.CREATE, "signature", row, None,
                 summary=f"{meaning}: {entity} {obj.code}")
    return records.to_dto("signature", row)


def sign_emergency(
    session: Session, actor: Actor, entity: str, record: Any, meaning: str = Meaning.EMERGENCY_CHANGE,
    reason: str | None = None, *, pin: str | None = None,
) -> Any | None:
    """The signature of an emergency change during a freeze window (``services/freeze.py``
    calls it after its own role check), the justification as its reason. The PIN is checked
    when given (the TUI's emergency dialog asks it of people who have one); without it the
    signature is taken on the strength of the session (an emergency must never be blocked
    by a forgotten PIN)."""
    return sign(session, actor, entity, record, meaning or Meaning.EMERGENCY_CHANGE, reason,
                pin=pin, check_pin=False)


# ---------------------------------------------------------------- reading


def _statuses(session: Session, rows: Iterable[Signature]) -> list[tuple[SignatureStatus, bool]]:
    rows = list(rows)
    people = {p.id: p for p in session.execute(
        select(Person).where(Person.id.in_({r.signer_id for r in rows}))).scalars()} if rows else {}
    hashes: dict[tuple[str, int], str | None] = {}
    out = []
    for r in rows:
        key = (r.entity, r.record_id)
        if key not in hashes:
            model = MODELS.get(r.entity)
            obj = session.get(model, r.record_id) if model is not None else None
            hashes[key] = None if obj is None else state_hash(session, r.entity, obj)
        person = people.get(r.signer_id)
        status = SignatureStatus(records.to_dto("signature", r), person.name if person else "?",
                                 person.code if person else "?", hashes[key] == r.state_hash)
        out.append((status, hashes[key] is None))
    return out


def signatures_in(session: Session, entity: str, record_id: int) -> list[SignatureStatus]:
    """The signatures of one record (by id), oldest first, in the caller's session."""
    rows = session.execute(
        select(Signature).where(Signature.entity == entity, Signature.record_id == record_id)
        .order_by(Signature.signed_at, Signature.id)
    ).scalars().all()
    return [st for st, _missing in _statuses(session, rows)]


def signatures_of(tx: Tx, entity: str, code: str) -> list[SignatureStatus]:
    """The signatures of the record ``code`` of ``entity``, oldest first, each saying
    whether the record still matches it."""
    with reading(tx) as s:
        obj = records.get_row(s, entity, code)
        return signatures_in(s, entity, obj.id)


def verify_signatures(tx: Tx) -> list[Mismatch]:
    """Every signature whose record changed since it was signed, or no longer exists."""
    with reading(tx) as s:
        rows = s.execute(select(Signature).order_by(Signature.id)).scalars().all()
        return [Mismatch(st, st.signature.entity, st.signature.record_code, missing)
                for st, missing in _statuses(s, rows) if not st.matches]
