"""Planning relative to an electoral event's key day (design/peers.md §(d) 1).

A date field of a record can be *anchored* to an event: ``AUD-2025-05.planned_start`` at
``E-30`` of ``PELE-PJ-2024-2025``. The anchor (table ``anchor``: entity, record id, field,
event, offset in days; one per field) is tracked in the trail like a clause link, and the
field itself always holds the resolved date, so every other screen, report and reminder
reads an ordinary date.

Anchorable fields (:data:`ANCHORABLE`): audit planned start/end, management review planned
date, action due date, effectiveness check planned date, document next review, and
``indicator.due`` — not a column: the measurement of the indicator for the anchored event
is due at the key day plus the offset (one such due date per indicator; reminders read it
with :func:`indicator_due_dates`).

:func:`shift_event` moves an event's key day; in ONE write transaction its start and end,
its stages (they belong to the event: they move by the same number of days) and every
anchored field move by the same delta, each record with its trail event ("shifted with
{event} by {n} days"). Records already finished (an audit performed, a review held, an
action done, an effectiveness check recorded) keep their dates — they are history — and
their anchor's offset is rewritten so that it still names the date they hold; the result
lists them as *kept*. A date changed by hand after it was anchored moves by the same delta
too, and its offset is rewritten to match. Everything is checked before anything is
written: a move that breaks a record's own checks (an audit's start after its end when
only the start is anchored) refuses the whole shift. Shifting needs the right to change
events (coordinators and administrators). Freeze windows are computed from the key day, so
they move too.

Anchoring and shifting are planning: they are not refused by a freeze window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from qms_tui.db.models import MODELS, Anchor, Event, Indicator, Stage
from qms_tui.domain import enums as E
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import FieldError, TransitionError, ValidationError, invalid
from qms_tui.domain.fields import is_blank, parse_date
from qms_tui.domain.permissions import authorize
from qms_tui.domain.relative import MAX_OFFSET_DAYS, format_offset, offset_of, parse_offset, resolve
from qms_tui.domain.specs import SPECS
from qms_tui.services import records, trail
from qms_tui.services.tx import Tx, reading, writing

#: Indicator "field" of a per-event measurement due date (no column: the anchor holds it).
DUE = "due"

#: entity → its date fields that may be planned relative to an event's key day.
ANCHORABLE: dict[str, tuple[str, ...]] = {
    "audit": ("planned_start", "planned_end"),
    "review": ("planned_date",),
    "action": ("due_date",),
    "effectiveness_check": ("planned_date",),
    "document": ("next_review",),
    "indicator": (DUE,),
}

#: entity → (status column, states in which the record is history: its dates stay put).
FINISHED: dict[str, tuple[str, frozenset[str]]] = {
    "audit": ("status", frozenset({E.AuditStatus.PERFORMED, E.AuditStatus.REPORT_ACCEPTED,
                                   E.AuditStatus.CLOSED, E.AuditStatus.CANCELLED})),
    "review": ("status", frozenset({E.ReviewStatus.HELD, E.ReviewStatus.MINUTES_APPROVED})),
    "action": ("status", frozenset({E.ActionStatus.DONE, E.ActionStatus.CANCELLED})),
    "effectiveness_check": ("result", frozenset({E.Effectiveness.EFFECTIVE, E.Effectiveness.NOT_EFFECTIVE})),
}


class Moved(NamedTuple):
    """One date that moved (or was kept): ``AUD-2025-02 planned_start 2025-05-02 → 2025-05-09``."""

    entity: str
    code: str
    field: str
    old: date
    new: date

    def line(self) -> str:
        return f"{self.code} {self.field} {self.old.isoformat()} → {self.new.isoformat()}"


@dataclass(frozen=True)
class ShiftResult:
    event: str  # code
    old_key: date
    new_key: date
    days: int
    moved: list[Moved] = field(default_factory=list)  # the event, its stages, anchored dates
    kept: list[Moved] = field(default_factory=list)  # anchored dates of finished records


@dataclass(frozen=True)
class AnchorLine:
    """One anchored date as lists show it."""

    entity: str
    code: str
    title: str
    field: str
    event: str  # code
    key_date: date
    offset: int
    date: date | None  # the date the record holds (indicator due: key day + offset)
    status: str | None = None
    finished: bool = False

    @property
    def relative(self) -> str:
        return format_offset(self.offset)

    @property
    def planned(self) -> date:
        return resolve(self.key_date, self.offset)

    @property
    def drifted(self) -> bool:
        """The record's date was changed by hand after it was anchored."""
        return self.date is not None and self.date != self.planned


# ---------------------------------------------------------------- helpers


def _check_field(entity: str, name: str) -> None:
    if entity not in ANCHORABLE:
        raise invalid("entity", N_("records of this kind have no date that can be planned relative to an event"))
    if name not in ANCHORABLE[entity]:
        raise invalid("field", N_("must be one of: {options}"), options=", ".join(ANCHORABLE[entity]))


def parse_days(raw: Any) -> int:
    """An offset given as ``E-30`` / ``E+15`` / ``E0`` or a whole number of days."""
    try:
        return parse_offset(raw if isinstance(raw, int) else str(raw))
    except ValueError as exc:
        raise ValidationError([FieldError("offset", str(exc), {"max": MAX_OFFSET_DAYS})]) from None


def is_finished(entity: str, obj: Any) -> bool:
    spec = FINISHED.get(entity)
    return spec is not None and getattr(obj, spec[0]) in spec[1]


def _status(entity: str, obj: Any) -> str | None:
    spec = FINISHED.get(entity)
    return getattr(obj, spec[0]) if spec else getattr(obj, "status", None)


def _title(entity: str, obj: Any) -> str:
    return str(getattr(obj, SPECS[entity].summary, None) or "")


def _anchor_row(session: Session, entity: str, record_id: int, name: str) -> Anchor | None:
    return session.execute(select(Anchor).where(
        Anchor.entity == entity, Anchor.record_id == record_id, Anchor.field == name)).scalar_one_or_none()


def _write_anchor(session: Session, actor: Actor, row: Anchor | None, values: dict[str, Any],
                  summary: str) -> Anchor:
    """Create or change an anchor row with its trail event (rows without version column)."""
    if row is None:
        row = Anchor(**values)
        session.add(row)
        trail.append(session, actor, TrailAction.CREATE, "anchor", row, None, summary=summary)
        return row
    if all(getattr(row, k) == v for k, v in values.items()):
        return row
    before = trail.snapshot(row)
    for k, v in values.items():
        setattr(row, k, v)
    session.add(row)
    trail.append(session, actor, TrailAction.UPDATE, "anchor", row, before, summary=summary)
    return row


def _line(entity: str, obj: Any, name: str, ev: Event, offset: int) -> AnchorLine:
    day = resolve(ev.key_date, offset) if name == DUE else getattr(obj, name)
    return AnchorLine(entity, obj.code, _title(entity, obj), name, ev.code, ev.key_date, offset, day,
                      _status(entity, obj), is_finished(entity, obj))


def anchor_lines(session: Session, anchors: Iterable[Anchor]) -> list[AnchorLine]:
    """Lines of anchor rows (records read in one query per entity), by date."""
    anchors = list(anchors)
    events = {e.id: e for e in session.execute(
        select(Event).where(Event.id.in_({a.event_id for a in anchors}))).scalars()} if anchors else {}
    by_entity: dict[str, set[int]] = {}
    for a in anchors:
        by_entity.setdefault(a.entity, set()).add(a.record_id)
    objs: dict[tuple[str, int], Any] = {}
    for entity, ids in by_entity.items():
        model = MODELS.get(entity)
        if model is None:
            continue
        for obj in session.execute(select(model).where(model.id.in_(ids))).scalars():
            objs[(entity, obj.id)] = obj  # type: ignore[index]
    out = []
    for a in anchors:
        obj = objs.get((a.entity, a.record_id))
        if obj is not None:  # a record deleted since it was anchored is left out
            out.append(_line(a.entity, obj, a.field, events[a.event_id], a.offset_days))
    return sorted(out, key=lambda x: (x.date or x.planned, x.entity, x.code, x.field))


# ---------------------------------------------------------------- anchoring


def anchor(tx: Tx, actor: Actor, entity: str, code: str, field_name: str, event_code: str,
           offset: Any = None) -> AnchorLine:
    """Plan ``entity`` ``code``'s ``field_name`` at ``offset`` (``"E-30"``, ``"E+15"``, or days)
    of ``event_code``'s key day: the field gets the resolved date now (trail event "update")
    and the anchor is stored or changed (trail event on ``anchor``). Without ``offset`` the
    field keeps its date and the offset is computed from it. Finished records are refused."""
    with writing(tx) as s:
        _check_field(entity, field_name)
        authorize(actor, entity, "update")
        obj = records.get_row(s, entity, code, lock=True)
        ev = records.get_row(s, "event", event_code)
        if is_finished(entity, obj):
            raise TransitionError(N_("{code} is {status}; its dates can no longer be planned relative to an event"),
                                  code=obj.code, status=str(_status(entity, obj)))
        if is_blank(offset):
            current = None if field_name == DUE else getattr(obj, field_name)
            if current is None:
                raise invalid("offset", N_("is required"))
            days = offset_of(ev.key_date, current)
        else:
            days = parse_days(offset)
        rel = format_offset(days)
        day = resolve(ev.key_date, days)
        if field_name != DUE and getattr(obj, field_name) != day:
            records.update(s, actor, entity, obj.code, {field_name: day},
                           summary=f"{field_name} planned at {rel} of {ev.code}")
        row = _anchor_row(s, entity, obj.id, field_name)
        _write_anchor(s, actor, row, {"entity": entity, "record_id": obj.id, "field": field_name,
                                      "event_id": ev.id, "offset_days": days},
                      summary=f"{obj.code} {field_name} = {ev.code} {rel}")
        return _line(entity, obj, field_name, ev, days)


def unanchor(tx: Tx, actor: Actor, entity: str, code: str, field_name: str) -> bool:
    """Release the anchor (the field keeps its date). False if it was not anchored."""
    with writing(tx) as s:
        _check_field(entity, field_name)
        authorize(actor, entity, "update")
        obj = records.get_row(s, entity, code)
        row = _anchor_row(s, entity, obj.id, field_name)
        if row is None:
            return False
        s.delete(row)
        trail.append(s, actor, TrailAction.DELETE, "anchor", row, trail.snapshot(row), deleted=True,
                     summary=f"{obj.code} {field_name} released")
        return True


def anchors_of(tx: Tx, event_code: str) -> list[AnchorLine]:
    """Every date anchored to the event, by date."""
    with reading(tx) as s:
        ev = records.get_row(s, "event", event_code)
        return anchor_lines(s, s.execute(select(Anchor).where(Anchor.event_id == ev.id)).scalars())


def anchors_for(tx: Tx, entity: str, code: str) -> list[AnchorLine]:
    """The anchored dates of one record."""
    with reading(tx) as s:
        if entity not in ANCHORABLE:
            return []
        obj = records.get_row(s, entity, code)
        return anchor_lines(s, s.execute(select(Anchor).where(
            Anchor.entity == entity, Anchor.record_id == obj.id)).scalars())


def indicator_due_dates(tx: Tx) -> dict[str, tuple[str, date]]:
    """Indicator code → (event code, due date) of the per-event measurement due dates."""
    with reading(tx) as s:
        rows = s.execute(
            select(Indicator.code, Event.code, Event.key_date, Anchor.offset_days)
            .join(Anchor, (Anchor.record_id == Indicator.id) & (Anchor.entity == "indicator")
                  & (Anchor.field == DUE))
            .join(Event, Event.id == Anchor.event_id)
        ).all()
    return {code: (ev, resolve(key, off)) for code, ev, key, off in rows}


# ---------------------------------------------------------------- moving the key day


def _to_date(raw: Any) -> date:
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise ValidationError([FieldError("to", str(exc))]) from None


def _check_moves(entity: str, obj: Any, moves: dict[str, date], ev: Event, days: int) -> None:
    """The record's own cross-field checks (planned start before end …) on the moved dates."""
    spec = SPECS[entity]
    values = {**records.current_values(spec, obj), **moves}
    errors = [e for check in spec.checks for e in check(values)]
    if errors:
        raise TransitionError(N_("moving {event} by {days} days would leave {code} invalid: {problems}"),
                              event=ev.code, days=days, code=obj.code,
                              problems="; ".join(e.render() for e in errors))


@dataclass
class _Plan:
    """What moving one anchored record does: its new dates and its anchors' offsets."""

    entity: str
    obj: Any
    finished: bool
    moves: dict[str, date] = field(default_factory=dict)
    offsets: list[tuple[Anchor, int]] = field(default_factory=list)


def shift_event(tx: Tx, actor: Actor, event_code: str, to: Any) -> ShiftResult:
    """Move the event's key day to ``to``: the event's dates, its stages and every anchored
    date move by the same number of days, in one transaction (see the module's notes).
    Everything is checked before anything is written."""
    with writing(tx) as s:
        authorize(actor, "event", "update")
        new_key = _to_date(to)
        ev = records.get_row(s, "event", event_code, lock=True)
        old_key, days = ev.key_date, (new_key - ev.key_date).days
        result = ShiftResult(ev.code, old_key, new_key, days)
        if days == 0:
            return result
        delta = new_key - old_key
        authorize(actor, "stage", "update")
        plans = _plans(s, actor, ev, new_key, delta, result)  # refusals raise here, before any write
        summary = f"shifted with {ev.code} by {days} days"
        changes = {name: getattr(ev, name) + delta for name in ("start_date", "key_date", "end_date")}
        own = [Moved("event", ev.code, k, getattr(ev, k), v) for k, v in changes.items()]
        records.apply(s, actor, "event", ev, changes, TrailAction.UPDATE,
                      summary=f"key day {old_key.isoformat()} → {new_key.isoformat()} ({days:+d} days)")
        for stage in s.execute(select(Stage).where(Stage.event_id == ev.id)
                               .order_by(Stage.start_date, Stage.code)).scalars().all():
            moves = {k: getattr(stage, k) + delta for k in ("start_date", "end_date")}
            own.extend(Moved("stage", stage.code, k, getattr(stage, k), v) for k, v in moves.items())
            records.apply(s, actor, "stage", stage, moves, TrailAction.UPDATE, summary=summary)
        for plan in plans:
            if plan.moves and not plan.finished:
                records.apply(s, actor, plan.entity, plan.obj, plan.moves, TrailAction.UPDATE, summary=summary)
            why = "kept: finished" if plan.finished else "changed by hand before"
            for a, offset in plan.offsets:  # normally unchanged; rewritten where date ≠ key day + offset
                _write_anchor(s, actor, a, {"offset_days": offset},
                              summary=f"{plan.obj.code} {a.field} = {ev.code} {format_offset(offset)} ({why})")
        result.moved[:] = own + sorted(result.moved, key=lambda m: (m.old, m.code, m.field))
        result.kept.sort(key=lambda m: (m.old, m.code, m.field))
        return result


def _plans(s: Session, actor: Actor, ev: Event, new_key: date, delta: Any, result: ShiftResult) -> list[_Plan]:
    """The moves of the anchored records (listed in ``result``), checked, nothing written."""
    grouped: dict[tuple[str, int], list[Anchor]] = {}
    for a in s.execute(select(Anchor).where(Anchor.event_id == ev.id)
                       .order_by(Anchor.entity, Anchor.record_id, Anchor.field)).scalars():
        grouped.setdefault((a.entity, a.record_id), []).append(a)
    plans = []
    for (entity, rid), rows in grouped.items():
        obj = s.get(MODELS[entity], rid)
        if obj is None:  # deleted since it was anchored
            continue
        if entity == "indicator":  # the due date is the anchor itself: it moves with the key day
            result.moved.extend(Moved(entity, obj.code, a.field, resolve(ev.key_date, a.offset_days),
                                      resolve(new_key, a.offset_days)) for a in rows)
            continue
        authorize(actor, entity, "update")
        plan = _Plan(entity, obj, is_finished(entity, obj))
        for a in rows:
            old = getattr(obj, a.field)
            if old is None:
                continue
            new = old if plan.finished else old + delta
            (result.kept if plan.finished else result.moved).append(Moved(entity, obj.code, a.field, old, new))
            plan.moves[a.field] = new
            plan.offsets.append((a, offset_of(new_key, new)))
        if plan.moves and not plan.finished:
            _check_moves(entity, obj, plan.moves, ev, delta.days)
        plans.append(plan)
    return plans


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class EventLine:
    code: str
    name: str
    kind: str
    start_date: date
    key_date: date
    end_date: date
    freeze_start: date
    freeze_end: date
    anchors: int


def events(tx: Tx) -> list[EventLine]:
    """Every event by key day, with its freeze window and how many dates are anchored to it."""
    from sqlalchemy import func

    from qms_tui.services.freeze import window

    with reading(tx) as s:
        counts = dict(s.execute(select(Anchor.event_id, func.count()).group_by(Anchor.event_id)).all())
        out = []
        for ev in s.execute(select(Event).order_by(Event.key_date, Event.code)).scalars():
            start, end = window(ev)
            out.append(EventLine(ev.code, ev.name, ev.kind, ev.start_date, ev.key_date, ev.end_date,
                                 start, end, counts.get(ev.id, 0)))
        return out


__all__ = [
    "ANCHORABLE", "DUE", "AnchorLine", "EventLine", "Moved", "ShiftResult", "anchor", "anchors_for",
    "anchors_of", "events", "indicator_due_dates", "shift_event", "unanchor",
]
