"""QMS users: people with a login (their code, the OS or database login), a role, active or
not, and an optional signing PIN (``qms users add|list|set-role|disable|passwd``).

Every change goes through :mod:`qms_tui.services.records` with the acting user, so the
permission matrix applies (``manage_users`` on ``person``: administrators and quality
coordinators; only an administrator grants, removes or disables the administrator role) and
each change has its trail event.

**Bootstrap.** While the database has never had an administrator (no person with the role,
active or disabled, and none in the trail), anybody may add the first one (``qms users add LOGIN --name … --role
admin``): that write is made by a built-in administrator actor carrying the caller's login
(the trail shows who), and the result says it bootstrapped. From then on the matrix applies:
disabling every administrator does not reopen the bootstrap. The last active administrator
cannot be demoted or disabled through these commands.

**Signing PIN.** Stored in ``person.password_hash`` as ``scrypt$n$r$p$salt$hash`` (hex
salt and hash; ``hashlib.scrypt``, a random 16-byte salt); never returned by any DTO, and the
trail keeps only a SHA-256 of it. Anybody may set their own PIN (giving the current one when
there is one); setting someone else's is managing users (an administrator's: administrators
only).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from qms_tui.db.models import Person
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role, TrailAction
from qms_tui.domain.errors import FieldError, NotFound, PermissionDenied, ValidationError
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import FIELD_LABELS, SPECS
from qms_tui.services import records
from qms_tui.services.tx import Tx, reading, writing

SCRYPT_N, SCRYPT_R, SCRYPT_P, DKLEN = 2**14, 8, 1, 32
MIN_PIN = 6
# the PIN inputs are not fields of a spec; their labels, for error messages
FIELD_LABELS.setdefault("pin", N_("Signing PIN"))
FIELD_LABELS.setdefault("current_pin", N_("Current signing PIN"))


@dataclass(frozen=True)
class User:
    """A QMS user as ``qms users list`` shows it."""

    login: str
    name: str
    role: str
    active: bool
    email: str | None
    org_unit: str | None  # code
    has_pin: bool


@dataclass(frozen=True)
class Added:
    user: Any  # PersonDTO (no password hash)
    bootstrapped: bool  # the first administrator, added without an administrator's rights


# ---------------------------------------------------------------- PIN hashing


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``pin``."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=DKLEN)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(stored: str | None, pin: str) -> bool:
    """Whether ``pin`` is the one hashed in ``stored`` (constant-time comparison)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        got = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


# ---------------------------------------------------------------- helpers


def _public(dto: Any) -> Any:
    from qms_tui.services.org import _public as public

    return public(dto)


def _person(session: Any, login: str) -> Person:
    person = session.execute(select(Person).where(Person.code == str(login).strip())).scalar_one_or_none()
    if person is None:
        raise NotFound(SPECS["person"].title, str(login))
    return person


def _active_admins(session: Any) -> int:
    return session.execute(
        select(func.count()).select_from(Person).where(Person.role == Role.ADMIN.value, Person.active.is_(True))
    ).scalar_one()


def _any_admin(session: Any) -> bool:
    """Whether the database has ever had an administrator: a person with the role now (active
    or disabled), or one the trail recorded with it (since demoted)."""
    from qms_tui.db.models import TrailEvent

    if session.execute(select(Person.id).where(Person.role == Role.ADMIN.value).limit(1)).first() is not None:
        return True
    was = select(TrailEvent.seq).where(TrailEvent.entity == "person",
                                       TrailEvent.after.like('%"role":"admin"%')).limit(1)
    return session.execute(was).first() is not None


def _not_last_admin(session: Any, person: Person, *, removing: bool) -> None:
    if removing and person.role == Role.ADMIN and person.active and _active_admins(session) <= 1:
        raise PermissionDenied(N_("{login} is the last active administrator; add another one first"),
                               login=person.code)


def _role(value: str) -> str:
    raw = (value or "").strip()
    for r in Role:
        if raw in (r.value, r.msgid, r.label()):
            return r.value
    raise ValidationError([FieldError("role", N_("must be one of: {choices}"),
                                      {"choices": ", ".join(Role.values())})])


# ---------------------------------------------------------------- commands


def add_user(
    tx: Tx,
    actor: Actor,
    login: str,
    name: str,
    role: str,
    *,
    email: str | None = None,
    org_unit: str | None = None,
) -> Added:
    """Register a user (a person whose code is ``login``). The first administrator of a
    database without one may be added by anybody (bootstrap)."""
    data = {"code": login, "name": name, "role": _role(role), "email": email, "org_unit": org_unit,
            "active": True}
    with writing(tx) as s:
        bootstrap = data["role"] == Role.ADMIN and not _any_admin(s)
        acting = actor
        if bootstrap:
            acting = Actor(login=actor.login, role=Role.ADMIN, name=actor.name or actor.login)
        else:
            authorize(actor, "person", "manage_users")
        dto = records.create(s, acting, "person", data,
                             summary="bootstrap: first administrator" if bootstrap else None)
        return Added(_public(dto), bootstrap)


def set_role(tx: Tx, actor: Actor, login: str, role: str, expected_version: int | None = None) -> Any:
    """Change a user's role (the last active administrator keeps theirs)."""
    authorize(actor, "person", "manage_users")
    new = _role(role)
    with writing(tx) as s:
        person = _person(s, login)
        _not_last_admin(s, person, removing=new != Role.ADMIN)
        return _public(records.update(s, actor, "person", person.code, {"role": new},
                                      expected_version=expected_version))


def disable_user(tx: Tx, actor: Actor, login: str) -> Any:
    """Mark a user inactive: from now on they can only read (or are refused, see
    :mod:`qms_tui.services.identity`). Their records, trail and signatures stay."""
    authorize(actor, "person", "manage_users")
    with writing(tx) as s:
        person = _person(s, login)
        _not_last_admin(s, person, removing=True)
        return _public(records.update(s, actor, "person", person.code, {"active": False}))


def enable_user(tx: Tx, actor: Actor, login: str) -> Any:
    authorize(actor, "person", "manage_users")
    with writing(tx) as s:
        person = _person(s, login)
        return _public(records.update(s, actor, "person", person.code, {"active": True}))


def set_pin(tx: Tx, actor: Actor, login: str, pin: str, current: str | None = None) -> Any:
    """Set the signing PIN of ``login`` (at least 6 characters). Your own: give the current
    PIN when you have one. Someone else's: managing users (an administrator's, administrators
    only)."""
    pin = pin or ""
    if len(pin.strip()) < MIN_PIN:
        raise ValidationError([FieldError("pin", N_("must have at least {n} characters"), {"n": MIN_PIN})])
    with writing(tx) as s:
        person = _person(s, login)
        own = person.code == actor.login or (actor.person_id is not None and person.id == actor.person_id)
        if own:  # your own PIN is yours to set, whatever your role
            if person.password_hash and not pin_matches(person.password_hash, current or ""):
                raise ValidationError([FieldError("current_pin", N_("is incorrect") if current else N_("is required"))])
        else:
            authorize(actor, "person", "manage_users")
            if person.role == Role.ADMIN and actor.role != Role.ADMIN:
                raise PermissionDenied(N_("only an administrator may set an administrator's PIN"))
        records.get_row(s, "person", person.id, lock=True)
        return _public(records.apply(s, actor, "person", person, {"password_hash": hash_pin(pin)},
                                     TrailAction.UPDATE, summary="signing PIN set"))


def has_pin(tx: Tx, login: str) -> bool:
    """Whether ``login`` has a signing PIN (the sign dialog then asks for it)."""
    with reading(tx) as s:
        value = s.execute(select(Person.password_hash).where(Person.code == login)).scalar_one_or_none()
        return bool(value)


def list_users(tx: Tx, *, include_inactive: bool = True) -> list[User]:
    """Every user, by login."""
    from qms_tui.db.models import OrgUnit

    with reading(tx) as s:
        stmt = (select(Person, OrgUnit.code).outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id)
                .order_by(Person.code))
        if not include_inactive:
            stmt = stmt.where(Person.active.is_(True))
        return [User(p.code, p.name, p.role, bool(p.active), p.email, unit, bool(p.password_hash))
                for p, unit in s.execute(stmt)]
