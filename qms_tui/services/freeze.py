"""Freeze windows around electoral key days (design/peers.md §(d) 1).

From ``freeze_before`` days before an event's key day to ``freeze_after`` days after it
(:data:`DEFAULT_FREEZE_BEFORE` 15 and :data:`DEFAULT_FREEZE_AFTER` 3 when the event leaves
them empty), controlled documents (the document, its versions) and process definitions do
not change: the services call :func:`check_not_frozen` (or :func:`guard`) first. An
**emergency change** goes through with a justification given by a quality coordinator or an
administrator: the trail event's summary says "emergency change: {justification}" and the
record is signed with the meaning "emergency_change" and the justification as its reason.

The window is computed from the key day each time, so moving the key day
(:func:`qms_tui.services.calendar.shift_event`) moves the window too. "Today" is
:func:`qms_tui.domain.clock.today` unless a day is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from qms_tui.db.models import Event
from qms_tui.domain import clock
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.domain.errors import PermissionDenied, TransitionError
from qms_tui.domain.fields import is_blank
from qms_tui.services.tx import Tx, reading

#: Days before and after the key day frozen when the event does not say (``E-15 … E+3``).
DEFAULT_FREEZE_BEFORE = 15
DEFAULT_FREEZE_AFTER = 3

#: Who may authorise an emergency change during a freeze.
EMERGENCY_ROLES = (Role.ADMIN.value, Role.COORDINATOR.value)

#: Signature meaning of an emergency change.
EMERGENCY_MEANING = "emergency_change"

_paused: ContextVar[bool] = ContextVar("qms_freeze_paused", default=False)
#: (justification, signing PIN) of an emergency change declared around a call (:func:`emergency`).
_emergency: ContextVar[tuple[str, str | None] | None] = ContextVar("qms_freeze_emergency", default=None)

MESSAGES = {
    "document": N_("changes to controlled documents are frozen from {start} to {end} around {event}; "
                   "an emergency change needs a justification"),
    "process": N_("changes to process definitions are frozen from {start} to {end} around {event}; "
                  "an emergency change needs a justification"),
}


class Frozen(TransitionError):
    """A change refused by a freeze window (front ends may offer the emergency-change route:
    the same call again with ``emergency_reason``). ``freeze`` is the :class:`Freeze`."""

    def __init__(self, message: str, freeze: Freeze, **params: Any) -> None:
        super().__init__(message, **params)
        self.freeze = freeze


@dataclass(frozen=True)
class Freeze:
    """An active freeze window: ``event`` is the event's code."""

    event: str
    name: str
    key_date: date
    start: date
    end: date


def window(event: Any) -> tuple[date, date]:
    """(first, last) frozen day of an event (a row or a DTO)."""
    before = DEFAULT_FREEZE_BEFORE if event.freeze_before is None else event.freeze_before
    after = DEFAULT_FREEZE_AFTER if event.freeze_after is None else event.freeze_after
    return event.key_date - timedelta(days=before), event.key_date + timedelta(days=after)


def active_freezes(tx: Tx, day: date | None = None) -> list[Freeze]:
    """The freeze windows that hold ``day`` (default: today), by key day."""
    day = day or clock.today()
    with reading(tx) as s:
        near = s.execute(select(Event).where(Event.key_date >= day - timedelta(days=400),
                                             Event.key_date <= day + timedelta(days=400))
                         .order_by(Event.key_date, Event.code)).scalars().all()
        out = []
        for ev in near:
            start, end = window(ev)
            if start <= day <= end:
                out.append(Freeze(ev.code, ev.name, ev.key_date, start, end))
        return out


@contextmanager
def paused() -> Iterator[None]:
    """No freeze applies inside the block: only for loaders that replay history already
    decided (the demo loader, whose "today" may fall in a demo event's window)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


@contextmanager
def emergency(reason: str, pin: str | None = None) -> Iterator[None]:
    """Inside the block, a change refused by a freeze is made as an emergency change with
    this justification (and the signer's PIN): what a front end does after a :class:`Frozen`
    refusal, calling the same service again — whichever service it was — so the guard of
    that service signs it. Outside any freeze it changes nothing."""
    token = _emergency.set((reason, pin))
    try:
        yield
    finally:
        _emergency.reset(token)


def check_not_frozen(session: Session | Tx, actor: Actor, what: str, *, emergency_reason: str | None = None,
                     day: date | None = None) -> str | None:
    """Refuse a change of a controlled document (``what`` "document") or a process
    definition ("process") during a freeze, unless it is an emergency change justified by a
    coordinator or an administrator. Returns None outside any freeze, else the trail summary
    of the emergency change ("emergency change: …")."""
    freezes = [] if _paused.get() else active_freezes(session, day)
    if not freezes:
        return None
    f = freezes[0]
    declared = _emergency.get()
    if is_blank(emergency_reason) and declared is not None:
        emergency_reason = declared[0]
    if is_blank(emergency_reason):
        raise Frozen(MESSAGES.get(what, MESSAGES["document"]), f, start=f.start.isoformat(),
                     end=f.end.isoformat(), event=f.event)
    if actor.role not in EMERGENCY_ROLES:
        role = Role(actor.role).label() if actor.role in Role.values() else str(actor.role)
        raise PermissionDenied(N_("only a quality coordinator or an administrator may authorise an emergency "
                                  "change during a freeze; {who} is {role}"), who=actor.label, role=role)
    return f"emergency change: {' '.join(str(emergency_reason).split())}"


@dataclass
class Change:
    """What :func:`guard` yields: ``summary`` is "emergency change: …" during a freeze (else
    None); ``sign_as`` names the record to sign when the change is done."""

    summary: str | None
    reason: str | None = None
    entity: str | None = None
    code: str | None = None

    def note(self, default: str | None = None) -> str | None:
        """The trail summary: ``default`` with the emergency justification appended."""
        if self.summary is None:
            return default
        return f"{default}; {self.summary}" if default else self.summary

    def sign_as(self, entity: str, code: str) -> None:
        self.entity, self.code = entity, code


@contextmanager
def guard(session: Session, actor: Actor, what: str, *,
          emergency_reason: str | None = None) -> Iterator[Change]:
    """``with guard(s, actor, "document", emergency_reason=r) as change:`` — refuses the change
    during a freeze unless it is an emergency change (:func:`check_not_frozen`); the block
    gives ``change.note(...)`` as the trail summary and calls ``change.sign_as(entity, code)``;
    after the block an emergency change is signed ("emergency_change", the justification)."""
    declared = _emergency.get()
    if is_blank(emergency_reason) and declared is not None:
        emergency_reason = declared[0]
    change = Change(check_not_frozen(session, actor, what, emergency_reason=emergency_reason), emergency_reason)
    yield change
    if change.summary is not None and change.code is not None:
        pin = declared[1] if declared is not None else None
        sign_emergency(session, actor, change.entity or what, change.code, str(change.reason), pin=pin)


def sign_emergency(session: Session, actor: Actor, entity: str, code: str, reason: str, *,
                   pin: str | None = None) -> Any:
    """Sign ``entity`` ``code`` with the meaning "emergency_change" and the justification
    (:func:`qms_tui.services.signatures.sign_emergency`; None for a built-in actor). A
    ``pin`` given is checked (a wrong one refuses the whole change)."""
    from qms_tui.services import signatures

    return signatures.sign_emergency(session, actor, entity, code, EMERGENCY_MEANING, reason, pin=pin)
