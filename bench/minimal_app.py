"""The start-up baseline: a minimal Textual app (Header, Footer, a DataTable with a page of
rows) that leaves right after its first paint, printing the moment it painted.

    python bench/minimal_app.py        (bench/startup.py runs it headless)
"""

from __future__ import annotations

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Code", "Name", "Status", "Value")
        table.add_rows((f"IND-{i:03d}", f"Indicador {i}", "green", f"{90 + i % 10}.0") for i in range(1, 41))
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        now = f"{time.time():.6f}"
        os.write(2, f"qms-bench-first-paint {now}\nqms-bench-painted {now}\n".encode())
        self.exit()


if __name__ == "__main__":
    Minimal().run()
