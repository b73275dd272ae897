"""One-line header: the system, the screen, and who is using it (and in which role)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label


class AppHeader(Horizontal):
    DEFAULT_CSS = """
    AppHeader { dock: top; height: 1; background: $panel; color: $foreground; }
    AppHeader .header-title { width: 1fr; text-style: bold; padding: 0 1; }
    AppHeader .header-user { width: auto; padding: 0 1; color: $text-muted; }
    AppHeader .header-user.-reader { color: $text-warning; text-style: bold; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Label(f"SGCE · {self.title_text}", classes="header-title")
        yield Label("", classes="header-user")

    def on_mount(self) -> None:
        if hasattr(self.app, "actor_label"):
            self.watch(self.app, "actor_label", self._actor_changed)

    def set_title(self, title: str) -> None:
        self.title_text = title
        self.query_one(".header-title", Label).update(f"SGCE · {title}")

    def _actor_changed(self, label: str) -> None:
        user = self.query_one(".header-user", Label)
        user.update(label)
        user.set_class(bool(getattr(self.app, "read_only", False)), "-reader")
