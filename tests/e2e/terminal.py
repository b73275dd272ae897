"""What a browser tab of ``qms serve`` shows, from the bytes its websocket received: a terminal
emulator (pyte) draws them as xterm.js does, so tests read the screen as text."""

from __future__ import annotations

import re

import pyte

ESCAPES = re.compile(rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78NOPMc]")


class TerminalView:
    def __init__(self, columns: int = 240, lines: int = 80) -> None:
        # bigger than the browser's terminal: Textual places every line with absolute cursor moves
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()

    def feed(self, data: bytes) -> None:
        self.raw.extend(data)
        self.stream.feed(data)

    @property
    def text(self) -> str:
        """The screen now, one line per row (trailing blanks removed)."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def shown(self) -> str:
        """The screen's non-blank lines (for failure messages)."""
        return "\n".join(line for line in self.text.splitlines() if line.strip())

    def everything_sent(self) -> str:
        """All the text ever sent, escape sequences removed (what the screen showed at any moment)."""
        return ESCAPES.sub(b"", bytes(self.raw)).decode("utf-8", "replace")
