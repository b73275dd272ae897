"""Indicator maths: attainment, traffic light, trend, runs and overdue measurements."""

from __future__ import annotations

from datetime import date

import pytest

from qms_tui.domain.indicators import (
    ATTAINMENT_CAP,
    STATUS_SYMBOL,
    Thresholds,
    attainment,
    due_date,
    is_overdue,
    missing_periods,
    status,
    status_run,
    trend,
    worsening_run,
)
from qms_tui.domain.periods import parse_period

# ---------------------------------------------------------------- attainment


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (95, 100, "higher", 95.0),
        (100, 100, "higher", 100.0),
        (120, 100, "higher", 120.0),
        (0, 100, "higher", 0.0),
        (57, 100, "higher", 57.0),
        (5.96, 5.96, "higher", 100.0),
        (0, 0, "higher", None),  # undefined
        (3, 0, "higher", ATTAINMENT_CAP),
        (-3, 0, "higher", 0.0),
        (-5, 100, "higher", 0.0),  # floored at 0
        (50_000, 1, "higher", ATTAINMENT_CAP),  # capped
        (8, 10, "lower", 125.0),
        (10, 10, "lower", 100.0),
        (20, 10, "lower", 50.0),
        (0, 10, "lower", ATTAINMENT_CAP),  # zero is the best possible result
        (0, 0, "lower", ATTAINMENT_CAP),
        (5, 0, "lower", 0.0),
        (10, None, "higher", None),
        (10, None, "lower", None),
    ],
)
def test_attainment_higher_lower(
    value: float, target: float | None, direction: str, expected: float | None
) -> None:
    result = attainment(value, target, direction)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (95, 100.0),
        (100, 100.0),
        (105, 100.0),
        (110, 50.0),  # 5 outside a band 10 wide
        (90, 50.0),
        (115, 0.0),
        (200, 0.0),  # floored
        (-1000, 0.0),
    ],
)
def test_attainment_band(value: float, expected: float) -> None:
    assert attainment(value, None, "band", band_low=95, band_high=105) == pytest.approx(expected)


def test_attainment_degenerate_band() -> None:
    assert attainment(7, 7, "band", band_low=7, band_high=7) == 100.0
    assert attainment(7.1, 7, "band", band_low=7, band_high=7) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value": 1, "target": 1, "direction": "up"}, "unknown direction 'up'"),
        ({"value": 1, "target": 1, "direction": "band"}, "band_low and band_high"),
        ({"value": 1, "target": 1, "direction": "band", "band_low": 1}, "band_low and band_high"),
        ({"value": 1, "target": 1, "direction": "band", "band_low": 5, "band_high": 1}, "must not exceed"),
        ({"value": float("nan"), "target": 1, "direction": "higher"}, "finite"),
        ({"value": 1, "target": float("inf"), "direction": "higher"}, "finite"),
    ],
)  # fmt: skip
def test_attainment_rejects(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        attainment(**kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- status

DEFAULT = Thresholds()
STRICT = Thresholds(green_from=100.0, yellow_from=95.0)
LENIENT = Thresholds(green_from=95.0, yellow_from=80.0)


@pytest.mark.parametrize(
    ("value", "target", "direction", "thresholds", "expected"),
    [
        (100, 100, "higher", DEFAULT, "green"),
        (120, 100, "higher", DEFAULT, "green"),
        (99.9, 100, "higher", DEFAULT, "yellow"),
        (80, 100, "higher", DEFAULT, "yellow"),  # boundary is inclusive
        (79.99, 100, "higher", DEFAULT, "red"),
        (0, 100, "higher", DEFAULT, "red"),
        (96, 100, "higher", LENIENT, "green"),  # thresholds per indicator
        (96, 100, "higher", STRICT, "yellow"),
        (94, 100, "higher", STRICT, "red"),
        (0.57, 0.57, "higher", DEFAULT, "green"),  # no float noise at the boundary
        (0.8, 1, "higher", DEFAULT, "yellow"),
        (0, 0, "higher", DEFAULT, "green"),  # target 0 met exactly
        (2, 0, "higher", DEFAULT, "green"),
        (8, 10, "lower", DEFAULT, "green"),
        (10, 10, "lower", DEFAULT, "green"),
        (12, 10, "lower", DEFAULT, "yellow"),  # 83.3 %
        (12.5, 10, "lower", DEFAULT, "yellow"),  # exactly 80 %
        (13, 10, "lower", DEFAULT, "red"),
        (0, 10, "lower", DEFAULT, "green"),
        (5, 0, "lower", DEFAULT, "red"),
        (None, 100, "higher", DEFAULT, "none"),
        (None, 10, "lower", DEFAULT, "none"),
        (50, None, "higher", DEFAULT, "none"),
    ],
)
def test_status_higher_lower(
    value: float | None, target: float | None, direction: str, thresholds: Thresholds, expected: str
) -> None:
    assert status(value, target, direction, thresholds) == expected


@pytest.mark.parametrize(
    ("value", "tolerance", "expected"),
    [
        (95, 0.0, "green"),
        (100, 0.0, "green"),
        (105, 0.0, "green"),
        (105.01, 0.0, "red"),
        (94.99, 0.0, "red"),
        (107, 2.0, "yellow"),  # exactly at the tolerance
        (93, 2.0, "yellow"),
        (107.5, 2.0, "red"),
        (92.9, 2.0, "red"),
        (None, 2.0, "none"),
    ],
)
def test_status_band(value: float | None, tolerance: float, expected: str) -> None:
    assert (
        status(value, None, "band", band_low=95, band_high=105, band_tolerance=tolerance)
        == expected
    )


def test_status_validation() -> None:
    with pytest.raises(ValueError, match="unknown direction"):
        status(1, 1, "sideways")
    with pytest.raises(ValueError, match="band_low and band_high"):
        status(1, None, "band")
    with pytest.raises(ValueError, match="band_low and band_high"):
        status(None, None, "band", band_high=3)  # validated even without a value
    with pytest.raises(ValueError, match="negative"):
        status(1, None, "band", band_low=0, band_high=2, band_tolerance=-1)
    with pytest.raises(ValueError, match="must not exceed green"):
        Thresholds(green_from=80, yellow_from=90)
    with pytest.raises(ValueError, match="must not exceed green"):
        status(1, 1, "higher", Thresholds(green_from=80, yellow_from=90))
    with pytest.raises(ValueError, match="finite"):
        Thresholds(green_from=float("nan"))
    assert Thresholds(green_from=90, yellow_from=90).yellow_from == 90  # equal is allowed


def test_status_symbols_do_not_rely_on_colour() -> None:
    assert STATUS_SYMBOL == {"green": "✔", "yellow": "▲", "red": "✖", "none": "·"}
    assert len(set(STATUS_SYMBOL.values())) == 4


# ---------------------------------------------------------------- trend


@pytest.mark.parametrize(
    ("values", "direction", "expected"),
    [
        ([], "higher", "insufficient"),
        ([90], "higher", "insufficient"),
        ([90, 95], "higher", "improving"),
        ([90, 95], "lower", "worsening"),
        ([95, 90], "higher", "worsening"),
        ([95, 90], "lower", "improving"),
        ([100, 101], "higher", "stable"),  # +1 % is noise
        ([100, 102.5], "higher", "improving"),
        ([100, 97.5], "higher", "worsening"),
        ([100, 98.5], "lower", "stable"),
        ([80, 100, 100, 100, 103], "higher", "improving"),  # window 3: mean 100, not 95
        ([120, 100, 100, 100, 101], "higher", "stable"),
        ([0, 0, 0], "higher", "stable"),
        ([0, 0, 1], "higher", "improving"),
        ([0, 0, 1], "lower", "worsening"),
    ],
)
def test_trend(values: list[float], direction: str, expected: str) -> None:
    assert trend(values, direction) == expected


def test_trend_window() -> None:
    values = [50, 100, 100, 100, 100]
    assert trend(values, "higher", window=3) == "stable"
    assert trend(values, "higher", window=4) == "improving"  # mean 87.5 → 100
    assert trend(values, "higher", window=1) == "stable"
    with pytest.raises(ValueError, match="window"):
        trend(values, "higher", window=0)


def test_trend_band() -> None:
    band = {"band_low": 95.0, "band_high": 105.0}  # centre 100
    assert trend([110, 104], "band", **band) == "improving"
    assert trend([90, 96], "band", **band) == "improving"
    assert trend([100, 108], "band", **band) == "worsening"
    assert trend([90, 110, 100], "band", **band) == "improving"  # both were 10 off centre
    assert trend([99, 101], "band", **band) == "stable"  # same distance from centre
    assert trend([100], "band", **band) == "insufficient"
    with pytest.raises(ValueError, match="band_low and band_high"):
        trend([1, 2], "band")
    with pytest.raises(ValueError, match="unknown direction"):
        trend([1, 2], "up")


# ---------------------------------------------------------------- runs


@pytest.mark.parametrize(
    ("values", "direction", "expected"),
    [
        ([], "higher", 0),
        ([90], "higher", 0),
        ([90, 95, 93, 91], "higher", 2),
        ([95, 94, 93, 92], "higher", 3),
        ([95, 94, 94], "higher", 0),  # equal is not worse
        ([90, 95, 93, 91], "lower", 0),
        ([3, 4, 5, 6], "lower", 3),
        ([6, 4, 5, 6], "lower", 2),
    ],
)
def test_worsening_run(values: list[float], direction: str, expected: int) -> None:
    assert worsening_run(values, direction) == expected


def test_worsening_run_band() -> None:
    band = {"band_low": 95.0, "band_high": 105.0}
    assert worsening_run([100, 102, 96, 110], "band", **band) == 3  # 0 → 2 → 4 → 10 off centre
    assert worsening_run([104, 100, 98, 107], "band", **band) == 2  # 4 → 0 → 2 → 7
    assert worsening_run([110, 100], "band", **band) == 0
    with pytest.raises(ValueError):
        worsening_run([1, 2], "band")


def test_status_run() -> None:
    assert status_run([], "red") == 0
    assert status_run(["green", "red", "red", "red"], "red") == 3
    assert status_run(["red", "red", "green"], "red") == 0
    assert status_run(["yellow", "red", "yellow", "yellow"], "yellow") == 2
    assert status_run(("red",) * 5, "red") == 5


# ---------------------------------------------------------------- overdue


def test_due_date() -> None:
    assert due_date(parse_period("2025-06"), 15) == date(2025, 7, 15)
    assert due_date(parse_period("2025-Q4"), 15) == date(2026, 1, 15)
    assert due_date(parse_period("2025-06"), 0) == date(2025, 6, 30)
    with pytest.raises(ValueError, match="negative"):
        due_date(parse_period("2025-06"), -1)


@pytest.mark.parametrize(
    ("frequency", "last", "today", "expected"),
    [
        ("monthly", "2025-05", date(2025, 7, 20), True),  # 2025-06 was due 2025-07-15
        ("monthly", "2025-05", date(2025, 7, 10), False),
        ("monthly", "2025-05", date(2025, 7, 15), False),  # due day itself is not late
        ("monthly", "2025-05", date(2025, 7, 16), True),
        ("monthly", "2025-04", date(2025, 7, 10), True),  # 2025-05 was due 2025-06-15
        ("monthly", "2025-06", date(2025, 7, 20), False),
        ("monthly", "2025-07", date(2025, 7, 20), False),  # measured ahead (partial month)
        ("monthly", "2025-11", date(2026, 1, 16), True),  # across the year boundary
        ("monthly", "2025-11", date(2026, 1, 14), False),
        ("quarterly", "2025-Q1", date(2025, 7, 15), False),  # Q2 due 2025-07-15
        ("quarterly", "2025-Q1", date(2025, 7, 16), True),
        ("quarterly", "2025-Q2", date(2025, 10, 15), False),  # Q3 due 2025-10-15
        ("quarterly", "2025-Q2", date(2025, 12, 1), True),
        ("quarterly", "2025-Q3", date(2026, 1, 16), True),
        ("semiannual", "2025-S1", date(2026, 1, 16), True),
        ("semiannual", "2025-S1", date(2026, 1, 15), False),
        ("annual", "2024", date(2026, 1, 10), False),
        ("annual", "2024", date(2026, 1, 16), True),
        ("per_event", "2024-06-02", date(2030, 1, 1), False),  # per-event: never by this rule
        ("per_event", None, date(2030, 1, 1), False),
        ("monthly", "2025-Q1", date(2025, 5, 16), True),  # coarser label = measured to its end
    ],
)
def test_is_overdue(frequency: str, last: str | None, today: date, expected: bool) -> None:
    assert is_overdue(frequency, last, today, grace_days=15) is expected
    assert bool(missing_periods(frequency, last, today, 15)) is expected


def test_is_overdue_grace_days() -> None:
    assert is_overdue("monthly", "2025-05", date(2025, 7, 5), grace_days=0)
    assert not is_overdue("monthly", "2025-05", date(2025, 7, 5), grace_days=30)
    assert is_overdue("monthly", "2025-05", date(2025, 7, 16))  # default grace is 15


def test_is_overdue_never_measured() -> None:
    today = date(2025, 7, 20)
    # without start: the last completed period (2025-06, due 07-15) is expected
    assert is_overdue("monthly", None, today)
    assert not is_overdue("monthly", None, date(2025, 7, 10))
    # with start: the first period starting on or after it
    assert not is_overdue("monthly", None, today, start=date(2025, 7, 1))
    assert is_overdue("monthly", None, today, start=date(2025, 6, 1))
    # a start inside June makes July the first full month
    assert not is_overdue("monthly", None, today, start=date(2025, 6, 2))
    assert is_overdue("quarterly", None, today, start=date(2025, 1, 1))
    assert is_overdue("quarterly", None, today, start=date(2025, 4, 1))  # Q2 due 07-15
    assert not is_overdue("quarterly", None, today, start=date(2025, 4, 2))  # first is Q3


def test_missing_periods() -> None:
    labels = [p.label for p in missing_periods("monthly", "2025-02", date(2025, 7, 20), 15)]
    assert labels == ["2025-03", "2025-04", "2025-05", "2025-06"]
    labels = [p.label for p in missing_periods("monthly", "2025-02", date(2025, 7, 10), 15)]
    assert labels == ["2025-03", "2025-04", "2025-05"]
    assert missing_periods("monthly", "2025-06", date(2025, 7, 20), 15) == []
    assert missing_periods("per_event", "2024-06-02", date(2030, 1, 1), 15) == []
    labels = [p.label for p in missing_periods("quarterly", "2024-Q3", date(2025, 8, 1), 15)]
    assert labels == ["2024-Q4", "2025-Q1", "2025-Q2"]
    labels = [p.label for p in missing_periods("monthly", None, date(2025, 7, 20), 15)]
    assert labels == ["2025-06"]
    labels = [
        p.label
        for p in missing_periods("monthly", None, date(2025, 7, 20), 15, start=date(2025, 4, 1))
    ]
    assert labels == ["2025-04", "2025-05", "2025-06"]


def test_missing_periods_bounded() -> None:
    result = missing_periods("monthly", "2015-01", date(2025, 7, 20), 15)
    assert len(result) == 24
    assert result[-1].label == "2025-06"  # the most recent ones are kept, in order
    assert result[0].label == "2023-07"
    assert result == sorted(result)
    assert len(missing_periods("monthly", "2015-01", date(2025, 7, 20), 15, limit=3)) == 3


def test_overdue_validation() -> None:
    with pytest.raises(ValueError, match="unknown frequency"):
        is_overdue("weekly", None, date(2025, 1, 1))
    with pytest.raises(ValueError, match="not a period"):
        is_overdue("monthly", "June", date(2025, 1, 1))
    with pytest.raises(ValueError, match="negative"):
        is_overdue("monthly", "2025-01", date(2025, 6, 1), grace_days=-1)
    with pytest.raises(ValueError, match="limit"):
        missing_periods("monthly", "2025-01", date(2025, 6, 1), 15, limit=0)
