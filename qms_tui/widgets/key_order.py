"""Editing keys applied in the order they were typed, also when keys arrive in a burst.

Textual's ``Input`` and ``TextArea`` insert a typed character at once, in their own key
handler, but an editing key (backspace, delete, the arrows, home/end, ctrl+k…) is one of their
bindings, which the app runs only after the key has bubbled up to it — a trip through every
ancestor's message queue. Keys that arrive together (type-ahead over a slow SSH link, a
paste-like burst from a terminal multiplexer) are then applied out of order: "2025-0",
backspace, "6" became "2025-06" with the backspace applied after the "6" — "2025-0".
Textual issue #6605 (fix proposed in pull request #6631, not released).

:func:`install` makes both widgets run the bindings of a non-printable key themselves, in
their key handler, with the same resolution the app would use (the focused widget first,
then its ancestors); keys a widget inserts itself (a TextArea's enter, its tab when it
indents) are left to it. Called once when the app starts; removable once Textual fixes it.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input, TextArea

_MARK = "qms_keys_in_order"


def _inserted_by(widget: Any, key: str) -> bool:
    """Keys the widget's own handler turns into text."""
    if isinstance(widget, TextArea):
        return key == "enter" or (widget.tab_behavior == "indent" and key in ("tab", "escape"))
    return False


def install() -> None:
    for cls in (Input, TextArea):
        original = cls._on_key
        if getattr(original, _MARK, False):
            continue

        async def _on_key(self: Any, event: events.Key, _original: Any = original) -> None:
            if not event.is_printable and not _inserted_by(self, event.key) and self.has_focus:
                if await self.app._check_bindings(event.key):  # what the app would run, run now
                    event.stop()
                    event.prevent_default()
                    return
            await _original(self, event)

        setattr(_on_key, _MARK, True)
        cls._on_key = _on_key  # type: ignore[method-assign]
