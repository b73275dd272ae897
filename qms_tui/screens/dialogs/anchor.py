"""Plan a record's date relative to an event's key day: which record (kind and code), which
of its dates, and the relative day (``E-30``, ``E0``, ``E+15``; blank keeps the date and
computes it). Reached from the electoral timeline (key **a**), filled in from the focused
activity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.widgets.labels import column_label, entity_title

#: inputs (entity, code, field, offset as typed) -> the AnchorLine; runs in the dialog's worker
Anchor = Callable[[dict[str, Any]], Any]


def anchor_dialog(event_code: str, item: Any | None, anchor: Anchor) -> TransitionDialog:
    """The dialog for ``event_code``; ``item`` (a timeline item or None) fills it in."""
    from qms_tui.services.calendar import ANCHORABLE

    entities = tuple((entity_title(e), e) for e in ANCHORABLE)
    names = sorted({f for fields in ANCHORABLE.values() for f in fields})
    fields = tuple((tr("measurement due") if f == "due" else column_label(f), f) for f in names)
    entity = item.entity if item is not None and item.entity in ANCHORABLE else "audit"
    field = item.field if item is not None and item.field in ANCHORABLE.get(entity, ()) else ANCHORABLE[entity][0]
    offset = item.relative if item is not None and item.anchored else ""
    inputs = [
        InputField("entity", "choice", True, entity, choices=entities, label=N_("Kind of record")),
        InputField("code", "text", True, item.code if item is not None else "", label=N_("Record code")),
        InputField("field", "choice", True, field, choices=fields, label=N_("Date")),
        InputField("offset", "text", False, offset, label=N_("Relative to the key day"),
                   help=N_("E-30: 30 days before the key day; E0: the key day; E+15: 15 days after. "
                           "Blank: keep the date the record has.")),
    ]

    def submit(values: dict[str, Any], _confirmed: bool) -> Any:
        return anchor(values)

    title = tr(N_("Plan a date relative to the key day of {event}"), event=event_code)
    return TransitionDialog(title, inputs, submit, save_label=tr(N_("Plan")))
