"""A traffic light that shows a symbol AND a word, so it reads the same without colour."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from qms_tui.widgets.labels import LIGHTS, light_text


class StatusBadge(Static):
    """``✔ en meta`` / ``▲ en riesgo`` / ``✖ fuera de meta`` / ``· sin datos``."""

    DEFAULT_CSS = """
    StatusBadge { width: auto; height: 1; text-style: bold; }
    StatusBadge.-green { color: $text-success; }
    StatusBadge.-yellow { color: $text-warning; }
    StatusBadge.-red { color: $text-error; }
    StatusBadge.-none { color: $text-muted; }
    """

    light: reactive[str] = reactive("none")

    def __init__(self, light: str = "none", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(StatusBadge.light, light if light in LIGHTS else "none")

    def on_mount(self) -> None:
        self._show(self.light)

    def watch_light(self, light: str) -> None:
        self._show(light)

    def _show(self, light: str) -> None:
        for name in LIGHTS:
            self.set_class(name == light, f"-{name}")
        self.update(light_text(light))
