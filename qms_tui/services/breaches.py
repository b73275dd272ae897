"""Indicators that raise nonconformities by themselves (design/peers.md §(d) 4).

Each indicator carries its rules: ``rule_red`` (a red result), ``rule_yellow_run`` = N
(N yellow periods in a row), ``rule_trend_run`` = M (M periods in a row each worse than the
one before, :func:`qms_tui.domain.indicators.worsening_run`). When a measurement is written
— from a form, the importer (new rows in bulk and replacements) or a script — the rules are
evaluated on the indicator's series up to that measurement's period, and a breach raises a
**draft** nonconformity linked to the measurement, owned by the process owner (else the
indicator's owner), source "indicator breach". The owner accepts it into the lifecycle or
dismisses it with a reason (``nonconformities.accept_draft`` / ``dismiss_draft``); it counts
on the dashboard, and a notification goes to the owner's inbox.

The same breach never raises two drafts. A breach is named by a key stored on the NC
(``nonconformity.breach_key``, unique): ``red:{code}:{period}``, ``yellow{N}:{code}:{period}``,
``trend{M}:{code}:{period}``, where the period is the one that made the rule fire — for runs,
the period in which the run *reached* N (or M): a run that goes on is the same breach, a new
run after a break is a new one. Several rules firing on one measurement raise one draft (the
key of the first of red, yellow run, trend; its description names them all), and nothing is
raised when any of their keys was raised before (e.g. a value replaced by another red one).
Yellow runs and worsening trends are early warnings: the draft says so, and its owner may
take it as a nonconformity or dismiss it (e.g. to follow it as an improvement opportunity).

A restore copies the data verbatim (drafts and their keys included): it needs no hook. The
demo loader scripts its own nonconformities and pauses the rules (:func:`paused`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, or_, select, type_coerce
from sqlmodel import Session

from qms_tui.db.models import Indicator, Measurement, Nonconformity, Person
from qms_tui.domain import indicators as maths
from qms_tui.domain.actor import SYSTEM, Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.i18n import tr

RED, YELLOW, TREND = "red", "yellow", "trend"

_paused: ContextVar[bool] = ContextVar("qms_breaches_paused", default=False)


@dataclass(frozen=True)
class Breach:
    rule: str  # red | yellow | trend
    key: str
    run: int  # N or M (1 for red)


@contextmanager
def paused() -> Iterator[None]:
    """No rule is evaluated inside the block (the demo loader scripts its drafts itself)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def breach_key(rule: str, code: str, period: str, run: int = 1) -> str:
    """``red:IND-011:2025-10``, ``yellow3:IND-010:2025-10``, ``trend3:IND-015:2025-Q3``."""
    return f"{rule}:{code}:{period}" if rule == RED else f"{rule}{run}:{code}:{period}"


def _light(ind: Any, value: float) -> str:
    from qms_tui.services.indicators import light_of

    return light_of(ind, value)


def breaches_at(ind: Any, values: Sequence[float], period: str) -> list[Breach]:
    """The rules of ``ind`` that fire on the last of ``values`` (its series up to ``period``)."""
    if not values:
        return []
    found: list[Breach] = []
    if ind.rule_red and _light(ind, values[-1]) == maths.RED:
        found.append(Breach(RED, breach_key(RED, ind.code, period), 1))
    n = ind.rule_yellow_run
    if n and len(values) >= n:
        lights = [_light(ind, v) for v in values[-(n + 1):]]
        if maths.status_run(lights, maths.YELLOW) == n:
            found.append(Breach(YELLOW, breach_key(YELLOW, ind.code, period, n), n))
    m = ind.rule_trend_run
    if m and len(values) > m:
        try:
            run = maths.worsening_run(values[-(m + 2):], ind.direction, ind.band_low, ind.band_high)
        except ValueError:
            run = 0
        if run == m:
            found.append(Breach(TREND, breach_key(TREND, ind.code, period, m), m))
    return found


def _runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ids as ranges of consecutive ids: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    if ids and ids[-1] - ids[0] + 1 == len(ids):  # distinct and sorted: one range
        return [(ids[0], ids[-1])]
    runs: list[tuple[int, int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _chunks(items: Sequence[Any], size: int = 200) -> Iterator[Sequence[Any]]:
    for at in range(0, len(items), size):
        yield items[at:at + size]


def evaluate(session: Session, actor: Actor, measurement_ids: Iterable[int],
             known: dict[int, list[tuple[Any, int, str, float]]] | None = None) -> list[Any]:
    """Evaluate the rules for these measurements (in the caller's transaction) and raise the
    new drafts; returns their DTOs. ``known``: the same measurements as the caller wrote them
    (indicator id -> [(start as stored, id, period, value)]), so they are not read back."""
    if _paused.get():
        return []
    ids = sorted({int(i) for i in measurement_ids})
    if not ids:
        return []
    targets = known if known is not None else _read(session, ids)
    ruled = [ind for ind in session.execute(select(Indicator).where(Indicator.id.in_(list(targets)))).scalars()
             if ind.active and (ind.rule_red or ind.rule_yellow_run or ind.rule_trend_run)]
    raised: list[Any] = []
    for ind in sorted(ruled, key=lambda i: i.code):
        rows = sorted(targets[ind.id])
        if not (ind.rule_yellow_run or ind.rule_trend_run):  # the red rule needs the value only
            maybe_red = _maybe_red(ind)
            hits = [(mid, period, value, breaches_at(ind, [value], period)) for _s, mid, period, value in rows
                    if maybe_red(value)]
        else:
            wanted = {mid for _s, mid, _p, _v in rows}
            series = session.execute(select(Measurement.id, Measurement.period, Measurement.value)
                                     .where(Measurement.indicator_id == ind.id)
                                     .order_by(Measurement.period_start, Measurement.id)).all()
            values: list[float] = []
            hits = []
            for mid, period, value in series:
                values.append(value)
                if mid in wanted:
                    hits.append((mid, period, value, breaches_at(ind, values, period)))
        for mid, period, value, found in hits:
            if found:
                nc = _raise(session, actor, ind, mid, period, value, found)
                if nc is not None:
                    raised.append(nc)
    return raised


def _read(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[Any, int, str, float]]]:
    """Indicator id -> [(start, id, period, value)] of these measurements."""
    targets: dict[int, list[tuple[Any, int, str, float]]] = {}
    # Core rows, not ORM ones; the start only orders the rows, so it is read as stored (ISO
    # text on SQLite) rather than made a date; fetched all at once (row by row, SQLAlchemy's
    # fetchone costs as much as the rules)
    conn, start = session.connection(), type_coerce(Measurement.period_start, String)
    for chunk in _chunks(_runs(ids)):  # a bulk import's ids are consecutive: a few ranges
        for mid, iid, begins, period, value in conn.execute(
                select(Measurement.id, Measurement.indicator_id, start, Measurement.period,
                       Measurement.value).where(or_(*(Measurement.id.between(a, b) for a, b in chunk)))).all():
            targets.setdefault(iid, []).append((begins, mid, period, value))
    return targets


def _maybe_red(ind: Any) -> Any:
    """A quick filter of the values that may be red (a bulk import evaluates thousands): those
    clearly on the safe side of the red threshold are skipped, the rest are judged exactly."""
    if not ind.rule_red:
        return lambda _v: False
    target = ind.target
    try:
        from qms_tui.services.indicators import thresholds_of

        yellow = thresholds_of(ind).yellow_from
    except ValueError:
        return lambda _v: True
    if target is None or not target > 0 or not 0 < yellow <= maths.ATTAINMENT_CAP:
        return lambda _v: True
    slack = 1e-6
    if ind.direction == maths.HIGHER:
        safe = yellow * target / 100.0 * (1 + slack) + slack
        return lambda v: not v >= safe
    if ind.direction == maths.LOWER:
        safe = target * 100.0 / yellow * (1 - slack)
        return lambda v: not 0 <= v <= safe
    return lambda _v: True


def _raise(session: Session, actor: Actor, ind: Indicator, measurement_id: int, period: str, value: float,
           found: list[Breach]) -> Any | None:
    from qms_tui.services import nonconformities

    keys = [b.key for b in found]
    if session.execute(select(Nonconformity.id).where(Nonconformity.breach_key.in_(keys)).limit(1)).first():
        return None
    first = found[0]
    overrides: dict[str, Any] = {}
    rules = "; ".join(_rule_text(b) for b in found)
    if first.rule != RED:
        title = (N_("Indicator {code} at risk for {n} periods in a row up to {period}") if first.rule == YELLOW
                 else N_("Indicator {code} worsening for {n} periods in a row up to {period}"))
        overrides["title"] = tr(title, code=ind.code, n=first.run, period=period)[:200]
    overrides["description"] = tr(
        N_("{name}: the value of {period} is {value} {unit}; the target is {target} {unit}. Raised "
           "automatically: {rules}. Accept it as a nonconformity or dismiss it with the reason."),
        name=ind.name, period=period, value=f"{value:g}", unit=ind.unit, target=_target(ind), rules=rules)
    nc = nonconformities.raise_from_measurement(session, actor, measurement_id, overrides,
                                                draft=True, breach_key=first.key)
    _notify(session, nc, ind)
    return nc


def _target(ind: Indicator) -> str:
    if ind.direction == maths.BAND:
        return f"{ind.band_low:g}–{ind.band_high:g}" if ind.band_low is not None and ind.band_high is not None else "—"
    return f"{ind.target:g}" if ind.target is not None else "—"


def _rule_text(b: Breach) -> str:
    if b.rule == RED:
        return tr(N_("red result"))
    if b.rule == YELLOW:
        return tr(N_("{n} yellow results in a row"), n=b.run)
    return tr(N_("{n} periods in a row worse than the one before"), n=b.run)


def _notify(session: Session, nc: Any, ind: Indicator) -> int:
    """A notification to the draft's owner (else the quality coordinators), if the
    notification service is installed."""
    try:
        from qms_tui.services import notifications
    except ImportError:  # pragma: no cover - the inbox ships with the application
        return 0
    if nc.owner_id is not None:
        people = session.execute(select(Person.id, Person.code).where(Person.id == nc.owner_id,
                                                                      Person.active.is_(True))).all()
    else:
        people = []
    if not people:
        people = session.execute(select(Person.id, Person.code).where(
            Person.role == Role.COORDINATOR, Person.active.is_(True)).order_by(Person.code)).all()
    title = tr(N_("Draft nonconformity to accept or dismiss: {title}"), title=nc.title)
    body = tr(N_("{nc} was raised automatically by indicator {indicator}."), nc=nc.code, indicator=ind.code)
    drafts = [notifications.Draft(pid, login, "nc_draft", title, "nonconformity", nc.code, None, body)
              for pid, login in people]
    return notifications.create(session, SYSTEM, drafts)

