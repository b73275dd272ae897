"""All tables. Importing this package registers every table on ``SQLModel.metadata``."""

from qms_tui.db.models.audits import Audit, AuditMember, ChecklistItem, Finding, Programme
from qms_tui.db.models.base import Record, utcnow
from qms_tui.db.models.capa import Action, Cause, EffectivenessCheck, Nonconformity
from qms_tui.db.models.catalogue import Clause, RecordClause
from qms_tui.db.models.circles import Agreement, Circle, CircleMember, Meeting, Project
from qms_tui.db.models.documents import Document, DocumentVersion, Evidence, EvidenceBlob
from qms_tui.db.models.indicators import Indicator, Measurement
from qms_tui.db.models.ops import Anchor, JobRun, LoginAttempt, Notification, Signature
from qms_tui.db.models.org import OrgUnit, Person
from qms_tui.db.models.policy import Objective, ObjectivePlan, Policy, PolicyCommunication
from qms_tui.db.models.processes import Event, Process, Stage
from qms_tui.db.models.reviews import Review, ReviewInput, ReviewOutput
from qms_tui.db.models.risks import Risk
from qms_tui.db.models.trail import CodeSequence, TrailEvent

#: entity name (as in :data:`qms_tui.domain.specs.SPECS`) -> table class
MODELS: dict[str, type[Record]] = {
    m.__tablename__: m  # type: ignore[misc]
    for m in (
        Person, OrgUnit, Process, Event, Stage, Policy, PolicyCommunication, Objective,
        ObjectivePlan, Indicator, Measurement, Risk, Programme, Audit, AuditMember,
        ChecklistItem, Finding, Nonconformity, Cause, Action, EffectivenessCheck, Review,
        ReviewInput, ReviewOutput, Circle, CircleMember, Meeting, Agreement, Project, Document,
        DocumentVersion, Evidence, Signature,
    )
}

__all__ = [
    "MODELS", "Action", "Anchor", "JobRun", "LoginAttempt", "Notification", "Signature", "Agreement", "Audit", "AuditMember", "Cause", "ChecklistItem", "Circle",
    "CircleMember", "Clause", "CodeSequence", "Document", "DocumentVersion",
    "EffectivenessCheck", "Event", "Evidence", "EvidenceBlob", "Finding", "Indicator",
    "Measurement", "Meeting", "Nonconformity", "Objective", "ObjectivePlan", "OrgUnit", "Person",
    "Policy", "PolicyCommunication", "Process", "Programme", "Project", "Record", "RecordClause",
    "Review", "ReviewInput", "ReviewOutput", "Risk", "Stage", "TrailEvent", "utcnow",
]
