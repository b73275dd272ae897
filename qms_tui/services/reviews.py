"""Management review (ISO 9001 9.3): planning, holding the review, the 9.3.3 decisions with
their tracked actions, and the minutes. The 9.3.2 inputs gathered from the data are in
:mod:`qms_tui.services.review_inputs` (``gather_inputs`` and ``edit_input`` are re-exported).

Lifecycle ``lifecycle.REVIEW``: planned → held → minutes_approved (then nothing changes).

**Decisions and actions.** A decision's follow-up actions are ``action`` records with
``review_id`` (the review) and ``review_output_id`` (the decision they serve); the review's
actions without a decision are listed apart (:attr:`ReviewDetail.other_actions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session

from qms_tui.db.models import Action, Person, Review, ReviewOutput
from qms_tui.domain import clock, lifecycle
from qms_tui.domain import enums as E
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_
from qms_tui.domain.errors import FieldError, TransitionError, ValidationError
from qms_tui.domain.fields import Field, is_blank, parse_all
from qms_tui.domain.specs import SPECS
from qms_tui.services import records, signatures
from qms_tui.services.review_inputs import (
    edit_input,
    gather_inputs,
    inputs_of,
    machine_written,
    not_approved,
    previous_review,
)
from qms_tui.services.tx import Tx, reading, writing

__all__ = [
    "OutputLine", "ReviewDetail", "add_output", "add_output_action", "approve_minutes",
    "create_review", "edit_input", "gather_inputs", "hold_review", "review_detail", "update_review",
]

RV = E.ReviewStatus


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


def _errors(session: Session, entity: str, data: Mapping[str, Any]) -> list[FieldError]:
    try:
        records.validate(session, SPECS[entity], data)
    except ValidationError as exc:
        return list(exc.errors)
    return []


def _require_held(review: Review) -> None:
    not_approved(review)
    if review.status != RV.HELD:
        raise TransitionError(
            N_("decisions are recorded once the review is held; {code} is “{status}”"),
            code=review.code, status=RV(review.status).label(),
        )


def _action_data(review: Review, action: Mapping[str, Any]) -> dict[str, Any]:
    """The action's fields with its review; the decision (``review_output``) is set by the caller."""
    data = {k: v for k, v in action.items() if k not in ("review", "review_output")}
    if is_blank(data.get("kind")):
        data["kind"] = E.ActionKind.IMPROVEMENT.value
    data["review"] = review.code
    return data


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
        not_approved(records.get_row(s, "review", code, lock=True))
        return records.update(s, actor, "review", code, changes, expected_version=expected_version)


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
            errors += _errors(s, "action", act_data)  # the decision does not exist yet
        if errors:
            raise ValidationError(errors)
        output = records.create(s, actor, "review_output", out_data)
        created = None
        if act_data is not None:
            created = records.create(s, actor, "action", {**act_data, "review_output": output.code})
        return output, created


def add_output_action(tx: Tx, actor: Actor, output_code: str, action: Mapping[str, Any]) -> Any:
    """Another tracked action for an existing decision (review held, minutes not approved)."""
    with writing(tx) as s:
        output = records.get_row(s, "review_output", output_code)
        review = s.get(Review, output.review_id)
        _require_held(review)
        data = {**_action_data(review, action), "review_output": output.code}
        return records.create(s, actor, "action", data)


def approve_minutes(
    tx: Tx, actor: Actor, code: str, approved_on: Any = None, *, pin: str | None = None, comment: str | None = None
) -> Any:
    """held → minutes_approved; needs the conclusions and at least one decision. The
    approver is the person of the actor, who signs them "approved" (``pin``: their signing
    PIN, if any); the date defaults to today."""
    signatures.before_signing(tx, actor, "review", pin)
    with writing(tx) as s:
        review = records.get_row(s, "review", code, lock=True)
        lifecycle.check(lifecycle.REVIEW, review.status, RV.MINUTES_APPROVED, RV)
        values, errors = parse_all((Field("approved_on", "date"),), {"approved_on": approved_on})
        if errors:
            raise ValidationError(errors)
        when = values["approved_on"] or clock.today()
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
        approved = records.transition(s, actor, "review", review, "status", RV.MINUTES_APPROVED, {
            "minutes_approved_by_id": _person_id(s, actor), "minutes_approved_on": when})
        signatures.sign(s, actor, "review", review, signatures.Meaning.APPROVED, comment, pin=pin)
        return approved


# ---------------------------------------------------------------- reading


def review_detail(tx: Tx, code: str) -> ReviewDetail:
    """The review with its inputs, its decisions each with its actions, and the rest."""
    with reading(tx) as s:
        review = records.get_row(s, "review", code)
        inputs = inputs_of(s, review.id)
        gathered = machine_written(s, [r.id for r in inputs])
        outputs = s.execute(
            select(ReviewOutput).where(ReviewOutput.review_id == review.id).order_by(ReviewOutput.id)
        ).scalars().all()
        by_output: dict[int | None, list[Any]] = {o.id: [] for o in outputs}
        others: list[Any] = []
        for a in s.execute(  # the review's actions and those of its decisions, in one query
            select(Action).where(or_(
                Action.review_id == review.id,
                Action.review_output_id.in_(select(ReviewOutput.id).where(ReviewOutput.review_id == review.id)),
            )).order_by(Action.due_date, Action.id)
        ).scalars():
            by_output.get(a.review_output_id, others).append(records.to_dto("action", a))
        prev = previous_review(s, review)
        approver = s.get(Person, review.minutes_approved_by_id) if review.minutes_approved_by_id else None
        return ReviewDetail(
            review=records.get(s, "review", review.id),
            inputs=tuple(records.to_dto("review_input", r) for r in inputs),
            edited=frozenset(r.code for r in inputs if r.id not in gathered),
            outputs=tuple(OutputLine(records.to_dto("review_output", o), tuple(by_output[o.id])) for o in outputs),
            other_actions=tuple(others),
            previous_review=prev.code if prev else None,
            approver_name=approver.name if approver else None,
        )
