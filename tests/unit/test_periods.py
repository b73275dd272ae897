"""Measurement periods: parsing, arithmetic and containment."""

from __future__ import annotations

from datetime import date

import pytest

from qms_tui.domain.periods import (
    FREQUENCIES,
    Period,
    contains,
    next_period,
    parse_period,
    period_for,
    previous_period,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "kind"),
    [
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31), "2025-03", "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02", "month"),
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28), "2025-02", "month"),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31), "2025-12", "month"),
        ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "2025-Q1", "quarter"),
        ("2025-q1", date(2025, 1, 1), date(2025, 3, 31), "2025-Q1", "quarter"),
        ("2025-Q2", date(2025, 4, 1), date(2025, 6, 30), "2025-Q2", "quarter"),
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3", "quarter"),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31), "2025-Q4", "quarter"),
        ("2025-S1", date(2025, 1, 1), date(2025, 6, 30), "2025-S1", "semester"),
        ("2025-s2", date(2025, 7, 1), date(2025, 12, 31), "2025-S2", "semester"),
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025", "year"),
        ("2025-06-01", date(2025, 6, 1), date(2025, 6, 1), "2025-06-01", "day"),
        ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29), "2024-02-29", "day"),
        ("  2025-Q3\n", date(2025, 7, 1), date(2025, 9, 30), "2025-Q3", "quarter"),
    ],
)
def test_parse_period_forms(text: str, start: date, end: date, label: str, kind: str) -> None:
    p = parse_period(text)
    assert p == Period(start, end, label, kind)
    assert str(p) == label
    assert parse_period(p.label) == p  # the label round-trips


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13", "month must be 01–12"),
        ("2025-00", "month must be 01–12"),
        ("2025-3", "month must be two digits"),
        (" 2025-3 ", "month must be two digits"),
        ("2025-Q5", "quarter must be Q1–Q4"),
        ("2025-Q0", "quarter must be Q1–Q4"),
        ("2025-Q12", "quarter must be Q1–Q4"),
        ("2025-S3", "semester must be S1–S2"),
        ("2025-S0", "semester must be S1–S2"),
        ("2025-02-30", "day must be 01–28"),
        ("2024-02-30", "day must be 01–29"),
        ("2025-13-01", "month must be 01–12"),
        ("0000", "year must be 0001–9999"),
        ("", "not a period: expected 2025-03, 2025-Q1, 2025-S1, 2025 or 2025-06-01"),
        ("25-03", "not a period"),
        ("2025/03", "not a period"),
        ("March 2025", "not a period"),
        ("2025-Q", "not a period"),
        ("2025-03-1", "not a period"),
        ("2025-H1", "not a period"),
        ("٢٠٢٥", "not a period"),  # non-ASCII digits are not accepted
    ],
)
def test_parse_period_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_period(text)
    assert repr(text) in str(info.value)  # the message names the offending input


def test_parse_period_type_error() -> None:
    with pytest.raises(TypeError):
        parse_period(202503)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("frequency", "day", "label"),
    [
        ("monthly", date(2025, 3, 15), "2025-03"),
        ("monthly", date(2025, 3, 31), "2025-03"),
        ("quarterly", date(2025, 3, 31), "2025-Q1"),
        ("quarterly", date(2025, 4, 1), "2025-Q2"),
        ("quarterly", date(2025, 11, 5), "2025-Q4"),
        ("semiannual", date(2025, 6, 30), "2025-S1"),
        ("semiannual", date(2025, 7, 1), "2025-S2"),
        ("annual", date(2025, 7, 1), "2025"),
        ("per_event", date(2025, 6, 1), "2025-06-01"),
    ],
)
def test_period_for(frequency: str, day: date, label: str) -> None:
    p = period_for(frequency, day)
    assert p.label == label
    assert p.start <= day <= p.end
    assert day in p


def test_period_for_unknown_frequency() -> None:
    assert FREQUENCIES == ("monthly", "quarterly", "semiannual", "annual", "per_event")
    with pytest.raises(ValueError, match="unknown frequency 'weekly'"):
        period_for("weekly", date(2025, 1, 1))


@pytest.mark.parametrize(
    ("label", "following"),
    [
        ("2025-03", "2025-04"),
        ("2025-12", "2026-01"),
        ("2025-Q4", "2026-Q1"),
        ("2025-Q1", "2025-Q2"),
        ("2025-S2", "2026-S1"),
        ("2025-S1", "2025-S2"),
        ("2025", "2026"),
        ("2025-12-31", "2026-01-01"),
        ("2024-02-28", "2024-02-29"),
    ],
)
def test_next_and_previous(label: str, following: str) -> None:
    p, q = parse_period(label), parse_period(following)
    assert next_period(p) == q
    assert previous_period(q) == p
    assert p < q
    assert (q.start - p.end).days == 1  # contiguous


def test_walk_a_year_of_months() -> None:
    p = parse_period("2025-01")
    seen = [p.label]
    for _ in range(12):
        p = next_period(p)
        seen.append(p.label)
    assert seen[-1] == "2026-01"
    assert sum(parse_period(x).days for x in seen[:12]) == 365


def test_boundaries_of_calendar() -> None:
    with pytest.raises(ValueError, match="no period after"):
        next_period(parse_period("9999-12"))
    with pytest.raises(ValueError, match="no period before"):
        previous_period(parse_period("0001"))


def test_contains() -> None:
    q3 = parse_period("2025-Q3")
    assert contains("2025-Q3", parse_period("2025-08"))
    assert contains(q3, parse_period("2025-07-01"))
    assert contains(q3, parse_period("2025-09-30"))
    assert contains(q3, q3)
    assert not contains(q3, parse_period("2025-10"))
    assert not contains(q3, parse_period("2025-06-30"))
    assert not contains(q3, parse_period("2025-S2"))  # S2 is larger than Q3
    assert contains("2025", "2025-S2")
    assert contains("2025-S1", "2025-Q2")
    assert not contains("2025-S1", "2025-Q3")
    with pytest.raises(ValueError):
        contains("2025-Q9", q3)


def test_period_validation_and_ordering() -> None:
    with pytest.raises(ValueError):
        Period(date(2025, 2, 1), date(2025, 1, 1), "bad", "month")
    with pytest.raises(ValueError):
        Period(date(2025, 1, 1), date(2025, 1, 1), "bad", "week")
    labels = ["2025-03", "2024-12", "2025-01"]
    assert [p.label for p in sorted(map(parse_period, labels))] == ["2024-12", "2025-01", "2025-03"]
