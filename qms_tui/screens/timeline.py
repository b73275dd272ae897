"""The electoral timeline: an event's stages in order, each with the quality activities dated
in it — audits, management reviews, actions, effectiveness checks, document reviews and
measurements due — each at its distance from the key day (``E-30``). ⚓ marks a date planned
relative to the key day (it moves when the key day moves).

Keys: arrows move from activity to activity, **enter** opens it; **[** / **]** show the
previous / next event; **a** plans the focused activity's date relative to the key day,
**u** releases it; **m** moves the key day (and everything planned relative to it).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.permissions import may
from qms_tui.i18n import tr
from qms_tui.screens.base import QmsScreen
from qms_tui.screens.dialogs.confirm import ConfirmDialog
from qms_tui.widgets.app_header import AppHeader
from qms_tui.widgets.figure import Figure
from qms_tui.widgets.labels import choice_enum, choice_label, column_label, entity_title, fmt_value

ANCHOR_MARK = "⚓"
NOW_MARK = "▶"


def open_timeline(app: Any, event_code: str | None = None) -> None:
    """Palette command: the timeline of the event under way (else the next one, else the last)."""
    app.push_screen(TimelineScreen(event_code))


def pick_event(events: list[Any], today: Any) -> str | None:
    """The event under way today, else the next one, else the most recent one."""
    if not events:
        return None
    for e in events:
        if e.start_date <= today <= e.end_date:
            return e.code
    upcoming = [e for e in events if e.key_date >= today]
    return (upcoming[0] if upcoming else events[-1]).code


class TimelineScreen(QmsScreen[None]):
    HELP = N_("""\
# Electoral timeline

The stages of an electoral event or participation mechanism in order (▶ marks the stage under
way today) and, in each, the quality activities dated in it: audits, management reviews,
actions, effectiveness checks, document reviews and measurements due. Each shows its distance
from the key day (E-30: 30 days before it). ⚓ marks a date planned relative to the key day:
it moves when the key day moves. The head says when a freeze window is active.

- **up** / **down** move from activity to activity; **enter** opens it.
- **[** and **]** show the previous and the next event.
- **a** plans the focused activity's date relative to the key day (E-30, E+15…).
- **u** releases the focused activity's date (it keeps its date).
- **m** moves the key day: the event, its stages and every date planned relative to it
  move by the same number of days; the dates moved are listed.
- **esc** goes back.
""")

    BINDINGS = [
        Binding("left_square_bracket", "other_event(-1)", N_("Previous event"),
                tooltip=N_("Show the previous electoral event")),
        Binding("right_square_bracket", "other_event(1)", N_("Next event"),
                tooltip=N_("Show the next electoral event")),
        Binding("a", "anchor", N_("Plan relative"), tooltip=N_("Plan this date relative to the key day")),
        Binding("u", "unanchor", N_("Release"), tooltip=N_("Stop planning this date relative to the key day")),
        Binding("m", "shift", N_("Move key day"), tooltip=N_("Move the key day and every date planned relative to it")),
        Binding("f5,ctrl+r", "reload", N_("Reload"), show=False),
    ]
    AUTO_FOCUS = "#tl-body"

    class Loaded(Message):
        def __init__(self, events: list[Any], timeline: Any, freezes: list[Any]) -> None:
            super().__init__()
            self.events = events
            self.timeline = timeline
            self.freezes = freezes

    def __init__(self, event_code: str | None = None) -> None:
        super().__init__(classes="workflow-screen timeline-screen")
        self.event_code = event_code
        self.events: list[Any] = []
        self.timeline: Any = None
        self.items: list[Any] = []

    @property
    def heading(self) -> str:
        return tr("Electoral timeline")

    def compose(self) -> ComposeResult:
        yield AppHeader(self.heading)
        with VerticalScroll(classes="wf-body", id="tl-body") as body:
            body.loading = True
            yield Static("", id="tl-head", classes="wf-head", markup=False)
            yield Vertical(id="tl-bands", classes="card-section")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    # ---------------------------------------------------------------- loading (worker)

    def reload(self) -> None:
        self._load(self.event_code, self.qms.today)

    @work(thread=True, exclusive=True, group="timeline-load", exit_on_error=False)
    def _load(self, code: str | None, today: Any) -> None:
        from qms_tui.services.calendar import events
        from qms_tui.services.freeze import active_freezes
        from qms_tui.services.timeline import timeline

        db = self.services_db()
        found = events(db)
        code = code if code and any(e.code == code for e in found) else pick_event(found, today)
        data = timeline(db, code) if code else None
        self.post_message(self.Loaded(found, data, active_freezes(db, today)))

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        self.events, self.timeline = event.events, event.timeline
        body = self.query_one("#tl-body")
        body.loading = False
        head = self.query_one("#tl-head", Static)
        bands = self.query_one("#tl-bands")
        await bands.remove_children()
        self.items = []
        if self.timeline is None:
            head.update(tr("No electoral events yet."))
            self.refresh_bindings()
            return
        ev = self.timeline.event
        self.event_code = ev.code
        self.query_one(AppHeader).set_title(f"{self.heading} · {ev.code}")
        head.update(self._head(ev, event.freezes))
        await bands.mount_all(self._bands())
        self.refresh_bindings()
        figures = self.query(Figure)
        if figures and (self.focused is None or self.focused is body):
            figures.first().focus(scroll_visible=False)

    def _head(self, ev: Any, freezes: list[Any]) -> Text:
        t = Text()
        t.append(f"{ev.code}  {ev.name}\n", style="bold")
        t.append(f"{column_label('key_date')}: ", style="bold")
        t.append(f"{fmt_value(ev.key_date)} (E0)  ·  ")
        t.append(f"{fmt_value(ev.start_date)} – {fmt_value(ev.end_date)}  ·  ")
        t.append(tr("freeze window {start} – {end}", start=fmt_value(self.timeline.freeze_start),
                    end=fmt_value(self.timeline.freeze_end)))
        mine = [f for f in freezes if f.event == ev.code]
        if mine:
            t.append("  ❄ " + tr("FREEZE active: controlled documents and processes change only "
                                 "as emergency changes"), style="bold reverse")
        elif freezes:
            t.append("\n❄ " + tr("FREEZE active around {event} until {end}", event=freezes[0].event,
                                 end=fmt_value(freezes[0].end)), style="bold")
        return t

    def _bands(self) -> list[Widget]:
        from qms_tui.services.timeline import AFTER, BEFORE

        today = self.qms.today
        out: list[Widget] = []
        for band in self.timeline.bands:
            if band.kind in (BEFORE, AFTER):
                if not band.items:
                    continue
                title = tr(band.name)
            else:
                now = band.start <= today <= band.end
                title = (f"{NOW_MARK + ' ' if now else ''}{band.name} · {choice_label(E.StageKind, band.kind)}"
                         f" · {fmt_value(band.start)} – {fmt_value(band.end)}")
            out.append(Static(title, classes="section-title", markup=False))
            if not band.items:
                out.append(Label("—", classes="card-empty", markup=False))
            for item in band.items:
                out.append(self._item(item))
        return out

    def _item(self, item: Any) -> Figure:
        n = len(self.items)
        self.items.append(item)
        mark = ANCHOR_MARK if item.anchored else " "
        text = f"{item.relative:>6}  {fmt_value(item.date)}  {mark} {item.code}  {fmt_value(item.title, 60)}"
        enum = choice_enum(item.entity, "result" if item.entity == "effectiveness_check" else "status")
        what = column_label(item.field) if item.field != "due" else tr("measurement due")
        meta = f"{entity_title(item.entity)} · {what}"
        if item.status:
            meta += f" · {choice_label(enum, item.status)}"
        return Figure(Label(text, classes="figure-fill", markup=False), Label(meta, classes="card-meta", markup=False),
                      target=("record", item.entity, item.code), id=f"tl-item-{n}", classes="card-item")

    # ---------------------------------------------------------------- keys

    @on(Figure.Selected)
    def _selected(self, event: Figure.Selected) -> None:
        event.stop()
        _kind, entity, code = event.target
        self.qms.open_record(entity, code)

    def focused_item(self) -> Any | None:
        focused = self.focused
        if isinstance(focused, Figure) and (focused.id or "").startswith("tl-item-"):
            return self.items[int(focused.id.removeprefix("tl-item-"))]  # type: ignore[union-attr]
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("anchor", "unanchor", "shift"):
            if self.timeline is None or self.qms.read_only:
                return False
            if action == "shift":
                return may(self.qms.actor, "event", "update")
        return True

    def action_other_event(self, step: int) -> None:
        codes = [e.code for e in self.events]
        if not codes:
            return
        at = codes.index(self.event_code) if self.event_code in codes else 0
        self.event_code = codes[max(0, min(len(codes) - 1, at + step))]
        self.reload()

    def action_anchor(self) -> None:
        from qms_tui.screens.dialogs.anchor import anchor_dialog

        if self.check_action("anchor", ()) is not True:
            return
        item = self.focused_item()
        db, actor, event = self.services_db, self.qms.actor, self.event_code

        def anchor(values: dict[str, Any]) -> Any:  # runs in the dialog's worker
            from qms_tui.services.calendar import anchor as plan

            return plan(db(), actor, values["entity"], values["code"], values["field"], event,
                        values.get("offset") or None)

        def done(result: Any) -> None:
            if result is not None:
                self.notify(tr("{code} {field} planned at {relative} ({date})", code=result.code,
                               field=column_label(result.field), relative=result.relative,
                               date=fmt_value(result.date)))
                self.reload()

        self.app.push_screen(anchor_dialog(event, item, anchor), done)

    def action_unanchor(self) -> None:
        item = self.focused_item()
        if self.check_action("unanchor", ()) is not True or item is None or not item.anchored:
            self.notify(tr("Focus an activity marked {mark} first", mark=ANCHOR_MARK), severity="warning")
            return
        db, actor = self.services_db, self.qms.actor

        def answer(yes: bool | None) -> None:
            if yes:
                self._release(db, actor, item)

        self.app.push_screen(ConfirmDialog(tr("Stop planning {code} relative to the key day? Its dates stay as they are.",
                                              code=item.code)), answer)

    @work(thread=True, exclusive=True, group="timeline-write", exit_on_error=False)
    def _release(self, db: Any, actor: Any, item: Any) -> None:
        from qms_tui.services.calendar import ANCHORABLE, unanchor

        for name in ANCHORABLE.get(item.entity, ()):
            unanchor(db(), actor, item.entity, item.code, name)
        self.app.call_from_thread(self.reload)

    def action_shift(self) -> None:
        from qms_tui.screens.dialogs.shift import ShiftDialog

        if self.check_action("shift", ()) is not True or self.timeline is None:
            return
        db, actor, ev = self.services_db, self.qms.actor, self.timeline.event

        def shift(values: dict[str, Any]) -> Any:  # runs in the dialog's worker
            from qms_tui.services.calendar import shift_event

            return shift_event(db(), actor, ev.code, values.get("to"))

        self.app.push_screen(ShiftDialog(ev, shift), lambda result: self.reload() if result else None)
