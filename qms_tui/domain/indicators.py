"""Indicator maths: attainment, traffic-light status, trends and overdue measurements.

Conventions (design/domain.md §6; institutional practice, not from a standard):

* direction ``"higher"`` (*ascendente*): attainment % = value / target × 100;
* direction ``"lower"`` (*descendente*): attainment % = target / value × 100;
* direction ``"band"`` (*nominal / rango*): the value should lie in [band_low, band_high].

Attainment is floored at 0 and capped at :data:`ATTAINMENT_CAP` (999 %), which is also
what a degenerate "best possible" result returns (0 with ``lower``; a positive value
against a target of 0 with ``higher``). Thresholds are stored per indicator.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from qms_tui.domain.periods import (
    Period,
    next_period,
    parse_period,
    period_for,
    period_kind,
    previous_period,
)

HIGHER = "higher"
LOWER = "lower"
BAND = "band"
DIRECTIONS: tuple[str, ...] = (HIGHER, LOWER, BAND)

GREEN = "green"
YELLOW = "yellow"
RED = "red"
NONE = "none"
STATUSES: tuple[str, ...] = (GREEN, YELLOW, RED, NONE)

#: Status symbols so that the status never relies on colour alone.
STATUS_SYMBOL: dict[str, str] = {GREEN: "✔", YELLOW: "▲", RED: "✖", NONE: "·"}

#: Attainment reported for "infinitely good" results and the upper bound of any attainment.
ATTAINMENT_CAP = 999.0

#: Relative change that counts as a real movement in :func:`trend` (2 %).
TREND_THRESHOLD = 0.02

#: Default days after a period's end before its measurement is overdue.
DEFAULT_GRACE_DAYS = 15

_TINY = 1e-9  # avoids division by zero for degenerate bands
_EPS = 1e-9  # comparison slack against floating-point noise

IMPROVING = "improving"
WORSENING = "worsening"
STABLE = "stable"
INSUFFICIENT = "insufficient"


@dataclass(frozen=True)
class Thresholds:
    """Attainment percentages for higher/lower indicators: ≥ green_from green, ≥ yellow_from yellow."""

    green_from: float = 100.0
    yellow_from: float = 80.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.green_from) and math.isfinite(self.yellow_from)):
            raise ValueError("thresholds must be finite numbers")
        if self.yellow_from > self.green_from:
            raise ValueError(
                f"yellow threshold ({self.yellow_from:g} %) must not exceed "
                f"green threshold ({self.green_from:g} %)"
            )


# ---------------------------------------------------------------- validation helpers


def _check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(
            f"unknown direction {direction!r}: expected one of {', '.join(DIRECTIONS)}"
        )
    return direction


def _check_band(band_low: float | None, band_high: float | None) -> tuple[float, float]:
    if band_low is None or band_high is None:
        raise ValueError("direction 'band' needs both band_low and band_high")
    if not (math.isfinite(band_low) and math.isfinite(band_high)):
        raise ValueError("band limits must be finite numbers")
    if band_low > band_high:
        raise ValueError(f"band_low ({band_low:g}) must not exceed band_high ({band_high:g})")
    return float(band_low), float(band_high)


def _check_finite(name: str, value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _clamp(pct: float) -> float:
    return min(max(pct, 0.0), ATTAINMENT_CAP)


def _band_distance(value: float, low: float, high: float) -> float:
    """0 inside [low, high], else the distance to the nearest limit."""
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0.0


# ---------------------------------------------------------------- attainment & status


def attainment(
    value: float,
    target: float | None,
    direction: str,
    band_low: float | None = None,
    band_high: float | None = None,
) -> float | None:
    """Degree of attainment in percent (0 … :data:`ATTAINMENT_CAP`), or None if undefined.

    * higher: value / target × 100. Target 0: None if value is 0 too, else the cap
      (a negative value gives 0).
    * lower: target / value × 100. Value 0 is the best possible result → the cap.
    * band: 100 inside [band_low, band_high], else
      100 − 100 × distance / (band_high − band_low), floored at 0 (``target`` is ignored).

    A missing target for higher/lower gives None.
    """
    _check_direction(direction)
    value = _check_finite("value", value)
    if direction == BAND:
        low, high = _check_band(band_low, band_high)
        distance = _band_distance(value, low, high)
        if distance == 0.0:
            return 100.0
        return max(0.0, 100.0 - 100.0 * distance / max(high - low, _TINY))
    if target is None:
        return None
    target = _check_finite("target", target)
    if direction == HIGHER:
        if target == 0:
            if value == 0:
                return None
            return ATTAINMENT_CAP if value > 0 else 0.0
        return _clamp(value * 100.0 / target)
    # LOWER
    if value == 0:
        return ATTAINMENT_CAP
    return _clamp(target * 100.0 / value)


def status(
    value: float | None,
    target: float | None,
    direction: str,
    thresholds: Thresholds = Thresholds(),
    band_low: float | None = None,
    band_high: float | None = None,
    band_tolerance: float = 0.0,
) -> str:
    """Traffic light of one measurement: "green", "yellow", "red" or "none".

    higher/lower: attainment ≥ green_from → green, ≥ yellow_from → yellow, else red.
    band: inside [band_low, band_high] → green; at most ``band_tolerance`` (absolute units)
    outside → yellow; else red. No value, or no target for higher/lower → "none".
    A value of 0 against a target of 0 (higher) meets the target → green.
    """
    _check_direction(direction)
    if not isinstance(thresholds, Thresholds):
        raise TypeError("thresholds must be a Thresholds instance")
    if thresholds.yellow_from > thresholds.green_from:  # defensive: normally caught at creation
        raise ValueError("yellow threshold must not exceed green threshold")
    if direction == BAND:
        low, high = _check_band(band_low, band_high)
        tolerance = _check_finite("band_tolerance", band_tolerance)
        if tolerance < 0:
            raise ValueError("band_tolerance must not be negative")
        if value is None:
            return NONE
        distance = _band_distance(_check_finite("value", value), low, high)
        if distance == 0.0:
            return GREEN
        return YELLOW if distance <= tolerance + _EPS else RED
    if value is None or target is None:
        return NONE
    pct = attainment(value, target, direction)
    if pct is None:  # higher with value 0 and target 0: the target is met exactly
        return GREEN
    if pct >= thresholds.green_from - _EPS:
        return GREEN
    if pct >= thresholds.yellow_from - _EPS:
        return YELLOW
    return RED


# ---------------------------------------------------------------- trends and runs


def _goodness(
    direction: str, band_low: float | None, band_high: float | None
) -> tuple[float | None, bool]:
    """(band centre or None, whether larger is better) for the direction."""
    _check_direction(direction)
    if direction == BAND:
        low, high = _check_band(band_low, band_high)
        return (low + high) / 2.0, False
    return None, direction == HIGHER


def trend(
    values: Sequence[float],
    direction: str,
    window: int = 3,
    band_low: float | None = None,
    band_high: float | None = None,
) -> str:
    """Direction-aware trend: improving, worsening, stable or insufficient (< 2 values).

    The last value is compared with the mean of up to ``window`` values before it; a
    relative change of more than 2 % of that mean counts. For band indicators the
    movement is the change in distance to the band's centre (closer = improving),
    still relative to the mean of the previous values.
    """
    centre, larger_is_better = _goodness(direction, band_low, band_high)
    if window < 1:
        raise ValueError("window must be at least 1")
    if len(values) < 2:
        return INSUFFICIENT
    data = [_check_finite("value", v) for v in values]
    last, previous = data[-1], data[-1 - window : -1]
    mean_prev = sum(previous) / len(previous)
    if centre is None:
        gain = last - mean_prev if larger_is_better else mean_prev - last
    else:
        mean_distance = sum(abs(v - centre) for v in previous) / len(previous)
        gain = mean_distance - abs(last - centre)
    scale = abs(mean_prev)
    if scale < _TINY:
        relative = 0.0 if abs(gain) < _TINY else math.copysign(math.inf, gain)
    else:
        relative = gain / scale
    if relative > TREND_THRESHOLD:
        return IMPROVING
    if relative < -TREND_THRESHOLD:
        return WORSENING
    return STABLE


def worsening_run(
    values: Sequence[float],
    direction: str,
    band_low: float | None = None,
    band_high: float | None = None,
) -> int:
    """How many of the most recent values were each strictly worse than the one before.

    ``[90, 95, 93, 91]`` with "higher" → 2. Band indicators get worse when they move
    away from the band's centre.
    """
    centre, larger_is_better = _goodness(direction, band_low, band_high)
    data = [_check_finite("value", v) for v in values]

    def badness(v: float) -> float:
        if centre is not None:
            return abs(v - centre)
        return -v if larger_is_better else v

    run = 0
    for i in range(len(data) - 1, 0, -1):
        if badness(data[i]) > badness(data[i - 1]):
            run += 1
        else:
            break
    return run


def status_run(statuses: Sequence[str], status: str) -> int:
    """Length of the run of ``status`` at the end of ``statuses`` (0 if the last differs)."""
    run = 0
    for s in reversed(statuses):
        if s != status:
            break
        run += 1
    return run


# ---------------------------------------------------------------- overdue measurements


def due_date(period: Period, grace_days: int = DEFAULT_GRACE_DAYS) -> date:
    """Date by which the measurement of ``period`` is due: its end plus ``grace_days``."""
    if grace_days < 0:
        raise ValueError("grace_days must not be negative")
    return period.end + timedelta(days=grace_days)


def _first_expected(
    frequency: str, last_period_label: str | None, today: date, start: date | None
) -> Period:
    """The earliest period of ``frequency`` still waiting for a measurement."""
    if last_period_label is not None:
        last = parse_period(last_period_label)
        # A label of another kind (e.g. "2025-Q1" for a monthly indicator) counts as
        # measured up to its end.
        return next_period(period_for(frequency, last.end))
    if start is not None:
        first = period_for(frequency, start)
        return first if first.start >= start else next_period(first)
    return previous_period(period_for(frequency, today))


def missing_periods(
    frequency: str,
    last_period_label: str | None,
    today: date,
    grace_days: int = DEFAULT_GRACE_DAYS,
    start: date | None = None,
    limit: int = 24,
) -> list[Period]:
    """Periods after the last measured one whose due date (end + grace) has passed by ``today``.

    Chronological; only the most recent ``limit`` (24) are kept. per_event indicators
    have no regular periods → always empty. With no measurement at all, periods are
    counted from the first period starting on or after ``start``, or — without
    ``start`` — only the period before the one containing ``today`` is expected.
    """
    if period_kind(frequency) == "day":  # per_event: due dates come from events
        return []
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if grace_days < 0:
        raise ValueError("grace_days must not be negative")
    missing: deque[Period] = deque(maxlen=limit)
    p = _first_expected(frequency, last_period_label, today, start)
    while today > due_date(p, grace_days):
        missing.append(p)
        p = next_period(p)
    return list(missing)


def is_overdue(
    frequency: str,
    last_period_label: str | None,
    today: date,
    grace_days: int = DEFAULT_GRACE_DAYS,
    start: date | None = None,
) -> bool:
    """Whether a completed period after the last measured one is past its due date.

    Example: monthly, measured up to "2025-05", grace 15 → 2025-06 ended 2025-06-30 and
    is due 2025-07-15, so overdue on 2025-07-20 but not on 2025-07-10. Earlier gaps
    count too (measured up to "2025-04" is overdue from 2025-06-16). per_event
    indicators are never overdue by this rule. Same as ``bool(missing_periods(...))``.
    """
    if period_kind(frequency) == "day":
        return False
    if grace_days < 0:
        raise ValueError("grace_days must not be negative")
    first = _first_expected(frequency, last_period_label, today, start)
    return today > due_date(first, grace_days)
