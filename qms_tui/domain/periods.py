"""Measurement periods of quality indicators.

Labels (the stored form): ``2025-03`` month, ``2025-Q1`` quarter, ``2025-S1`` semester,
``2025`` year and ``2025-06-01`` day (used by per-event indicators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS: tuple[str, ...] = ("day", "month", "quarter", "semester", "year")

#: Indicator measurement frequencies and the period kind each one uses.
FREQUENCY_KIND: dict[str, str] = {
    "monthly": "month",
    "quarterly": "quarter",
    "semiannual": "semester",
    "annual": "year",
    "per_event": "day",
}
FREQUENCIES: tuple[str, ...] = tuple(FREQUENCY_KIND)

_EXPECTED = "expected 2025-03, 2025-Q1, 2025-S1, 2025 or 2025-06-01"


def N_(msgid: str) -> str:  # noqa: N802 - gettext marker (domain.enums imports nothing from here)
    return msgid


class PeriodError(ValueError):
    """A bad period label: ``msgid`` and ``params`` translate it; ``str()`` is English."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params


@dataclass(frozen=True, order=True)
class Period:
    """A closed date interval [start, end] with its canonical label. Ordered by start."""

    start: date
    end: date
    label: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown period kind {self.kind!r}: expected one of {', '.join(KINDS)}"
            )
        if self.end < self.start:
            raise ValueError(f"period {self.label!r} ends before it starts")

    def __str__(self) -> str:
        return self.label

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1


# ---------------------------------------------------------------- constructors


def _last_day_of_month(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def day_period(day: date) -> Period:
    return Period(day, day, day.isoformat(), "day")


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise ValueError("month must be 01–12")
    return Period(
        date(year, month, 1), _last_day_of_month(year, month), f"{year:04d}-{month:02d}", "month"
    )


def quarter_period(year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be Q1–Q4")
    first = 3 * quarter - 2
    return Period(
        date(year, first, 1),
        _last_day_of_month(year, first + 2),
        f"{year:04d}-Q{quarter}",
        "quarter",
    )


def semester_period(year: int, semester: int) -> Period:
    if not 1 <= semester <= 2:
        raise ValueError("semester must be S1–S2")
    first = 6 * semester - 5
    return Period(
        date(year, first, 1),
        _last_day_of_month(year, first + 5),
        f"{year:04d}-S{semester}",
        "semester",
    )


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year")


def _period_of_kind(kind: str, day: date) -> Period:
    if kind == "day":
        return day_period(day)
    if kind == "month":
        return month_period(day.year, day.month)
    if kind == "quarter":
        return quarter_period(day.year, (day.month - 1) // 3 + 1)
    if kind == "semester":
        return semester_period(day.year, 1 if day.month <= 6 else 2)
    if kind == "year":
        return year_period(day.year)
    raise ValueError(f"unknown period kind {kind!r}: expected one of {', '.join(KINDS)}")


# ---------------------------------------------------------------- parsing

_YEAR = r"(?P<year>[0-9]{4})"
_RE_YEAR = re.compile(_YEAR)
_RE_MONTH = re.compile(_YEAR + r"-(?P<month>[0-9]{2})")
_RE_SHORT_MONTH = re.compile(_YEAR + r"-[0-9]")
_RE_QUARTER = re.compile(_YEAR + r"-[Qq](?P<n>[0-9]+)")
_RE_SEMESTER = re.compile(_YEAR + r"-[Ss](?P<n>[0-9]+)")
_RE_DAY = re.compile(_YEAR + r"-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")


def _year(text: str, match: re.Match[str]) -> int:
    year = int(match["year"])
    if year < 1:
        raise PeriodError(N_("invalid period {text}: year must be 0001–9999"), text=repr(text))
    return year


def parse_period(text: str) -> Period:
    """Parse a period label, normalising it ("2025-q1" → "2025-Q1").

    Surrounding whitespace is ignored; anything else must match one of the forms exactly
    (two-digit months, four-digit years). Raises ValueError with an English message.
    """
    if not isinstance(text, str):
        raise TypeError(f"period label must be a string, not {type(text).__name__}")
    raw = text.strip()
    if m := _RE_YEAR.fullmatch(raw):
        return year_period(_year(text, m))
    if m := _RE_MONTH.fullmatch(raw):
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise PeriodError(N_("invalid period {text}: month must be 01–12"), text=repr(text))
        return month_period(_year(text, m), month)
    if _RE_SHORT_MONTH.fullmatch(raw):
        raise PeriodError(N_("invalid period {text}: month must be two digits, 01–12"), text=repr(text))
    if m := _RE_QUARTER.fullmatch(raw):
        n = int(m["n"])
        if not 1 <= n <= 4:
            raise PeriodError(N_("invalid period {text}: quarter must be Q1–Q4"), text=repr(text))
        return quarter_period(_year(text, m), n)
    if m := _RE_SEMESTER.fullmatch(raw):
        n = int(m["n"])
        if not 1 <= n <= 2:
            raise PeriodError(N_("invalid period {text}: semester must be S1–S2"), text=repr(text))
        return semester_period(_year(text, m), n)
    if m := _RE_DAY.fullmatch(raw):
        year, month, day = _year(text, m), int(m["month"]), int(m["day"])
        if not 1 <= month <= 12:
            raise PeriodError(N_("invalid period {text}: month must be 01–12"), text=repr(text))
        try:
            return day_period(date(year, month, day))
        except ValueError:
            last = _last_day_of_month(year, month).day
            raise PeriodError(N_("invalid period {text}: day must be 01–{last}"), text=repr(text), last=f"{last:02d}") from None
    raise PeriodError(N_("not a period: expected 2025-03, 2025-Q1, 2025-S1, 2025 or 2025-06-01 (got {text})"), text=repr(text))


def as_period(value: Period | str) -> Period:
    """``value`` itself if it is a Period, else :func:`parse_period` of it."""
    return value if isinstance(value, Period) else parse_period(value)


# ---------------------------------------------------------------- arithmetic


def period_kind(frequency: str) -> str:
    """Period kind used by an indicator ``frequency`` ("monthly" → "month")."""
    try:
        return FREQUENCY_KIND[frequency]
    except KeyError:
        raise ValueError(
            f"unknown frequency {frequency!r}: expected one of {', '.join(FREQUENCIES)}"
        ) from None


def period_for(frequency: str, day: date) -> Period:
    """The period of ``frequency`` that contains ``day`` (per_event → the day itself)."""
    return _period_of_kind(period_kind(frequency), day)


def next_period(p: Period) -> Period:
    """The period of the same kind that follows ``p``."""
    try:
        return _period_of_kind(p.kind, p.end + timedelta(days=1))
    except OverflowError:
        raise ValueError(f"no period after {p.label}") from None


def previous_period(p: Period) -> Period:
    """The period of the same kind that precedes ``p``."""
    try:
        return _period_of_kind(p.kind, p.start - timedelta(days=1))
    except OverflowError:
        raise ValueError(f"no period before {p.label}") from None


def contains(outer: Period | str, inner: Period | str) -> bool:
    """True when ``inner`` lies entirely within ``outer`` (e.g. "2025-Q3" contains "2025-08")."""
    o, i = as_period(outer), as_period(inner)
    return o.start <= i.start and i.end <= o.end
