"""A focusable figure on the dashboard: enter (or a click) opens what is behind it."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget


class Figure(Horizontal, can_focus=True):
    """A row of child widgets; ``target`` says what enter opens (handled by the screen)."""

    DEFAULT_CSS = """
    Figure { height: auto; width: 1fr; padding: 0 1; }
    Figure > Label { width: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    Figure > .figure-fill { width: 1fr; }
    Figure:focus { background: $block-cursor-background; }
    Figure:focus > Label, Figure:focus > StatusBadge { color: $block-cursor-foreground; text-style: bold; }
    Figure:hover { background: $boost; }
    Figure.-stacked { layout: vertical; }
    Figure.-stacked > Label { width: 1fr; }
    Figure.-stacked > Label.figure-fill { padding-left: 2; }
    """

    BINDINGS = [
        Binding("enter,space", "select", show=False),
        Binding("down,j", "app.focus_next", show=False),
        Binding("up,k", "app.focus_previous", show=False),
        Binding("right,l", "app.focus_next", show=False),
        Binding("left,h", "app.focus_previous", show=False),
    ]

    class Selected(Message):
        def __init__(self, figure: Figure, target: Any) -> None:
            super().__init__()
            self.figure = figure
            self.target = target

    def __init__(self, *children: Widget, target: Any, id: str | None = None, classes: str | None = None,
                 tooltip: str | None = None) -> None:
        super().__init__(*children, id=id, classes=classes)
        self.target = target
        if tooltip:
            self.tooltip = tooltip

    def action_select(self) -> None:
        self.post_message(self.Selected(self, self.target))

    def on_click(self) -> None:
        self.focus()
        self.action_select()
