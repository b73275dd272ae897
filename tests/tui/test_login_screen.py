"""The browser mode's app (issue 9) driven by Pilot: the login screen comes first and nothing
else is built or read before a login; a wrong password is refused, the right one opens the
dashboard as that user; inactivity returns to the login with every screen closed; reports
are delivered as downloads and not left on the server."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select
from textual.command import CommandPalette
from textual.widgets import Button, Input, Static

from qms_tui.db.models import LoginAttempt
from qms_tui.domain.actor import SYSTEM
from qms_tui.screens.dashboard import DashboardScreen
from qms_tui.screens.help import HelpScreen
from qms_tui.screens.login import LoginScreen
from qms_tui.screens.reports import ReportsScreen
from qms_tui.services import users
from qms_tui.web.app import WebQmsApp
from tui.conftest import settle, type_text
from tui.dataset import POLICY_TEXT, TODAY

SIZE = (120, 40)
PASSWORD = "clave-123456"
RECORD_TABLES = re.compile(r"\b(policy|objective|indicator|measurement|nonconformity|audit|risk|process|"
                           r"notification|document|review|project|event)\b", re.IGNORECASE)


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def statements(tui_db):  # type: ignore[no-untyped-def]
    """Every SQL statement run on the database from now on."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(tui_db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(tui_db.engine, "before_cursor_execute", record)


@pytest.fixture
def with_password(tui_db):  # type: ignore[no-untyped-def]
    users.set_pin(tui_db, SYSTEM, "coord", PASSWORD)
    return tui_db


def web_app(db, clock: Clock | None = None, idle_minutes: float = 15) -> WebQmsApp:  # type: ignore[no-untyped-def]
    return WebQmsApp(db=db, lang="en", client="192.0.2.10", idle_minutes=idle_minutes, today=TODAY,
                     **({"clock": clock} if clock else {}))


def screens(app: WebQmsApp) -> list[object]:
    return [screen for stack in app._screen_stacks.values() for screen in stack]


async def log_in(pilot, password: str = PASSWORD, login: str = "coord") -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    screen.query_one("#login-user", Input).value = ""
    screen.query_one("#login-user", Input).focus()
    await type_text(pilot, login)
    await pilot.press("tab")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


def message(app: WebQmsApp) -> str:
    return str(app.screen.query_one("#login-message", Static).render())


async def test_nothing_is_built_or_read_before_the_login(with_password, statements) -> None:  # type: ignore[no-untyped-def]
    app = web_app(with_password)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert set(app._modes) == {"login"}
        assert not any(isinstance(s, DashboardScreen) for s in screens(app))
        assert app.actor.login == "" and app.login == "" and app.actor_label == ""
        # every way into the data, with no widget focused so the keys reach the app
        app.set_focus(None)
        for keys in (["ctrl+p"], ["slash"], ["ctrl+f"], ["g", "d"], ["g", "i"], ["home"], ["escape"], ["f5"]):
            await pilot.press(*keys)
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen), keys
            assert not CommandPalette.is_open(app)
        assert set(app._modes) == {"login"}
        assert statements == []  # not one query: the database was not even opened
        rendered = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert POLICY_TEXT[:30] not in rendered


async def test_wrong_password_is_refused_and_the_right_one_opens_the_dashboard(with_password, statements) -> None:  # type: ignore[no-untyped-def]
    app = web_app(with_password)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_in(pilot, "no-es-la-clave")
        assert isinstance(app.screen, LoginScreen)
        assert message(app) == "wrong user or password"
        assert app.screen.query_one("#login-password", Input).value == ""
        assert app.screen.query_one("#login-password", Input).has_focus
        assert not app.screen.query_one("#login-submit", Button).disabled
        assert not any(RECORD_TABLES.search(s) for s in statements), statements  # only people and attempts
        assert not any(isinstance(s, DashboardScreen) for s in screens(app))

        await log_in(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert (app.actor.login, app.actor.role, app.login) == ("coord", "coordinator", "coord")
        assert app.actor_label == "María García · quality coordinator"
        assert set(app._modes) == {"dashboard"}  # the login screen (and what was typed) is gone
        policy = app.screen.query_one("#panel-policy .policy-text")
        assert POLICY_TEXT[:40] in str(policy.render())
    with with_password.read() as s:
        rows = list(s.execute(select(LoginAttempt.login, LoginAttempt.success, LoginAttempt.source)
                              .order_by(LoginAttempt.id)))
    assert [tuple(r) for r in rows] == [("coord", False, "web:192.0.2.10"), ("coord", True, "web:192.0.2.10")]


async def test_empty_fields_are_asked_for_without_an_attempt(with_password) -> None:  # type: ignore[no-untyped-def]
    app = web_app(with_password)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#login-submit")
        await settle(pilot)
        assert message(app) == "type your user and your password"
        assert app.screen.query_one("#login-user", Input).has_focus
    with with_password.read() as s:
        assert s.execute(select(LoginAttempt.id)).first() is None


async def test_inactivity_returns_to_the_login_and_closes_every_screen(with_password) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    app = web_app(with_password, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_in(pilot)
        await app.push_screen(ReportsScreen())
        app.action_help()  # a modal on top
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        clock.now += 14 * 60
        await pilot.press("down")  # activity: the count starts again
        clock.now += 14 * 60
        app.check_inactivity()  # what the timer calls (every 30 s for 15 minutes)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and app.logged_in
        clock.now += 61
        app.check_inactivity()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert message(app) == "Your session was closed after 15 minutes without activity. Log in again."
        assert not app.logged_in and app.actor.login == "" and app.login == ""
        assert list(app._modes) == ["login-1"]
        assert not any(isinstance(s, (DashboardScreen, ReportsScreen, HelpScreen)) for s in screens(app))
        assert app.report_folder is None
        # and the next login works as the first
        await log_in(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.actor.login == "coord"


async def wait_until(pilot, condition, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("never happened")


async def test_the_timer_closes_an_idle_session_then_an_idle_login_ends_the_process(with_password) -> None:  # type: ignore[no-untyped-def]
    app = web_app(with_password, idle_minutes=0.05)  # 3 s, checked every 0.3 s (real time)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert "without activity" in message(app)
        await wait_until(pilot, lambda: app._exit)  # nobody logged in for as long: the app leaves


async def test_log_out_closes_the_session(with_password) -> None:  # type: ignore[no-untyped-def]
    app = web_app(with_password)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_in(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert commands[0] == "Log out"
        app.action_log_out()
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and message(app) == "You logged out."
        assert not app.logged_in


async def test_reports_are_downloaded_and_not_left_on_the_server(with_password) -> None:  # type: ignore[no-untyped-def]
    app = web_app(with_password)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_in(pilot)
        folder = app.report_folder
        assert folder is not None and folder.is_dir()
        screen = ReportsScreen()
        await app.push_screen(screen)
        await settle(pilot)
        # where to write is not the browser user's choice: the session's private folder
        assert not screen.query_one("#field-output").display and not screen.query_one("#copy").display
        assert screen.check_action("copy_path", ()) is False
        assert screen.request().out == str(folder / f"qms-evidence-{TODAY.isoformat()}.pdf")
        pdf = folder / "qms-capa-2025-06-16.pdf"
        pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
        sent: list[tuple[str, str | None, bytes]] = []

        def to_browser(binary, *, save_path, mime_type=None, **_kw) -> None:  # type: ignore[no-untyped-def]
            # the web driver's side: it streams this open file to textual-serve, chunk by chunk
            sent.append((save_path.name, mime_type, binary.read()))
            binary.close()

        app._driver.deliver_binary = to_browser  # type: ignore[union-attr]
        screen.post_message(ReportsScreen.Finished(SimpleNamespace(path=pdf, pages=1, seconds=0.2)))
        await settle(pilot)
        await pilot.pause(0.3)
        status = str(screen.query_one("#report-status", Static).render())
        assert status == "Sent to your browser as a download: qms-capa-2025-06-16.pdf"
        assert not pdf.exists()  # the open file was handed over; nothing stays behind
        assert sent == [(pdf.name, "application/pdf", b"%PDF-1.7\n" + b"0" * 2000)]
        app.action_log_out()
        await settle(pilot)
        assert not folder.exists()


def test_the_plain_tui_refuses_to_be_served_to_a_browser(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qms_tui.app import run_app

    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    with pytest.raises(SystemExit) as info:
        run_app(f"sqlite:///{tmp_path / 'x.db'}", "en")
    assert "only by `qms serve`, which asks for a login" in str(info.value.code)


async def test_a_database_failure_at_the_login_shows_no_details(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qms_tui.app import log_path
    from qms_tui.screens.dialogs.error import ErrorDialog

    app = WebQmsApp(f"sqlite:///{tmp_path / 'not-a-qms-database.db'}", lang="en", client="192.0.2.10")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await log_in(pilot)
        assert isinstance(app.screen, LoginScreen) and not isinstance(app.screen, ErrorDialog)
        assert message(app) == "The login could not be checked; try again later."
        assert not app.screen.query_one("#login-submit", Button).disabled
    assert "no such table" in log_path().read_text()  # the details are for the administrator
