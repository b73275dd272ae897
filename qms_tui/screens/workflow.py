"""What the specialised detail screens share (nonconformity, audit, indicator, process,
event): the record is read in a worker and shown when it arrives; every step runs a
service in a worker; the palette lists the steps this screen offers right now.

- ``load_detail()`` (thread) returns what the screen shows; ``show(data)`` fills it.
- ``perform(call, done=…)`` runs ``call()`` (thread): a refusal opens the error modal and
  changes nothing; on success the record is read again and ``done(result)`` runs.
- ``step(dialog)`` opens a dialog that performs the step itself (errors inline) and
  reloads when it was done.
- ``check_action`` hides the steps the lifecycle does not allow now (``available``), so
  the footer and the palette only offer what can be done.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from qms_tui.domain.enums import N_
from qms_tui.domain.permissions import may
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.screens.dialogs.confirm import ConfirmDialog
from qms_tui.widgets.figure import Figure
from qms_tui.widgets.labels import entity_title


class ScreenSteps(Provider):
    """Palette: the steps of the screen it was opened from, with their keys."""

    def _steps(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        out = []
        bindings = [b for group in screen._bindings.key_to_bindings.values() for b in group]
        for binding in bindings:
            if not binding.description or binding.action.startswith("app.") or binding.action in ("reload",):
                continue
            if screen.check_action(binding.action, ()) is not True:
                continue
            out.append((binding.description, binding.action, screen.app.get_key_display(binding)))
        seen: set[str] = set()
        unique = []
        for item in out:
            if item[1] not in seen:
                seen.add(item[1])
                unique.append(item)
        return unique

    def _runner(self, action: str) -> Callable[[], Any]:
        screen = self.screen

        async def run() -> None:
            await screen.run_action(action)

        return run

    async def discover(self) -> Hits:
        for title, action, key in self._steps():
            yield DiscoveryHit(title, self._runner(action), help=tr("key {key}", key=key))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, key in self._steps():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=tr("key {key}", key=key))


class WorkflowScreen(QmsScreen[None]):
    """Base of a specialised detail screen of ``entity`` ``code``."""

    COMMANDS: ClassVar[set[Any]] = {ScreenSteps}
    AUTO_FOCUS = ".wf-body"
    BINDINGS = [Binding("f5,ctrl+r", "reload", N_("Reload"), show=False)]

    #: actions that change data (hidden for read-only users)
    WRITES: ClassVar[frozenset[str]] = frozenset()
    #: action → (entity, verb) it needs in the permission matrix; default (entity, "update")
    PERMS: ClassVar[dict[str, tuple[str, str]]] = {}

    class Loaded(Message):
        def __init__(self, data: Any) -> None:
            super().__init__()
            self.data = data

    class Performed(Message):
        def __init__(self, result: Any, done: Callable[[Any], None] | None, note: str | None) -> None:
            super().__init__()
            self.result = result
            self.done = done
            self.note = note

    def __init__(self, entity: str, code: str) -> None:
        super().__init__(classes=f"workflow-screen {entity}-screen")
        self.entity = entity
        self.code = code
        self.data: Any = None
        self.busy = False

    @property
    def heading(self) -> str:
        return f"{entity_title(self.entity)} {self.code}"

    # ---------------------------------------------------------------- loading

    def on_screen_resume(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    def load_detail(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def show(self, data: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="workflow-load", exit_on_error=False)
    def _load(self) -> None:
        data = self.load_detail()
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(data))

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        self.data = event.data
        shown = self.show(event.data)
        if inspect.isawaitable(shown):  # screens that mount widgets await their mounting
            await shown
        self.refresh_bindings()

    # ---------------------------------------------------------------- steps

    def available(self, action: str) -> bool:
        """Whether the step ``action`` is possible now (override)."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITES:
            if self.data is None or self.busy or self.qms.read_only:
                return False
            entity, verb = self.PERMS.get(action, (self.entity, "update"))
            if not may(self.qms.actor, entity, verb):
                return False
            return self.available(action)
        return True

    def ensure(self, action: str) -> bool:
        """Guard at the start of a step (a key may arrive before the footer refreshed)."""
        return self.data is not None and not self.busy and self.check_action(action, ()) is True

    def perform(self, call: Callable[[], Any], *, done: Callable[[Any], None] | None = None,
                note: str | None = None, confirm: str | None = None) -> None:
        """Run ``call`` (a service call) in a worker; ask ``confirm`` first if given."""
        if confirm:
            def answer(yes: bool | None) -> None:
                if yes:
                    self._start(call, done, note)

            self.app.push_screen(ConfirmDialog(confirm), answer)
        else:
            self._start(call, done, note)

    def _start(self, call: Callable[[], Any], done: Callable[[Any], None] | None, note: str | None) -> None:
        self.busy = True
        self.refresh_bindings()
        self._perform(call, done, note)

    @work(thread=True, exclusive=True, group="workflow-write", exit_on_error=False)
    def _perform(self, call: Callable[[], Any], done: Callable[[Any], None] | None, note: str | None) -> None:
        from qms_tui.services.freeze import Frozen

        try:
            result = call()
        except Frozen as refused:  # a freeze window: the emergency route, for those who may take it
            self.app.call_from_thread(self._offer_emergency, refused, call, done, note)
            return
        finally:
            self.app.call_from_thread(self._idle)
        self.post_message(self.Performed(result, done, note))

    def _offer_emergency(self, refused: Any, call: Callable[[], Any], done: Callable[[Any], None] | None,
                         note: str | None) -> None:
        from qms_tui.screens.dialogs.emergency import offer_emergency

        offer_emergency(self.app, refused, call, lambda result: self.post_message(self.Performed(result, done, note)),
                        record=self.code)

    def _idle(self) -> None:
        self.busy = False
        self.refresh_bindings()

    @on(Performed)
    def _performed(self, event: Performed) -> None:
        if event.note:
            self.notify(event.note)
        self.reload()
        if event.done is not None:
            event.done(event.result)

    def step(self, dialog: Screen[Any], note: Callable[[Any], str] | None = None,
             done: Callable[[Any], None] | None = None) -> None:
        """Open ``dialog`` (which performs the step); reload when it was done."""
        def finished(result: Any) -> None:
            if result is None:
                return
            if note is not None:
                self.notify(note(result))
            self.reload()
            if done is not None:
                done(result)

        self.app.push_screen(dialog, finished)

    def sign(self, title: str, call: Callable[[dict[str, Any]], Any], note: str | Callable[[Any], str], *,
             meaning: str = "approved", intro: str = "", fields: Sequence[Any] = (),
             record: str | None = None) -> None:
        """A step signed electronically (approving, verifying effectiveness, closing): the
        signature dialog says what is signed and what it means, asks the step's ``fields``
        (InputField) and the signing PIN (when the person has one), then runs ``call(values)``
        in its worker; ``values`` has the fields by name plus ``pin`` and ``comment``. Errors
        (a wrong PIN, a date) are shown inline."""
        from qms_tui.screens.dialogs.sign import SignDialog

        def submit(values: dict[str, Any], _confirmed: bool) -> Any:
            return call(values)

        dialog = SignDialog(title, meaning, submit, record=record or self.code, signer=self.qms.actor.label,
                            fields=fields, intro=intro, lookup=self.lookup)
        self.step(dialog, note if callable(note) else (lambda _result: note))

    # ---------------------------------------------------------------- helpers for workers

    def db(self) -> Any:
        """The Database handle (call from workers only)."""
        return self.services_db()

    def lookup(self, entity: str, text: str) -> list[tuple[str, str]]:
        """Runs in a picker's worker."""
        from qms_tui.services.search import lookup

        return lookup(self.services_db(), entity, text)

    # ---------------------------------------------------------------- linked records

    @on(Figure.Selected)
    def _figure_selected(self, event: Figure.Selected) -> None:
        event.stop()
        kind, entity, *rest = event.target
        if kind == "record" and rest and rest[0]:
            self.qms.open_record(entity, rest[0])


def signature_lines(db: Any, entity: str, code: str) -> list[str]:
    """The electronic signatures of a record, one line each (workers only)."""
    from qms_tui.services.signatures import signatures_of

    return [s.line() for s in signatures_of(db, entity, code)]


def done_note(msgid: str) -> Callable[[Any], str]:
    """A notification naming the record a step produced."""
    return lambda result: tr(msgid, code=getattr(result, "code", ""))


__all__ = ["N_", "ScreenSteps", "WorkflowScreen", "done_note", "signature_lines"]
