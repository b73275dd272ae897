"""Notifications: messages to one person about one record (reminders, overdue alerts, reports).

They are messages, not quality records: no trail event. ``dedupe_key`` is unique, so writing
the same reminder twice (a tick run again, two runs racing) adds nothing. Jobs write them
as the system actor; each person reads, and marks read, only their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from qms_tui.db.models import Notification, Person, utcnow
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.domain.errors import PermissionDenied
from qms_tui.services import records
from qms_tui.services.tx import Tx, reading, writing

#: Kinds of notification (stable ASCII values) and what each means, for people.
KINDS: dict[str, str] = {
    "measurement_due": N_("Measurement due"),
    "measurement_overdue": N_("Measurement overdue"),
    "audit_upcoming": N_("Audit coming up"),
    "review_upcoming": N_("Management review coming up"),
    "action_due": N_("Action due"),
    "action_overdue": N_("Action overdue"),
    "check_due": N_("Effectiveness check due"),
    "check_overdue": N_("Effectiveness check overdue"),
    "document_review_due": N_("Document review due"),
    "document_review_overdue": N_("Document review overdue"),
    "report_ready": N_("Report ready"),
    "nc_draft": N_("Nonconformity draft raised by an indicator"),
}

WRITERS = (Role.ADMIN.value, Role.COORDINATOR.value)
_CHUNK = 500


@dataclass(frozen=True)
class Draft:
    """A notification to write: ``recipient_id`` is a person's id."""

    recipient_id: int
    recipient: str  # the person's code (login), part of the dedupe key
    kind: str
    title: str
    entity: str | None = None
    record_code: str | None = None
    due_date: date | None = None
    body: str | None = None

    @property
    def key(self) -> str:
        return dedupe_key(self.kind, self.entity, self.record_code, self.due_date, self.recipient)


@dataclass(frozen=True)
class NotificationDTO:
    id: int
    kind: str
    entity: str | None
    record_code: str | None
    title: str
    body: str | None
    due_date: date | None
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True)
class Outgoing:
    """A notification waiting to be e-mailed, with its recipient's address."""

    id: int
    email: str
    name: str
    title: str
    body: str | None
    entity: str | None
    record_code: str | None
    due_date: date | None


def dedupe_key(kind: str, entity: str | None, code: str | None, due: date | None, recipient: str) -> str:
    """``kind:entity:code:due_date:recipient`` (at most 200 characters)."""
    key = f"{kind}:{entity or '-'}:{code or '-'}:{due.isoformat() if due else '-'}:{recipient}"
    return key[:200]


def _dto(n: Notification) -> NotificationDTO:
    return NotificationDTO(n.id, n.kind, n.entity, n.record_code, n.title, n.body,  # type: ignore[arg-type]
                           n.due_date, n.created_at, n.read_at, n.emailed_at)


def _person_id(session: Any, login: str) -> int | None:
    return session.execute(select(Person.id).where(Person.code == login)).scalar()


# ---------------------------------------------------------------- writing (jobs)


def create(tx: Tx, actor: Actor, drafts: Iterable[Draft]) -> int:
    """Write the drafts whose dedupe key is new; returns how many were written.

    Runs in one write transaction (serialised with every other writer), so checking the
    keys and inserting cannot race."""
    if actor.role not in WRITERS:
        raise PermissionDenied(N_("{who} may not send notifications"), who=actor.label)
    unique: dict[str, Draft] = {}
    for d in drafts:
        unique.setdefault(d.key, d)
    if not unique:
        return 0
    with writing(tx) as s:
        keys = list(unique)
        existing: set[str] = set()
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i:i + _CHUNK]
            existing.update(s.execute(select(Notification.dedupe_key)
                                      .where(Notification.dedupe_key.in_(chunk))).scalars())
        new = [Notification(recipient_id=d.recipient_id, kind=d.kind, entity=d.entity,
                            record_code=d.record_code, title=d.title[:300], body=d.body,
                            due_date=d.due_date, dedupe_key=key)
               for key, d in unique.items() if key not in existing]
        s.add_all(new)
        s.flush()
        return len(new)


# ---------------------------------------------------------------- reading (the inbox)


def inbox(
    tx: Tx,
    person_code: str,
    *,
    unread_only: bool = False,
    text: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> records.Page:
    """One page of ``person_code``'s notifications, newest first (empty if no such person);
    ``text`` matches the title or the record's code."""
    with reading(tx) as s:
        pid = _person_id(s, person_code)
        if pid is None:
            return records.Page([], 0, offset, limit)
        conds: list[Any] = [Notification.recipient_id == pid]
        if unread_only:
            conds.append(Notification.read_at.is_(None))
        if text and text.strip():
            like = f"%{text.strip().lower()}%"
            conds.append(or_(func.lower(Notification.title).like(like),
                             func.lower(func.coalesce(Notification.record_code, "")).like(like)))
        rows = s.execute(select(Notification).where(*conds)
                         .order_by(Notification.created_at.desc(), Notification.id.desc())
                         .offset(offset).limit(limit)).scalars()
        page = [_dto(n) for n in rows]
        total = s.execute(select(func.count()).select_from(Notification).where(*conds)).scalar_one()
        return records.Page(page, total, offset, limit)


def unread_count(tx: Tx, person_code: str) -> int:
    """How many notifications ``person_code`` has not read (0 if no such person)."""
    with reading(tx) as s:
        return s.execute(
            select(func.count()).select_from(Notification).join(Person, Person.id == Notification.recipient_id)
            .where(Person.code == person_code, Notification.read_at.is_(None))
        ).scalar_one()


def get(tx: Tx, actor: Actor, notification_id: int) -> NotificationDTO:
    """One of the actor's own notifications."""
    with reading(tx) as s:
        n = s.get(Notification, notification_id)
        if n is None or n.recipient_id != _person_id(s, actor.login):
            raise PermissionDenied(N_("this notification is not addressed to {who}"), who=actor.label)
        return _dto(n)


def mark_read(tx: Tx, actor: Actor, notification_id: int) -> bool:
    """Mark one of the actor's notifications read; False if it already was."""
    with writing(tx) as s:
        n = s.get(Notification, notification_id)
        if n is None or n.recipient_id != _person_id(s, actor.login):
            raise PermissionDenied(N_("this notification is not addressed to {who}"), who=actor.label)
        if n.read_at is not None:
            return False
        n.read_at = utcnow()
        return True


def mark_all_read(tx: Tx, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    with writing(tx) as s:
        pid = _person_id(s, actor.login)
        if pid is None:
            return 0
        result = s.execute(update(Notification)
                           .where(Notification.recipient_id == pid, Notification.read_at.is_(None))
                           .values(read_at=utcnow()))
        return result.rowcount or 0


# ---------------------------------------------------------------- e-mail (jobs)


def pending_email(tx: Tx, *, max_age_days: int = 3, limit: int = 200,
                  now: datetime | None = None) -> list[Outgoing]:
    """Unread notifications not yet e-mailed, not older than ``max_age_days``, to active
    people with an e-mail address; oldest first."""
    since = (now or utcnow()) - timedelta(days=max_age_days)
    with reading(tx) as s:
        rows = s.execute(
            select(Notification, Person.email, Person.name)
            .join(Person, Person.id == Notification.recipient_id)
            .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None),
                   Notification.created_at >= since, Person.active.is_(True),
                   Person.email.is_not(None), Person.email != "")
            .order_by(Notification.created_at, Notification.id).limit(limit)
        ).all()
        return [Outgoing(n.id, email, name, n.title, n.body, n.entity, n.record_code, n.due_date)
                for n, email, name in rows]


def mark_emailed(tx: Tx, actor: Actor, ids: Sequence[int]) -> int:
    if actor.role not in WRITERS:
        raise PermissionDenied(N_("{who} may not send notifications"), who=actor.label)
    if not ids:
        return 0
    with writing(tx) as s:
        result = s.execute(update(Notification).where(Notification.id.in_(list(ids)),
                                                      Notification.emailed_at.is_(None))
                           .values(emailed_at=utcnow()))
        return result.rowcount or 0


def count(tx: Tx) -> int:
    """All notifications (tests, status lines)."""
    with reading(tx) as s:
        return s.execute(select(func.count()).select_from(Notification)).scalar_one()
