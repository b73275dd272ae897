"""Where screens plug in, by name (imported only when used, so start-up stays light).

- ``DETAIL_SCREENS``: entity → ``"module:Class"`` of a specialised detail screen, built as
  ``Class(entity, code)``; entities without one use the generic ``RecordDetailScreen``.
- ``COMMANDS``: extra palette commands: (title msgid, help msgid, ``"module:function"``);
  the function is called with the app.
Add one line per screen; keep this file a table.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from qms_tui.domain.enums import N_

DETAIL_SCREENS: dict[str, str] = {}

COMMANDS: list[tuple[str, str, str]] = []


def load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)


def detail_screen(entity: str) -> Any | None:
    target = DETAIL_SCREENS.get(entity)
    return load(target) if target else None


__all__ = ["COMMANDS", "DETAIL_SCREENS", "N_", "detail_screen", "load"]
