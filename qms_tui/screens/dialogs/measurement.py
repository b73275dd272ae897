"""Record a measurement of an indicator: period, value, note. When the period already has a
value, the dialog says which and asks before replacing it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from qms_tui.domain.enums import N_
from qms_tui.domain.periods import PeriodError, parse_period, period_for, previous_period
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.transition import AskFirst, InputField, TransitionDialog
from qms_tui.widgets.labels import fmt_number

#: (indicator code, raw inputs, replace) -> the measurement DTO; runs in the dialog's worker
Record = Callable[[dict[str, Any], bool], Any]
#: period label -> the value already stored for it, or None; runs in the dialog's worker
Existing = Callable[[str], float | None]

EXAMPLES = {"monthly": "2025-03", "quarterly": "2025-Q1", "semiannual": "2025-S1", "annual": "2025",
            "per_event": "2025-06-01"}


def suggested_period(frequency: str, today: date) -> str:
    """The last period that has ended (what is usually measured next), or "" if unknown."""
    try:
        current = period_for(frequency, today)
    except (ValueError, KeyError):
        return ""
    if frequency == "per_event":
        return current.label
    return previous_period(current).label


def measurement_dialog(indicator: Any, record: Record, existing: Existing, today: date) -> TransitionDialog:
    """The dialog for ``indicator`` (a DTO)."""
    example = EXAMPLES.get(indicator.frequency, "2025-03")
    fields = [
        InputField("period", "text", True, suggested_period(indicator.frequency, today),
                   help=tr(N_("like {example}"), example=example)),
        InputField("value", "text", True, help=indicator.unit and tr(N_("in {unit}"), unit=indicator.unit)),
        InputField("note", "longtext"),
    ]

    def submit(values: dict[str, Any], confirmed: bool) -> Any:
        if not confirmed:
            try:
                label = parse_period(str(values.get("period", "")).strip()).label
            except PeriodError:
                label = None  # the service names the problem next to the field
            old = existing(label) if label else None
            if old is not None:
                raise AskFirst(tr(N_("{period} already has a value ({value}). Replace it with {new}?"),
                                  period=label, value=fmt_number(old), new=str(values.get("value", "")).strip()))
        return record(values, confirmed)

    title = tr(N_("Record a measurement of {code} · {name}"), code=indicator.code, name=indicator.name)
    return TransitionDialog(title, fields, submit, save_label=tr(N_("Record")))
