"""What every QMS screen shares: translated bindings, F1 help text, the header and the
footer, worker errors shown as a modal, and typed access to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import Screen

from qms_tui.domain.enums import N_
from qms_tui.widgets.labels import translate_bindings
from qms_tui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from qms_tui.app import QmsApp

R = TypeVar("R")


class QmsScreen(ReportsWorkerErrors, Screen[R]):
    HELP: ClassVar[str] = ""
    """Markdown shown by F1 (an English msgid, translated when shown)."""

    BINDINGS = [Binding("escape", "app.back", N_("Back"), tooltip=N_("Go back to the previous screen"))]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)

    @property
    def qms(self) -> QmsApp:
        return self.app  # type: ignore[return-value]

    def services_db(self) -> Any:
        """The Database handle for service calls (call from workers only)."""
        return self.qms.database()
