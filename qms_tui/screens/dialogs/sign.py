"""An electronic signature: the signer confirms what they sign and what it means, gives
their signing PIN when they have one, and may add a comment. Any inputs of the step itself
(a date, the conclusions…) can be asked in the same dialog.

Specialised screens call it instead of a plain confirmation for the signing steps
(approving a policy version, a document version, an audit report, a review's minutes,
verifying effectiveness, closing a nonconformity)::

    from qms_tui.screens.dialogs.sign import SignDialog
    from qms_tui.services.signatures import Meaning

    def submit(values, _confirmed):
        return svc.approve_version(self.services_db(), self.qms.actor, code,
                                   pin=values["pin"], comment=values["comment"])

    self.app.push_screen(SignDialog(tr("Approve {code}", code=code), Meaning.APPROVED, submit,
                                    record=code, signer=self.qms.actor.label), done)

``submit(values, confirmed)`` runs in a worker and receives the step's own inputs by name
plus ``pin`` (None when left empty) and ``comment``; a wrong or missing PIN comes back as a
ValidationError on ``pin`` and is shown next to it. Dismissed with what ``submit`` returned,
or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.transition import InputField, Submit, TransitionDialog

COMMENT = InputField("comment", "longtext", label=N_("Comment (kept with the signature)"))


def _meaning_label(meaning: str) -> str:
    from qms_tui.services.signatures import Meaning

    try:
        return Meaning(meaning).label()
    except ValueError:
        return tr(meaning)


class SignDialog(TransitionDialog):
    """Confirm and perform one signing step (see the module docstring)."""

    DEFAULT_CSS = """
    SignDialog > Vertical { border: thick $success; }
    SignDialog .sign-statement { height: auto; margin-bottom: 1; padding: 0 1; background: $boost; }
    SignDialog #row-pin { display: none; }
    SignDialog.-pin #row-pin { display: block; }
    """

    class _Pin(Message):
        def __init__(self, needed: bool) -> None:
            super().__init__()
            self.needed = needed

    def __init__(
        self,
        title: str,
        meaning: str,
        submit: Submit,
        *,
        record: str = "",
        signer: str = "",
        fields: Sequence[InputField] = (),
        needs_pin: bool | None = None,
        intro: str = "",
        lookup: Any = None,
    ) -> None:
        super().__init__(title, [*fields, COMMENT], submit, intro=intro, save_label=tr("Sign"), lookup=lookup)
        self.meaning = meaning
        self.record = record
        self.signer = signer
        self.needs_pin = needs_pin

    def compose_inputs(self) -> ComposeResult:
        yield Static(self.statement(), classes="sign-statement", markup=False)
        yield from super().compose_inputs()
        pin = Input("", id="field-pin", password=True, compact=True, placeholder=tr("signing PIN"))
        yield self.row("pin", tr("Signing PIN") + " *", pin,
                       help=N_("The PIN you set with qms users passwd (not your system password)."))

    def statement(self) -> str:
        signer = self.signer or getattr(getattr(self.app, "actor", None), "label", "")
        lines = [tr("Electronic signature"),
                 tr("Record: {record}", record=self.record) if self.record else "",
                 tr("Meaning: {meaning}", meaning=_meaning_label(self.meaning)),
                 tr("Signer: {name}", name=signer),
                 tr("The signature keeps a fingerprint of the record as it is now: a later change "
                    "shows it as no longer matching.")]
        return "\n".join(line for line in lines if line)

    def on_mount(self) -> None:
        super().on_mount()
        if self.needs_pin is None:
            self._ask_pin()
        else:
            self.set_class(self.needs_pin, "-pin")

    @work(thread=True, exclusive=True, group="sign-pin", exit_on_error=False)
    def _ask_pin(self) -> None:
        from qms_tui.services.users import has_pin

        app: Any = self.app
        database = getattr(app, "database", None)
        actor = getattr(app, "actor", None)
        if database is None or actor is None:
            return
        self.post_message(self._Pin(has_pin(database(), actor.login)))

    @on(_Pin)
    def _pin_known(self, event: _Pin) -> None:
        self.needs_pin = event.needed
        self.set_class(event.needed, "-pin")

    def collect(self) -> dict[str, Any]:
        out = super().collect()
        widgets = self.query("#field-pin")
        raw = widgets.first().value if widgets else ""
        out["pin"] = raw if raw.strip() else None
        out["comment"] = (out.get("comment") or "").strip() or None
        return out

    @property
    def dirty(self) -> bool:  # a PIN alone is nothing to keep
        now = {k: v for k, v in self.collect().items() if k != "pin"}
        return now != {k: v for k, v in self._initial.items() if k != "pin"}

    def show_errors(self, errors: list[FieldError]) -> None:
        if any(e.field == "pin" for e in errors):
            self.set_class(True, "-pin")
        super().show_errors(errors)
