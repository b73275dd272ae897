"""A form generated from an :class:`~qms_tui.domain.specs.EntitySpec`.

Every field gets the input its kind calls for; saving calls the given ``save(data)`` in a
thread worker. A ValidationError is shown next to each field it names, the first such
field takes the focus, and everything typed stays where it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, ValidationError, field_label
from qms_tui.domain.fields import Field
from qms_tui.domain.specs import SPECS, EntitySpec
from qms_tui.i18n import tr
from qms_tui.widgets.labels import translate_bindings
from qms_tui.widgets.worker_errors import ReportsWorkerErrors

Save = Callable[[dict[str, Any]], Any]
Lookup = Callable[[str, str], list[tuple[str, str]]]

PLACEHOLDERS = {"date": "2025-03-14", "clauses": "4.1, 8.5.1"}


def raw_value(f: Field, value: Any) -> Any:
    """A stored value as the form shows it (strings; bools for checkboxes)."""
    if f.kind == "bool":
        return True if value is None else bool(value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class RecordForm(ReportsWorkerErrors, VerticalScroll):
    """Inputs for ``spec``'s fields; ctrl+s saves, ctrl+o (or F4) picks a reference."""

    DEFAULT_CSS = """
    RecordForm { height: 1fr; padding: 0 1; }
    RecordForm .form-row { height: auto; margin-bottom: 1; }
    RecordForm .form-label { width: 28; padding-right: 1; color: $text-muted; }
    RecordForm .form-label.-required { color: $text; }
    RecordForm .form-input { width: 1fr; height: auto; }
    RecordForm .form-input TextArea { height: 4; }
    RecordForm .form-input Input, RecordForm .form-input TextArea, RecordForm .form-input Select {
        background: $boost;
    }
    RecordForm .form-input Input:focus, RecordForm .form-input TextArea:focus {
        background: $primary 25%;
    }
    RecordForm .form-ref { height: 1; }
    RecordForm .form-ref Input { width: 1fr; }
    RecordForm .form-ref Button { width: 5; min-width: 5; }
    RecordForm .form-error { color: $text-error; height: auto; display: none; }
    RecordForm .form-row.-invalid .form-error { display: block; }
    RecordForm .form-row.-invalid .form-label { color: $text-error; text-style: bold; }
    RecordForm .form-general-error { color: $text-error; display: none; height: auto; }
    RecordForm .form-general-error.-shown { display: block; }
    RecordForm .form-buttons { height: auto; margin-top: 1; }
    RecordForm .form-buttons Button { margin-right: 2; }
    RecordForm.-narrow .form-row { layout: vertical; }
    RecordForm.-narrow .form-label { width: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Save"), tooltip=N_("Save the record")),
        Binding("ctrl+o,f4", "pick", N_("Pick"), tooltip=N_("Choose the referenced record from a list")),
    ]

    class Saved(Message):
        """The record was saved; ``result`` is what ``save`` returned (a DTO)."""

        def __init__(self, form: RecordForm, result: Any) -> None:
            super().__init__()
            self.form = form
            self.result = result

        @property
        def control(self) -> RecordForm:
            return self.form

    class Cancelled(Message):
        def __init__(self, form: RecordForm) -> None:
            super().__init__()
            self.form = form

    class _Invalid(Message):
        def __init__(self, errors: list[FieldError]) -> None:
            super().__init__()
            self.errors = errors

    def __init__(
        self,
        spec: EntitySpec,
        save: Save,
        *,
        values: Mapping[str, Any] | None = None,
        lookup: Lookup | None = None,
        only_changes: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.spec = spec
        self.save = save
        self.lookup = lookup
        self.only_changes = only_changes
        self.fields = [f for f in spec.fields if f.name != "code" or spec.code.user_given]
        self.initial = {f.name: raw_value(f, (values or {}).get(f.name)) for f in self.fields}
        self.saving = False

    # ---------------------------------------------------------------- compose

    def compose(self) -> ComposeResult:
        yield Static("", classes="form-general-error")
        for f in self.fields:
            with Horizontal(classes="form-row", id=f"row-{f.name}"):
                label = field_label(f.name) + (" *" if f.required else "")
                yield Label(label, classes="form-label" + (" -required" if f.required else ""))
                with Vertical(classes="form-input"):
                    yield from self._input(f)
                    yield Static("", classes="form-error", id=f"error-{f.name}")
        with Horizontal(classes="form-buttons"):
            yield Button(tr("Save") + " (ctrl+s)", variant="primary", id="form-save")
            yield Button(tr("Cancel") + " (esc)", id="form-cancel")

    def _input(self, f: Field) -> ComposeResult:
        wid = f"field-{f.name}"
        value = self.initial[f.name]
        tooltip = tr(f.help) if f.help else None
        if f.kind == "longtext":
            area = TextArea(value, id=wid, compact=True, soft_wrap=True, show_line_numbers=False)
            area.tooltip = tooltip
            yield area
        elif f.kind == "bool":
            yield Checkbox("", value=bool(value), id=wid, compact=True, tooltip=tooltip)
        elif f.kind == "choice" and f.choices is not None:
            options = [(m.label(), m.value) for m in f.choices]
            known = {m.value for m in f.choices}
            yield Select(options, value=value if value in known else Select.NULL, id=wid, compact=True,
                         prompt=tr("(choose)"), allow_blank=True, tooltip=tooltip)
        elif f.kind == "ref":
            with Horizontal(classes="form-ref"):
                target = tr(SPECS[f.ref].title) if f.ref in SPECS else ""
                yield Input(value, id=wid, compact=True, placeholder=tr("code of the {thing} (ctrl+o: pick)", thing=target.lower()),
                            tooltip=tooltip)
                button = Button("…", id=f"pick-{f.name}", compact=True)
                button.can_focus = False
                yield button
        else:
            yield Input(value, id=wid, compact=True, placeholder=PLACEHOLDERS.get(f.kind, ""), tooltip=tooltip)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < 90, "-narrow")

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < 90, "-narrow")

    def focus_first(self, attempts: int = 20) -> None:
        """Focus the first field; on a loaded machine the form may not be composed yet when
        this is called (after a refresh): then try again after the next ones."""
        if not self.fields:
            return
        found = self.query(f"#field-{self.fields[0].name}")
        if found:
            found.first().focus()
        elif attempts > 0 and self.is_attached:
            self.call_after_refresh(self.focus_first, attempts - 1)

    # ---------------------------------------------------------------- values

    def widget_for(self, name: str) -> Widget:
        return self.query_one(f"#field-{name}")

    def raw(self, f: Field) -> Any:
        widget = self.widget_for(f.name)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Checkbox):
            return widget.value
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else widget.value
        assert isinstance(widget, Input)
        return widget.value

    def data(self) -> dict[str, Any]:
        """What ``save`` receives: every field (create) or only the changed ones (edit)."""
        out = {}
        for f in self.fields:
            value = self.raw(f)
            if self.only_changes and value == self.initial[f.name]:
                continue
            out[f.name] = value
        return out

    @property
    def dirty(self) -> bool:
        return any(self.raw(f) != self.initial[f.name] for f in self.fields)

    # ---------------------------------------------------------------- saving

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.post_message(self.Cancelled(self))

    def action_submit(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        data = self.data()
        if self.only_changes and not data:
            self.notify(tr("Nothing changed"))
            return
        self.saving = True
        self.query_one("#form-save", Button).disabled = True
        self._save(data)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, data: dict[str, Any]) -> None:
        from qms_tui.services.freeze import Frozen

        try:
            result = self.save(data)
        except ValidationError as exc:
            self.post_message(self._Invalid(exc.errors))
            return
        except Frozen as refused:  # a freeze window: the emergency route, for those who may take it
            self.app.call_from_thread(self._offer_emergency, refused, data)
            return
        finally:
            self.app.call_from_thread(self._done)
        self.post_message(self.Saved(self, result))

    def _offer_emergency(self, refused: Any, data: dict[str, Any]) -> None:
        from qms_tui.screens.dialogs.emergency import offer_emergency

        offer_emergency(self.app, refused, lambda: self.save(data),
                        lambda result: self.post_message(self.Saved(self, result)))

    def _done(self) -> None:
        self.saving = False
        self.query_one("#form-save", Button).disabled = False

    @on(_Invalid)
    def _invalid(self, event: _Invalid) -> None:
        event.stop()
        self.show_errors(event.errors)

    def clear_errors(self) -> None:
        for row in self.query(".form-row.-invalid"):
            row.remove_class("-invalid")
        general = self.query_one(".form-general-error", Static)
        general.remove_class("-shown")
        general.update("")

    def show_errors(self, errors: list[FieldError]) -> None:
        """Messages next to their fields; focus on the first field (in form order)."""
        self.clear_errors()
        by_field: dict[str, list[str]] = {}
        general = []
        names = {f.name for f in self.fields}
        for e in errors:
            if e.field in names:
                by_field.setdefault(e.field, []).append(tr(e.message, **e.params))
            else:
                general.append(e.render())
        for name, messages in by_field.items():
            self.query_one(f"#row-{name}").add_class("-invalid")
            self.query_one(f"#error-{name}", Static).update("✖ " + "; ".join(messages))
        if general:
            box = self.query_one(".form-general-error", Static)
            box.update("\n".join("✖ " + line for line in general))
            box.add_class("-shown")
        first = next((f.name for f in self.fields if f.name in by_field), None)
        if first is not None:
            self.widget_for(first).focus()
        else:
            self.scroll_home()

    # ---------------------------------------------------------------- references

    @on(Button.Pressed, ".form-ref Button")
    def _pick_pressed(self, event: Button.Pressed) -> None:
        name = (event.button.id or "").removeprefix("pick-")
        self._pick(name)

    def action_pick(self) -> None:
        focused = self.screen.focused
        name = (focused.id or "").removeprefix("field-") if focused is not None else ""
        if not any(f.name == name and f.kind == "ref" for f in self.fields):
            self.notify(tr("Pick works on fields that refer to another record"), severity="warning")
            return
        self._pick(name)

    def _pick(self, name: str) -> None:
        from qms_tui.screens.dialogs.picker import PickerDialog

        f = next(f for f in self.fields if f.name == name)
        if self.lookup is None or f.ref is None:
            return
        field_input = self.widget_for(name)
        assert isinstance(field_input, Input)

        def chosen(code: str | None) -> None:
            if code:
                field_input.value = code
            field_input.focus()

        title = field_label(name)
        self.app.push_screen(PickerDialog(f.ref, title, self.lookup, field_input.value), chosen)
