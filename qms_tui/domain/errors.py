"""Errors every layer raises and every front end shows.

Messages are English msgids; front ends translate them with :func:`qms_tui.i18n.tr`.
``str(error)`` renders the message in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qms_tui.domain.enums import N_


class QmsError(Exception):
    """Base of every error meant for the user (never shown as a traceback)."""

    exit_code = 1

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        from qms_tui.i18n import tr

        return tr(self.message, **self.params)


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field. ``field`` is the input key (e.g. ``target``)."""

    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, label: str | None = None) -> str:
        from qms_tui.i18n import tr

        name = label if label is not None else field_label(self.field)
        params = dict(self.params)
        if isinstance(params.get("other"), str):  # by convention ``other`` is a field label msgid
            params["other"] = tr(params["other"])
        return f"{name}: {tr(self.message, **params)}"


def field_label(name: str) -> str:
    """Translated label of a field key (``due_date`` -> "Fecha compromiso")."""
    from qms_tui.domain.specs import FIELD_LABELS
    from qms_tui.i18n import tr

    return tr(FIELD_LABELS.get(name, name.replace("_", " ").capitalize()))


class ValidationError(QmsError):
    """Input refused; carries every field error, each naming its field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(N_("invalid input"))
        self.errors = errors

    @property
    def fields(self) -> list[str]:
        return [e.field for e in self.errors]

    def lines(self) -> list[str]:
        return [e.render() for e in self.errors]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def invalid(field_name: str, message: str, **params: Any) -> ValidationError:
    return ValidationError([FieldError(field_name, message, params)])


class NotFound(QmsError):
    """No record with that code."""

    def __init__(self, entity: str, code: str) -> None:
        super().__init__(N_("{entity} {code} does not exist"), entity=entity, code=code)
        self.entity = entity
        self.code = code

    def __str__(self) -> str:
        from qms_tui.i18n import tr

        return tr(self.message, entity=tr(self.entity), code=self.code)


class TransitionError(QmsError):
    """A state change the lifecycle does not allow (or whose conditions are unmet)."""


class ConcurrencyError(QmsError):
    """The record changed since it was read; ``changes`` says what and by whom."""

    def __init__(self, code: str, changes: list[str]) -> None:
        super().__init__(
            "{code} was changed by someone else meanwhile: {changes}. Reload and try again.",
            code=code,
            changes="; ".join(changes) or "?",
        )
        self.changes = changes


class PermissionDenied(QmsError):
    """The actor's role may not do this."""


class UsageError(QmsError):
    """Bad command-line usage (exit status 2)."""

    exit_code = 2
