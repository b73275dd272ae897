"""Quality indicators and their measurements (ISO 9001 6.2, 9.1.1; design/domain.md §6).

Traffic lights, attainment, trends and overdue periods are computed here from the stored
thresholds with :mod:`qms_tui.domain.indicators`; nothing derived is stored. Status lists
read a bounded number of statements whatever the number of indicators (the last values of
every indicator come from one windowed query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from qms_tui.db.models import (
    Anchor,
    Event,
    Indicator,
    Measurement,
    Nonconformity,
    Objective,
    Process,
    utcnow,
)
from qms_tui.domain import clock
from qms_tui.domain import indicators as maths
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Frequency, TrailAction
from qms_tui.domain.errors import FieldError, NotFound, TransitionError, ValidationError
from qms_tui.domain.periods import FREQUENCY_KIND, Period, PeriodError, parse_period
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import SPECS
from qms_tui.services import records
from qms_tui.services.org import checked_update, clauses_by_id, code_id, person_id_for_login
from qms_tui.services.tx import Tx, reading, writing

#: How many recent values each status carries (trend window + the value compared).
RECENT = 6

#: An example label of each period kind, for error messages.
PERIOD_EXAMPLE = {"day": "2025-06-01", "month": "2025-03", "quarter": "2025-Q1",
                  "semester": "2025-S1", "year": "2025"}

_LIGHT_RANK = {maths.GREEN: 1, maths.YELLOW: 2, maths.RED: 3}


#: The anchored "field" of a per-event indicator's due date (services.calendar.DUE).
ANCHORED_DUE = "due"


@dataclass(frozen=True)
class IndicatorStatus:
    """Where an indicator stands: its last measurement, light, trend and pending periods."""

    indicator: Any  # IndicatorDTO
    last_period: str | None
    last_value: float | None
    light: str  # green | yellow | red | none
    symbol: str
    attainment: float | None
    trend: str  # improving | worsening | stable | insufficient
    overdue: bool
    missing: int  # periods past their due date without a measurement
    objective: str | None  # codes of what the indicator belongs to
    process: str | None
    event: str | None = None
    recent: tuple[float, ...] = ()  # last values, oldest first (at most RECENT)
    recent_lights: tuple[str, ...] = ()
    #: A per-event indicator: the date its measurement for ``event`` is due (the key day plus
    #: the offset it is planned at, ``E+N``; else the event's end plus the grace days).
    event_due: date | None = None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return self.indicator.name


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    start: date
    value: float
    light: str


# ---------------------------------------------------------------- maths on a DTO


def thresholds_of(ind: Any) -> maths.Thresholds:
    """The indicator's thresholds (default green 100 %, yellow 80 %, kept consistent when
    only one of them is stored)."""
    g, y = ind.green_from, ind.yellow_from
    green = g if g is not None else max(100.0, y if y is not None else 0.0)
    yellow = y if y is not None else min(80.0, green)
    return maths.Thresholds(green, yellow)


def light_of(ind: Any, value: float | None) -> str:
    """Traffic light of ``value`` for the indicator (a DTO or a row): "none" without a value
    or when the indicator's settings do not allow a judgement."""
    if value is None:
        return maths.NONE
    try:
        return maths.status(value, ind.target, ind.direction, thresholds_of(ind),
                            ind.band_low, ind.band_high, ind.band_tolerance or 0.0)
    except (ValueError, TypeError):
        return maths.NONE


def attainment_of(ind: Any, value: float | None) -> float | None:
    if value is None:
        return None
    try:
        return maths.attainment(value, ind.target, ind.direction, ind.band_low, ind.band_high)
    except ValueError:
        return None


def trend_of(ind: Any, values: list[float]) -> str:
    try:
        return maths.trend(values, ind.direction, band_low=ind.band_low, band_high=ind.band_high)
    except ValueError:
        return maths.INSUFFICIENT


def worst_light(lights: list[str]) -> str:
    """The worst of some lights, ignoring "none" ("none" when nothing else)."""
    ranked = [x for x in lights if x in _LIGHT_RANK]
    return max(ranked, key=_LIGHT_RANK.__getitem__) if ranked else maths.NONE


# ---------------------------------------------------------------- indicators


def _frequency_change(session: Session, code: str) -> Any:
    def check(values: Mapping[str, Any]) -> list[FieldError]:
        new = values.get("frequency")
        if new is None or new not in FREQUENCY_KIND:
            return []
        ind = records.get_row(session, "indicator", code)
        if FREQUENCY_KIND[new] == FREQUENCY_KIND.get(ind.frequency):
            return []
        taken = session.execute(
            select(Measurement.id).where(Measurement.indicator_id == ind.id).limit(1)
        ).first()
        if taken:
            return [FieldError("frequency", N_("cannot change: the indicator already has measurements of another period"))]
        return []

    return check


def create_indicator(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """Register an indicator (band direction needs both bounds; yellow not above green)."""
    with writing(tx) as s:
        return records.create(s, actor, "indicator", data)


def update_indicator(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change an indicator; its frequency is fixed once it has measurements."""
    with writing(tx) as s:
        checks = [_frequency_change(s, code)] if "frequency" in changes else []
        return checked_update(s, actor, "indicator", code, changes, checks, expected_version)


# ---------------------------------------------------------------- measurements


def _period_of(raw: Any, frequency: str, today: date) -> tuple[Period | None, list[FieldError]]:
    if isinstance(raw, Period):
        p = raw
    else:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, [FieldError("period", N_("is required"))]
        try:
            p = parse_period(str(raw))
        except PeriodError as exc:
            return None, [FieldError("period", exc.msgid, exc.params)]
    kind = FREQUENCY_KIND.get(frequency)
    if kind is not None and p.kind != kind:
        return p, [FieldError("period", N_("a {frequency} indicator takes periods like {example}"),
                              {"frequency": Frequency(frequency).label(), "example": PERIOD_EXAMPLE[kind]})]
    if p.start > today:
        return p, [FieldError("period", N_("{period} has not started yet"), {"period": p.label})]
    return p, []


def record_measurement(
    tx: Tx,
    actor: Actor,
    indicator: str,
    period: str | Period,
    value: Any,
    note: str | None = None,
    evidence: str | None = None,
    replace: bool = False,
    *,
    today: date | None = None,
) -> Any:
    """Record the indicator's value for a period ("2025-03", "2025-Q1", "2025-S1", "2025",
    or a day for per-event indicators; the kind must fit the indicator's frequency).

    A second value for the same period is refused unless ``replace``, which updates the
    stored measurement (trail event "update"). A period that starts after ``today`` (default:
    the real date) is refused."""
    with writing(tx) as s:
        ind = records.get_row(s, "indicator", indicator)
        p, errors = _period_of(period, ind.frequency, today or clock.today())
        spec = SPECS["measurement"]
        data = {"indicator": ind.id, "period": p.label if p else "-", "value": value,
                "note": note, "evidence": evidence}
        columns: dict[str, Any] = {}
        try:
            columns = records.validate(s, spec, data)
        except ValidationError as exc:
            had_period = bool(errors)
            errors.extend(e for e in exc.errors if not (had_period and e.field == "period"))
        existing = None
        if p is not None:
            existing = s.execute(
                select(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == p.label)
            ).scalar_one_or_none()
            if existing is not None and not replace and not any(e.field == "period" for e in errors):
                errors.append(FieldError("period", N_("a measurement for {period} already exists; use replace"),
                                         {"period": p.label}))
        if errors:
            raise ValidationError(errors)
        assert p is not None
        who = person_id_for_login(s, actor.login)
        if existing is not None:
            authorize(actor, "measurement", "update")
            changes = {"value": columns["value"], "note": columns["note"],
                       "evidence_id": columns["evidence_id"], "recorded_by_id": who, "recorded_at": utcnow()}
            dto = records.apply(s, actor, "measurement", existing, changes, TrailAction.UPDATE,
                                summary=f"{ind.code} {p.label}: {existing.value:g} → {columns['value']:g}")
        else:
            dto = records.create(s, actor, "measurement", data,
                                 extra={"period_start": p.start, "period_end": p.end, "recorded_by_id": who},
                                 summary=f"{ind.code} {p.label} = {columns['value']:g}")
        after_measurements(s, actor, [dto.id])
        return dto


def after_measurements(session: Session, actor: Actor, measurement_ids: list[int],
                       known: dict[int, list[Any]] | None = None) -> list[Any]:
    """Run after measurements are written (a form, the importer, a script), in the same
    transaction: the indicator rules raise their draft nonconformities
    (:func:`qms_tui.services.breaches.evaluate`; ``known``: the rows as written, see there).
    Returns the drafts raised."""
    from qms_tui.services.breaches import evaluate

    return evaluate(session, actor, measurement_ids, known)


def delete_measurement(tx: Tx, actor: Actor, indicator: str, period: str | Period) -> None:
    """Delete one measurement (not one a nonconformity cites)."""
    with writing(tx) as s:
        ind = records.get_row(s, "indicator", indicator)
        try:
            label = period.label if isinstance(period, Period) else parse_period(str(period)).label
        except ValueError as exc:
            raise ValidationError([FieldError("period", str(exc))]) from None
        row = s.execute(
            select(Measurement).where(Measurement.indicator_id == ind.id, Measurement.period == label)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound(SPECS["measurement"].title, f"{ind.code} {label}")
        nc = s.execute(select(Nonconformity.code).where(Nonconformity.measurement_id == row.id).limit(1)).scalar()
        if nc is not None:
            raise TransitionError(N_("the measurement {period} of {indicator} is cited by {nc}; it cannot be deleted"),
                                  period=label, indicator=ind.code, nc=nc)
        records.remove(s, actor, "measurement", row.id)


# ---------------------------------------------------------------- status


def _filtered(session: Session, *, code: str | None = None, objective: str | None = None,
              process: str | None = None, event: str | None = None, include_inactive: bool = False) -> list[Any]:
    conds = []
    if code is not None:
        conds.append(Indicator.code == code.strip())
    if objective is not None:
        conds.append(Indicator.objective_id == code_id(session, "objective", objective))
    if process is not None:
        conds.append(Indicator.process_id == code_id(session, "process", process))
    if event is not None:
        conds.append(Indicator.event_id == code_id(session, "event", event))
    if not include_inactive and code is None:
        conds.append(Indicator.active.is_(True))
    return conds


def _statuses(session: Session, conds: list[Any], today: date) -> list[IndicatorStatus]:
    """Statuses of the indicators matching ``conds`` in four statements."""
    obj, proc, ev, anchored = aliased(Objective), aliased(Process), aliased(Event), aliased(Event)
    columns = list(Indicator.__table__.columns)  # type: ignore[attr-defined]
    # plain rows, not ORM objects: a thousand indicators load in a third of the time
    rows = session.execute(
        select(*columns, obj.code, proc.code, ev.code, ev.start_date, ev.end_date,
               anchored.code, anchored.start_date, anchored.key_date, Anchor.offset_days)
        .outerjoin(obj, obj.id == Indicator.objective_id)
        .outerjoin(proc, proc.id == Indicator.process_id)
        .outerjoin(ev, ev.id == Indicator.event_id)
        .outerjoin(Anchor, (Anchor.entity == "indicator") & (Anchor.record_id == Indicator.id)
                   & (Anchor.field == ANCHORED_DUE))
        .outerjoin(anchored, anchored.id == Anchor.event_id)
        .where(*conds).order_by(Indicator.code)
    ).all()
    if not rows:
        return []
    ids = select(Indicator.id).where(*conds)
    cmap = clauses_by_id(session, "indicator", ids)
    recent = _recent_values(session, ids)
    dto, keys, n = records.dto_type("indicator"), [c.key for c in columns], len(columns)
    out = []
    for row in rows:
        values = dict(zip(keys, row[:n], strict=True))
        ind = dto(**values, clauses=cmap.get(values["id"], ()))
        obj_code, proc_code, ev_code, ev_start, ev_end, a_code, a_start, a_key, a_offset = row[n:]
        due = None
        if a_code is not None:  # planned relative to an event's key day (services.calendar)
            ev_code, ev_start, due = a_code, a_start, a_key + timedelta(days=a_offset)
        elif ev_end is not None:
            due = ev_end + timedelta(days=maths.DEFAULT_GRACE_DAYS)
        points = recent.get(ind.id, [])
        out.append(_status(ind, points, today, obj_code, proc_code, ev_code, ev_start, due))
    return out


def _recent_values(session: Session, ids: Any) -> dict[int, list[tuple[str, date, float]]]:
    """The last :data:`RECENT` measurements of each indicator (oldest first), one query.

    Driven by the indicators: for each one, the index ``ix_measurement_series`` (indicator,
    period start) finds its RECENT-th latest period start and the rows from there on, so the
    query reads about RECENT rows per indicator however long the series are (a window
    function over every measurement took 1 s at 300,000 measurements; this takes ~30 ms)."""
    m2 = aliased(Measurement)
    nth_latest = (select(m2.period_start).where(m2.indicator_id == Indicator.id)
                  .order_by(m2.period_start.desc()).limit(1).offset(RECENT - 1)
                  .correlate(Indicator).scalar_subquery())
    stmt = (select(Measurement.indicator_id, Measurement.period, Measurement.period_start,
                   Measurement.value, Measurement.id)
            .select_from(Indicator)
            .join(Measurement, (Measurement.indicator_id == Indicator.id)
                  & (Measurement.period_start >= func.coalesce(nth_latest, date.min)))
            .where(Indicator.id.in_(ids)))
    rows: dict[int, list[tuple[date, int, str, float]]] = {}
    for iid, label, start, value, mid in session.execute(stmt):
        rows.setdefault(iid, []).append((start, mid, label, value))
    out: dict[int, list[tuple[str, date, float]]] = {}
    for iid, points in rows.items():
        points.sort()  # ties on the period start (never in practice) are cut by id, as before
        out[iid] = [(label, start, value) for start, _mid, label, value in points[-RECENT:]]
    return out


def _status(ind: Any, points: list[tuple[str, date, float]], today: date, obj_code: str | None,
            proc_code: str | None, ev_code: str | None, ev_start: date | None,
            ev_due: date | None) -> IndicatorStatus:
    values = [v for _, _, v in points]
    last_label, last_start, last_value = points[-1] if points else (None, None, None)
    light = light_of(ind, last_value)
    missing = _missing(ind, last_label, last_start, today, ev_start, ev_due) if ind.active else 0
    per_event = FREQUENCY_KIND.get(ind.frequency) == "day"
    return IndicatorStatus(
        indicator=ind, last_period=last_label, last_value=last_value, light=light,
        symbol=maths.STATUS_SYMBOL[light], attainment=attainment_of(ind, last_value),
        trend=trend_of(ind, values), overdue=missing > 0, missing=missing,
        objective=obj_code, process=proc_code, event=ev_code, recent=tuple(values),
        recent_lights=tuple(light if v == last_value else light_of(ind, v) for v in values),
        event_due=ev_due if per_event else None,
    )


def _missing(ind: Any, last_label: str | None, last_start: date | None, today: date,
             ev_start: date | None, ev_due: date | None) -> int:
    """Periods past due without a measurement. Per-event indicators linked to an event are
    due at ``ev_due`` (planned relative to the key day, else the event's end plus the grace
    days) and count one if nothing was measured from the event's start on."""
    if ind.frequency not in FREQUENCY_KIND:
        return 0
    if FREQUENCY_KIND[ind.frequency] == "day":
        if ev_start is None or ev_due is None:
            return 0
        measured = last_start is not None and last_start >= ev_start
        return 0 if measured or today <= ev_due else 1
    created = ind.created_at.date() if ind.created_at is not None else None
    try:
        return len(maths.missing_periods(ind.frequency, last_label, today, start=created))
    except ValueError:
        return 0


def indicator_status(tx: Tx, code: str, today: date | None = None) -> IndicatorStatus:
    """The status of one indicator (NotFound if there is none with ``code``)."""
    with reading(tx) as s:
        found = _statuses(s, _filtered(s, code=code), today or clock.today())
        if not found:
            raise NotFound(SPECS["indicator"].title, code)
        return found[0]


def indicator_statuses(
    tx: Tx,
    today: date | None = None,
    *,
    objective: str | None = None,
    process: str | None = None,
    event: str | None = None,
    include_inactive: bool = False,
) -> list[IndicatorStatus]:
    """Statuses of the (active) indicators, optionally of one objective, process or event
    (given by code), ordered by code. A constant number of statements."""
    with reading(tx) as s:
        conds = _filtered(s, objective=objective, process=process, event=event,
                          include_inactive=include_inactive)
        return _statuses(s, conds, today or clock.today())


def overdue_indicators(tx: Tx, today: date | None = None) -> list[IndicatorStatus]:
    """Active indicators with a period past its due date and no measurement."""
    return [st for st in indicator_statuses(tx, today) if st.overdue]


def series(tx: Tx, code: str, limit: int = 36) -> list[SeriesPoint]:
    """The last ``limit`` measurements of an indicator with their lights, oldest first."""
    with reading(tx) as s:
        ind = records.get_row(s, "indicator", code)
        rows = s.execute(
            select(Measurement.period, Measurement.period_start, Measurement.value)
            .where(Measurement.indicator_id == ind.id)
            .order_by(Measurement.period_start.desc(), Measurement.id.desc()).limit(limit)
        ).all()
        return [SeriesPoint(p, start, v, light_of(ind, v)) for p, start, v in reversed(rows)]


_ORDERS = ("period_start", "period", "value", "recorded_at", "code")


def measurements_page(
    tx: Tx,
    *,
    indicator: str | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int = 50,
    order: str = "period_start",
    descending: bool = True,
    count_cap: int | None = None,
) -> records.Page:
    """One page of measurements: of one indicator (code), text matching period or note.
    ``count_cap``: see :func:`records.page_total`."""
    if order not in _ORDERS:
        raise ValueError(f"cannot order measurements by {order!r}; use one of {', '.join(_ORDERS)}")
    with reading(tx) as s:
        conds = []
        if indicator is not None:
            conds.append(Measurement.indicator_id == code_id(s, "indicator", indicator))
        if text and text.strip():
            conds.append(or_(records.contains_text(s, Measurement.period, text),
                             records.contains_text(s, Measurement.note, text)))
        col = getattr(Measurement, order)
        stmt = (select(Measurement).where(*conds)
                .order_by(col.desc() if descending else col, Measurement.id.desc() if descending else Measurement.id)
                .offset(offset).limit(limit))
        rows = [records.to_dto("measurement", m) for m in s.execute(stmt).scalars()]
        total, exact = records.page_total(s, Measurement, conds, len(rows), offset, limit, count_cap)
        return records.Page(rows, total, offset, limit, exact)
