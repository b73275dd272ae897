"""Browser login (issue 9): the password check, the rate limit per login and per client, the
record of every attempt in login_attempt and in the trail, and the inactivity timeout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from qms_tui.db.models import LoginAttempt, TrailEvent, utcnow
from qms_tui.domain.actor import SYSTEM
from qms_tui.services import trail, users
from qms_tui.services.login import (
    ANONYMOUS_ROLE,
    IdleTimeout,
    LoginPolicy,
    LoginRefused,
    authenticate,
    locked_until,
)

PASSWORD = "correcto-2025"


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    users.add_user(db, SYSTEM, "lhernandez", "Laura Hernández Ruiz", "coordinator")
    users.add_user(db, SYSTEM, "ajuarez", "Arturo Juárez Téllez", "auditor")
    users.add_user(db, SYSTEM, "sinclave", "Sin Contraseña", "process_owner")
    users.set_pin(db, SYSTEM, "lhernandez", PASSWORD)
    users.set_pin(db, SYSTEM, "ajuarez", "auditor-pass-1")
    return db


def attempts(db, login: str | None = None) -> list:  # type: ignore[no-untyped-def]
    """(id, login, success, source) of every attempt, oldest first."""
    with db.read() as s:
        stmt = select(LoginAttempt.id, LoginAttempt.login, LoginAttempt.success,
                      LoginAttempt.source).order_by(LoginAttempt.id)
        if login is not None:
            stmt = stmt.where(LoginAttempt.login == login)
        return list(s.execute(stmt))


def login_events(db) -> list:  # type: ignore[no-untyped-def]
    """(actor, role, action, record_id, summary, after) of every login event of the trail."""
    with db.read() as s:
        return list(s.execute(select(TrailEvent.actor, TrailEvent.role, TrailEvent.action, TrailEvent.record_id,
                                     TrailEvent.summary, TrailEvent.after)
                              .where(TrailEvent.entity == "login_attempt").order_by(TrailEvent.seq)))


def test_right_password_gives_the_person_with_their_role(people) -> None:  # type: ignore[no-untyped-def]
    actor = authenticate(people, "lhernandez", PASSWORD, client="10.0.0.7")
    assert (actor.login, actor.role, actor.name) == ("lhernandez", "coordinator", "Laura Hernández Ruiz")
    assert actor.person_id is not None
    [row] = attempts(people)
    assert (row.login, row.success, row.source) == ("lhernandez", True, "web:10.0.0.7")
    [event] = login_events(people)
    assert (event.actor, event.role, event.action, event.record_id) == ("lhernandez", "coordinator", "create", row.id)
    assert event.summary == "browser login (from 10.0.0.7)"
    assert PASSWORD not in (event.after or "")


def test_login_is_case_insensitive_and_trimmed(people) -> None:  # type: ignore[no-untyped-def]
    assert authenticate(people, "  LHernandez ", PASSWORD, client="10.0.0.7").login == "lhernandez"
    assert attempts(people)[0].login == "lhernandez"


@pytest.mark.parametrize("login,password", [("lhernandez", "incorrecto"), ("nadie", PASSWORD),
                                            ("sinclave", "cualquiera-1")])
def test_wrong_password_unknown_user_or_no_password_get_the_same_refusal(people, login, password) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LoginRefused) as info:
        authenticate(people, login, password, client="10.0.0.7")
    assert info.value.reason == "credentials"
    assert str(info.value) == "wrong user or password"
    [row] = attempts(people)
    assert (row.login, row.success, row.source) == (login, False, "web:10.0.0.7")
    [event] = login_events(people)
    assert (event.actor, event.role) == (login, ANONYMOUS_ROLE)
    assert event.summary == "browser login refused: wrong user or password (from 10.0.0.7)"
    assert password not in (event.after or "") and password not in (event.summary or "")


def test_empty_fields_are_refused_without_a_record(people) -> None:  # type: ignore[no-untyped-def]
    for login, password in (("", PASSWORD), ("lhernandez", ""), ("   ", "x")):
        with pytest.raises(LoginRefused) as info:
            authenticate(people, login, password, client="10.0.0.7")
        assert info.value.reason == "empty"
    assert attempts(people) == [] and login_events(people) == []


def test_disabled_user_is_told_only_with_the_right_password(people) -> None:  # type: ignore[no-untyped-def]
    users.disable_user(people, SYSTEM, "ajuarez")
    with pytest.raises(LoginRefused) as info:
        authenticate(people, "ajuarez", "otra-cosa", client="10.0.0.7")
    assert info.value.reason == "credentials"
    with pytest.raises(LoginRefused) as info:
        authenticate(people, "ajuarez", "auditor-pass-1", client="10.0.0.7")
    assert info.value.reason == "disabled"
    assert "disabled" in str(info.value)
    assert [a.success for a in attempts(people, "ajuarez")] == [False, False]


def test_five_failures_lock_the_login_for_the_window(people) -> None:  # type: ignore[no-untyped-def]
    start = utcnow()
    for i in range(5):
        with pytest.raises(LoginRefused) as info:
            authenticate(people, "lhernandez", f"mal-{i}", client=f"10.0.0.{i}", now=start + timedelta(minutes=i))
        assert info.value.reason == "credentials"
    # the right password, from another address, is refused too: the login is locked
    with pytest.raises(LoginRefused) as info:
        authenticate(people, "lhernandez", PASSWORD, client="10.9.9.9", now=start + timedelta(minutes=5))
    assert info.value.reason == "locked"
    # the oldest failure (minute 0) leaves the window at minute 15: 10 minutes from minute 5
    assert info.value.params == {"minutes": 10}
    assert str(info.value) == "too many failed attempts: try again in 10 minutes"
    locked = attempts(people, "lhernandez")[-1]
    assert (locked.success, locked.source) == (False, "web-locked:10.9.9.9")
    assert login_events(people)[-1].summary == "browser login refused: too many failed attempts (from 10.9.9.9)"
    # more tries while locked are refused too, but recorded once (a flood must not fill the trail)
    for _ in range(3):
        with pytest.raises(LoginRefused) as info:
            authenticate(people, "lhernandez", PASSWORD, client="10.9.9.8", now=start + timedelta(minutes=6))
        assert info.value.reason == "locked"
    assert [a.source for a in attempts(people, "lhernandez")].count("web-locked:10.9.9.9") == 1
    assert not any(a.source == "web-locked:10.9.9.8" for a in attempts(people))
    # other logins are not affected
    assert authenticate(people, "ajuarez", "auditor-pass-1", client="10.9.9.9",
                        now=start + timedelta(minutes=5)).login == "ajuarez"
    # refusals while locked do not extend the lock: at minute 15 the first failure has left the window
    with pytest.raises(LoginRefused):
        authenticate(people, "lhernandez", PASSWORD, client="10.9.9.9", now=start + timedelta(minutes=14))
    actor = authenticate(people, "lhernandez", PASSWORD, client="10.9.9.9",
                         now=start + timedelta(minutes=15, seconds=1))
    assert actor.login == "lhernandez"


def test_a_success_resets_the_count_of_the_login(people) -> None:  # type: ignore[no-untyped-def]
    start = utcnow()
    for i in range(4):
        with pytest.raises(LoginRefused):
            authenticate(people, "lhernandez", "mal", client="10.0.0.1", now=start + timedelta(seconds=i))
    authenticate(people, "lhernandez", PASSWORD, client="10.0.0.1", now=start + timedelta(seconds=10))
    for i in range(4):
        with pytest.raises(LoginRefused) as info:
            authenticate(people, "lhernandez", "mal", client="10.0.0.1", now=start + timedelta(seconds=20 + i))
        assert info.value.reason == "credentials"
    with db_session(people) as s:
        assert locked_until(s, "lhernandez", "10.0.0.1", start + timedelta(seconds=30)) is None
    assert authenticate(people, "lhernandez", PASSWORD, client="10.0.0.1",
                        now=start + timedelta(seconds=30)).login == "lhernandez"


def test_failures_from_one_client_lock_that_client_whatever_the_login(people) -> None:  # type: ignore[no-untyped-def]
    policy = LoginPolicy(max_failures=5, max_client_failures=6)
    start = utcnow()
    for i in range(6):  # six different logins, one failure each: no login reaches its limit
        with pytest.raises(LoginRefused) as info:
            authenticate(people, f"persona{i}", "mal", client="203.0.113.5", policy=policy,
                         now=start + timedelta(seconds=i))
        assert info.value.reason == "credentials"
    for i in range(3):  # whatever the login: refused, and the lock of the client is recorded once
        with pytest.raises(LoginRefused) as info:
            authenticate(people, ("lhernandez", "ajuarez", "otro")[i], PASSWORD, client="203.0.113.5",
                         policy=policy, now=start + timedelta(seconds=10 + i))
        assert info.value.reason == "locked"
    assert [a.source for a in attempts(people)].count("web-locked:203.0.113.5") == 1
    # from another address the same person gets in
    assert authenticate(people, "lhernandez", PASSWORD, client="198.51.100.1", policy=policy,
                        now=start + timedelta(seconds=10)).login == "lhernandez"
    # after the window the client is accepted again
    assert authenticate(people, "ajuarez", "auditor-pass-1", client="203.0.113.5", policy=policy,
                        now=start + timedelta(minutes=15, seconds=1)).login == "ajuarez"


def test_login_events_keep_the_trail_verifiable(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LoginRefused):
        authenticate(people, "lhernandez", "mal", client="10.0.0.1")
    authenticate(people, "lhernandez", PASSWORD, client="10.0.0.1")
    assert len(login_events(people)) == 2
    with people.read() as s:
        assert trail.verify(s) == []


def test_no_client_is_recorded_as_unknown(people) -> None:  # type: ignore[no-untyped-def]
    authenticate(people, "lhernandez", PASSWORD)
    assert attempts(people)[0].source == "web:unknown"


def db_session(db):  # type: ignore[no-untyped-def]
    return db.read()


# ---------------------------------------------------------------- inactivity


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_timeout_expires_after_the_minutes_without_activity() -> None:
    clock = FakeClock()
    idle = IdleTimeout(15, clock)
    assert not idle.expired() and idle.remaining() == 900
    clock.now += 899
    assert not idle.expired() and idle.remaining() == pytest.approx(1)
    idle.touch()  # a key: the count starts again
    clock.now += 899
    assert not idle.expired()
    clock.now += 1
    assert idle.expired() and idle.remaining() == 0
    assert idle.check_every() == 30.0
    assert IdleTimeout(0.01, clock).check_every() == pytest.approx(0.1)


def test_idle_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        IdleTimeout(0)
