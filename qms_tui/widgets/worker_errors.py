"""Worker errors go to one place: the app's error modal (never a traceback)."""

from __future__ import annotations

from typing import Any

from textual.worker import Worker, WorkerState


class ReportsWorkerErrors:
    """Mixin for widgets and screens that start workers with ``exit_on_error=False``:
    a failed worker is shown by ``App.report_error`` (an error modal)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        app: Any = self.app  # type: ignore[attr-defined]
        report = getattr(app, "report_error", None)
        if report is not None:
            report(event.worker.error)
        else:
            app.notify(str(event.worker.error), severity="error")
