"""Editing keys that arrive in a burst are applied in the order typed (Textual issue #6605,
worked around by ``widgets.key_order``): the keys are posted to the app all at once, as
the driver does when a slow SSH link delivers them together."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, TextArea

from qms_tui.widgets import key_order


class Host(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical():  # an ancestor more for the bound keys to bubble through
            with Vertical():
                yield Input(id="line")
                yield TextArea(id="text")


def _burst(app: App[None], keys: list[str]) -> None:
    for key in keys:
        ch = key if len(key) == 1 else None
        app.post_message(events.Key(key, ch))


async def _typed(keys: list[str], widget: str) -> str:
    key_order.install()
    app = Host()
    async with app.run_test() as pilot:
        app.query_one(f"#{widget}").focus()
        await pilot.pause()
        _burst(app, keys)
        for _ in range(10):
            await pilot.pause()
        target = app.query_one(f"#{widget}")
        return target.value if isinstance(target, Input) else target.text


KEYS = [*"2025-0", "backspace", "6", "left", "left", "backspace", "1", "end", "x"]


async def test_a_burst_with_editing_keys_is_applied_in_order():
    # without the work-around both give "2025-61": the backspace, the arrows and end run
    # after every character of the burst
    assert await _typed(KEYS, "line") == "2021-6x"
    assert await _typed(KEYS, "text") == "2021-6x"


async def test_enter_in_a_text_area_is_still_a_new_line():
    assert await _typed([*"ab", "enter", *"cd", "backspace", "e"], "text") == "ab\nce"


def test_install_is_idempotent():
    key_order.install()
    handler = Input._on_key
    key_order.install()
    assert Input._on_key is handler
