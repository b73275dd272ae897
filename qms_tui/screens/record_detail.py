"""One record, every field with its label; **e** edits it."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from qms_tui.domain.enums import N_
from qms_tui.domain.permissions import may
from qms_tui.screens.base import QmsScreen
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.detail_view import DetailView
from qms_tui.widgets.labels import entity_title


class RecordDetailScreen(QmsScreen[None]):
    HELP = N_("""\
# Record

Every field of the record, with references shown as code and name.

- **e** edits the record (someone else's change in the meantime is detected on saving).
- **esc** goes back.
""")

    BINDINGS = [
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit this record")),
        Binding("f5,ctrl+r", "reload", N_("Reload"), show=False),
    ]

    class Loaded(Message):
        def __init__(self, view: Any) -> None:
            super().__init__()
            self.view = view

    def __init__(self, entity: str, code: str) -> None:
        super().__init__(classes="record-detail")
        self.entity = entity
        self.code = code
        self.view: Any = None

    @property
    def heading(self) -> str:
        return f"{entity_title(self.entity)} {self.code}"

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        yield Static(self.heading, classes="screen-title")
        detail = DetailView(id="detail")
        detail.loading = True
        yield detail
        yield Footer()

    def on_screen_resume(self) -> None:
        self._load()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load(self) -> None:
        from qms_tui.services.search import get_record  # keeps SQLAlchemy off the first paint

        view = get_record(self.services_db(), self.entity, self.code)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(view))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.view = event.view
        detail = self.query_one(DetailView)
        detail.loading = False
        detail.show(event.view)
        detail.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return True if may(self.qms.actor, self.entity, "update") else None
        return True

    def action_edit(self) -> None:
        self.qms.open_form(self.entity, self.code, lambda result: self._load() if result else None)
