"""What is due on a given day: the reminders the scheduler turns into notifications.

Pure reads, headless, with a fixed ``today`` (tests pass any date). Each function returns
:class:`~qms_tui.services.notifications.Draft` s addressed to the responsible people; their
dedupe keys carry the due date, so a reminder is written once per record, due date and
person however often the job runs. Overdue measurements use the same rule as the
dashboard (:func:`qms_tui.services.indicators.indicator_statuses`).

Who is responsible: an indicator's owner (else its process owner); an audit's lead auditor,
team and the audited process owner; an action's owner; an effectiveness check's verifier
(else the nonconformity's owner); a document's owner (else its process owner). Nobody (or
nobody active) → the quality coordinators (else the administrators). Management reviews
go to the quality coordinators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from qms_tui.db.models import (
    Action,
    Audit,
    AuditMember,
    Document,
    EffectivenessCheck,
    Event,
    Nonconformity,
    Person,
    Process,
    Review,
)
from qms_tui.domain import indicators as maths
from qms_tui.domain.enums import (
    N_,
    ActionStatus,
    AuditStatus,
    Effectiveness,
    NcStatus,
    ReviewStatus,
    Role,
)
from qms_tui.domain.periods import FREQUENCY_KIND, parse_period, period_for, previous_period
from qms_tui.i18n import tr_lang
from qms_tui.services.indicators import indicator_statuses
from qms_tui.services.notifications import Draft
from qms_tui.services.tx import Tx, reading

TEXT_MAX = 120  # characters of a description quoted in a title


@dataclass(frozen=True)
class Leads:
    """How many days ahead "coming up" / "due" reminders start."""

    audit: int = 14
    review: int = 14
    action: int = 7
    check: int = 7
    document: int = 30


@dataclass
class _People:
    codes: dict[int, str]  # active people: id -> code (login)
    coordinators: list[int] = field(default_factory=list)

    def of(self, *ids: int | None) -> list[tuple[int, str]]:
        """The active people among ``ids`` (in order, once each), else the coordinators."""
        seen: dict[int, str] = {}
        for pid in ids:
            if pid is not None and pid in self.codes and pid not in seen:
                seen[pid] = self.codes[pid]
        if not seen:
            seen = {pid: self.codes[pid] for pid in self.coordinators}
        return list(seen.items())

    def first(self, *ids: int | None) -> list[tuple[int, str]]:
        """The first active person among ``ids``, else the coordinators."""
        for pid in ids:
            if pid is not None and pid in self.codes:
                return [(pid, self.codes[pid])]
        return self.coordinators_only()

    def coordinators_only(self) -> list[tuple[int, str]]:
        return [(pid, self.codes[pid]) for pid in self.coordinators]


def _people(s: Session) -> _People:
    rows = s.execute(select(Person.id, Person.code, Person.role).where(Person.active.is_(True))
                     .order_by(Person.code)).all()
    codes = {pid: code for pid, code, _role in rows}
    coords = [pid for pid, _c, role in rows if role == Role.COORDINATOR]
    if not coords:
        coords = [pid for pid, _c, role in rows if role == Role.ADMIN]
    return _People(codes, coords)


def _short(text: str | None) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= TEXT_MAX else line[: TEXT_MAX - 1] + "…"


def _drafts(people: Iterable[tuple[int, str]], kind: str, entity: str | None, code: str | None,
            due: date | None, title: str, body: str | None = None) -> list[Draft]:
    return [Draft(pid, login, kind, title, entity, code, due, body) for pid, login in people]


# ---------------------------------------------------------------- measurements


def measurement_reminders(tx: Tx, today: date, lang: str = "es") -> list[Draft]:
    """Measurements due (the period has ended and is within its grace days; a per-event
    indicator from its event's key day to the event's end plus the grace days) and overdue
    (past that date with no value: one reminder per newly overdue period)."""
    out: list[Draft] = []
    with reading(tx) as s:
        people = _people(s)
        statuses = indicator_statuses(s, today)
        events = {e.code: e for e in s.execute(select(Event)).scalars()}
        owners = dict(s.execute(select(Process.id, Process.owner_id)).all())
        for st in statuses:
            ind = st.indicator
            kind = FREQUENCY_KIND.get(ind.frequency)
            if kind is None:
                continue
            to = people.first(ind.owner_id, owners.get(ind.process_id))
            name = _short(ind.name)
            if kind == "day":
                found = _event_reminder(st, events.get(st.event) if st.event else None, today, lang, name)
            else:
                found = _period_reminder(st, today, lang, name)
            if found is not None:
                kind_, due, title, body = found
                out += _drafts(to, kind_, "indicator", ind.code, due, title, body)
    return out


def _event_reminder(st: Any, event: Event | None, today: date, lang: str,
                    name: str) -> tuple[str, date, str, str | None] | None:
    if event is None:
        return None
    last_start = parse_period(st.last_period).start if st.last_period else None
    if last_start is not None and last_start >= event.start_date:
        return None  # measured for this event
    # planned relative to the key day (E+N, services.calendar) or the event's end plus the grace days
    due = st.event_due or event.end_date + timedelta(days=maths.DEFAULT_GRACE_DAYS)
    params = {"indicator": st.code, "name": name, "event": event.code, "date": due.isoformat()}
    if st.overdue:
        return ("measurement_overdue", due,
                tr_lang(lang, N_("{indicator} {name}: the measurement for {event} is overdue (due {date})"), **params),
                None)
    if today >= event.key_date:
        return ("measurement_due", due,
                tr_lang(lang, N_("{indicator} {name}: the measurement for {event} is due by {date}"), **params),
                None)
    return None


def _period_reminder(st: Any, today: date, lang: str, name: str) -> tuple[str, date, str, str | None] | None:
    ind = st.indicator
    created = ind.created_at.date() if ind.created_at is not None else None
    if st.overdue:
        missing = maths.missing_periods(ind.frequency, st.last_period, today, start=created)
        if not missing:
            return None
        latest = missing[-1]
        due = maths.due_date(latest)
        params = {"indicator": st.code, "name": name, "period": latest.label, "date": due.isoformat(),
                  "n": len(missing)}
        if len(missing) == 1:
            title = tr_lang(lang, N_("{indicator} {name}: the measurement of {period} is overdue (due {date})"), **params)
            body = None
        else:
            title = tr_lang(lang, N_("{indicator} {name}: {n} periods without a measurement (latest {period}, due {date})"),
                            **params)
            body = ", ".join(p.label for p in missing)
        return "measurement_overdue", due, title, body
    p = previous_period(period_for(ind.frequency, today))
    due = maths.due_date(p)
    measured = st.last_period is not None and parse_period(st.last_period).end >= p.end
    expected = created is None or p.start >= created
    if measured or not expected or not (p.end < today <= due):
        return None
    title = tr_lang(lang, N_("{indicator} {name}: the measurement of {period} is due by {date}"),
                    indicator=st.code, name=name, period=p.label, date=due.isoformat())
    return "measurement_due", due, title, None


# ---------------------------------------------------------------- audits and reviews


def audit_reminders(tx: Tx, today: date, lead_days: int = 14, lang: str = "es") -> list[Draft]:
    """Audits (planned or confirmed) starting within ``lead_days``: to the lead auditor,
    the team and the audited process owner."""
    out: list[Draft] = []
    until = today + timedelta(days=lead_days)
    with reading(tx) as s:
        people = _people(s)
        rows = s.execute(
            select(Audit, Process.owner_id).outerjoin(Process, Process.id == Audit.process_id)
            .where(Audit.status.in_([AuditStatus.PLANNED.value, AuditStatus.CONFIRMED.value]),
                   Audit.planned_start >= today, Audit.planned_start <= until)
            .order_by(Audit.planned_start, Audit.code)
        ).all()
        teams: dict[int, list[int]] = {}
        ids = [a.id for a, _o in rows]
        if ids:
            for audit_id, person_id in s.execute(
                select(AuditMember.audit_id, AuditMember.person_id).where(AuditMember.audit_id.in_(ids))
                .order_by(AuditMember.id)
            ):
                teams.setdefault(audit_id, []).append(person_id)
        for audit, process_owner in rows:
            to = people.of(audit.lead_auditor_id, *teams.get(audit.id, []), process_owner)
            title = tr_lang(lang, N_("Audit {code} {title} starts on {date}"), code=audit.code,
                            title=_short(audit.title), date=audit.planned_start.isoformat())
            out += _drafts(to, "audit_upcoming", "audit", audit.code, audit.planned_start, title)
    return out


def review_reminders(tx: Tx, today: date, lead_days: int = 14, lang: str = "es") -> list[Draft]:
    """Management reviews still planned for a day within ``lead_days``: to the coordinators."""
    out: list[Draft] = []
    until = today + timedelta(days=lead_days)
    with reading(tx) as s:
        people = _people(s)
        rows = s.execute(
            select(Review).where(Review.status == ReviewStatus.PLANNED.value,
                                 Review.planned_date >= today, Review.planned_date <= until)
            .order_by(Review.planned_date, Review.code)
        ).scalars().all()
        for review in rows:
            title = tr_lang(lang, N_("Management review {code} {title} is planned for {date}"),
                            code=review.code, title=_short(review.title), date=review.planned_date.isoformat())
            out += _drafts(people.coordinators_only(), "review_upcoming", "review", review.code,
                           review.planned_date, title)
    return out


# ---------------------------------------------------------------- actions and effectiveness checks

_ABANDONED = (NcStatus.CANCELLED.value, NcStatus.DISMISSED.value)


def action_reminders(tx: Tx, today: date, lead_days: int = 7, lang: str = "es") -> list[Draft]:
    """Open actions due within ``lead_days`` (action_due) or past their due date
    (action_overdue): to the owner. Actions of a cancelled or dismissed NC are left out."""
    out: list[Draft] = []
    until = today + timedelta(days=lead_days)
    with reading(tx) as s:
        people = _people(s)
        rows = s.execute(
            select(Action).outerjoin(Nonconformity, Nonconformity.id == Action.nonconformity_id)
            .where(Action.status.in_([ActionStatus.PENDING.value, ActionStatus.IN_PROGRESS.value]),
                   Action.due_date <= until,
                   or_(Nonconformity.id.is_(None), Nonconformity.status.not_in(_ABANDONED)))
            .order_by(Action.due_date, Action.code)
        ).scalars().all()
        for action in rows:
            overdue = action.due_date < today
            params = {"code": action.code, "date": action.due_date.isoformat(),
                      "description": _short(action.description)}
            if overdue:
                kind, title = "action_overdue", tr_lang(lang, N_("Action {code} is overdue since {date}: {description}"), **params)
            else:
                kind, title = "action_due", tr_lang(lang, N_("Action {code} is due on {date}: {description}"), **params)
            out += _drafts(people.first(action.owner_id), kind, "action", action.code, action.due_date, title)
    return out


def check_reminders(tx: Tx, today: date, lead_days: int = 7, lang: str = "es") -> list[Draft]:
    """Effectiveness checks still pending, planned within ``lead_days`` (check_due) or
    before today (check_overdue), of nonconformities still open: to the verifier."""
    out: list[Draft] = []
    until = today + timedelta(days=lead_days)
    ended = _ABANDONED + (NcStatus.CLOSED.value,)
    with reading(tx) as s:
        people = _people(s)
        rows = s.execute(
            select(EffectivenessCheck, Nonconformity.code, Nonconformity.owner_id)
            .join(Nonconformity, Nonconformity.id == EffectivenessCheck.nonconformity_id)
            .where(EffectivenessCheck.result == Effectiveness.PENDING.value,
                   EffectivenessCheck.planned_date <= until, Nonconformity.status.not_in(ended))
            .order_by(EffectivenessCheck.planned_date, EffectivenessCheck.code)
        ).all()
        for check, nc_code, nc_owner in rows:
            params = {"code": check.code, "nc": nc_code, "date": check.planned_date.isoformat()}
            if check.planned_date < today:
                kind, title = "check_overdue", tr_lang(lang, N_("Effectiveness check {code} of {nc} is overdue since {date}"), **params)
            else:
                kind, title = "check_due", tr_lang(lang, N_("Effectiveness check {code} of {nc} is due on {date}"), **params)
            out += _drafts(people.first(check.verifier_id, nc_owner), kind, "effectiveness_check", check.code,
                           check.planned_date, title, _short(check.criterion) or None)
    return out


# ---------------------------------------------------------------- documents


def document_reminders(tx: Tx, today: date, lead_days: int = 30, lang: str = "es") -> list[Draft]:
    """Documents whose periodic review falls within ``lead_days`` or has passed: to the owner."""
    out: list[Draft] = []
    until = today + timedelta(days=lead_days)
    with reading(tx) as s:
        people = _people(s)
        rows = s.execute(
            select(Document, Process.owner_id).outerjoin(Process, Process.id == Document.process_id)
            .where(Document.next_review.is_not(None), Document.next_review <= until)
            .order_by(Document.next_review, Document.code)
        ).all()
        for doc, process_owner in rows:
            assert doc.next_review is not None
            params = {"code": doc.code, "title": _short(doc.title), "date": doc.next_review.isoformat()}
            if doc.next_review < today:
                kind, title = "document_review_overdue", tr_lang(lang, N_("Document {code} {title} was due for review on {date}"), **params)
            else:
                kind, title = "document_review_due", tr_lang(lang, N_("Document {code} {title} is due for review on {date}"), **params)
            out += _drafts(people.first(doc.owner_id, process_owner), kind, "document", doc.code, doc.next_review, title)
    return out


def coordinators(tx: Tx) -> list[tuple[int, str]]:
    """(id, login) of the active quality coordinators (else the administrators)."""
    with reading(tx) as s:
        return _people(s).coordinators_only()


def all_reminders(tx: Tx, today: date, leads: Leads = Leads(), lang: str = "es") -> list[Draft]:
    """Every reminder due on ``today`` (what the daily jobs write, all at once)."""
    return (measurement_reminders(tx, today, lang) + audit_reminders(tx, today, leads.audit, lang)
            + review_reminders(tx, today, leads.review, lang) + action_reminders(tx, today, leads.action, lang)
            + check_reminders(tx, today, leads.check, lang) + document_reminders(tx, today, leads.document, lang))
