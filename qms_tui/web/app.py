"""The app of one browser session (``qms web-session``, started by ``qms serve``).

It is the TUI (:class:`qms_tui.app.QmsApp`) with three differences:

- **Login first.** Its only mode at start is the login screen; the dashboard mode is added
  only after :func:`qms_tui.services.login.authenticate` accepted a user, so no other screen
  is built and no record is read before that (the database is not even opened until the
  first login attempt). Until then every app action but quit and help is refused, so the
  command palette, the search and the "go to" keys do nothing.
- **The logged-in user is the actor** of everything done in the session, with that person's
  role (not the OS account of the server, which every session shares).
- **Inactivity.** After ``idle_minutes`` without a key or a click the session returns to the
  login screen, with every screen of the session closed (whatever was saved stays saved;
  writes are transactions). A login screen left alone for as long ends the process.

Reports are written in a private temporary folder of the session and sent to the browser as
downloads (:meth:`WebQmsApp.deliver_report`), then deleted: no PDF stays on the server.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import SystemCommand
from textual.screen import Screen

from qms_tui import i18n
from qms_tui.app import QmsApp, _dashboard_screen
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.i18n import tr
from qms_tui.services.login import DEFAULT_IDLE_MINUTES, IdleTimeout
from qms_tui.web import CLIENT_ENV

#: App actions allowed before the login (everything else is refused by check_action).
BEFORE_LOGIN = frozenset({"quit", "help_quit", "help", "focus_next", "focus_previous", "bell"})
#: Input that counts as activity (mouse moves do not).
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


def _login_screen(notice: str | None = None) -> Callable[[], Screen[Any]]:
    def build() -> Screen[Any]:
        from qms_tui.screens.login import LoginScreen

        return LoginScreen(notice)

    return build


def nobody() -> Actor:
    return Actor(login="", role=Role.READER, name="")


class WebQmsApp(QmsApp):
    CSS_PATH = str(Path(__file__).resolve().parents[1] / "styles" / "app.tcss")  # QmsApp's, from here
    MODES = {"login": _login_screen()}
    DEFAULT_MODE = "login"

    def __init__(
        self,
        db_url: str | None = None,
        *,
        db: Any = None,
        lang: str | None = None,
        client: str | None = None,
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
        clock: Callable[[], float] = time.monotonic,
        today: date | None = None,
    ) -> None:
        super().__init__(db_url, db=db, lang=lang, login="-", today=today)
        self.login = ""  # nobody until the login
        self.actor = nobody()
        self.client = client
        self.idle = IdleTimeout(idle_minutes, clock)
        self.logged_in = False
        self.report_folder: Path | None = None
        self._sessions = 0

    # ---------------------------------------------------------------- start-up

    def _resolve_actor(self) -> None:  # type: ignore[override]
        """Nobody is acting until the login (never the OS account of the server)."""

    def _watch_terminal(self) -> None:
        """No terminal to watch: textual-serve ends the process when the browser goes."""

    def on_mount(self) -> None:
        self.idle.touch()
        self.set_interval(self.idle.check_every(), self.check_inactivity)

    def _refresh_actor_label(self) -> None:
        if not getattr(self, "logged_in", False):
            self.actor_label = ""
            return
        super()._refresh_actor_label()

    # ---------------------------------------------------------------- the session

    def start_session(self, actor: Actor) -> None:
        """``actor`` logged in: from now on they act, and the dashboard is built."""
        login_modes = [m for m in self._modes if m.startswith("login")]
        self.actor, self.login = actor, actor.login
        self._actor_known = True
        self.logged_in = True
        self.idle.touch()
        self._refresh_actor_label()
        self.refresh_bindings()
        self.report_folder = Path(tempfile.mkdtemp(prefix="qms-web-"))
        self.add_mode("dashboard", _dashboard_screen)
        self.switch_mode("dashboard")
        for mode in login_modes:
            self.remove_mode(mode)

    def end_session(self, notice: str | None = None) -> None:
        """Back to a new login screen: every screen of the session is closed and nobody acts."""
        self._sessions += 1
        mode = f"login-{self._sessions}"
        self.logged_in = False
        self.actor, self.login = nobody(), ""
        self._actor_known = False
        self._refresh_actor_label()
        self.add_mode(mode, _login_screen(notice))
        self.switch_mode(mode)
        for other in [m for m in self._modes if m != mode]:
            self.remove_mode(other)
        self.refresh_bindings()
        self.remove_report_folder()
        self.idle.touch()

    def check_inactivity(self) -> None:
        if not self.idle.expired():
            return
        if self.logged_in:
            minutes = self.idle.minutes
            self.end_session(tr("Your session was closed after {minutes} minutes without activity. Log in again.",
                                minutes=format(minutes, "g")))
        else:
            self.exit()

    def action_log_out(self) -> None:
        if self.logged_in:
            self.end_session(tr("You logged out."))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self.idle.touch()
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.logged_in and action not in BEFORE_LOGIN:
            return False
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if not self.logged_in:
            return
        yield SystemCommand(tr("Log out"), tr("Close this session and return to the login"), self.action_log_out)
        yield from super().get_system_commands(screen)

    # ---------------------------------------------------------------- reports

    def deliver_report(self, path: str | Path) -> str:
        """Send the PDF at ``path`` to the browser as a download and delete it from the
        server (the open file is what is sent); returns the status line to show."""
        path = Path(path)
        self.deliver_binary(path, save_filename=path.name, mime_type="application/pdf")
        path.unlink(missing_ok=True)
        return tr("Sent to your browser as a download: {name}", name=path.name)

    @on(events.DeliveryFailed)
    def _delivery_failed(self, event: events.DeliveryFailed) -> None:
        self.notify(tr("The download failed: {error}", error=str(event.exception)), severity="error")

    def remove_report_folder(self) -> None:
        if self.report_folder is not None:
            shutil.rmtree(self.report_folder, ignore_errors=True)
            self.report_folder = None


def run_web_session(db_url: str, lang: str, *, idle_minutes: float = DEFAULT_IDLE_MINUTES) -> None:
    """Run one browser session (the command ``qms serve`` starts for each browser)."""
    i18n.set_language(lang)
    app = WebQmsApp(db_url, lang=lang, client=os.environ.get(CLIENT_ENV) or None, idle_minutes=idle_minutes)
    try:
        app.run()
    finally:
        app.remove_report_folder()
    if app.return_code:
        sys.exit(app.return_code)
