"""Management review (ISO 9001 9.3): planning, the 9.3.2 inputs gathered from the data,
holding the review, the 9.3.3 decisions with their tracked actions, and the minutes.

Lifecycle ``lifecycle.REVIEW``: planned → held → minutes_approved (then nothing changes).

**Refreshing inputs.** :func:`gather_inputs` writes each input's summary with the trail
summary :data:`GATHERED`. Called again, it rewrites an input only while the input's last
trail event still carries that marker, i.e. nobody edited it since (:func:`edit_input` or any
other update). Text typed by people is never overwritten; :class:`ReviewDetail` lists those
inputs in ``edited``. To regenerate an edited input, a person replaces its text by hand.

**Decisions and actions.** A decision's follow-up actions are ``action`` records with
``review_id``; the decision each one serves is named in the action's creation trail event
(``OUTPUT_LINK`` + output code), as the action table has no column for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    Person,
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
from qms_tui.domain import enums as E
from qms_tui.domain import indicators as ind
from qms_tui.domain import lifecycle
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, TrailAction
from qms_tui.domain.errors import FieldError, TransitionError, ValidationError
from qms_tui.domain.fields import Field, is_blank, parse_all
from qms_tui.domain.permissions import authorize
from qms_tui.domain.specs import SPECS
from qms_tui.i18n import get_language, tr_lang
from qms_tui.services import records
from qms_tui.services.tx import Tx, reading, writing

RV = E.ReviewStatus
GATHERED = "gathered from the data"  # trail summary of inputs written by gather_inputs
OUTPUT_LINK = "review output "  # trail summary of an action created for a decision
ITEMS = tuple(E.ReviewInputItem)
OPEN_ACTION = (E.ActionStatus.PENDING.value, E.ActionStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class OutputLine:
    output: Any  # review_output DTO
    actions: tuple[Any, ...]  # action DTOs (each with its status)


@dataclass(frozen=True)
class ReviewDetail:
    review: Any
    inputs: tuple[Any, ...]  # review_input DTOs in 9.3.2 order (a, b, c1 … c7, d, e, f)
    edited: frozenset[str]  # codes of inputs whose text people wrote or changed
    outputs: tuple[OutputLine, ...]
    other_actions: tuple[Any, ...]  # actions of this review not tied to a decision
    previous_review: str | None
    approver_name: str | None


# ---------------------------------------------------------------- helpers


def _person_id(session: Session, actor: Actor) -> int | None:
    return session.execute(select(Person.id).where(Person.code == actor.login)).scalar_one_or_none()


def _not_approved(review: Review) -> None:
    if review.status == RV.MINUTES_APPROVED:
        raise TransitionError(
            N_("the minutes of {code} are approved; the review can no longer change"), code=review.code
        )


def _errors(session: Session, entity: str, data: Mapping[str, Any]) -> list[FieldError]:
    try:
        records.validate(session, SPECS[entity], data)
    except ValidationError as exc:
        return list(exc.errors)
    return []


def _previous(session: Session, review: Review) -> Review | None:
    """The last review held before this one."""
    ref = review.held_on or review.planned_date
    return session.execute(
        select(Review).where(
            Review.id != review.id, Review.held_on.is_not(None), Review.held_on < ref,
            Review.status.in_([RV.HELD.value, RV.MINUTES_APPROVED.value]),
        ).order_by(Review.held_on.desc(), Review.id.desc()).limit(1)
    ).scalar_one_or_none()


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _machine_written(session: Session, input_ids: Iterable[int]) -> set[int]:
    """Ids of inputs whose last trail event was written by gather_inputs."""
    ids = list(input_ids)
    if not ids:
        return set()
    last: dict[int, str | None] = {}
    for rid, summary in session.execute(
        select(TrailEvent.record_id, TrailEvent.summary).where(
            TrailEvent.entity == "review_input", TrailEvent.record_id.in_(ids)
        ).order_by(TrailEvent.seq)
    ):
        last[rid] = summary
    return {rid for rid, summary in last.items() if summary == GATHERED}


def _inputs(session: Session, review_id: int) -> list[ReviewInput]:
    """One input per item (the first if a person added duplicates), in 9.3.2 order."""
    by_item: dict[str, ReviewInput] = {}
    for row in session.execute(
        select(ReviewInput).where(ReviewInput.review_id == review_id).order_by(ReviewInput.id)
    ).scalars():
        by_item.setdefault(row.item, row)
    order = {i.value: n for n, i in enumerate(ITEMS)}
    return sorted(by_item.values(), key=lambda r: order.get(r.item, len(order)))


# ---------------------------------------------------------------- plan and edit


def create_review(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> Any:
    """Plan a review (status planned)."""
    with writing(tx) as s:
        return records.create(s, actor, "review", data)


def update_review(
    tx: Tx, actor: Actor, code: str, changes: Mapping[str, Any], expected_version: int | None = None
) -> Any:
    """Change a review's fields; refused once its minutes are approved."""
    with writing(tx) as s:
        _not_approved(records.get_row(s, "review", code, lock=True))
        return records.update(s, actor, "review", code, changes, expected_version=expected_version)


def edit_input(
    tx: Tx, actor: Actor, input_code: str, summary: str, expected_version: int | None = None
) -> Any:
    """Replace an input's text by a person's; later gathering keeps it."""
    with writing(tx) as s:
        row = records.get_row(s, "review_input", input_code, lock=True)
        _not_approved(s.get(Review, row.review_id))
        return records.update(s, actor, "review_input", input_code, {"summary": summary},
                              expected_version=expected_version)


# ---------------------------------------------------------------- holding and decisions


def hold_review(
    tx: Tx, actor: Actor, code: str, held_on: Any, conclusions: str, participants: str | None = None
) -> Any:
    """planned → held, with the date, the conclusions and (optionally) the participants."""
    with writing(tx) as s:
        review = records.get_row(s, "review", code, lock=True)
        lifecycle.check(lifecycle.REVIEW, review.status, RV.HELD, RV)
        fields = (Field("held_on", "date", required=True),
                  Field("conclusions", "longtext", required=True), Field("participants", "longtext"))
        data = {"held_on": held_on, "conclusions": conclusions}
        if participants is not None:
            data["participants"] = participants
        values, errors = parse_all(fields, data, partial=True)
        if errors:
            raise ValidationError(errors)
        return records.transition(s, actor, "review", review, "status", RV.HELD, values)


def add_output(
    tx: Tx,
    actor: Actor,
    review_code: str,
    kind: str,
    decision: str,
    action: Mapping[str, Any] | None = None,
) -> tuple[Any, Any | None]:
    """Record a 9.3.3 decision of a held review; with ``action`` (description, owner,
    due_date, kind = improvement by default, resources) also its tracked action.
    Errors in ``action`` name the action's fields."""
    with writing(tx) as s:
        review = records.get_row(s, "review", review_code, lock=True)
        _require_held(review)
        out_data = {"review": review.code, "kind": kind, "decision": decision}
        errors = _errors(s, "review_output", out_data)
        act_data = _action_data(review, action) if action is not None else None
        if act_data is not None:
            errors += _errors(s, "action", act_data)
        if errors:
            raise ValidationError(errors)
        output = records.create(s, actor, "review_output", out_data)
        created = None
        if act_data is not None:
            created = records.create(s, actor, "action", act_data, summary=OUTPUT_LINK + output.code)
        return output, created


def add_output_action(tx: Tx, actor: Actor, output_code: str, action: Mapping[str, Any]) -> Any:
    """Another tracked action for an existing decision (review held, minutes not approved)."""
    with writing(tx) as s:
        output = records.get_row(s, "review_output", output_code)
        review = s.get(Review, output.review_id)
        _require_held(review)
        data = _action_data(review, action)
        return records.create(s, actor, "action", data, summary=OUTPUT_LINK + output.code)


def _require_held(review: Review) -> None:
    _not_approved(review)
    if review.status != RV.HELD:
        raise TransitionError(
            N_("decisions are recorded once the review is held; {code} is “{status}”"),
            code=review.code, status=RV(review.status).label(),
        )


def _action_data(review: Review, action: Mapping[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in action.items() if k != "review"}
    if is_blank(data.get("kind")):
        data["kind"] = E.ActionKind.IMPROVEMENT.value
    data["review"] = review.code
    return data


def approve_minutes(tx: Tx, actor: Actor, code: str, approved_on: Any = None) -> Any:
    """held → minutes_approved; needs the conclusions and at least one decision. The
    approver is the person of the actor; the date defaults to today."""
    with writing(tx) as s:
        review = records.get_row(s, "review", code, lock=True)
        lifecycle.check(lifecycle.REVIEW, review.status, RV.MINUTES_APPROVED, RV)
        values, errors = parse_all((Field("approved_on", "date"),), {"approved_on": approved_on})
        if errors:
            raise ValidationError(errors)
        when = values["approved_on"] or date.today()
        if review.held_on is not None and when < review.held_on:
            raise ValidationError([FieldError("approved_on", N_("must not be before {other}"),
                                              {"other": N_("Held on")})])
        if is_blank(review.conclusions):
            raise TransitionError(N_("the minutes need the review's conclusions"))
        outputs = s.execute(
            select(func.count()).select_from(ReviewOutput).where(ReviewOutput.review_id == review.id)
        ).scalar_one()
        if not outputs:
            raise TransitionError(N_("the minutes need at least one decision (9.3.3 output)"))
        return records.transition(s, actor, "review", review, "status", RV.MINUTES_APPROVED, {
            "minutes_approved_by_id": _person_id(s, actor), "minutes_approved_on": when})


# ---------------------------------------------------------------- reading


def review_detail(tx: Tx, code: str) -> ReviewDetail:
    with reading(tx) as s:
        review = records.get_row(s, "review", code)
        inputs = _inputs(s, review.id)
        gathered = _machine_written(s, [r.id for r in inputs])
        outputs = s.execute(
            select(ReviewOutput).where(ReviewOutput.review_id == review.id).order_by(ReviewOutput.id)
        ).scalars().all()
        actions = s.execute(
            select(Action).where(Action.review_id == review.id).order_by(Action.due_date, Action.id)
        ).scalars().all()
        link: dict[int, str] = {}
        if actions:
            for rid, summary in s.execute(
                select(TrailEvent.record_id, TrailEvent.summary).where(
                    TrailEvent.entity == "action", TrailEvent.action == TrailAction.CREATE,
                    TrailEvent.record_id.in_([a.id for a in actions]),
                )
            ):
                if summary and summary.startswith(OUTPUT_LINK):
                    link[rid] = summary[len(OUTPUT_LINK):]
        lines = tuple(
            OutputLine(records.to_dto("review_output", o),
                       tuple(records.to_dto("action", a) for a in actions if link.get(a.id) == o.code))
            for o in outputs
        )
        out_codes = {o.code for o in outputs}
        others = tuple(records.to_dto("action", a) for a in actions if link.get(a.id) not in out_codes)
        prev = _previous(s, review)
        approver = s.get(Person, review.minutes_approved_by_id) if review.minutes_approved_by_id else None
        return ReviewDetail(
            review=records.get(s, "review", review.id),
            inputs=tuple(records.to_dto("review_input", r) for r in inputs),
            edited=frozenset(r.code for r in inputs if r.id not in gathered),
            outputs=lines,
            other_actions=others,
            previous_review=prev.code if prev else None,
            approver_name=approver.name if approver else None,
        )


# ---------------------------------------------------------------- gathering the inputs


def gather_inputs(
    tx: Tx, actor: Actor, code: str, today: date | None = None, lang: str | None = None
) -> list[Any]:
    """Create or refresh one input per 9.3.2 item, summarising the data since the previous
    review was held (or the last 12 months), in ``lang``. Inputs edited by people are kept
    (see the module's docstring). Returns every input of the review in item order."""
    lang = lang or get_language()
    end = today or date.today()
    with writing(tx) as s:
        review = records.get_row(s, "review", code, lock=True)
        _not_approved(review)
        authorize(actor, "review_input", "create")
        authorize(actor, "review_input", "update")
        prev = _previous(s, review)
        start = prev.held_on if prev is not None and prev.held_on < end else _year_before(end)
        ctx = _Gather(s, lang, review, prev, start, end)
        existing = {r.item: r for r in _inputs(s, review.id)}
        machine = _machine_written(s, [r.id for r in existing.values()])
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
        return [records.to_dto("review_input", r) for r in _inputs(s, review.id)]


def risk_level(likelihood: int | None, impact: int | None) -> str:
    """high (score ≥ 15), medium (≥ 8) or low, on the 5 × 5 likelihood × impact matrix."""
    score = (likelihood or 0) * (impact or 0)
    return "high" if score >= 15 else "medium" if score >= 8 else "low"


_LEVEL_MSG = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def _clip(text: str | None, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


class _Gather:
    """Builds the summary of each item for one review and period (start, end]."""

    def __init__(self, s: Session, lang: str, review: Review, prev: Review | None,
                 start: date, end: date) -> None:
        self.s, self.lang, self.review, self.prev = s, lang, review, prev
        self.start, self.end = start, end
        self._lights: list[tuple[Indicator, str, Measurement | None]] | None = None
        self._audits: list[Audit] | None = None

    # -------- small tools
    def t(self, msgid: str, **params: Any) -> str:
        return tr_lang(self.lang, msgid, **params)

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

    def by_hand(self) -> str:
        return self.t(N_("No records in the period — complete by hand."))

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
        return "\n".join([head, *(lines or [self.by_hand()])])

    # -------- shared data
    def lights(self) -> list[tuple[Indicator, str, Measurement | None]]:
        """Active indicators with the light of their latest measurement in the period."""
        if self._lights is None:
            inds = self.s.execute(
                select(Indicator).where(Indicator.active.is_(True)).order_by(Indicator.code)
            ).scalars().all()
            latest: dict[int, Measurement] = {}
            for m in self.s.execute(
                select(Measurement).where(Measurement.period_start <= self.end,
                                          Measurement.period_end > self.start)
                .order_by(Measurement.period_start, Measurement.id)
            ).scalars():
                latest[m.indicator_id] = m
            self._lights = [(i, _light(i, latest.get(i.id)), latest.get(i.id)) for i in inds]
        return self._lights

    def light_counts(self, rows: list[tuple[Indicator, str, Measurement | None]]) -> str:
        c = Counter(light for _i, light, _m in rows)
        return self.t(N_("green {g}, yellow {y}, red {r}, no data {n}"),
                      g=c[ind.GREEN], y=c[ind.YELLOW], r=c[ind.RED], n=c[ind.NONE])

    def light_list(self, rows: list[tuple[Indicator, str, Measurement | None]]) -> str:
        return ", ".join(f"{i.code} {self.label(E.Light, light)}" + (f" ({_num(m.value)})" if m else "")
                         for i, light, m in rows)

    def off_target(self, rows: list[tuple[Indicator, str, Measurement | None]]) -> list[str]:
        out = []
        for light, msg in ((ind.RED, N_("Off target (red): {items}.")),
                           (ind.YELLOW, N_("At risk (yellow): {items}."))):
            hits = [self.t(N_("{code} {value} against {target} ({period})"), code=i.code,
                           value=_num(m.value), target=_num(i.target), period=m.period)
                    for i, lt, m in rows if lt == light and m is not None]
            if hits:
                out.append(self.t(msg, items="; ".join(hits)))
        return out

    def audits(self) -> list[Audit]:
        """Audits performed in the period (by actual end, actual start or planned end)."""
        if self._audits is None:
            when = func.coalesce(Audit.actual_end, Audit.actual_start, Audit.planned_end)
            done = [E.AuditStatus.PERFORMED.value, E.AuditStatus.REPORT_ACCEPTED.value,
                    E.AuditStatus.CLOSED.value]
            self._audits = list(self.s.execute(
                select(Audit).where(Audit.status.in_(done), self.within(when)).order_by(Audit.code)
            ).scalars())
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
        return list(self.s.execute(stmt).scalars())

    def ncs_in_period(self, *extra: Any) -> list[Nonconformity]:
        return list(self.s.execute(
            select(Nonconformity).where(self.within(Nonconformity.detected_on), *extra)
            .order_by(Nonconformity.code)
        ).scalars())

    # -------- the items
    def item_a(self) -> list[str]:
        ref = self.review.held_on or self.review.planned_date
        earlier = select(Review.id).where(
            Review.id != self.review.id, func.coalesce(Review.held_on, Review.planned_date) < ref)
        actions = self.s.execute(
            select(Action).where(Action.review_id.in_(earlier)).order_by(Action.due_date, Action.id)
        ).scalars().all()
        if not actions:
            return [self.t(N_("No actions from previous reviews."))]
        lines = [self.t(N_("Actions from previous reviews: {n} ({counts})."), n=len(actions),
                        counts=self.counts(E.ActionStatus, (a.status for a in actions)))]
        for a in actions:
            if a.status in OPEN_ACTION:
                msg = (N_("{code} overdue since {due}: {text}") if a.due_date < self.end
                       else N_("{code} due {due}: {text}"))
                lines.append(self.t(msg, code=a.code, due=a.due_date, text=_clip(a.description)))
        return lines

    def item_b(self) -> list[str]:
        lines = []
        events = self.s.execute(
            select(Event).where(Event.start_date <= self.end, Event.end_date > self.start)
            .order_by(Event.start_date)
        ).scalars().all()
        for ev in events:
            lines.append(self.t(N_("Electoral event {code} {name} ({kind}), {start} to {end}."),
                                code=ev.code, name=ev.name, kind=self.label(E.EventKind, ev.kind),
                                start=ev.start_date, end=ev.end_date))
        for pol in self.s.execute(
            select(Policy).where(self.within(Policy.approved_on)).order_by(Policy.approved_on)
        ).scalars():
            lines.append(self.t(N_("Quality policy {code} approved on {date}."), code=pol.code,
                                date=pol.approved_on))
        risks = self.s.execute(
            select(Risk.code).where(Risk.id.in_(self.linked("risk", "4"))).order_by(Risk.code)
        ).scalars().all()
        if risks:
            lines.append(self.t(N_("Risks and opportunities linked to clause 4 (context): {codes}."),
                                codes=self.codes(risks)))
        return lines

    def item_c1(self) -> list[str]:
        lines = []
        complaints = self.ncs_in_period(Nonconformity.source == E.NcSource.COMPLAINT.value)
        if complaints:
            lines.append(self.t(N_("Complaints registered as nonconformities: {n} ({codes})."),
                                n=len(complaints), codes=self.codes(n.code for n in complaints)))
        ids = set(self.s.execute(self.linked("indicator", "9.1.2")).scalars())
        rows = [r for r in self.lights() if r[0].id in ids]
        if rows:
            lines.append(self.t(N_("Satisfaction indicators (9.1.2): {items}."), items=self.light_list(rows)))
        return lines

    def item_c2(self) -> list[str]:
        objectives = self.s.execute(
            select(Objective).where(Objective.status != E.ObjectiveStatus.RETIRED.value)
            .order_by(Objective.code)
        ).scalars().all()
        if not objectives:
            return [self.t(N_("No quality objectives recorded."))]
        by_obj: dict[int, list[tuple[Indicator, str, Measurement | None]]] = {}
        for row in self.lights():
            if row[0].objective_id is not None:
                by_obj.setdefault(row[0].objective_id, []).append(row)
        met = sum(1 for o in objectives if by_obj.get(o.id) and all(r[1] == ind.GREEN for r in by_obj[o.id]))
        lines = [self.t(N_("Quality objectives: {n}; met (all indicators green): {met}."),
                        n=len(objectives), met=met)]
        for o in objectives:
            rows = by_obj.get(o.id)
            items = self.light_list(rows) if rows else self.t(N_("no indicators"))
            lines.append(f"{o.code} «{_clip(o.title, 60)}»: {items}")
        return lines

    def item_c3(self) -> list[str]:
        rows = self.lights()
        lines = []
        if rows:
            names = dict(self.s.execute(select(Process.id, Process.code)).all())
            groups: dict[str, list[tuple[Indicator, str, Measurement | None]]] = {}
            for r in rows:
                key = names.get(r[0].process_id) or self.t(N_("(no process)"))
                groups.setdefault(key, []).append(r)
            for key in sorted(groups):
                lines.append(f"{key}: {self.light_counts(groups[key])}")
            lines += self.off_target(rows)
        outputs = self.ncs_in_period(Nonconformity.source == E.NcSource.OUTPUT.value)
        if outputs:
            lines.append(self.t(N_("Nonconforming outputs in the period: {n} ({codes})."),
                                n=len(outputs), codes=self.codes(n.code for n in outputs)))
        return lines

    def item_c4(self) -> list[str]:
        opened = self.ncs_in_period()
        closed = self.s.execute(
            select(Nonconformity.code).where(self.within(Nonconformity.closed_on)).order_by(Nonconformity.code)
        ).scalars().all()
        lines = [self.t(N_("Nonconformities opened in the period: {n}{codes}; closed: {closed}."),
                        n=len(opened), codes=f" ({self.codes(n.code for n in opened)})" if opened else "",
                        closed=len(closed))]
        open_sev = self.s.execute(
            select(Nonconformity.severity).where(Nonconformity.status.in_(list(lifecycle.NC_OPEN)))
        ).scalars().all()
        c = Counter(open_sev)
        lines.append(self.t(N_("Open now: {n} (major {major}, minor {minor}, not classified {none})."),
                            n=len(open_sev), major=c[E.Severity.MAJOR.value],
                            minor=c[E.Severity.MINOR.value], none=c[None]))
        overdue = self.s.execute(
            select(Action.code).where(Action.nonconformity_id.is_not(None), Action.status.in_(OPEN_ACTION),
                                      Action.due_date < self.end).order_by(Action.due_date, Action.code)
        ).scalars().all()
        lines.append(self.t(N_("Corrective actions overdue: {n}{codes}."), n=len(overdue),
                            codes=f" ({self.codes(overdue)})" if overdue else ""))
        return lines

    def item_c5(self) -> list[str]:
        rows = self.lights()
        if not rows:
            return [self.t(N_("No active indicators."))]
        n_meas = self.s.execute(
            select(func.count()).select_from(Measurement).where(
                Measurement.period_start <= self.end, Measurement.period_end > self.start)
        ).scalar_one()
        lines = [self.t(N_("Latest results of {n} active indicators: {counts}."), n=len(rows),
                        counts=self.light_counts(rows)),
                 self.t(N_("Measurements for periods in the review period: {n}."), n=n_meas)]
        lines += self.off_target(rows)
        missing = [i.code for i, lt, _m in rows if lt == ind.NONE]
        if missing:
            lines.append(self.t(N_("Without data: {codes}."), codes=self.codes(missing)))
        return lines

    def item_c6(self) -> list[str]:
        audits = self.audits()
        lines = []
        for a in audits:
            when = a.actual_end or a.actual_start or a.planned_end
            lines.append(self.t(N_("Audit {code} «{title}» ({kind}), {date}."), code=a.code,
                                title=_clip(a.title, 60), kind=self.label(E.AuditKind, a.kind), date=when))
        if audits:
            found = self.findings()
            lines.append(self.t(N_("Findings: {n} ({counts})."), n=len(found),
                                counts=self.counts(E.FindingKind, (f.kind for f in found)) or "—"))
        pending = self.s.execute(
            select(Audit.code).where(
                Audit.status.in_([E.AuditStatus.PLANNED.value, E.AuditStatus.CONFIRMED.value]),
                self.within(Audit.planned_end)).order_by(Audit.code)
        ).scalars().all()
        if pending:
            lines.append(self.t(N_("Planned in the period and not yet performed: {codes}."),
                                codes=self.codes(pending)))
        if not lines:
            lines.append(self.t(N_("No audits performed in the period.")))
        return lines

    def item_c7(self) -> list[str]:
        return self._by_clause("8.4")

    def item_d(self) -> list[str]:
        lines = self._by_clause("7.1")
        if self.prev is not None:
            needs = self.s.execute(
                select(ReviewOutput).where(ReviewOutput.review_id == self.prev.id,
                                           ReviewOutput.kind == E.ReviewOutputKind.RESOURCES.value)
                .order_by(ReviewOutput.code)
            ).scalars().all()
            for o in needs:
                lines.append(self.t(N_("Resource need decided in {review}: {code} {text}"),
                                    review=self.prev.code, code=o.code, text=_clip(o.decision)))
        return lines

    def _by_clause(self, clause: str) -> list[str]:
        """Records linked to ``clause`` (and sub-clauses): indicators, NCs, findings, risks."""
        lines = []
        ids = set(self.s.execute(self.linked("indicator", clause)).scalars())
        rows = [r for r in self.lights() if r[0].id in ids]
        if rows:
            lines.append(self.t(N_("Indicators linked to clause {clause}: {items}."), clause=clause,
                                items=self.light_list(rows)))
        ncs = self.ncs_in_period(Nonconformity.id.in_(self.linked("nonconformity", clause)))
        if ncs:
            lines.append(self.t(N_("Nonconformities linked to clause {clause}: {n} ({codes})."),
                                clause=clause, n=len(ncs), codes=self.codes(n.code for n in ncs)))
        found = self.findings(ids=self.linked("finding", clause))
        if found:
            lines.append(self.t(N_("Audit findings linked to clause {clause}: {n} ({counts})."), clause=clause,
                                n=len(found), counts=self.counts(E.FindingKind, (f.kind for f in found))))
        risks = self.s.execute(
            select(Risk.code).where(Risk.id.in_(self.linked("risk", clause)),
                                    Risk.status != E.RiskStatus.CLOSED.value).order_by(Risk.code)
        ).scalars().all()
        if risks:
            lines.append(self.t(N_("Open risks and opportunities linked to clause {clause}: {codes}."),
                                clause=clause, codes=self.codes(risks)))
        return lines

    def item_e(self) -> list[str]:
        rows = self.s.execute(select(Risk).order_by(Risk.code)).scalars().all()
        live = [r for r in rows if r.status != E.RiskStatus.CLOSED.value]
        risks = [r for r in live if r.kind == E.RiskKind.RISK.value]
        opps = [r for r in live if r.kind == E.RiskKind.OPPORTUNITY.value]
        if not rows:
            return [self.t(N_("No risks or opportunities recorded."))]
        lv = Counter(risk_level(r.likelihood, r.impact) for r in risks)
        levels = ", ".join(f"{self.t(_LEVEL_MSG[k])} {lv[k]}" for k in ("high", "medium", "low"))
        lines = [self.t(N_("Open risks: {n} ({levels}); open opportunities: {o}."), n=len(risks),
                        levels=levels, o=len(opps))]
        treat = self.counts(E.Treatment, (r.treatment for r in live if r.treatment))
        untreated = [r.code for r in risks if not r.treatment]
        lines.append(self.t(N_("Treatment: {counts}; without treatment: {n}{codes}."), counts=treat or "—",
                            n=len(untreated), codes=f" ({self.codes(untreated)})" if untreated else ""))
        high = [r.code for r in risks if risk_level(r.likelihood, r.impact) == "high"]
        if high:
            lines.append(self.t(N_("High risks: {codes}."), codes=self.codes(high)))
        assessed = [r for r in rows if r.residual_likelihood and r.residual_impact]
        if assessed:
            lowered = sum(1 for r in assessed if r.residual_likelihood * r.residual_impact < r.likelihood * r.impact)
            lines.append(self.t(N_("Residual risk assessed for {n}; lowered by the treatment: {k}."),
                                n=len(assessed), k=lowered))
        acts = self.s.execute(select(Action).where(Action.risk_id.is_not(None))).scalars().all()
        if acts:
            late = sum(1 for a in acts if a.status in OPEN_ACTION and a.due_date < self.end)
            lines.append(self.t(N_("Risk treatment actions: {n} ({counts}); overdue: {late}."), n=len(acts),
                                counts=self.counts(E.ActionStatus, (a.status for a in acts)), late=late))
        return lines

    def item_f(self) -> list[str]:
        lines = []
        ofis = self.findings(kind=E.FindingKind.OFI.value)
        if ofis:
            lines.append(self.t(N_("Opportunities for improvement from audits: {n}."), n=len(ofis)))
            lines += [f"{f.code} {_clip(f.title)}" for f in ofis]
        opps = self.s.execute(
            select(Risk.code).where(Risk.kind == E.RiskKind.OPPORTUNITY.value,
                                    Risk.status != E.RiskStatus.CLOSED.value).order_by(Risk.code)
        ).scalars().all()
        if opps:
            lines.append(self.t(N_("Opportunities in the risk register: {codes}."), codes=self.codes(opps)))
        done = (E.Pdca.CLOSED.value, E.Pdca.CANCELLED.value)
        projects = self.s.execute(
            select(Project).where(or_(Project.pdca_stage.not_in(done), self.within(Project.closed_on)))
            .order_by(Project.code)
        ).scalars().all()
        if projects:
            lines.append(self.t(N_("Improvement projects by PDCA stage: {counts}."),
                                counts=self.counts(E.Pdca, (p.pdca_stage for p in projects))))
            lines += [f"{p.code} {_clip(p.title, 60)} — {self.label(E.Pdca, p.pdca_stage)}" for p in projects]
        return lines


def _light(indicator: Indicator, m: Measurement | None) -> str:
    if m is None:
        return ind.NONE
    try:
        th = ind.Thresholds(
            indicator.green_from if indicator.green_from is not None else 100.0,
            indicator.yellow_from if indicator.yellow_from is not None else 80.0,
        )
        return ind.status(m.value, indicator.target, indicator.direction, th, indicator.band_low,
                          indicator.band_high, indicator.band_tolerance or 0.0)
    except (ValueError, TypeError):
        return ind.NONE
