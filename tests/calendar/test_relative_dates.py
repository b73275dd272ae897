"""Relative dates: E-30, E0, E+15 (pure)."""

from datetime import date

import pytest

from qms_tui.domain.relative import (
    FORM_ERROR,
    MAX_OFFSET_DAYS,
    format_offset,
    is_relative,
    offset_of,
    parse_anchor,
    parse_offset,
    resolve,
)


@pytest.mark.parametrize(("raw", "days"), [
    ("E-30", -30), ("E+15", 15), ("E0", 0), ("E", 0), ("e-120", -120), (" E + 7 ", 7), ("E\u221215", -15),
    ("E-0", 0), (-45, -45), (0, 0),
])
def test_parse_offset(raw, days):
    assert parse_offset(raw) == days


@pytest.mark.parametrize("raw", ["E30", "30", "-30", "D-30", "E-", "E+x", "", "E-30d", True])
def test_bad_forms_name_the_form(raw):
    with pytest.raises(ValueError) as err:
        parse_offset(raw)
    assert str(err.value) == FORM_ERROR and "E-30" in FORM_ERROR


def test_offsets_stay_within_ten_years():
    assert parse_offset(f"E-{MAX_OFFSET_DAYS}") == -MAX_OFFSET_DAYS
    with pytest.raises(ValueError, match="within"):
        parse_offset(f"E+{MAX_OFFSET_DAYS + 1}")


def test_format_resolve_and_back():
    key = date(2027, 6, 6)
    for days in (-120, -30, -1, 0, 1, 15):
        assert parse_offset(format_offset(days)) == days
        assert offset_of(key, resolve(key, days)) == days
    assert format_offset(-30) == "E-30" and format_offset(15) == "E+15" and format_offset(0) == "E0"
    assert resolve(key, -30) == date(2027, 5, 7) and resolve(key, 15) == date(2027, 6, 21)


def test_anchor_with_event():
    assert parse_anchor("E-30@PELE-PJ-2024-2025") == (-30, "PELE-PJ-2024-2025")
    assert parse_anchor("E+15") == (15, None)
    with pytest.raises(ValueError):
        parse_anchor("E-30@")
    assert is_relative("E-3") and not is_relative("2025-03-01") and not is_relative(None)
