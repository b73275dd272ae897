"""Which columns each record list shows: the code, the summary field and a few key columns.

One table for every entity in :data:`qms_tui.domain.specs.SPECS`; names are spec fields or
table columns (``status``). References show the referenced code.
"""

from __future__ import annotations

from typing import Any

from qms_tui.domain.specs import SPECS
from qms_tui.widgets.labels import choice_enum, choice_label, column_label, fmt_value
from qms_tui.widgets.paged_table import Column

COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("code", "name", "role", "org_unit", "position", "active"),
    "org_unit": ("code", "name", "kind", "acronym", "district_no"),
    "process": ("code", "name", "category", "ts_process_no", "owner", "applicable"),
    "event": ("code", "name", "kind", "start_date", "key_date", "end_date"),
    "stage": ("code", "name", "event", "kind", "start_date", "end_date"),
    "policy": ("code", "number", "status", "effective_from", "text"),
    "policy_communication": ("code", "channel", "policy", "date", "audience"),
    "objective": ("code", "title", "status", "owner", "process"),
    "objective_plan": ("code", "what", "objective", "responsible", "due_date"),
    "indicator": ("code", "name", "objective", "unit", "direction", "target", "frequency", "owner"),
    "measurement": ("code", "period", "indicator", "value"),
    "risk": ("code", "title", "kind", "likelihood", "impact", "status", "owner"),
    "programme": ("code", "title", "year", "status"),
    "audit": ("code", "title", "kind", "status", "planned_start", "lead_auditor"),
    "audit_member": ("code", "role", "audit", "person"),
    "checklist_item": ("code", "question", "audit", "clause", "result"),
    "finding": ("code", "title", "audit", "kind", "process"),
    "nonconformity": ("code", "title", "severity", "status", "detected_on", "owner"),
    "cause": ("code", "text", "nonconformity", "method", "category"),
    "action": ("code", "description", "kind", "status", "owner", "due_date"),
    "effectiveness_check": ("code", "criterion", "nonconformity", "planned_date", "result"),
    "review": ("code", "title", "planned_date", "status"),
    "review_input": ("code", "item", "review", "summary"),
    "review_output": ("code", "decision", "review", "kind"),
    "circle": ("code", "name", "org_unit", "formed_on", "active"),
    "circle_member": ("code", "role", "circle", "person"),
    "meeting": ("code", "date", "circle", "pdca_stage", "place"),
    "agreement": ("code", "text", "meeting", "owner", "due_date", "status"),
    "project": ("code", "title", "pdca_stage", "circle", "started_on", "due_date"),
    "document": ("code", "title", "kind", "owner", "next_review"),
    "document_version": ("code", "label", "document", "status", "effective_from"),
    "evidence": ("code", "title", "effective_date", "filename"),
}

CELL_WIDTH = 48


def columns_for(entity: str) -> list[Column]:
    spec = SPECS[entity]
    out = []
    for name in COLUMNS.get(entity, ("code", spec.summary)):
        kind = _kind(entity, name)
        # references sort by an internal id, which means nothing to people: not sortable
        out.append(Column(name, column_label(name), sortable=kind not in ("ref", "clauses")))
    return out


def ref_fields(entity: str) -> list[str]:
    return [n for n in COLUMNS.get(entity, ()) if _kind(entity, n) == "ref"]


def cells(entity: str, row: Any, refs: dict[str, dict[int, str]]) -> tuple[str, ...]:
    """One list row as text cells, in :data:`COLUMNS` order."""
    out = []
    for name in COLUMNS.get(entity, ("code", SPECS[entity].summary)):
        kind = _kind(entity, name)
        if kind == "ref":
            rid = getattr(row, f"{name}_id", None)
            out.append(refs.get(name, {}).get(rid, "") if rid is not None else "")
            continue
        value = getattr(row, name, None)
        enum = choice_enum(entity, name)
        if enum is not None:
            out.append(choice_label(enum, value))
        else:
            out.append(fmt_value(value, CELL_WIDTH))
    return tuple(out)


def _kind(entity: str, name: str) -> str:
    try:
        return SPECS[entity].field(name).kind
    except KeyError:
        return "column"
