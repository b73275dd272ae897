"""An event's timeline: its stages in order, each with the quality activities dated in it
(audits, management reviews, actions, effectiveness checks, document reviews, measurements
due), for the timeline screen. Activities come from the dates anchored to the event
(:mod:`qms_tui.services.calendar`) and from the audits, reviews and per-event indicators
linked to it; each shows its distance from the key day (``E-30``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from qms_tui.db.models import Anchor, Audit, Indicator, Review, Stage
from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.indicators import DEFAULT_GRACE_DAYS
from qms_tui.domain.relative import format_offset, offset_of, resolve
from qms_tui.services import records
from qms_tui.services.calendar import DUE, anchor_lines
from qms_tui.services.freeze import window
from qms_tui.services.tx import Tx, reading

BEFORE, AFTER = "before", "after"


@dataclass(frozen=True)
class TimelineItem:
    """A quality activity on the event's timeline."""

    entity: str
    code: str
    title: str
    field: str  # the date shown (planned_start, planned_date, due_date, next_review, due)
    date: date
    offset: int  # days from the key day
    anchored: bool
    status: str | None = None

    @property
    def relative(self) -> str:
        return format_offset(self.offset)


@dataclass(frozen=True)
class Band:
    """A stage of the event (or what lies before or after them) with its activities."""

    kind: str  # a StageKind value, or "before" / "after"
    name: str
    code: str | None
    start: date | None
    end: date | None
    items: tuple[TimelineItem, ...]


@dataclass(frozen=True)
class Timeline:
    event: Any  # EventDTO
    bands: tuple[Band, ...]
    freeze_start: date
    freeze_end: date

    @property
    def items(self) -> list[TimelineItem]:
        return [i for b in self.bands for i in b.items]


def timeline(tx: Tx, event_code: str) -> Timeline:
    """The event's stages in order, each with the quality activities dated in it: what is
    anchored to the event, and the audits, reviews and per-event measurements linked to it
    (one item per record, at its earliest date)."""
    with reading(tx) as s:
        ev = records.get_row(s, "event", event_code)
        found: dict[tuple[str, str], TimelineItem] = {}

        def add(entity: str, code: str, title: str, name: str, day: date | None, anchored: bool,
                status: str | None) -> None:
            if day is None:
                return
            old = found.get((entity, code))
            anchored = anchored or (old is not None and old.anchored)
            if old is None or day < old.date:
                found[(entity, code)] = TimelineItem(entity, code, title, name, day,
                                                     offset_of(ev.key_date, day), anchored, status)
            elif anchored and not old.anchored:
                found[(entity, code)] = replace(old, anchored=True)

        for line in anchor_lines(s, s.execute(select(Anchor).where(Anchor.event_id == ev.id)).scalars()):
            add(line.entity, line.code, line.title, line.field, line.date or line.planned, True, line.status)
        for a in s.execute(select(Audit).where(Audit.event_id == ev.id)).scalars():
            add("audit", a.code, a.title, "planned_start", a.planned_start, False, a.status)
        for r in s.execute(select(Review).where(Review.event_id == ev.id)).scalars():
            add("review", r.code, r.title, "planned_date", r.planned_date, False, r.status)
        grace = resolve(ev.end_date, DEFAULT_GRACE_DAYS)
        for i in s.execute(select(Indicator).where(Indicator.event_id == ev.id,
                                                   Indicator.frequency == E.Frequency.PER_EVENT)).scalars():
            add("indicator", i.code, i.name, DUE, grace, False, None)
        stages = s.execute(select(Stage).where(Stage.event_id == ev.id)
                           .order_by(Stage.start_date, Stage.end_date, Stage.code)).scalars().all()
        items = sorted(found.values(), key=lambda i: (i.date, i.entity, i.code))
        buckets: dict[int, list[TimelineItem]] = {k: [] for k in range(-1, len(stages) + 1)}
        for item in items:
            buckets[_band_of(stages, item.date)].append(item)
        bands = [Band(BEFORE, N_("Before the stages"), None, None, None, tuple(buckets[-1]))]
        bands += [Band(st.kind, st.name, st.code, st.start_date, st.end_date, tuple(buckets[n]))
                  for n, st in enumerate(stages)]
        bands.append(Band(AFTER, N_("After the stages"), None, None, None, tuple(buckets[len(stages)])))
        start, end = window(ev)
        return Timeline(records.to_dto("event", ev), tuple(bands), start, end)


def _band_of(stages: list[Stage], day: date) -> int:
    """Index of the first stage holding ``day``; -1 before them all, len(stages) after; in a
    gap between stages, the stage before it."""
    if not stages or day < stages[0].start_date:
        return -1
    for n, st in enumerate(stages):
        if st.start_date <= day <= st.end_date:
            return n
    if day > max(st.end_date for st in stages):
        return len(stages)
    return max(n for n, st in enumerate(stages) if st.start_date <= day)
