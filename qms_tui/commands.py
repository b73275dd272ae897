"""Command palette (ctrl+p): every list, every "new …" form and the app's own commands.

Titles are shown in the current language but also match their English names, so
"Indicators" finds "Indicadores" when the interface is in Spanish.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from qms_tui.domain.enums import N_
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import tr
from qms_tui.screens import registry

if TYPE_CHECKING:
    from qms_tui.app import QmsApp

#: "New …" per entity, one msgid each (Spanish needs the article's gender: nuevo/nueva).
NEW_TITLES: dict[str, str] = {
    "person": N_("New person"), "org_unit": N_("New organizational unit"),
    "process": N_("New process"), "event": N_("New electoral event"), "stage": N_("New event stage"),
    "policy": N_("New quality policy version"), "policy_communication": N_("New policy communication"),
    "objective": N_("New quality objective"), "objective_plan": N_("New objective plan"),
    "indicator": N_("New indicator"), "measurement": N_("New measurement"),
    "risk": N_("New risk or opportunity"), "programme": N_("New audit programme"),
    "audit": N_("New audit"), "audit_member": N_("New audit team member"),
    "checklist_item": N_("New checklist item"), "finding": N_("New finding"),
    "nonconformity": N_("New nonconformity"), "cause": N_("New cause"), "action": N_("New action"),
    "effectiveness_check": N_("New effectiveness check"), "review": N_("New management review"),
    "review_input": N_("New review input"), "review_output": N_("New review decision"),
    "circle": N_("New quality circle"), "circle_member": N_("New circle member"),
    "meeting": N_("New circle meeting"), "agreement": N_("New agreement"),
    "project": N_("New improvement project"), "document": N_("New controlled document"),
    "document_version": N_("New document version"), "evidence": N_("New evidence file"),
}

#: Lists offered as soon as the palette opens (the rest are found by typing).
DISCOVER = ("indicator", "nonconformity", "audit", "objective", "action", "risk", "project",
            "document", "review", "process")


@dataclass(frozen=True)
class Command:
    title: str  # shown (current language)
    english: str  # also matched
    help: str
    callback: Callable[[], object]


def commands(app: QmsApp) -> list[Command]:
    out = [
        Command(tr("Dashboard"), "Dashboard", tr("Go to the dashboard (g d)"), app.action_dashboard),
        Command(tr("Search records"), "Search records", tr("Search every record by code or text (/)"),
                app.action_search),
        Command(tr("Help"), "Help", tr("Help about this screen and the keys (F1)"), app.action_help),
    ]
    for entity, spec in SPECS.items():
        out.append(Command(tr(spec.plural), spec.plural, tr("Open the list"),
                           partial(app.open_list, entity)))
    for entity, msgid in NEW_TITLES.items():
        if entity in SPECS:
            out.append(Command(tr(msgid), msgid, tr("Open an empty form"), partial(app.open_form, entity, None)))
    for title, help_msgid, target in registry.COMMANDS:
        out.append(Command(tr(title), title, tr(help_msgid), partial(_run_command, app, target)))
    return out


def _run_command(app: QmsApp, target: str) -> None:
    registry.load(target)(app)


class QmsCommands(Provider):
    """Navigation and creation commands."""

    @property
    def qms(self) -> QmsApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        found = {c.english: c for c in commands(self.qms)}
        for name in ("Dashboard", "Search records"):
            c = found[name]
            yield DiscoveryHit(c.title, c.callback, help=c.help)
        for entity in DISCOVER:
            c = found[SPECS[entity].plural]
            yield DiscoveryHit(c.title, c.callback, help=c.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for c in commands(self.qms):
            local = matcher.match(c.title)
            english = matcher.match(c.english) if c.english != c.title else 0
            score = max(local, english)
            if score <= 0:
                continue
            if local >= english:
                yield Hit(score, matcher.highlight(c.title), c.callback, help=c.help)
            else:
                yield Hit(score, c.title, c.callback, help=f"{c.english} · {c.help}")
