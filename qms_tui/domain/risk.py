"""Risk and opportunity rating (ISO 9001 6.1): level = likelihood × impact, and its band.

Both scales run 1–5, so a level is one of 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20 or 25.
Bands (an institutional convention, not from a standard; domain.md §1.2, 6.1):

======== ========= =====================================================
band     levels    meaning for a risk (for an opportunity: its value)
======== ========= =====================================================
low      1–4       accept and monitor
medium   5–9       treat within the process's ordinary planning
high     10–16     treatment plan with owner and date; review quarterly
critical 20–25     immediate treatment; report to top management
======== ========= =====================================================

An opportunity is rated the same way (likelihood of materialising × benefit); a "high"
opportunity is one worth pursuing first. Pure: no database.
"""

from __future__ import annotations

from qms_tui.domain.enums import N_

SCALE_MIN = 1
SCALE_MAX = 5
LEVEL_MAX = SCALE_MAX * SCALE_MAX

LOW = "low"
MEDIUM = "medium"
HIGH = "high"
CRITICAL = "critical"
#: Bands from the least to the most severe.
BANDS: tuple[str, ...] = (LOW, MEDIUM, HIGH, CRITICAL)

#: Highest level of each band (inclusive); a level belongs to the first band it does not exceed.
BAND_UPPER: dict[str, int] = {LOW: 4, MEDIUM: 9, HIGH: 16, CRITICAL: LEVEL_MAX}

#: Band labels (English msgids; translate with ``qms_tui.i18n.tr`` at display time).
BAND_LABEL: dict[str, str] = {
    LOW: N_("low"),
    MEDIUM: N_("medium"),
    HIGH: N_("high"),
    CRITICAL: N_("critical"),
}

#: Symbols so that the band never relies on colour alone.
BAND_SYMBOL: dict[str, str] = {LOW: "○", MEDIUM: "◐", HIGH: "●", CRITICAL: "‼"}


def _score(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number {SCALE_MIN}–{SCALE_MAX}, got {value!r}")
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise ValueError(f"{name} must be {SCALE_MIN}–{SCALE_MAX}, got {value}")
    return value


def level(likelihood: int, impact: int) -> int:
    """Risk level: likelihood × impact (each 1–5), so 1–25. ValueError outside the scales."""
    return _score("likelihood", likelihood) * _score("impact", impact)


def band(level: int) -> str:
    """Band of a level: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical.

    Levels that no product of two 1–5 scores gives (e.g. 7, 17) still fall in the band of
    their range, so the function is total on 1–25. ValueError outside 1–25.
    """
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError(f"level must be a whole number 1–{LEVEL_MAX}, got {level!r}")
    if not 1 <= level <= LEVEL_MAX:
        raise ValueError(f"level must be 1–{LEVEL_MAX}, got {level}")
    for name in BANDS:
        if level <= BAND_UPPER[name]:
            return name
    raise AssertionError("unreachable")  # pragma: no cover


def band_of(likelihood: int, impact: int) -> str:
    """Band of a likelihood × impact pair."""
    return band(level(likelihood, impact))


def residual_level(likelihood: int | None, impact: int | None) -> int | None:
    """Level after treatment, or None until both residual scores are known."""
    if likelihood is None or impact is None:
        return None
    return level(likelihood, impact)


def band_label(name: str) -> str:
    """The band's msgid ("high" → N_("high")); KeyError for an unknown band."""
    return BAND_LABEL[name]


def severity_rank(name: str) -> int:
    """0 for low … 3 for critical (for sorting and "worst of")."""
    return BANDS.index(name)
