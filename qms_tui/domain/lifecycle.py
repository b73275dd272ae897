"""State machines: which state may follow which. Guards (what must be filled in first)
live in the services that perform the transitions."""

from __future__ import annotations

from qms_tui.domain import enums as E
from qms_tui.domain.enums import N_, Choice
from qms_tui.domain.errors import TransitionError

A, G, S, N = E.ActionStatus, E.AgreementStatus, E.AuditStatus, E.NcStatus
P, PG, R, RV, V = E.Pdca, E.ProgrammeStatus, E.RecordStatus, E.ReviewStatus, E.VersionStatus

Machine = dict[str, tuple[str, ...]]

AUDIT: Machine = {
    S.PLANNED: (S.CONFIRMED, S.CANCELLED),
    S.CONFIRMED: (S.PERFORMED, S.PLANNED, S.CANCELLED),
    S.PERFORMED: (S.REPORT_ACCEPTED,),
    S.REPORT_ACCEPTED: (S.CLOSED,),
    S.CLOSED: (),
    S.CANCELLED: (),
}

NONCONFORMITY: Machine = {
    N.DRAFT: (N.REGISTERED, N.DISMISSED),
    N.REGISTERED: (N.CORRECTION, N.CANCELLED),
    N.CORRECTION: (N.ROOT_CAUSE, N.CANCELLED),
    N.ROOT_CAUSE: (N.ACTION_PLAN, N.CANCELLED),
    N.ACTION_PLAN: (N.IMPLEMENTATION, N.ROOT_CAUSE, N.CANCELLED),
    N.IMPLEMENTATION: (N.VERIFICATION, N.ACTION_PLAN, N.CANCELLED),
    N.VERIFICATION: (N.CLOSED, N.ROOT_CAUSE),
    N.CLOSED: (N.ROOT_CAUSE,),  # reopen: a new root-cause analysis
    N.DISMISSED: (),
    N.CANCELLED: (),
}
NC_OPEN = tuple(s for s in N if s not in (N.CLOSED, N.DISMISSED, N.CANCELLED, N.DRAFT))

PDCA: Machine = {
    P.PLAN: (P.DO, P.CANCELLED),
    P.DO: (P.CHECK, P.PLAN, P.CANCELLED),
    P.CHECK: (P.ACT, P.DO, P.CANCELLED),
    P.ACT: (P.CLOSED, P.PLAN),  # standardise and close, or turn the wheel again
    P.CLOSED: (),
    P.CANCELLED: (),
}

DOCUMENT_VERSION: Machine = {
    V.DRAFT: (V.IN_REVIEW,),
    V.IN_REVIEW: (V.APPROVED, V.DRAFT),
    V.APPROVED: (V.OBSOLETE,),
    V.OBSOLETE: (),
}

POLICY: Machine = {R.DRAFT: (R.APPROVED,), R.APPROVED: (R.SUPERSEDED,), R.SUPERSEDED: ()}
PROGRAMME: Machine = {PG.DRAFT: (PG.APPROVED,), PG.APPROVED: (PG.CLOSED,), PG.CLOSED: ()}
REVIEW: Machine = {RV.PLANNED: (RV.HELD,), RV.HELD: (RV.MINUTES_APPROVED,), RV.MINUTES_APPROVED: ()}
ACTION: Machine = {
    A.PENDING: (A.IN_PROGRESS, A.DONE, A.CANCELLED),
    A.IN_PROGRESS: (A.DONE, A.PENDING, A.CANCELLED),
    A.DONE: (A.IN_PROGRESS,),
    A.CANCELLED: (),
}
AGREEMENT: Machine = {G.OPEN: (G.DONE, G.CANCELLED), G.DONE: (G.OPEN,), G.CANCELLED: ()}


def allowed(machine: Machine, current: str) -> tuple[str, ...]:
    return machine.get(current, ())


def check(machine: Machine, current: str, target: str, enum: type[Choice]) -> None:
    """Raise TransitionError unless ``current`` -> ``target`` is in ``machine``."""
    if target in allowed(machine, current):
        return
    nexts = ", ".join(enum(s).label() for s in allowed(machine, current)) or "—"
    raise TransitionError(
        N_("cannot go from “{current}” to “{target}”; possible next states: {nexts}"),
        current=enum(current).label(),
        target=enum(target).label(),
        nexts=nexts,
    )
