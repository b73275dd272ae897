"""The login of the browser mode (``qms serve``): a QMS user and password, checked by
:func:`qms_tui.services.login.authenticate` in a worker. The screen shows no record and reads
none: until the login succeeds the app has built no other screen (:mod:`qms_tui.web.app`)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from qms_tui.domain.enums import N_
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen


class LoginScreen(QmsScreen[None]):
    HELP = N_("""\
# Log in

This is the quality management system (SGCE) in a browser. Type your QMS user (your login,
for example *lhernandez*) and your password, then **enter**.

- The password is the one an administrator sets with `qms users passwd LOGIN` (it is also
  your signing PIN). If you have none, ask an administrator.
- After five wrong passwords the user is locked for a while (15 minutes at most).
- The session closes by itself after a while without using it; what you saved stays saved.
""")

    AUTO_FOCUS = "#login-user"
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen #login-box {
        width: 64; max-width: 96%; height: auto; border: thick $primary; background: $surface;
        padding: 1 2;
    }
    LoginScreen #login-title { text-style: bold; width: 100%; content-align: center middle; margin-bottom: 1; }
    LoginScreen #login-hint { color: $text-muted; margin-bottom: 1; }
    LoginScreen Label { margin-top: 1; text-style: bold; }
    LoginScreen Input { width: 100%; }
    LoginScreen #login-submit { margin-top: 1; width: 100%; }
    LoginScreen #login-message { margin-top: 1; height: auto; }
    LoginScreen #login-message.-error { color: $text-error; text-style: bold; }
    LoginScreen #login-message.-notice { color: $text-warning; }
    """

    class Accepted(Message):
        def __init__(self, actor: Any) -> None:
            super().__init__()
            self.actor = actor

    class Refused(Message):
        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    def __init__(self, notice: str | None = None) -> None:
        """``notice``: a message shown before anything is typed (already translated), e.g.
        why the previous session ended."""
        super().__init__(id="login", classes="login")
        self.notice = notice or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(tr("SGCE · Quality management system"), id="login-title", markup=False)
            yield Static(tr("Log in with your QMS user and password."), id="login-hint", markup=False)
            yield Label(tr("User"))
            yield Input(placeholder=tr("your login, e.g. lhernandez"), id="login-user", max_length=64)
            yield Label(tr("Password"))
            yield Input(password=True, id="login-password", max_length=200)
            yield Button(tr("Log in"), id="login-submit", variant="primary")
            yield Static(self.notice, id="login-message", markup=False,
                         classes="-notice" if self.notice else "")

    # ---------------------------------------------------------------- typing

    @on(Input.Submitted, "#login-user")
    def _user_entered(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-submit")
    def _submit(self) -> None:
        self.submit()

    def _say(self, text: str, kind: str = "-error") -> None:
        message = self.query_one("#login-message", Static)
        message.set_classes(kind)
        message.update(text)

    def submit(self) -> None:
        button = self.query_one("#login-submit", Button)
        if button.disabled:
            return
        login = self.query_one("#login-user", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        if not login:
            self._say(tr("type your user and your password"))
            self.query_one("#login-user", Input).focus()
            return
        if not password:
            self._say(tr("type your user and your password"))
            self.query_one("#login-password", Input).focus()
            return
        button.disabled = True
        self._say(tr("Checking…"), "-notice")
        self._check(login, password)

    # ---------------------------------------------------------------- checking (worker)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def _check(self, login: str, password: str) -> None:
        from qms_tui.services.login import LoginRefused, authenticate

        try:
            actor = authenticate(self.services_db(), login, password, client=getattr(self.qms, "client", None))
        except LoginRefused as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Accepted(actor))

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one("#login-submit", Button).disabled = False
        password = self.query_one("#login-password", Input)
        password.value = ""
        self._say(str(event.error))
        if getattr(event.error, "reason", "") == "empty" and not self.query_one("#login-user", Input).value.strip():
            self.query_one("#login-user", Input).focus()
        else:
            password.focus()

    @on(Accepted)
    def _accepted(self, event: Accepted) -> None:
        self.query_one("#login-password", Input).value = ""
        start = getattr(self.app, "start_session", None)
        if start is not None:
            start(event.actor)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "login" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            # nobody is logged in: no details for them (the database's address, …) and no error
            # modal (the base class's handler is skipped), only the log file
            event.prevent_default()
            if event.worker.error is not None:
                from qms_tui.app import log_exception

                log_exception(event.worker.error)
            self.query_one("#login-submit", Button).disabled = False
            self._say(tr("The login could not be checked; try again later."))
