"""How values look on screen: labels of columns, enum labels, numbers and dates.

Pure functions (no widgets) shared by tables, detail views and the dashboard. Everything
is translated at call time, so the language chosen at start applies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import field_label
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import get_language, tr

#: Labels of columns that are not inputs (so not in ``FIELD_LABELS``).
EXTRA_LABELS: dict[str, str] = {
    "number": N_("Number"), "filename": N_("File name"), "media_type": N_("File type"),
    "size": N_("Size (bytes)"), "sha256": N_("SHA-256"), "approved_by": N_("Approved by"),
    "approved_on": N_("Approved on"), "closed_on": N_("Closed on"), "closed_by": N_("Closed by"),
    "held_on": N_("Held on"), "recorded_by": N_("Recorded by"), "recorded_at": N_("Recorded at"),
    "status_reason": N_("Reason for the status"), "reopen_count": N_("Times reopened"),
    "rca_method": N_("Root-cause method"), "correction_on": N_("Correction date"),
    "report_accepted_by": N_("Report accepted by"), "report_accepted_on": N_("Report accepted on"),
    "minutes_approved_by": N_("Minutes approved by"), "minutes_approved_on": N_("Minutes approved on"),
    "period_start": N_("Period start"), "period_end": N_("Period end"), "breach_key": N_("Breach key"),
    "version": N_("Version"), "updated_at": N_("Last change"), "created_at": N_("Created"),
    "light": N_("Status"), "attainment": N_("Attainment"),
}

#: Enumerations of columns that are not spec inputs (states set by the workflows).
STATE_CHOICES: dict[tuple[str, str], type[E.Choice]] = {
    ("nonconformity", "status"): E.NcStatus,
    ("nonconformity", "rca_method"): E.RcaMethod,
    ("audit", "status"): E.AuditStatus,
    ("action", "status"): E.ActionStatus,
    ("review", "status"): E.ReviewStatus,
    ("policy", "status"): E.RecordStatus,
    ("programme", "status"): E.ProgrammeStatus,
    ("document_version", "status"): E.VersionStatus,
    ("agreement", "status"): E.AgreementStatus,
    ("effectiveness_check", "result"): E.Effectiveness,
    ("project", "pdca_stage"): E.Pdca,
}

#: Traffic lights: symbol and label, so the status never depends on colour alone.
LIGHTS: dict[str, tuple[str, str]] = {
    "green": ("✔", N_("on target")),
    "yellow": ("▲", N_("at risk")),
    "red": ("✖", N_("off target")),
    "none": ("·", N_("no data")),
}


def column_label(name: str) -> str:
    """Translated label of a field or column (``owner_id`` and ``owner`` give "Owner")."""
    if name.endswith("_id"):
        name = name[:-3]
    if name in EXTRA_LABELS:
        return tr(EXTRA_LABELS[name])
    return field_label(name)


def choice_enum(entity: str, name: str) -> type[E.Choice] | None:
    if (entity, name) in STATE_CHOICES:
        return STATE_CHOICES[(entity, name)]
    spec = SPECS.get(entity)
    if spec is not None:
        for f in spec.fields:
            if f.name == name and f.kind == "choice":
                return f.choices
    return None


def choice_label(enum: type[E.Choice] | None, value: Any) -> str:
    if value is None or value == "":
        return ""
    if enum is None:
        return str(value)
    try:
        return enum(value).label()
    except ValueError:
        return str(value)


def light_text(light: str) -> str:
    symbol, msgid = LIGHTS.get(light, LIGHTS["none"])
    return f"{symbol} {tr(msgid)}"


OVERDUE = N_("OVERDUE")


def status_cell(label: str, overdue: bool) -> Any:
    """A status as rich text; an overdue one starts with ⚠ (so that a narrow column, cut,
    still shows it) and ends with OVERDUE in bold."""
    from rich.text import Text

    t = Text()
    if overdue:
        t.append("⚠ ", style="bold")
    t.append(label)
    if overdue:
        t.append(" · " + tr(OVERDUE), style="bold")
    return t


def fmt_int(n: int) -> str:
    """Thousands grouped the local way: ``300 000`` (es) or ``300,000`` (en)."""
    text = f"{n:,}"
    return text.replace(",", "\u00a0") if get_language() == "es" else text


def fmt_number(x: float | int | None, digits: int = 2) -> str:
    if x is None:
        return ""
    if isinstance(x, bool):
        return yes_no(x)
    if isinstance(x, int) or float(x).is_integer():
        return fmt_int(int(x))
    text = f"{x:,.{digits}f}".rstrip("0").rstrip(".")
    if get_language() == "es":
        text = text.replace(",", "\u00a0")
    return text


def fmt_percent(x: float | None) -> str:
    return "" if x is None else f"{fmt_number(round(x, 1), 1)} %"


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return tr("yes") if value else tr("no")


def fmt_value(value: Any, width: int | None = None) -> str:
    """Any stored value as one line of text (dates ISO, numbers grouped, booleans yes/no)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = yes_no(value)
    elif isinstance(value, datetime):
        text = value.astimezone().strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, int | float):
        text = fmt_number(value)
    elif isinstance(value, tuple | list):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    if width is not None:
        text = " ".join(text.split())
        if len(text) > width:
            text = text[: width - 1] + "…"
    return text


def entity_title(entity: str) -> str:
    return tr(SPECS[entity].title)


def entity_plural(entity: str) -> str:
    return tr(SPECS[entity].plural)


def translate_bindings(node: Any) -> None:
    """Translate the descriptions and tooltips of a node's bindings (declared as English
    msgids with ``N_``) into the current language. Call from ``__init__``."""
    bindings = node._bindings
    for key, items in list(bindings.key_to_bindings.items()):
        bindings.key_to_bindings[key] = [
            replace(b, description=tr(b.description) if b.description else "",
                    tooltip=tr(b.tooltip) if b.tooltip else "")
            for b in items
        ]
