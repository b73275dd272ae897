"""A modal that collects the inputs of one workflow step (a correction, a reason, dates, a
result…) and performs it through a service, in a worker.

- A :class:`~qms_tui.domain.errors.ValidationError` is shown next to each field it names;
  what was typed stays, and the cursor goes to the first field in error.
- Any other refusal (TransitionError, PermissionDenied, ConcurrencyError) opens the error
  modal over this one; closing it comes back here with everything still typed.
- ``submit(values, confirmed)`` may raise :class:`AskFirst` to have a question answered
  first (e.g. "replace the existing measurement?"); on yes it is called again with
  ``confirmed=True``. ``confirm=`` asks a fixed question before any submission
  (irreversible steps).

Dismissed with what ``submit`` returned, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, ValidationError
from qms_tui.i18n import tr
from qms_tui.screens.dialogs.confirm import ConfirmDialog
from qms_tui.widgets.labels import column_label, translate_bindings
from qms_tui.widgets.worker_errors import ReportsWorkerErrors

Submit = Callable[[dict[str, Any], bool], Any]
Lookup = Callable[[str, str], list[tuple[str, str]]]


class AskFirst(Exception):  # noqa: N818 - a question, not an error
    """Raised by ``submit`` to ask ``question`` (already translated) before going on."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


@dataclass(frozen=True)
class InputField:
    """One input of a step. ``kind``: text, longtext, date, choice or ref (a code, with a
    picker on ctrl+o). ``label`` is an English msgid; default: the field's label."""

    name: str
    kind: str = "text"
    required: bool = False
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, value), labels already translated
    ref: str | None = None  # entity of a ref field
    label: str | None = None
    help: str | None = None  # English msgid shown under the input

    @property
    def title(self) -> str:
        text = tr(self.label) if self.label else column_label(self.name)
        return text + (" *" if self.required else "")


class StepDialog(ReportsWorkerErrors, ModalScreen[Any]):
    """Base of the step dialogs: buttons, keys, the worker, errors inline."""

    DEFAULT_CSS = """
    StepDialog { align: center middle; }
    StepDialog > Vertical {
        width: 84; max-width: 98%; height: auto; max-height: 96%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    StepDialog .step-title { text-style: bold; height: auto; margin-bottom: 1; }
    StepDialog .step-intro { color: $text-muted; height: auto; margin-bottom: 1; }
    StepDialog .step-body { height: auto; max-height: 30; }
    StepDialog .step-row { height: auto; margin-bottom: 1; }
    StepDialog .step-label { width: 24; padding-right: 1; color: $text-muted; }
    StepDialog .step-input { width: 1fr; height: auto; }
    StepDialog .step-input TextArea { height: 4; }
    StepDialog .step-input Input, StepDialog .step-input TextArea, StepDialog .step-input Select {
        background: $boost;
    }
    StepDialog .step-input Input:focus, StepDialog .step-input TextArea:focus { background: $primary 25%; }
    StepDialog .step-help { color: $text-muted; height: auto; }
    StepDialog .step-error { color: $text-error; height: auto; display: none; }
    StepDialog .-invalid .step-error { display: block; }
    StepDialog .-invalid .step-label { color: $text-error; text-style: bold; }
    StepDialog .step-general { color: $text-error; height: auto; display: none; }
    StepDialog .step-general.-shown { display: block; }
    StepDialog .step-buttons { height: auto; margin-top: 1; }
    StepDialog .step-buttons Button { margin-right: 2; }
    StepDialog.-short .step-body { max-height: 12; }
    StepDialog.-short .step-title, StepDialog.-short .step-intro { margin-bottom: 0; }
    StepDialog.-narrow .step-row { layout: vertical; }
    StepDialog.-narrow .step-label { width: 1fr; }
    """

    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Save"), tooltip=N_("Perform this step")),
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+o,f4", "pick", N_("Pick"), show=False),
    ]

    class _Invalid(Message):
        def __init__(self, errors: list[FieldError]) -> None:
            super().__init__()
            self.errors = errors

    class _Ask(Message):
        def __init__(self, question: str, values: dict[str, Any]) -> None:
            super().__init__()
            self.question = question
            self.values = values

    class _Done(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self, title: str, submit: Submit, *, intro: str = "", confirm: str | None = None,
                 save_label: str | None = None, lookup: Lookup | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.intro = intro
        self.submit = submit
        self.confirm = confirm
        self.save_label = save_label or tr("Save")
        self.lookup = lookup
        self.busy = False
        self._initial: dict[str, Any] = {}

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="step-title", markup=False)
            if self.intro:
                yield Static(self.intro, classes="step-intro", markup=False)
            yield Static("", classes="step-general")
            with VerticalScroll(classes="step-body"):
                yield from self.compose_inputs()
            with Horizontal(classes="step-buttons"):
                yield Button(f"{self.save_label} (ctrl+s)", variant="primary", id="step-save")
                yield Button(tr("Cancel") + " (esc)", id="step-cancel")

    def compose_inputs(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def row(self, name: str, title: str, *inputs: Widget, help: str | None = None) -> Horizontal:
        children = list(inputs)
        if help:
            children.append(Static(tr(help), classes="step-help", markup=False))
        children.append(Static("", classes="step-error", id=f"error-{name}", markup=False))
        column = Vertical(*children, classes="step-input")
        return Horizontal(Label(title, classes="step-label"), column, classes="step-row", id=f"row-{name}")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 90, "-narrow")
        self._initial = self.collect()
        self.call_after_refresh(self.focus_first)

    def focus_first(self) -> None:
        for widget in self.query(".step-input Input, .step-input TextArea, .step-input Select"):
            if widget.display and widget.parent is not None and widget.parent.display:
                widget.focus()
                return

    # ---------------------------------------------------------------- values (override)

    def collect(self) -> dict[str, Any]:
        return {}

    @property
    def dirty(self) -> bool:
        return self.collect() != self._initial

    # ---------------------------------------------------------------- submitting

    @on(Button.Pressed, "#step-save")
    def _save_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#step-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_submit(self) -> None:
        if self.busy:
            return
        values = self.collect()
        if self.confirm:
            def answer(yes: bool | None) -> None:
                if yes:
                    self._start(values, True)

            self.app.push_screen(ConfirmDialog(self.confirm), answer)
        else:
            self._start(values, False)

    def _start(self, values: dict[str, Any], confirmed: bool) -> None:
        self.busy = True
        self.clear_errors()
        self.query_one("#step-save", Button).disabled = True
        self._run(values, confirmed)

    @work(thread=True, exclusive=True, group="step", exit_on_error=False)
    def _run(self, values: dict[str, Any], confirmed: bool) -> None:
        from qms_tui.services.freeze import Frozen

        try:
            result = self.submit(values, confirmed)
        except AskFirst as ask:
            self.post_message(self._Ask(ask.question, values))
            return
        except ValidationError as exc:
            self.post_message(self._Invalid(exc.errors))
            return
        except Frozen as refused:  # a freeze window: the emergency route, for those who may take it
            self.app.call_from_thread(self._offer_emergency, refused, values, confirmed)
            return
        finally:
            self.app.call_from_thread(self._idle)
        self.post_message(self._Done(result))

    def _offer_emergency(self, refused: Any, values: dict[str, Any], confirmed: bool) -> None:
        from qms_tui.screens.dialogs.emergency import offer_emergency

        offer_emergency(self.app, refused, lambda: self.submit(values, confirmed),
                        lambda result: self.post_message(self._Done(result)))

    def _idle(self) -> None:
        self.busy = False
        self.query_one("#step-save", Button).disabled = False

    @on(_Ask)
    def _ask(self, event: _Ask) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._start(event.values, True)

        self.app.push_screen(ConfirmDialog(event.question), answer)

    @on(_Done)
    def _done(self, event: _Done) -> None:
        self.dismiss(event.result)

    @on(_Invalid)
    def _invalid(self, event: _Invalid) -> None:
        self.show_errors(event.errors)

    # ---------------------------------------------------------------- errors

    def clear_errors(self) -> None:
        for row in self.query(".step-row.-invalid"):
            row.remove_class("-invalid")
        general = self.query_one(".step-general", Static)
        general.update("")
        general.remove_class("-shown")

    def show_errors(self, errors: list[FieldError]) -> None:
        self.clear_errors()
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for e in errors:
            if self.query(f"#row-{e.field}"):
                by_field.setdefault(e.field, []).append(tr(e.message, **e.params))
            else:
                general.append(e.render())
        for name, messages in by_field.items():
            self.query_one(f"#row-{name}").add_class("-invalid")
            self.query_one(f"#error-{name}", Static).update("✖ " + "; ".join(messages))
        if general:
            box = self.query_one(".step-general", Static)
            box.update("\n".join("✖ " + line for line in general))
            box.add_class("-shown")
        for row in self.query(".step-row.-invalid"):
            targets = row.query("Input, TextArea, Select")
            if targets:
                targets.first().focus()
            break

    # ---------------------------------------------------------------- leaving

    def action_cancel(self) -> None:
        if self.busy:
            return
        if self.dirty:
            def answer(discard: bool | None) -> None:
                if discard:
                    self.dismiss(None)

            self.app.push_screen(ConfirmDialog(tr("Discard what you typed?")), answer)
        else:
            self.dismiss(None)

    def action_pick(self) -> None:  # pragma: no cover - overridden where refs exist
        self.notify(tr("Pick works on fields that refer to another record"), severity="warning")


class TransitionDialog(StepDialog):
    """A step with simple inputs (:class:`InputField`); ``submit`` receives the raw strings
    by field name (blank choices as "")."""

    def __init__(self, title: str, fields: Sequence[InputField], submit: Submit, **kwargs: Any) -> None:
        super().__init__(title, submit, **kwargs)
        self.fields = list(fields)

    def compose_inputs(self) -> ComposeResult:
        for f in self.fields:
            yield self.row(f.name, f.title, self._input(f), help=f.help)

    def _input(self, f: InputField) -> Widget:
        wid = f"field-{f.name}"
        if f.kind == "longtext":
            return TextArea(f.value, id=wid, compact=True, soft_wrap=True, show_line_numbers=False)
        if f.kind == "choice":
            known = {v for _l, v in f.choices}
            return Select(list(f.choices), value=f.value if f.value in known else Select.NULL, id=wid,
                          compact=True, prompt=tr("(choose)"), allow_blank=True)
        placeholder = {"date": "2025-03-14"}.get(f.kind, "")
        if f.kind == "ref":
            placeholder = tr("code (ctrl+o: pick)")
        return Input(f.value, id=wid, compact=True, placeholder=placeholder)

    def collect(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widgets = self.query(f"#field-{f.name}")
            if not widgets:
                out[f.name] = f.value
                continue
            w = widgets.first()
            if isinstance(w, TextArea):
                out[f.name] = w.text
            elif isinstance(w, Select):
                out[f.name] = "" if w.value is Select.NULL else w.value
            elif isinstance(w, Input):
                out[f.name] = w.value
        return out

    def action_pick(self) -> None:
        from qms_tui.screens.dialogs.picker import PickerDialog

        focused = self.focused
        name = (focused.id or "").removeprefix("field-") if focused is not None else ""
        f = next((x for x in self.fields if x.name == name and x.kind == "ref"), None)
        if f is None or f.ref is None or self.lookup is None or not isinstance(focused, Input):
            super().action_pick()
            return
        target = focused

        def chosen(code: str | None) -> None:
            if code:
                target.value = code
            target.focus()

        self.app.push_screen(PickerDialog(f.ref, f.title, self.lookup, target.value), chosen)
