"""The TUI: modes (dashboard first, one per record list, built on first use), global keys,
the command palette, error modals, and a clean exit when the SSH connection drops.

The app touches ``qms_tui.db`` in exactly one place, :meth:`QmsApp.database`, which builds
the handle passed to services; it is built in the first worker, so SQLAlchemy's import
cost never delays the first paint.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.events import Key
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from qms_tui import i18n
from qms_tui.config import os_login
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.domain.errors import (
    ConcurrencyError,
    NotFound,
    PermissionDenied,
    QmsError,
    ValidationError,
)
from qms_tui.i18n import tr
from qms_tui.widgets import key_order
from qms_tui.widgets.labels import translate_bindings

#: ``g`` then one of these keys goes to a place (``g d``: dashboard).
GO_KEYS: dict[str, str | None] = {
    "d": None, "i": "indicator", "n": "nonconformity", "a": "audit", "o": "objective",
    "r": "risk", "p": "project", "c": "action",
}
GO_WINDOW = 1.5  # seconds between g and the second key
WATCHDOG_SECONDS = 5


def _dashboard_screen() -> Screen[Any]:
    from qms_tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


def _commands_provider() -> Any:
    from qms_tui.commands import QmsCommands

    return QmsCommands


class QmsApp(App[None], inherit_bindings=False):
    CSS_PATH = "styles/app.tcss"
    TITLE = "SGCE"
    MODES = {"dashboard": _dashboard_screen}
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {_commands_provider}

    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True, show=False, id="quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("f1", "help", N_("Help"), tooltip=N_("Help about this screen"), id="help"),
        Binding("slash,ctrl+f", "search", N_("Search"), tooltip=N_("Search every record"), id="search"),
        Binding("home", "dashboard", N_("Dashboard"), show=False, id="dashboard"),
        Binding("g", "go_prefix", show=False, id="go"),
        Binding("ctrl+p", "command_palette", N_("Commands"), tooltip=N_("Find any list or action"),
                priority=True, show=False, id="command-palette"),
    ]

    actor_label: reactive[str] = reactive("")
    """Who is using the app, as the header shows it."""

    class ActorResolved(Message):
        def __init__(self, actor: Actor) -> None:
            super().__init__()
            self.actor = actor

    def __init__(
        self,
        db_url: str | None = None,
        *,
        db: Any = None,
        lang: str | None = None,
        login: str | None = None,
        today: date | None = None,
    ) -> None:
        if lang is not None:
            i18n.set_language(lang)
        super().__init__()
        key_order.install()  # editing keys in the order typed (Textual issue #6605)
        translate_bindings(self)
        self.animation_level = "none"
        self.db_url = db_url
        self._db = db
        self._db_lock = threading.Lock()
        self.login = login or os_login()
        self.today_override = today
        self.actor = Actor(login=self.login, role=Role.READER, name=self.login)
        self._actor_known = False
        self._go_at = 0.0

    # ---------------------------------------------------------------- database and actor

    def database(self) -> Any:
        """The Database handle (created on first use, from a worker thread)."""
        with self._db_lock:
            if self._db is None:
                from qms_tui.db.session import Database  # deferred: SQLAlchemy import is slow

                self._db = Database(self.db_url or "")
            return self._db

    @property
    def today(self) -> date:
        return self.today_override or date.today()

    @property
    def read_only(self) -> bool:
        return self.actor.role == Role.READER

    def on_mount(self) -> None:
        for theme in _themes():
            self.register_theme(theme)
        for name in _unsupported_themes():
            self.unregister_theme(name)
        self._refresh_actor_label()
        self._resolve_actor()
        if not self.is_headless:
            self._watch_terminal()

    @work(thread=True, exclusive=True, group="actor", exit_on_error=False)
    def _resolve_actor(self) -> None:
        from qms_tui.services.search import actor_for_login

        self.post_message(self.ActorResolved(actor_for_login(self.database(), self.login)))

    @on(ActorResolved)
    def _actor_resolved(self, event: ActorResolved) -> None:
        self.actor = event.actor
        self._actor_known = True
        self._refresh_actor_label()
        self.refresh_bindings()

    def _refresh_actor_label(self) -> None:
        role = Role(self.actor.role).label() if self.actor.role in Role.values() else self.actor.role
        label = f"{self.actor.label} · {role}"
        if self.read_only and not self._actor_known:
            label = self.login
        elif self.read_only and self.actor.person_id is None:
            label = f"{self.actor.login} · {tr('read-only: not a QMS user')}"
        self.actor_label = label

    def on_worker_state_changed(self, event: Any) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error)

    # ---------------------------------------------------------------- navigation

    def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != "dashboard":
            self.switch_mode("dashboard")

    def action_dashboard(self) -> None:
        if self.current_mode != "dashboard":
            self.switch_mode("dashboard")
        else:
            while len(self.screen_stack) > 1:
                self.pop_screen()

    def open_list(
        self,
        entity: str,
        *,
        where: Mapping[str, Any] | None = None,
        caption: str | None = None,
        push: bool = False,
    ) -> None:
        """The list of ``entity``: its own mode (keeps its place), or pushed on the current
        stack when filtered from a figure (escape comes back to it)."""
        from qms_tui.screens.record_list import RecordListScreen

        if push or where:
            self.push_screen(RecordListScreen(entity, where=where, caption=caption))
            return
        mode = f"list-{entity}"
        if mode not in self._modes:
            self.add_mode(mode, partial_screen(RecordListScreen, entity))
        self.switch_mode(mode)

    def open_record(self, entity: str, code: str) -> None:
        from qms_tui.screens.record_detail import RecordDetailScreen
        from qms_tui.screens.registry import detail_screen

        screen_cls = detail_screen(entity) or RecordDetailScreen
        self.push_screen(screen_cls(entity, code))

    def open_form(self, entity: str, code: str | None = None,
                  done: Callable[[Any], None] | None = None) -> None:
        from qms_tui.screens.form_screen import FormScreen

        def finished(result: Any) -> None:
            if done is not None:
                done(result)
            elif result is not None and code is None:
                self.open_record(entity, result.code)

        self.push_screen(FormScreen(entity, code), finished)

    def action_help(self) -> None:
        from qms_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_search(self) -> None:
        from qms_tui.screens.dialogs.search import SearchDialog

        if isinstance(self.screen, SearchDialog):
            return

        def search(text: str) -> list[Any]:  # runs in the dialog's worker
            from qms_tui.services.search import search as search_records

            return search_records(self.database(), text)

        def chosen(result: tuple[str, str] | None) -> None:
            if result:
                self.open_record(*result)

        self.push_screen(SearchDialog(search), chosen)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=tr("Type a list, a form or a command…"),
                                            id="--command-palette"))

    def action_go_prefix(self) -> None:
        self._go_at = time.monotonic()

    def on_key(self, event: Key) -> None:
        if self._go_at and time.monotonic() - self._go_at <= GO_WINDOW and event.key in GO_KEYS:
            self._go_at = 0.0
            event.stop()
            event.prevent_default()  # the key must not reach the bindings of the next screen
            entity = GO_KEYS[event.key]
            if entity is None:
                self.call_later(self.action_dashboard)
            else:
                self.call_later(self.open_list, entity)
        elif event.key != "g":
            self._go_at = 0.0

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand(tr("Theme"), tr("Change the colours (there is a high-contrast theme)"),
                            self.action_change_theme)
        yield SystemCommand(tr("Keys"), tr("Show the keys of this screen in a side panel"),
                            self.action_show_help_panel if not screen.query("HelpPanel")
                            else self.action_hide_help_panel)
        yield SystemCommand(tr("Quit"), tr("Leave the application (ctrl+q)"), self.action_quit)

    # ---------------------------------------------------------------- errors

    def report_error(self, error: BaseException) -> None:
        """An error modal: QMS errors in their words, anything else as one line (the
        traceback goes to the log file)."""
        from qms_tui.screens.dialogs.error import ErrorDialog

        if isinstance(error, ValidationError):
            title, lines = tr("The data was not accepted"), error.lines()
        elif isinstance(error, ConcurrencyError):
            title, lines = tr("Someone else changed this record"), [str(error)]
        elif isinstance(error, PermissionDenied):
            title, lines = tr("Not allowed"), [str(error)]
        elif isinstance(error, NotFound):
            title, lines = tr("Not found"), [str(error)]
        elif isinstance(error, QmsError):
            title, lines = tr("The operation could not be completed"), [str(error)]
        else:
            path = log_exception(error)
            title = tr("Unexpected error")
            lines = [_summary(error), tr("The details were written to {path}", path=str(path))]
        self.push_screen(ErrorDialog(title, lines))

    def _handle_exception(self, error: Exception) -> None:
        # A bug in a handler stops the app (its widget is dead), but with one line for the
        # user and the traceback in the log file, not on the terminal.
        path = log_exception(error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        message = tr("qms stopped after an unexpected error: {summary} (details in {path})",
                     summary=_summary(error), path=str(path))
        self.exit(return_code=1, message=message)

    # ---------------------------------------------------------------- dropped connections

    def _watch_terminal(self) -> None:
        self.set_interval(WATCHDOG_SECONDS, self._check_terminal)
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hang_up)
        except (NotImplementedError, RuntimeError, ValueError):  # not on this platform / thread
            pass

    def _check_terminal(self) -> None:
        try:
            alive = sys.__stdin__ is not None and sys.__stdin__.isatty()
        except (ValueError, OSError):
            alive = False
        if not alive:
            self._hang_up()

    def _hang_up(self) -> None:
        """The terminal is gone: leave now. Writes are transactions, so nothing half-saved
        stays behind; if the exit itself hangs on the dead terminal, end the process."""
        timer = threading.Timer(5.0, os._exit, (0,))
        timer.daemon = True
        timer.start()
        self.exit()


def partial_screen(cls: type[Screen[Any]], *args: Any) -> Callable[[], Screen[Any]]:
    def build() -> Screen[Any]:
        return cls(*args)

    return build


def _themes() -> tuple[Any, ...]:
    from qms_tui.themes import THEMES

    return THEMES


def _unsupported_themes() -> tuple[str, ...]:
    from qms_tui.themes import UNSUPPORTED

    return UNSUPPORTED


def _summary(error: BaseException) -> str:
    text = " ".join(str(error).split()) or error.__class__.__name__
    return f"{error.__class__.__name__}: {text}"[:200]


def log_path() -> Path:
    from qms_tui.config import data_dir

    return data_dir() / "qms-tui.log"


def log_exception(error: BaseException) -> Path:
    """Append the traceback to the log file in the user data dir; returns its path."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat(timespec='seconds')} pid {os.getpid()}\n")
            fh.write("".join(traceback.format_exception(error)))
    except OSError:
        pass
    return path


def run_app(db_url: str, lang: str, *, today: date | None = None) -> None:
    """Open the TUI on ``db_url`` in ``lang`` (es/en). Returns when the user quits."""
    i18n.set_language(lang)  # before any screen module is imported
    if "web_driver" in os.environ.get("TEXTUAL_DRIVER", ""):
        # served to a browser (textual-serve): every session would run as the server's OS
        # account with no login. Only `qms serve` serves the TUI, behind its login (qms_tui.web).
        sys.exit(tr("error: {message}",
                    message=tr("the TUI is served to a browser only by `qms serve`, which asks for a login")))
    app = QmsApp(db_url, lang=lang, today=today)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)
