"""The 9.3.2 inputs of a management review: each item (a, b, c1 … c7, d, e, f) summarised
from the data of the period since the previous review was held (or the last 12 months).

**Refreshing.** :func:`gather_inputs` writes each input's summary with the trail summary
:data:`GATHERED`. Called again, it rewrites an input only while the input's last trail event
still carries that marker, i.e. nobody edited it since (:func:`edit_input` or any other
update). Text typed by people is never overwritten; ``reviews.ReviewDetail.edited`` lists
those inputs. To regenerate an edited input, a person replaces its text by hand.

Risks in item e) are banded as in the risk register (:mod:`qms_tui.domain.risk`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from qms_tui.db.models import (
    Action,
    Audit,
    Event,
    Finding,
    Indicator,
    Measurement,
    Nonconformity,
    Objective,
    Policy,
    Process,
    Project,
    RecordClause,
    Review,
    ReviewInput,
    ReviewOutput,
    Risk,
    TrailEvent,
)
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import enums as E
from qms_tui.domain import indicators as ind
from qms_tui.domain import risk as rating
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import TransitionError
from qms_tui.domain.permissions import authorize
from qms_tui.i18n import get_language, tr_lang
from qms_tui.services import records
from qms_tui.services.tx import Tx, writing

RV = E.ReviewStatus
GATHERED = "gathered from the data"  # trail summary of inputs written by gather_inputs
ITEMS = tuple(E.ReviewInputItem)
OPEN_ACTION = (E.ActionStatus.PENDING.value, E.ActionStatus.IN_PROGRESS.value)
Light = tuple[Indicator, str, Measurement | None]  # indicator, its light, latest measurement


# ---------------------------------------------------------------- shared with reviews.py


def not_approved(review: Review) -> None:
    """Refuse any change once the review's minutes are approved."""
    if review.status == RV.MINUTES_APPROVED:
        raise TransitionError(N_("the minutes of {code} are approved; the review can no longer change"),
                              code=review.code)


def previous_review(session: Session, review: Review) -> Review | None:
    """The last review held before this one."""
    ref = review.held_on or review.planned_date
    return session.execute(
        select(Review).where(
            Review.id != review.id, Review.held_on.is_not(None), Review.held_on < ref,
            Review.status.in_([RV.HELD.value, RV.MINUTES_APPROVED.value]),
        ).order_by(Review.held_on.desc(), Review.id.desc()).limit(1)
    ).scalar_one_or_none()


def machine_written(session: Session, input_ids: Iterable[int]) -> set[int]:
    """Ids of inputs whose last trail event was written by gather_inputs."""
    ids = list(input_ids)
    if not ids:
        return set()
    last = dict(session.execute(  # record id → summary of its last event
        select(TrailEvent.record_id, TrailEvent.summary).where(
            TrailEvent.entity == "review_input", TrailEvent.record_id.in_(ids)
        ).order_by(TrailEvent.seq)
    ).all())
    return {rid for rid, summary in last.items() if summary == GATHERED}


def inputs_of(session: Session, review_id: int) -> list[ReviewInput]:
    """One input per item (the first if a person added duplicates), in 9.3.2 order."""
    by_item: dict[str, ReviewInput] = {}
    for row in session.execute(
        select(ReviewInput).where(ReviewInput.review_id == review_id).order_by(ReviewInput.id)
    ).scalars():
        by_item.setdefault(row.item, row)
    order = {i.value: n for n, i in enumerate(ITEMS)}
    return sorted(by_item.values(), key=lambda r: order.get(r.item, len(order)))


# ---------------------------------------------------------------- services


def edit_input(
    tx: Tx, actor: Actor, input_code: str, summary: str, expected_version: int | None = None
) -> Any:
    """Replace an input's text by a person's; later gathering keeps it."""
    with writing(tx) as s:
        row = records.get_row(s, "review_input", input_code, lock=True)
        not_approved(s.get(Review, row.review_id))
        return records.update(s, actor, "review_input", input_code, {"summary": summary},
                              expected_version=expected_version)


def gather_inputs(
    tx: Tx, actor: Actor, code: str, today: date | None = None, lang: str | None = None
) -> list[Any]:
    """Create or refresh one input per 9.3.2 item, summarising the data since the previous
    review was held (or the last 12 months), in ``lang``. Inputs edited by people are kept
    (see the module's docstring). Returns every input of the review in item order."""
    lang = lang or get_language()
    end = today or clock.today()
    with writing(tx) as s:
        review = records.get_row(s, "review", code, lock=True)
        not_approved(review)
        for op in ("create", "update"):
            authorize(actor, "review_input", op)
        prev = previous_review(s, review)
        start = prev.held_on if prev is not None and prev.held_on < end else _year_before(end)
        ctx = _Gather(s, lang, review, prev, start, end)
        existing = {r.item: r for r in inputs_of(s, review.id)}
        machine = machine_written(s, [r.id for r in existing.values()])
        for item in ITEMS:
            text = ctx.summary(item)
            row = existing.get(item.value)
            if row is None:
                records.create(s, actor, "review_input",
                               {"review": review.code, "item": item.value, "summary": text},
                               summary=GATHERED)
            elif row.id in machine and row.summary != text:
                records.apply(s, actor, "review_input", row, {"summary": text}, TrailAction.UPDATE,
                              summary=GATHERED)
        return [records.to_dto("review_input", r) for r in inputs_of(s, review.id)]


# ---------------------------------------------------------------- the summaries


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _clip(text: str | None, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _light(indicator: Indicator, m: Measurement | None) -> str:
    if m is None:
        return ind.NONE
    try:
        th = ind.Thresholds(100.0 if indicator.green_from is None else indicator.green_from,
                            80.0 if indicator.yellow_from is None else indicator.yellow_from)
        return ind.status(m.value, indicator.target, indicator.direction, th, indicator.band_low,
                          indicator.band_high, indicator.band_tolerance or 0.0)
    except (ValueError, TypeError):
        return ind.NONE


class _Gather:
    """Builds the summary of each item for one review and period (start, end]."""

    def __init__(self, s: Session, lang: str, review: Review, prev: Review | None,
                 start: date, end: date) -> None:
        self.s, self.lang, self.review, self.prev = s, lang, review, prev
        self.start, self.end = start, end
        self._lights: list[Light] | None = None
        self._audits: list[Audit] | None = None

    # -------- small tools
    def t(self, msgid: str, **params: Any) -> str:
        return tr_lang(self.lang, msgid, **params)

    def line(self, msgid: str, when: Any = True, **params: Any) -> list[str]:
        """The message as a one-line list, or no line when ``when`` is empty or false."""
        return [self.t(msgid, **params)] if when else []

    def fetch(self, stmt: Any) -> list[Any]:
        return list(self.s.execute(stmt).scalars())

    def label(self, enum: type[E.Choice], value: str | None) -> str:
        try:
            return self.t(enum(value).msgid)
        except ValueError:
            return str(value)

    def within(self, col: Any) -> Any:
        return and_(col > self.start, col <= self.end)

    def counts(self, enum: type[E.Choice], values: Iterable[str]) -> str:
        c = Counter(values)
        return ", ".join(f"{self.label(enum, m.value)} {c[m.value]}" for m in enum if c[m.value])

    def codes(self, items: Iterable[str], limit: int = 12) -> str:
        items = list(items)
        more = len(items) - limit
        return ", ".join(items[:limit]) + (self.t(N_(" and {n} more"), n=more) if more > 0 else "")

    def linked(self, entity: str, clause: str) -> Any:
        """Ids (a select) of records of ``entity`` linked to ``clause`` or its sub-clauses."""
        return select(RecordClause.record_id).where(
            RecordClause.entity == entity,
            or_(RecordClause.clause == clause, RecordClause.clause.like(clause + ".%")),
        )

    def summary(self, item: E.ReviewInputItem) -> str:
        if self.prev is not None:
            head = self.t(N_("Period: {start} to {end} (since review {code})."),
                          start=self.start, end=self.end, code=self.prev.code)
        else:
            head = self.t(N_("Period: {start} to {end} (last 12 months; no earlier review held)."),
                          start=self.start, end=self.end)
        lines = getattr(self, "item_" + item.value)()
        return "\n".join([head, *(lines or [self.t(N_("No records in the period — complete by hand."))])])

    # -------- shared data
    def lights(self) -> list[Light]:
        """Active indicators with the light of their latest measurement in the period."""
        if self._lights is None:
            inds = self.fetch(select(Indicator).where(Indicator.active.is_(True)).order_by(Indicator.code))
            latest = {m.indicator_id: m for m in self.fetch(  # the last of each indicator wins
                select(Measurement).where(Measurement.period_start <= self.end,
                                          Measurement.period_end > self.start)
                .order_by(Measurement.period_start, Measurement.id))}
            self._lights = [(i, _light(i, latest.get(i.id)), latest.get(i.id)) for i in inds]
        return self._lights

    def light_counts(self, rows: list[Light]) -> str:
        c = Counter(light for _i, light, _m in rows)
        return self.t(N_("green {g}, yellow {y}, red {r}, no data {n}"),
                      g=c[ind.GREEN], y=c[ind.YELLOW], r=c[ind.RED], n=c[ind.NONE])

    def light_list(self, rows: list[Light]) -> str:
        return ", ".join(f"{i.code} {self.label(E.Light, light)}" + (f" ({_num(m.value)})" if m else "")
                         for i, light, m in rows)

    def off_target(self, rows: list[Light]) -> list[str]:
        out = []
        for light, msg in ((ind.RED, N_("Off target (red): {items}.")),
                           (ind.YELLOW, N_("At risk (yellow): {items}."))):
            hits = [self.t(N_("{code} {value} against {target} ({period})"), code=i.code,
                           value=_num(m.value), target=_num(i.target), period=m.period)
                    for i, lt, m in rows if lt == light and m is not None]
            out += self.line(msg, hits, items="; ".join(hits))
        return out

    def audits(self) -> list[Audit]:
        """Audits performed in the period (by actual end, actual start or planned end)."""
        if self._audits is None:
            when = func.coalesce(Audit.actual_end, Audit.actual_start, Audit.planned_end)
            done = [E.AuditStatus.PERFORMED.value, E.AuditStatus.REPORT_ACCEPTED.value,
                    E.AuditStatus.CLOSED.value]
            self._audits = self.fetch(
                select(Audit).where(Audit.status.in_(done), self.within(when)).order_by(Audit.code))
        return self._audits

    def findings(self, *, kind: str | None = None, ids: Any = None) -> list[Finding]:
        audit_ids = [a.id for a in self.audits()]
        if not audit_ids:
            return []
        stmt = select(Finding).where(Finding.audit_id.in_(audit_ids)).order_by(Finding.code)
        if kind:
            stmt = stmt.where(Finding.kind == kind)
        if ids is not None:
            stmt = stmt.where(Finding.id.in_(ids))
        return self.fetch(stmt)

    def ncs_in_period(self, *extra: Any) -> list[Nonconformity]:
        return self.fetch(select(Nonconformity).where(self.within(Nonconformity.detected_on), *extra)
                        .order_by(Nonconformity.code))

    def open_risks(self, *extra: Any) -> list[str]:
        return self.fetch(select(Risk.code).where(Risk.status != E.RiskStatus.CLOSED.value, *extra)
                        .order_by(Risk.code))

    # -------- the items
    def item_a(self) -> list[str]:
        ref = self.review.held_on or self.review.planned_date
        earlier = select(Review.id).where(
            Review.id != self.review.id, func.coalesce(Review.held_on, Review.planned_date) < ref)
        actions = self.fetch(select(Action).where(Action.review_id.in_(earlier))
                           .order_by(Action.due_date, Action.id))
        if not actions:
            return [self.t(N_("No actions from previous reviews."))]
        lines = self.line(N_("Actions from previous reviews: {n} ({counts})."), n=len(actions),
                          counts=self.counts(E.ActionStatus, (a.status for a in actions)))
        for a in actions:
            if a.status in OPEN_ACTION:
                msg = (N_("{code} overdue since {due}: {text}") if a.due_date < self.end
                       else N_("{code} due {due}: {text}"))
                lines += self.line(msg, code=a.code, due=a.due_date, text=_clip(a.description))
        return lines

    def item_b(self) -> list[str]:
        events = self.fetch(select(Event).where(Event.start_date <= self.end, Event.end_date > self.start)
                          .order_by(Event.start_date))
        policies = self.fetch(select(Policy).where(self.within(Policy.approved_on)).order_by(Policy.approved_on))
        risks = self.fetch(select(Risk.code).where(Risk.id.in_(self.linked("risk", "4"))).order_by(Risk.code))
        return [*(self.t(N_("Electoral event {code} {name} ({kind}), {start} to {end}."), code=ev.code,
                         name=ev.name, kind=self.label(E.EventKind, ev.kind), start=ev.start_date,
                         end=ev.end_date) for ev in events),
                *(self.t(N_("Quality policy {code} approved on {date}."), code=pol.code, date=pol.approved_on)
                  for pol in policies),
                *self.line(N_("Risks and opportunities linked to clause 4 (context): {codes}."), risks,
                           codes=self.codes(risks))]

    def item_c1(self) -> list[str]:
        complaints = self.ncs_in_period(Nonconformity.source == E.NcSource.COMPLAINT.value)
        ids = set(self.fetch(self.linked("indicator", "9.1.2")))
        rows = [r for r in self.lights() if r[0].id in ids]
        return [*self.line(N_("Complaints registered as nonconformities: {n} ({codes})."), complaints,
                           n=len(complaints), codes=self.codes(n.code for n in complaints)),
                *self.line(N_("Satisfaction indicators (9.1.2): {items}."), rows, items=self.light_list(rows))]

    def item_c2(self) -> list[str]:
        objectives = self.fetch(select(Objective).where(Objective.status != E.ObjectiveStatus.RETIRED.value)
                              .order_by(Objective.code))
        if not objectives:
            return [self.t(N_("No quality objectives recorded."))]
        by_obj: dict[int, list[Light]] = {}
        for row in self.lights():
            if row[0].objective_id is not None:
                by_obj.setdefault(row[0].objective_id, []).append(row)
        met = sum(1 for o in objectives if by_obj.get(o.id) and all(r[1] == ind.GREEN for r in by_obj[o.id]))
        lines = self.line(N_("Quality objectives: {n}; met (all indicators green): {met}."),
                          n=len(objectives), met=met)
        for o in objectives:
            items = self.light_list(by_obj[o.id]) if o.id in by_obj else self.t(N_("no indicators"))
            lines.append(f"{o.code} «{_clip(o.title, 60)}»: {items}")
        return lines

    def item_c3(self) -> list[str]:
        rows = self.lights()
        lines = []
        if rows:
            names = dict(self.s.execute(select(Process.id, Process.code)).all())
            groups: dict[str, list[Light]] = {}
            for r in rows:
                groups.setdefault(names.get(r[0].process_id) or self.t(N_("(no process)")), []).append(r)
            lines += [f"{key}: {self.light_counts(groups[key])}" for key in sorted(groups)]
            lines += self.off_target(rows)
        outputs = self.ncs_in_period(Nonconformity.source == E.NcSource.OUTPUT.value)
        return lines + self.line(N_("Nonconforming outputs in the period: {n} ({codes})."), outputs,
                                 n=len(outputs), codes=self.codes(n.code for n in outputs))

    def item_c4(self) -> list[str]:
        opened = self.ncs_in_period()
        closed = self.fetch(select(Nonconformity.code).where(self.within(Nonconformity.closed_on)))
        open_sev = Counter(self.fetch(select(Nonconformity.severity)
                                    .where(Nonconformity.status.in_(list(lifecycle.NC_OPEN)))))
        overdue = self.fetch(select(Action.code).where(
            Action.nonconformity_id.is_not(None), Action.status.in_(OPEN_ACTION), Action.due_date < self.end
        ).order_by(Action.due_date, Action.code))
        return [self.t(N_("Nonconformities opened in the period: {n}{codes}; closed: {closed}."),
                       n=len(opened), codes=f" ({self.codes(n.code for n in opened)})" if opened else "",
                       closed=len(closed)),
                self.t(N_("Open now: {n} (major {major}, minor {minor}, not classified {none})."),
                       n=open_sev.total(), major=open_sev[E.Severity.MAJOR.value],
                       minor=open_sev[E.Severity.MINOR.value], none=open_sev[None]),
                self.t(N_("Corrective actions overdue: {n}{codes}."), n=len(overdue),
                       codes=f" ({self.codes(overdue)})" if overdue else "")]

    def item_c5(self) -> list[str]:
        rows = self.lights()
        if not rows:
            return [self.t(N_("No active indicators."))]
        n_meas = self.s.execute(select(func.count()).select_from(Measurement).where(
            Measurement.period_start <= self.end, Measurement.period_end > self.start)).scalar_one()
        missing = [i.code for i, lt, _m in rows if lt == ind.NONE]
        return [self.t(N_("Latest results of {n} active indicators: {counts}."), n=len(rows),
                       counts=self.light_counts(rows)),
                self.t(N_("Measurements for periods in the review period: {n}."), n=n_meas),
                *self.off_target(rows),
                *self.line(N_("Without data: {codes}."), missing, codes=self.codes(missing))]

    def item_c6(self) -> list[str]:
        audits = self.audits()
        lines = [self.t(N_("Audit {code} «{title}» ({kind}), {date}."), code=a.code, title=_clip(a.title, 60),
                        kind=self.label(E.AuditKind, a.kind), date=a.actual_end or a.actual_start or a.planned_end)
                 for a in audits]
        if audits:
            found = self.findings()
            lines += self.line(N_("Findings: {n} ({counts})."), n=len(found),
                               counts=self.counts(E.FindingKind, (f.kind for f in found)) or "—")
        pending = self.fetch(select(Audit.code).where(
            Audit.status.in_([E.AuditStatus.PLANNED.value, E.AuditStatus.CONFIRMED.value]),
            self.within(Audit.planned_end)).order_by(Audit.code))
        lines += self.line(N_("Planned in the period and not yet performed: {codes}."), pending,
                           codes=self.codes(pending))
        return lines or [self.t(N_("No audits performed in the period."))]

    def item_c7(self) -> list[str]:
        return self._by_clause("8.4")

    def item_d(self) -> list[str]:
        needs = self.fetch(select(ReviewOutput).where(
            ReviewOutput.review_id == self.prev.id, ReviewOutput.kind == E.ReviewOutputKind.RESOURCES.value
        ).order_by(ReviewOutput.code)) if self.prev is not None else []
        return self._by_clause("7.1") + [
            self.t(N_("Resource need decided in {review}: {code} {text}"), review=self.prev.code,
                   code=o.code, text=_clip(o.decision)) for o in needs]

    def _by_clause(self, clause: str) -> list[str]:
        """Records linked to ``clause`` (and sub-clauses): indicators, NCs, findings, risks."""
        ids = set(self.fetch(self.linked("indicator", clause)))
        rows = [r for r in self.lights() if r[0].id in ids]
        ncs = self.ncs_in_period(Nonconformity.id.in_(self.linked("nonconformity", clause)))
        found = self.findings(ids=self.linked("finding", clause))
        risks = self.open_risks(Risk.id.in_(self.linked("risk", clause)))
        return [*self.line(N_("Indicators linked to clause {clause}: {items}."), rows, clause=clause,
                           items=self.light_list(rows)),
                *self.line(N_("Nonconformities linked to clause {clause}: {n} ({codes})."), ncs, clause=clause,
                           n=len(ncs), codes=self.codes(n.code for n in ncs)),
                *self.line(N_("Audit findings linked to clause {clause}: {n} ({counts})."), found, clause=clause,
                           n=len(found), counts=self.counts(E.FindingKind, (f.kind for f in found))),
                *self.line(N_("Open risks and opportunities linked to clause {clause}: {codes}."), risks,
                           clause=clause, codes=self.codes(risks))]

    def item_e(self) -> list[str]:
        rows = self.fetch(select(Risk).order_by(Risk.code))
        if not rows:
            return [self.t(N_("No risks or opportunities recorded."))]
        live = [r for r in rows if r.status != E.RiskStatus.CLOSED.value]
        risks = [r for r in live if r.kind == E.RiskKind.RISK.value]
        opps = [r for r in live if r.kind == E.RiskKind.OPPORTUNITY.value]
        band = {r.id: rating.band(rating.level(r.likelihood, r.impact)) for r in risks}
        per_band = Counter(band.values())
        levels = ", ".join(f"{self.t(rating.band_label(b))} {per_band[b]}" for b in reversed(rating.BANDS))
        treat = self.counts(E.Treatment, (r.treatment for r in live if r.treatment))
        untreated = [r.code for r in risks if not r.treatment]
        lines = [self.t(N_("Open risks: {n} ({levels}); open opportunities: {o}."), n=len(risks),
                        levels=levels, o=len(opps)),
                 self.t(N_("Treatment: {counts}; without treatment: {n}{codes}."), counts=treat or "—",
                        n=len(untreated), codes=f" ({self.codes(untreated)})" if untreated else "")]
        for name, msg in ((rating.CRITICAL, N_("Critical risks: {codes}.")),
                          (rating.HIGH, N_("High risks: {codes}."))):
            codes = [r.code for r in risks if band[r.id] == name]
            lines += self.line(msg, codes, codes=self.codes(codes))
        assessed = [r for r in rows if r.residual_likelihood and r.residual_impact]
        lowered = sum(1 for r in assessed if rating.level(r.residual_likelihood, r.residual_impact)
                      < rating.level(r.likelihood, r.impact))
        lines += self.line(N_("Residual risk assessed for {n}; lowered by the treatment: {k}."), assessed,
                           n=len(assessed), k=lowered)
        acts = self.fetch(select(Action).where(Action.risk_id.is_not(None)))
        late = sum(1 for a in acts if a.status in OPEN_ACTION and a.due_date < self.end)
        return lines + self.line(N_("Risk treatment actions: {n} ({counts}); overdue: {late}."), acts, n=len(acts),
                                 counts=self.counts(E.ActionStatus, (a.status for a in acts)), late=late)

    def item_f(self) -> list[str]:
        ofis = self.findings(kind=E.FindingKind.OFI.value)
        opps = self.open_risks(Risk.kind == E.RiskKind.OPPORTUNITY.value)
        done = (E.Pdca.CLOSED.value, E.Pdca.CANCELLED.value)
        projects = self.fetch(select(Project).where(or_(Project.pdca_stage.not_in(done),
                                                      self.within(Project.closed_on))).order_by(Project.code))
        return [*self.line(N_("Opportunities for improvement from audits: {n}."), ofis, n=len(ofis)),
                *(f"{f.code} {_clip(f.title)}" for f in ofis),
                *self.line(N_("Opportunities in the risk register: {codes}."), opps, codes=self.codes(opps)),
                *self.line(N_("Improvement projects by PDCA stage: {counts}."), projects,
                           counts=self.counts(E.Pdca, (p.pdca_stage for p in projects))),
                *(f"{p.code} {_clip(p.title, 60)} — {self.label(E.Pdca, p.pdca_stage)}" for p in projects)]
