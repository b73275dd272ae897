"""Move an event's key day: the new date, then the list of every date that moved with it
(the event's own dates, its stages, the dates planned relative to it) and of the finished
activities that kept theirs. Reached from the electoral timeline (key **m**)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.widgets import Button, Static

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.transition import InputField, TransitionDialog
from qms_tui.widgets.labels import fmt_value

#: inputs ({"to": "2027-06-13"}) -> the ShiftResult; runs in the dialog's worker
Shift = Callable[[dict[str, Any]], Any]


def moved_lines(result: Any) -> list[str]:
    """What the dialog lists once the key day moved."""
    lines = [m.line() for m in result.moved]
    lines += [tr("{code} {field} {date} kept (finished)", code=m.code, field=m.field, date=m.old.isoformat())
              for m in result.kept]
    return lines


class ShiftDialog(TransitionDialog):
    """Asks the new key day; once moved, lists what moved and closes with the result."""

    def __init__(self, event: Any, shift: Shift) -> None:
        fields = [InputField("to", "date", True, fmt_value(event.key_date), label=N_("New key day"))]
        intro = tr(N_("The event, its stages and every date planned relative to its key day ({key}) move by "
                      "the same number of days, in one change recorded in the audit trail."),
                   key=fmt_value(event.key_date))
        super().__init__(tr(N_("Move the key day of {event}"), event=event.code), fields,
                         lambda values, _confirmed: shift(values), intro=intro, save_label=tr(N_("Move")))
        self.result: Any = None

    @on(TransitionDialog._Done)
    def _moved(self, event: TransitionDialog._Done) -> None:
        event.stop()
        event.prevent_default()
        self.result = event.result
        lines = moved_lines(self.result)
        summary = tr(N_("{event}: key day {old} → {new} ({days} days); {n} dates moved"), event=self.result.event,
                     old=self.result.old_key.isoformat(), new=self.result.new_key.isoformat(),
                     days=f"{self.result.days:+d}", n=len(self.result.moved))
        self.query_one(".step-intro", Static).update(summary)
        for row in self.query(".step-row"):
            row.display = False
        body = self.query_one(".step-body")
        body.mount(Static("\n".join(lines) or tr("Nothing moved."), id="shift-moved", markup=False))
        save = self.query_one("#step-save", Button)
        save.label = tr("Close") + " (ctrl+s)"
        self.query_one("#step-cancel", Button).display = False
        save.focus()

    def action_submit(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)
            return
        super().action_submit()

    def action_cancel(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)
            return
        super().action_cancel()
