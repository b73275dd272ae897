"""Record a quality-circle meeting and its agreements in one step.

The meeting's fields are ordinary inputs; the agreements are typed one per line as
``what was agreed | owner's code | due date`` (owner and date optional), so a whole meeting
is recorded without leaving the keyboard. A problem with an agreement is shown under the
agreements with its number (blank lines do not count). Dismissed with what ``submit``
returned, or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError
from qms_tui.screens.dialogs.transition import InputField, Submit, TransitionDialog

AGREEMENTS = "agreements"
AGREEMENT_HELP = N_("One per line: what was agreed | owner's code | due date (owner and date optional)")


def parse_agreements(text: str) -> list[dict[str, str]]:
    """Each non-blank line ``text | owner | due date`` as an agreement's raw input."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        data = {"text": parts[0]}
        if len(parts) > 1 and parts[1]:
            data["owner"] = parts[1]
        if len(parts) > 2 and parts[2]:
            data["due_date"] = parts[2]
        out.append(data)
    return out


class AreaMeetingDialog(TransitionDialog):
    DEFAULT_CSS = """
    AreaMeetingDialog #field-minutes, AreaMeetingDialog #field-agreements { height: 5; }
    AreaMeetingDialog.-short .step-input TextArea { height: 3; }
    """

    def __init__(self, title: str, fields: Sequence[InputField], submit: Submit, **kwargs: Any) -> None:
        fields = [*fields, InputField(AGREEMENTS, "longtext", label=N_("Agreements"), help=AGREEMENT_HELP)]
        super().__init__(title, fields, submit, **kwargs)

    def show_errors(self, errors: list[FieldError]) -> None:
        """Agreement errors (they carry the line in ``row``) go under the agreements."""
        mapped = []
        for e in errors:
            if "row" in e.params:
                mapped.append(FieldError(AGREEMENTS, N_("agreement {row}: {problem}"),
                                         {"row": e.params["row"], "problem": e.render()}))
            else:
                mapped.append(e)
        super().show_errors(mapped)
