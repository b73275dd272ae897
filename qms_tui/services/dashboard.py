"""The home screen's figures, computed with a fixed number of queries (never one per row).

Indicator lights, attainment and overdue periods come from
:func:`qms_tui.services.indicators.indicator_statuses` (one definition of "overdue").

Headless: the TUI shows a :class:`Dashboard`; reports and jobs may use it too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from qms_tui.db.models import Action, Audit, Nonconformity, Objective, Project, Review
from qms_tui.domain.enums import ActionStatus, AuditStatus, NcStatus, ObjectiveStatus, ReviewStatus
from qms_tui.domain.lifecycle import NC_OPEN
from qms_tui.services.indicators import IndicatorStatus, indicator_statuses
from qms_tui.services.policy import current_policy
from qms_tui.services.tx import Tx, reading

#: Age buckets of open nonconformities: (key, from days, to days); None = no upper bound.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None),
)
UNCLASSIFIED = ""  # severity key of open nonconformities not yet classified
UPCOMING = 5


@dataclass(frozen=True)
class PolicyInfo:
    code: str
    text: str
    status: str
    effective_from: date | None


@dataclass(frozen=True)
class IndicatorLight:
    code: str
    name: str
    unit: str
    light: str  # green / yellow / red / none (qms_tui.domain.indicators)
    attainment: float | None
    value: float | None
    period: str | None
    target: float | None
    frequency: str
    overdue: bool = False
    missing: int = 0  # periods past their due date without a measurement


@dataclass(frozen=True)
class ObjectiveCard:
    code: str
    title: str
    indicators: tuple[IndicatorLight, ...]

    def count(self, light: str) -> int:
        return sum(1 for i in self.indicators if i.light == light)


@dataclass(frozen=True)
class Upcoming:
    code: str
    title: str
    date: date
    status: str


@dataclass(frozen=True)
class Dashboard:
    today: date
    policy: PolicyInfo | None
    objectives: tuple[ObjectiveCard, ...]
    unlinked: tuple[IndicatorLight, ...]  # active indicators without an objective
    overdue: tuple[IndicatorLight, ...]
    nc_open: dict[tuple[str, str], int]  # (severity or "", bucket) -> count
    nc_open_total: int
    nc_drafts: int
    audits: tuple[Upcoming, ...]
    reviews: tuple[Upcoming, ...]
    projects: dict[str, int]  # PDCA stage -> count
    actions_overdue: int
    severities: tuple[str, ...] = field(default=())

    def nc_count(self, severity: str, bucket: str) -> int:
        return self.nc_open.get((severity, bucket), 0)

    def nc_severity_total(self, severity: str) -> int:
        return sum(n for (s, _b), n in self.nc_open.items() if s == severity)


def bucket_range(bucket: str, today: date) -> tuple[date | None, date | None]:
    """The ``detected_on`` range (inclusive; None = open) of an age bucket on ``today``."""
    for key, low, high in AGE_BUCKETS:
        if key == bucket:
            newest = None if low == 0 else today - timedelta(days=low)
            oldest = None if high is None else today - timedelta(days=high)
            return oldest, newest
    raise KeyError(bucket)


def dashboard(tx: Tx, today: date | None = None) -> Dashboard:
    today = today or date.today()
    with reading(tx) as s:
        policy = _policy(s)
        objectives = s.execute(
            select(Objective.id, Objective.code, Objective.title)
            .where(Objective.status != ObjectiveStatus.RETIRED).order_by(Objective.code)
        ).all()
        statuses = indicator_statuses(s, today)
        nc_open = _nc_matrix(s, today)
        nc_drafts = s.execute(
            select(func.count()).select_from(Nonconformity).where(Nonconformity.status == NcStatus.DRAFT)
        ).scalar_one()
        audits = s.execute(
            select(Audit.code, Audit.title, Audit.planned_start, Audit.status)
            .where(Audit.status.in_([AuditStatus.PLANNED, AuditStatus.CONFIRMED]), Audit.planned_start >= today)
            .order_by(Audit.planned_start, Audit.code).limit(UPCOMING)
        ).all()
        reviews = s.execute(
            select(Review.code, Review.title, Review.planned_date, Review.status)
            .where(Review.status == ReviewStatus.PLANNED).order_by(Review.planned_date, Review.code).limit(UPCOMING)
        ).all()
        projects = dict(s.execute(select(Project.pdca_stage, func.count()).group_by(Project.pdca_stage)).all())
        actions_overdue = s.execute(
            select(func.count()).select_from(Action).where(
                Action.status.in_([ActionStatus.PENDING, ActionStatus.IN_PROGRESS]), Action.due_date < today
            )
        ).scalar_one()
    by_objective: dict[str | None, list[IndicatorLight]] = defaultdict(list)
    for st in statuses:
        by_objective[st.objective].append(_light(st))
    cards = tuple(ObjectiveCard(code, title, tuple(by_objective.get(code, ()))) for _oid, code, title in objectives)
    known = {code for _oid, code, _t in objectives}
    unlinked = tuple(light for code, group in by_objective.items() if code not in known for light in group)
    lights = [light for group in by_objective.values() for light in group]
    severities = tuple(sorted({sev for sev, _b in nc_open}, key=lambda v: (v == UNCLASSIFIED, v)))
    return Dashboard(
        today=today,
        policy=policy,
        objectives=cards,
        unlinked=unlinked,
        overdue=tuple(sorted((light for light in lights if light.overdue), key=lambda i: i.code)),
        nc_open=nc_open,
        nc_open_total=sum(nc_open.values()),
        nc_drafts=nc_drafts,
        audits=tuple(Upcoming(*row) for row in audits),
        reviews=tuple(Upcoming(*row) for row in reviews),
        projects=projects,
        actions_overdue=actions_overdue,
        severities=severities,
    )


def _policy(s) -> PolicyInfo | None:  # type: ignore[no-untyped-def]
    """The approved policy version in force."""
    dto = current_policy(s)
    return None if dto is None else PolicyInfo(dto.code, dto.text, dto.status, dto.effective_from)


def _nc_matrix(s, today: date) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    whens = []
    for key, _low, high in AGE_BUCKETS:
        if high is not None:
            whens.append((Nonconformity.detected_on >= today - timedelta(days=high), key))
    bucket = case(*whens, else_=AGE_BUCKETS[-1][0])
    rows = s.execute(
        select(Nonconformity.severity, bucket, func.count())
        .where(Nonconformity.status.in_(list(NC_OPEN)))
        .group_by(Nonconformity.severity, bucket)
    ).all()
    out: dict[tuple[str, str], int] = {}
    for severity, key, n in rows:
        k = (severity or UNCLASSIFIED, key)
        out[k] = out.get(k, 0) + n
    return out


def _light(st: IndicatorStatus) -> IndicatorLight:
    ind = st.indicator
    return IndicatorLight(
        code=ind.code, name=ind.name, unit=ind.unit, light=st.light, attainment=st.attainment,
        value=st.last_value, period=st.last_period, target=ind.target, frequency=ind.frequency,
        overdue=st.overdue, missing=st.missing,
    )
