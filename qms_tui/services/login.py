"""Logging in to the QMS from a browser (``qms serve``): the password check, the rate limit,
the record of every attempt, and the inactivity timeout of a session.

**Password.** The one set with ``qms users passwd LOGIN`` (``person.password_hash``, scrypt,
see :mod:`qms_tui.services.users`); it is also the signing PIN. A login is the person's code,
exact or case-insensitive. An unknown login, a person without a password and a wrong password
get the same answer ("wrong user or password") after the same amount of work (one scrypt),
so the answer does not tell which logins exist. A disabled person who gives the right
password is told they are disabled.

**Rate limit** (:class:`LoginPolicy`). Failed attempts are counted over the last
``window`` (15 minutes):

- per login: from ``max_failures`` (5) failures since that login's last success, the login is
  refused until the oldest of those failures leaves the window — whoever tries, from wherever;
- per client (the browser's address): from ``max_client_failures`` (20) failures from that
  address, whatever the logins, it is refused likewise. It is higher than the per-login limit
  because a whole office may reach the server through one address.

While refused, the password is not even checked. The first refusal of a lock within the window
is recorded (source ``web-locked:ADDRESS``; the next ones are not, so a flood of tries cannot
fill the trail), and refusals do not count as failures, so the lock ends on time.

**Record.** Every attempt is a row of ``login_attempt`` (source ``web:ADDRESS``) and an
event of the audit trail (entity ``login_attempt``, action ``create``, in the same transaction):
a success in the name and role of the person, a failure in the name of the login typed and
the role ``anonymous``; the summary says what happened and from where. The password is
never stored or logged.

**Inactivity** (:class:`IdleTimeout`): a session ends after a while without keys or clicks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from qms_tui.db.models import LoginAttempt, Person, utcnow
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import QmsError
from qms_tui.services import trail
from qms_tui.services.tx import Tx, writing
from qms_tui.services.users import hash_pin, pin_matches

SOURCE = "web"  # login_attempt.source of a checked attempt: "web:ADDRESS"
LOCKED_SOURCE = "web-locked"  # an attempt refused by the rate limit, not checked
ANONYMOUS_ROLE = "anonymous"  # the trail's role of a failed attempt (nobody was authenticated)
UNKNOWN_CLIENT = "unknown"
LOGIN_MAX, SOURCE_MAX = 64, 100  # column sizes
#: A hash to check unknown logins against, so that they cost what a real check costs.
_DECOY = hash_pin("no such user", salt=b"qms-login-decoy!")


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    max_client_failures: int = 20
    window: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = LoginPolicy()


class LoginRefused(QmsError):
    """The login was refused; ``reason`` is ``credentials``, ``disabled``, ``locked`` or ``empty``."""

    def __init__(self, message: str, reason: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.reason = reason


def source_of(client: str | None, *, locked: bool = False) -> str:
    """``web:ADDRESS`` (``web-locked:ADDRESS``), cut to the column's size."""
    return f"{LOCKED_SOURCE if locked else SOURCE}:{(client or '').strip() or UNKNOWN_CLIENT}"[:SOURCE_MAX]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _person(session: Session, login: str) -> Person | None:
    """The person whose code is ``login``: exact first, else case-insensitive."""
    return session.execute(
        select(Person).where(or_(Person.code == login, func.lower(Person.code) == login.lower()))
        .order_by((Person.code == login).desc()).limit(1)
    ).scalar_one_or_none()


def _failures(session: Session, now: datetime, window: timedelta, *, login: str | None = None,
              source: str | None = None) -> list[datetime]:
    """Times of the checked failures within ``window`` before ``now``, newest first: of
    ``login`` since its last success, or from ``source``."""
    since = now - window
    conds: list[Any] = [LoginAttempt.success.is_(False), LoginAttempt.at > since]
    if login is not None:
        last_ok = session.execute(
            select(func.max(LoginAttempt.at)).where(LoginAttempt.login == login,
                                                    LoginAttempt.source.like(f"{SOURCE}:%"),
                                                    LoginAttempt.success.is_(True))
        ).scalar_one()
        if last_ok is not None and _aware(last_ok) > since:
            conds[1] = LoginAttempt.at > _aware(last_ok)
        conds += [LoginAttempt.login == login, LoginAttempt.source.like(f"{SOURCE}:%")]
    if source is not None:
        conds.append(LoginAttempt.source == source)
    rows = session.execute(select(LoginAttempt.at).where(*conds).order_by(LoginAttempt.at.desc())).scalars()
    return [_aware(at) for at in rows]


def lock(session: Session, login: str, client: str | None, now: datetime,
         policy: LoginPolicy = DEFAULT_POLICY) -> tuple[datetime, str] | None:
    """Whether attempts on ``login`` from ``client`` are refused now: (until when, why:
    ``login`` or ``client``), or None."""
    ends: list[tuple[datetime, str]] = []
    by_login = _failures(session, now, policy.window, login=login)
    if len(by_login) >= policy.max_failures:
        ends.append((by_login[policy.max_failures - 1] + policy.window, "login"))
    if client:
        by_client = _failures(session, now, policy.window, source=source_of(client))
        if len(by_client) >= policy.max_client_failures:
            ends.append((by_client[policy.max_client_failures - 1] + policy.window, "client"))
    return max(ends) if ends else None


def locked_until(session: Session, login: str, client: str | None, now: datetime,
                 policy: LoginPolicy = DEFAULT_POLICY) -> datetime | None:
    """When attempts on ``login`` (or from ``client``) will be accepted again, or None if
    they are now."""
    found = lock(session, login, client, now, policy)
    return found[0] if found else None


def _refusal_recorded(session: Session, login: str, client: str | None, why: str, now: datetime,
                      window: timedelta) -> bool:
    """Whether a refusal of this lock (of ``login``, or of ``client``) was recorded within the
    window: one record per lock is enough, and keeps a flood of tries out of the trail."""
    cond = (LoginAttempt.login == login) if why == "login" else (LoginAttempt.source == source_of(client, locked=True))
    return session.execute(
        select(LoginAttempt.id).where(cond, LoginAttempt.source.like(f"{LOCKED_SOURCE}:%"),
                                      LoginAttempt.at > now - window).limit(1)
    ).first() is not None


def _record(session: Session, login: str, success: bool, source: str, now: datetime, actor: Actor,
            summary: str) -> None:
    row = LoginAttempt(login=login, at=now, success=success, source=source)
    session.add(row)
    trail.append(session, actor, TrailAction.CREATE, "login_attempt", row, None, summary=summary)


def authenticate(
    tx: Tx,
    login: str,
    password: str,
    *,
    client: str | None = None,
    policy: LoginPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Actor:
    """Check ``login`` and ``password`` typed in a browser at ``client`` (its address) and
    return the person's Actor, or raise :class:`LoginRefused`. Every attempt with both
    fields filled is recorded (``login_attempt`` and the trail), in its own transaction,
    refused or not."""
    login = (login or "").strip()
    if not login or not password:
        raise LoginRefused(N_("type your user and your password"), "empty")
    now = now or utcnow()
    where = (client or "").strip() or UNKNOWN_CLIENT
    with writing(tx) as s:
        person = _person(s, login)
        key = (person.code if person is not None else login)[:LOGIN_MAX]
        claimed = Actor(login=key, role=ANONYMOUS_ROLE, name=key)
        locked = lock(s, key, client, now, policy)
        if locked is not None:
            until, why = locked
            if not _refusal_recorded(s, key, client, why, now, policy.window):
                _record(s, key, False, source_of(client, locked=True), now, claimed,
                        f"browser login refused: too many failed attempts (from {where})")
            refused = LoginRefused(N_("too many failed attempts: try again in {minutes} minutes"), "locked",
                                   minutes=max(1, -(-int((until - now).total_seconds()) // 60)))
        else:
            right = pin_matches(person.password_hash if person is not None and person.password_hash else _DECOY,
                                password)
            right = right and person is not None and bool(person.password_hash)
            if right and person is not None and person.active:
                actor = Actor(login=person.code, role=person.role, name=person.name, person_id=person.id)
                _record(s, key, True, source_of(client), now, actor, f"browser login (from {where})")
                return actor
            if right:
                _record(s, key, False, source_of(client), now, claimed,
                        f"browser login refused: user disabled (from {where})")
                refused = LoginRefused(N_("{login} is disabled in the QMS; ask an administrator"), "disabled",
                                       login=key)
            else:
                _record(s, key, False, source_of(client), now, claimed,
                        f"browser login refused: wrong user or password (from {where})")
                refused = LoginRefused(N_("wrong user or password"), "credentials")
    raise refused  # after the commit: the attempt stays recorded


# ---------------------------------------------------------------- inactivity


DEFAULT_IDLE_MINUTES = 15.0


class IdleTimeout:
    """How long a session has been idle: :meth:`touch` on every key or click; it is
    :meth:`expired` once ``minutes`` have passed since the last one (``clock``: seconds,
    monotonic)."""

    def __init__(self, minutes: float = DEFAULT_IDLE_MINUTES, clock: Callable[[], float] = time.monotonic) -> None:
        if minutes <= 0:
            raise ValueError("the idle timeout must be positive")
        self.seconds = minutes * 60.0
        self.clock = clock
        self.last = clock()

    def touch(self) -> None:
        self.last = self.clock()

    def remaining(self) -> float:
        """Seconds left before the session ends (0 when expired)."""
        return max(0.0, self.seconds - (self.clock() - self.last))

    def expired(self) -> bool:
        return self.clock() - self.last >= self.seconds

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0

    def check_every(self) -> float:
        """A sensible interval (seconds) between checks: a tenth of the timeout, 0.1 s to 30 s."""
        return min(30.0, max(0.1, self.seconds / 10.0))
