"""An emergency change during a freeze window (ISO/TS 54001 planning around election day).

When a service refuses a change because of a freeze (:class:`qms_tui.services.freeze.Frozen`),
the screen, form or step that asked for it calls :func:`offer_emergency`: a quality
coordinator or an administrator is offered the emergency route — a signature dialog that
says which freeze holds, asks the justification (and the signing PIN when the person has
one) and runs the very same call again inside :func:`qms_tui.services.freeze.emergency`, so
the service's own guard records "emergency change: …" in the trail and signs the record with
the meaning "emergency change". Other roles see the refusal in the error modal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, ValidationError
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.transition import InputField

JUSTIFICATION = InputField(
    "justification", "longtext", True, label=N_("Justification"),
    help=N_("Why this change cannot wait until the freeze ends (kept in the trail and the signature)"))


def may_authorise(app: Any) -> bool:
    from qms_tui.services.freeze import EMERGENCY_ROLES

    actor = getattr(app, "actor", None)
    return actor is not None and actor.role in EMERGENCY_ROLES and not getattr(app, "read_only", False)


def offer_emergency(app: Any, error: Any, retry: Callable[[], Any], done: Callable[[Any], None], *,
                    record: str = "") -> None:
    """On the UI thread: offer the emergency route for ``error`` (a Frozen refusal) or, to
    someone who may not take it, show the refusal. ``retry()`` (run in the dialog's worker)
    repeats the refused call; ``done(result)`` runs once it went through."""
    from qms_tui.screens.dialogs.sign import SignDialog
    from qms_tui.services.freeze import emergency

    if not may_authorise(app):
        app.report_error(error)
        return
    f = error.freeze
    intro = "\n".join((
        str(error),
        tr("Freeze of {event} ({name}): from {start} to {end}; key day {key}.", event=f.event, name=f.name,
           start=f.start.isoformat(), end=f.end.isoformat(), key=f.key_date.isoformat()),
        tr("As an emergency change it is made now, recorded in the trail with your justification and "
           "signed by you."),
    ))

    def submit(values: dict[str, Any], _confirmed: bool) -> Any:
        reason = " ".join(str(values.get("justification") or "").split())
        if not reason:
            raise ValidationError([FieldError("justification", N_("is required"))])
        with emergency(reason, values.get("pin")):
            return retry()

    def finished(result: Any) -> None:
        if result is not None:
            done(result)

    app.push_screen(SignDialog(tr("Emergency change during a freeze"), "emergency_change", submit,
                               record=record, fields=[JUSTIFICATION], intro=intro), finished)


__all__ = ["JUSTIFICATION", "may_authorise", "offer_emergency"]
