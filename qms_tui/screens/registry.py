"""Where screens plug in, by name (imported only when used, so start-up stays light).

- ``DETAIL_SCREENS``: entity → ``"module:Class"`` of a specialised detail screen, built as
  ``Class(entity, code)``; entities without one use the generic ``RecordDetailScreen``.
- ``COMMANDS``: extra palette commands: (title msgid, help msgid, ``"module:function"``);
  the function is called with the app.
Add one line per screen; keep this file a table.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from qms_tui.domain.enums import N_

DETAIL_SCREENS: dict[str, str] = {
    "nonconformity": "qms_tui.screens.nonconformity:NonconformityScreen",
    "audit": "qms_tui.screens.audit:AuditScreen",
    "indicator": "qms_tui.screens.indicator:IndicatorScreen",
    "process": "qms_tui.screens.process:ProcessScreen",
    "event": "qms_tui.screens.event:EventScreen",
    "policy": "qms_tui.screens.policy:PolicyScreen",
    "objective": "qms_tui.screens.objective:ObjectiveScreen",
    "risk": "qms_tui.screens.risk:RiskScreen",
    "review": "qms_tui.screens.review:ReviewScreen",
    "circle": "qms_tui.screens.circle:CircleScreen",
    "meeting": "qms_tui.screens.meeting:MeetingScreen",
    "project": "qms_tui.screens.project:ProjectScreen",
    "document": "qms_tui.screens.document:DocumentScreen",
    "evidence": "qms_tui.screens.evidence:EvidenceScreen",
}

COMMANDS: list[tuple[str, str, str]] = [
    (N_("Inbox"), N_("Notifications addressed to you"), "qms_tui.screens.inbox:open_inbox"),
    (N_("Audit trail"), N_("Who changed what and when (read-only)"), "qms_tui.screens.trail:open_trail"),
    (N_("My changes in the audit trail"), N_("What you changed, newest first"), "qms_tui.screens.trail:open_my_trail"),
    (N_("Electoral timeline"), N_("Stages of an event with its quality activities"), "qms_tui.screens.timeline:open_timeline"),
    (N_("Risk register"), N_("Every risk and opportunity, highest level first"),
     "qms_tui.screens.risk_register:open_register"),
    (N_("Add an evidence file"), N_("Store a file from a path with its SHA-256"), "qms_tui.screens.evidence:add_evidence"),
    (N_("Reports"), N_("Generate certification-evidence PDFs"), "qms_tui.screens.reports:open_reports"),
    (N_("Evidence dossier (PDF)"), N_("The records that evidence each clause, with the gaps, for the auditors"),
     "qms_tui.screens.reports:open_reports"),
    (N_("Audit report (PDF)"), N_("Plan, team, checklist, findings and conclusions of an audit"),
     "qms_tui.screens.reports:open_audit_report"),
    (N_("Nonconformity and action log (PDF)"), N_("Every nonconformity and action, with the ageing of open ones"),
     "qms_tui.screens.reports:open_capa_log"),
    (N_("Import measurements"), N_("Load measurements from a CSV or XLSX file"),
     "qms_tui.screens.import_measurements:open_import"),
]


def load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(import_module(module), name)


def detail_screen(entity: str) -> Any | None:
    target = DETAIL_SCREENS.get(entity)
    return load(target) if target else None


__all__ = ["COMMANDS", "DETAIL_SCREENS", "N_", "detail_screen", "load"]
