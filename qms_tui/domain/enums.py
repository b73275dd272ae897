"""Enumerations of the SGCE. Values are stable ASCII codes stored in the database;
each member carries an English msgid (``member.msgid``) that :mod:`qms_tui.i18n` translates.
"""

from __future__ import annotations

from enum import StrEnum


def N_(msgid: str) -> str:  # noqa: N802 - gettext marker for extraction, translates nothing
    return msgid


class Choice(StrEnum):
    msgid: str

    def __new__(cls, value: str, msgid: str = "") -> Choice:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.msgid = msgid or value
        return obj

    def label(self) -> str:
        from qms_tui.i18n import tr

        return tr(self.msgid)

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Role(Choice):
    ADMIN = "admin", N_("administrator")
    COORDINATOR = "coordinator", N_("quality coordinator")
    PROCESS_OWNER = "process_owner", N_("process owner")
    AUDITOR = "auditor", N_("internal auditor")
    READER = "reader", N_("read-only")


class OrgUnitKind(Choice):
    COUNCIL = "council", N_("council")
    SECRETARIAT = "secretariat", N_("secretariat")
    EXECUTIVE = "executive", N_("executive directorate")
    TECHNICAL = "technical", N_("technical unit")
    DISTRICT = "district", N_("district directorate")
    CONTROL = "control", N_("internal control body")
    OTHER = "other", N_("other")


class ProcessCategory(Choice):
    STRATEGIC = "strategic", N_("strategic")
    SUBSTANTIVE = "substantive", N_("substantive")
    SUPPORT = "support", N_("support")
    PARTICIPATION = "participation", N_("citizen participation")


class EventKind(Choice):
    ORDINARY = "ordinary", N_("ordinary local election")
    EXTRAORDINARY = "extraordinary", N_("extraordinary election")
    PARTICIPATION = "participation", N_("citizen participation mechanism")


class StageKind(Choice):
    PREPARATION = "preparation", N_("preparation")
    CAMPAIGN = "campaign", N_("campaign or diffusion")
    ELECTION_DAY = "election_day", N_("election or consultation day")
    COUNTING = "counting", N_("counting and results")
    POST = "post", N_("post-election")


class RecordStatus(Choice):
    DRAFT = "draft", N_("draft")
    APPROVED = "approved", N_("approved")
    SUPERSEDED = "superseded", N_("superseded")


class ObjectiveStatus(Choice):
    ACTIVE = "active", N_("active")
    ACHIEVED = "achieved", N_("achieved")
    RETIRED = "retired", N_("retired")


class Direction(Choice):
    HIGHER = "higher", N_("higher is better")
    LOWER = "lower", N_("lower is better")
    BAND = "band", N_("within a band")


class Frequency(Choice):
    MONTHLY = "monthly", N_("monthly")
    QUARTERLY = "quarterly", N_("quarterly")
    SEMIANNUAL = "semiannual", N_("semiannual")
    ANNUAL = "annual", N_("annual")
    PER_EVENT = "per_event", N_("per electoral event")


class Dimension(Choice):
    EFFECTIVENESS = "effectiveness", N_("effectiveness")
    EFFICIENCY = "efficiency", N_("efficiency")
    QUALITY = "quality", N_("quality")
    ECONOMY = "economy", N_("economy")


class Light(Choice):
    GREEN = "green", N_("on target")
    YELLOW = "yellow", N_("at risk")
    RED = "red", N_("off target")
    NONE = "none", N_("no data")


class RiskKind(Choice):
    RISK = "risk", N_("risk")
    OPPORTUNITY = "opportunity", N_("opportunity")


class Treatment(Choice):
    MITIGATE = "mitigate", N_("mitigate")
    ACCEPT = "accept", N_("accept")
    TRANSFER = "transfer", N_("transfer")
    AVOID = "avoid", N_("avoid")
    EXPLOIT = "exploit", N_("exploit")


class RiskStatus(Choice):
    OPEN = "open", N_("risk|open")
    TREATING = "treating", N_("in treatment")
    CLOSED = "closed", N_("risk|closed")


class AuditKind(Choice):
    INTERNAL = "internal", N_("internal audit")
    SURVEILLANCE = "surveillance", N_("external surveillance audit")
    RECERTIFICATION = "recertification", N_("external recertification audit")


class AuditStatus(Choice):
    PLANNED = "planned", N_("planned")
    CONFIRMED = "confirmed", N_("confirmed")
    PERFORMED = "performed", N_("performed")
    REPORT_ACCEPTED = "report_accepted", N_("report accepted")
    CLOSED = "closed", N_("closed")
    CANCELLED = "cancelled", N_("cancelled")


class ProgrammeStatus(Choice):
    DRAFT = "draft", N_("programme|draft")
    APPROVED = "approved", N_("programme|approved")
    CLOSED = "closed", N_("programme|closed")


class AuditRole(Choice):
    LEAD = "lead", N_("lead auditor")
    AUDITOR = "auditor", N_("auditor")
    EXPERT = "expert", N_("technical expert")
    OBSERVER = "observer", N_("observer")
    AUDITEE = "auditee", N_("auditee")


class ChecklistResult(Choice):
    PENDING = "pending", N_("pending")
    CONFORMING = "conforming", N_("conforming")
    NONCONFORMING = "nonconforming", N_("nonconforming")
    OBSERVATION = "observation", N_("observation")
    NOT_APPLICABLE = "not_applicable", N_("not applicable")


class FindingKind(Choice):
    MAJOR = "major", N_("major nonconformity")
    MINOR = "minor", N_("minor nonconformity")
    OBSERVATION = "observation", N_("observation")
    OFI = "ofi", N_("opportunity for improvement")
    STRENGTH = "strength", N_("strength")


class NcSource(Choice):
    INTERNAL_AUDIT = "internal_audit", N_("internal audit")
    EXTERNAL_AUDIT = "external_audit", N_("external audit")
    INDICATOR = "indicator", N_("indicator breach")
    COMPLAINT = "complaint", N_("complaint")
    OUTPUT = "output", N_("nonconforming output")
    REVIEW = "review", N_("management review")
    CIRCLE = "circle", N_("quality circle")


class Severity(Choice):
    MAJOR = "major", N_("major")
    MINOR = "minor", N_("minor")


class NcStatus(Choice):
    DRAFT = "draft", N_("draft (raised automatically)")
    REGISTERED = "registered", N_("registered")
    CORRECTION = "correction", N_("correction")
    ROOT_CAUSE = "root_cause", N_("root-cause analysis")
    ACTION_PLAN = "action_plan", N_("action plan")
    IMPLEMENTATION = "implementation", N_("implementation")
    VERIFICATION = "verification", N_("effectiveness verification")
    CLOSED = "closed", N_("closed")
    DISMISSED = "dismissed", N_("dismissed")
    CANCELLED = "cancelled", N_("cancelled")


class RcaMethod(Choice):
    FIVE_WHYS = "five_whys", N_("5 whys")
    ISHIKAWA = "ishikawa", N_("Ishikawa (cause and effect)")
    OTHER = "other", N_("other")


class IshikawaCategory(Choice):
    PEOPLE = "people", N_("people")
    METHOD = "method", N_("method")
    MACHINE = "machine", N_("machine / technology")
    MATERIAL = "material", N_("material")
    MEASUREMENT = "measurement", N_("measurement")
    ENVIRONMENT = "environment", N_("environment")


class ActionKind(Choice):
    CORRECTION = "correction", N_("correction")
    CORRECTIVE = "corrective", N_("corrective action")
    PREVENTIVE = "preventive", N_("preventive action")
    IMPROVEMENT = "improvement", N_("improvement action")


class ActionStatus(Choice):
    PENDING = "pending", N_("pending")
    IN_PROGRESS = "in_progress", N_("in progress")
    DONE = "done", N_("done")
    CANCELLED = "cancelled", N_("cancelled")


class Effectiveness(Choice):
    PENDING = "pending", N_("pending")
    EFFECTIVE = "effective", N_("effective")
    NOT_EFFECTIVE = "not_effective", N_("not effective")


class ReviewStatus(Choice):
    PLANNED = "planned", N_("planned")
    HELD = "held", N_("held")
    MINUTES_APPROVED = "minutes_approved", N_("minutes approved")


class ReviewInputItem(Choice):
    """ISO 9001 9.3.2 inputs a)–f) (f: improvement opportunities); c) split in its parts."""

    PREVIOUS_ACTIONS = "a", N_("a) status of actions from previous reviews")
    CONTEXT_CHANGES = "b", N_("b) changes in external and internal issues")
    SATISFACTION = "c1", N_("c1) customer satisfaction and feedback from interested parties")
    OBJECTIVES = "c2", N_("c2) extent to which quality objectives have been met")
    PROCESS_PERFORMANCE = "c3", N_("c3) process performance and conformity of services")
    NONCONFORMITIES = "c4", N_("c4) nonconformities and corrective actions")
    MONITORING = "c5", N_("c5) monitoring and measurement results")
    AUDITS = "c6", N_("c6) audit results")
    PROVIDERS = "c7", N_("c7) performance of external providers")
    RESOURCES = "d", N_("d) adequacy of resources")
    RISKS = "e", N_("e) effectiveness of actions taken to address risks and opportunities")
    IMPROVEMENT = "f", N_("f) opportunities for improvement")


class ReviewOutputKind(Choice):
    IMPROVEMENT = "improvement", N_("opportunity for improvement")
    CHANGE = "change", N_("need for changes to the QMS")
    RESOURCES = "resources", N_("resource needs")


class CircleRole(Choice):
    SPONSOR = "sponsor", N_("sponsor")
    FACILITATOR = "facilitator", N_("facilitator")
    LEADER = "leader", N_("leader")
    SECRETARY = "secretary", N_("secretary")
    MEMBER = "member", N_("member")


class Pdca(Choice):
    PLAN = "plan", N_("Plan")
    DO = "do", N_("Do")
    CHECK = "check", N_("Check")
    ACT = "act", N_("Act")
    CLOSED = "closed", N_("project|closed")
    CANCELLED = "cancelled", N_("project|cancelled")


class AgreementStatus(Choice):
    OPEN = "open", N_("agreement|open")
    DONE = "done", N_("agreement|done")
    CANCELLED = "cancelled", N_("agreement|cancelled")


class DocumentKind(Choice):
    MANUAL = "manual", N_("manual")
    POLICY = "policy", N_("policy")
    PROCEDURE = "procedure", N_("procedure")
    INSTRUCTION = "instruction", N_("work instruction")
    FORM = "form", N_("form")
    PLAN = "plan", N_("plan")
    EXTERNAL = "external", N_("external document")


class VersionStatus(Choice):
    DRAFT = "draft", N_("draft")
    IN_REVIEW = "in_review", N_("in review")
    APPROVED = "approved", N_("approved")
    OBSOLETE = "obsolete", N_("obsolete")


class TrailAction(Choice):
    CREATE = "create", N_("created")
    UPDATE = "update", N_("updated")
    TRANSITION = "transition", N_("changed state")
    DELETE = "delete", N_("deleted")


class Meaning(Choice):
    """What a signature means (stored value · English msgid)."""

    APPROVED = "approved", N_("signature|approved")
    REVIEWED = "reviewed", N_("signature|reviewed")
    VERIFIED_EFFECTIVENESS = "verified_effectiveness", N_("signature|verified effectiveness")
    CLOSED = "closed", N_("signature|closed")
    EMERGENCY_CHANGE = "emergency_change", N_("signature|emergency change")
