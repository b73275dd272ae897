"""Dates planned relative to an electoral event's key day (design/peers.md §(d) 1).

``E-30`` is 30 days before the key day (election or consultation day), ``E+15`` 15 days
after, ``E0`` the day itself. A planned date may name its event: ``E-30@PELE-PJ-2024-2025``.
Pure: no database; errors are ``ValueError`` whose message is a msgid (like
:func:`qms_tui.domain.fields.parse_date`), so a service turns them into a field error.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from qms_tui.domain.enums import N_

#: The furthest a date may lie from the key day (ten years either way).
MAX_OFFSET_DAYS = 3650

FORM_ERROR = N_("must be a day relative to the event's key day, like E-30, E0 or E+15")
RANGE_ERROR = N_("must lie within {max} days of the event's key day")

_OFFSET = re.compile(r"^[Ee]\s*(?:([+\-\u2212])\s*(\d{1,5})|(\d{1,5}))?$")


def parse_offset(raw: str | int) -> int:
    """Days from the key day: ``"E-30"`` → -30, ``"E+15"`` → 15, ``"E0"``/``"E"`` → 0.

    An int is taken as the offset itself. Raises ValueError (a msgid) otherwise."""
    if isinstance(raw, bool):
        raise ValueError(FORM_ERROR)
    if isinstance(raw, int):
        days = raw
    else:
        match = _OFFSET.match(str(raw).strip())
        if match is None:
            raise ValueError(FORM_ERROR)
        sign, signed, bare = match.groups()
        if bare is not None:
            if int(bare) != 0:  # "E30" is ambiguous: before or after?
                raise ValueError(FORM_ERROR)
            days = 0
        elif signed is not None:
            days = -int(signed) if sign in ("-", "\u2212") else int(signed)
        else:
            days = 0
    if abs(days) > MAX_OFFSET_DAYS:
        raise ValueError(RANGE_ERROR)
    return days


def parse_anchor(raw: str) -> tuple[int, str | None]:
    """``"E-30@PELE-PJ-2024-2025"`` → (-30, "PELE-PJ-2024-2025"); ``"E+15"`` → (15, None)."""
    text = str(raw).strip()
    offset, at, event = text.partition("@")
    if at and not event.strip():
        raise ValueError(FORM_ERROR)
    return parse_offset(offset), (event.strip() or None)


def format_offset(days: int) -> str:
    """-30 → ``"E-30"``, 15 → ``"E+15"``, 0 → ``"E0"``."""
    if days == 0:
        return "E0"
    return f"E{days:+d}"


def resolve(key_date: date, offset: int) -> date:
    """The date ``offset`` days from ``key_date``."""
    return key_date + timedelta(days=offset)


def offset_of(key_date: date, day: date) -> int:
    """How many days ``day`` lies from ``key_date`` (negative before it)."""
    return (day - key_date).days


def is_relative(raw: object) -> bool:
    """Whether ``raw`` looks like a relative date (starts with E and is not an ISO date)."""
    return isinstance(raw, str) and raw.strip()[:1] in ("E", "e")
