"""One-line header: the system, the screen, the unread notifications ("✉ N", counted in a
worker every minute and whenever its screen becomes current again, e.g. when the inbox
closes) and who is using it (and in which role)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Label

INBOX_REFRESH_SECONDS = 60.0


class AppHeader(Horizontal):
    DEFAULT_CSS = """
    AppHeader { dock: top; height: 1; background: $panel; color: $foreground; }
    AppHeader .header-title { width: 1fr; text-style: bold; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AppHeader .header-inbox { width: auto; padding: 0 1; text-style: bold; color: $text-accent; display: none; }
    AppHeader .header-inbox.-unread { display: block; }
    AppHeader .header-freeze { width: auto; padding: 0 1; text-style: bold reverse; color: $text-warning; display: none; }
    AppHeader .header-freeze.-active { display: block; }
    AppHeader .header-user { width: auto; max-width: 50%; padding: 0 1; color: $text-muted;
                             text-wrap: nowrap; text-overflow: ellipsis; }
    AppHeader .header-user.-reader { color: $text-warning; text-style: bold; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Label(f"SGCE · {self.title_text}", classes="header-title")
        yield Label("", classes="header-freeze")
        yield Label("", classes="header-inbox")
        yield Label("", classes="header-user")

    def on_mount(self) -> None:
        if hasattr(self.app, "actor_label"):
            self.watch(self.app, "actor_label", self._actor_changed)
        if hasattr(self.app, "database") and hasattr(self.app, "login"):
            self.refresh_unread()
            self.set_interval(INBOX_REFRESH_SECONDS, self.refresh_unread)
            self.refresh_freeze()
            self.set_interval(INBOX_REFRESH_SECONDS, self.refresh_freeze)
            self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: object) -> None:
        if screen is self.screen:  # back on this screen (e.g. the inbox closed): count again
            self.refresh_unread()

    def refresh_unread(self) -> None:
        """Count the unread notifications in a worker thread (the UI never waits)."""
        self.run_worker(self._count_unread, thread=True, exclusive=True, group="header-inbox",
                        exit_on_error=False)

    def _count_unread(self) -> None:
        try:
            from qms_tui.services.notifications import unread_count

            count = unread_count(self.app.database(), self.app.login)  # type: ignore[attr-defined]
            self.app.call_from_thread(self.show_unread, count)
        except Exception:
            return  # the header never shows an error; the next refresh tries again

    def show_unread(self, count: int) -> None:
        try:
            label = self.query_one(".header-inbox", Label)
        except NoMatches:
            return
        label.update(f"✉ {count}" if count else "")
        label.set_class(count > 0, "-unread")

    def set_title(self, title: str) -> None:
        self.title_text = title
        self.query_one(".header-title", Label).update(f"SGCE · {title}")

    def _actor_changed(self, label: str) -> None:
        user = self.query_one(".header-user", Label)
        user.update(label)
        user.set_class(bool(getattr(self.app, "read_only", False)), "-reader")

    # ---------------------------------------------------------------- freeze windows (issue 10)

    def refresh_freeze(self) -> None:
        """Look for an active freeze window in a worker thread: "❄ FREEZE" while one is active."""
        self.run_worker(self._check_freeze, thread=True, exclusive=True, group="header-freeze",
                        exit_on_error=False)

    def _check_freeze(self) -> None:
        try:
            from qms_tui.services.freeze import active_freezes

            found = active_freezes(self.app.database(), getattr(self.app, "today", None))  # type: ignore[attr-defined]
            self.app.call_from_thread(self.show_freeze, found)
        except Exception:
            return  # the header never shows an error; the next refresh tries again

    def show_freeze(self, freezes: list) -> None:  # type: ignore[type-arg]
        from qms_tui.i18n import tr

        try:
            label = self.query_one(".header-freeze", Label)
        except NoMatches:
            return
        word = tr("FREEZE")
        label.update(f"❄ {word} {freezes[0].event}" if freezes else "")
        label.set_class(bool(freezes), "-active")
        label.tooltip = (tr("Freeze window {start} – {end}: controlled documents and processes change only "
                            "as emergency changes", start=freezes[0].start.isoformat(),
                            end=freezes[0].end.isoformat()) if freezes else None)
