"""Themes: Textual's dark theme by default, plus a high-contrast theme of our own.

The high-contrast theme sticks to pure colours that survive 256-colour terminals
(SSH rarely forwards COLORTERM) and keeps text at maximum contrast on black.
Status is never shown by colour alone (symbols and words), so NO_COLOR still reads.
"""

from __future__ import annotations

from textual.theme import Theme

DEFAULT_THEME = "textual-dark"

HIGH_CONTRAST = Theme(
    name="qms-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FF00FF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#303030",
    boost="#262626",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF0000",
    dark=True,
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#FFFF00",
        "input-selection-background": "#0000FF",
        "border": "#FFFFFF",
        "border-blurred": "#808080",
        "text-muted": "#D0D0D0",
        "text-success": "#00FF00",
        "text-warning": "#FFFF00",
        "text-error": "#FF5F5F",
        "scrollbar": "#808080",
    },
)

THEMES = (HIGH_CONTRAST,)

#: Themes that cannot be supported on a shared SSH server (they follow each terminal's palette).
UNSUPPORTED = ("textual-ansi",)
