"""Relative planning: anchoring dates to an event's key day and moving the key day
(`qms events shift`): exactly the anchored dates move, in one transaction, in the trail."""

from datetime import date

import pytest
from sqlalchemy import Date, select

from qms_tui.db.models import MODELS, Anchor, TrailEvent
from qms_tui.domain.errors import PermissionDenied, TransitionError, ValidationError
from qms_tui.services import calendar, nonconformities, records, trail
from qms_tui.services.timeline import AFTER, BEFORE, timeline

KEY = date(2027, 6, 6)


def _dates(db) -> dict[tuple[str, int, str], date]:
    """Every date column of every record."""
    out = {}
    with db.read() as s:
        for entity, model in MODELS.items():
            cols = [c.key for c in model.__table__.columns if isinstance(c.type, Date)]
            if not cols:
                continue
            for obj in s.execute(select(model)).scalars():
                for c in cols:
                    out[(entity, obj.id, c)] = getattr(obj, c)
    return out


def _events(db) -> int:
    with db.read() as s:
        return trail.event_count(s)


def _verify(db) -> None:
    with db.read() as s:
        assert trail.verify(s) == []


def _action(db, coord, due, review=None):
    with db.write() as s:
        return records.create(s, coord, "action", {"kind": "improvement", "description": "Simulacro de cómputo",
                                                   "owner": "owner", "due_date": due, "review": review})


def test_anchor_sets_the_date_and_keeps_it_in_the_trail(db, people, calendar_world):
    coord = people["coord"]
    line = calendar.anchor(db, coord, "audit", calendar_world["audit"], "planned_start", "PELO-2027", "E-40")
    assert (line.relative, line.date, line.drifted) == ("E-40", date(2027, 4, 27), False)
    end = calendar.anchor(db, coord, "audit", calendar_world["audit"], "planned_end", "PELO-2027", -38)
    assert end.date == date(2027, 4, 29)
    review = calendar.anchor(db, coord, "review", calendar_world["review"], "planned_date", "PELO-2027")
    assert review.relative == "E+25" and review.date == date(2027, 7, 1)  # blank offset: kept where it is
    due = calendar.anchor(db, coord, "indicator", _indicator(db, coord), "due", "PELO-2027", "E+30")
    assert due.date == date(2027, 7, 6)
    assert calendar.indicator_due_dates(db) == {due.code: ("PELO-2027", date(2027, 7, 6))}
    again = calendar.anchor(db, coord, "audit", calendar_world["audit"], "planned_start", "PELO-2027", "E-41")
    assert again.date == date(2027, 4, 26)
    lines = calendar.anchors_of(db, "PELO-2027")
    assert [(x.entity, x.field, x.relative) for x in lines] == [
        ("audit", "planned_start", "E-41"), ("audit", "planned_end", "E-38"),
        ("review", "planned_date", "E+25"), ("indicator", "due", "E+30")]
    assert [x.field for x in calendar.anchors_for(db, "audit", calendar_world["audit"])] == ["planned_start", "planned_end"]
    with db.read() as s:
        assert s.execute(select(Anchor)).scalars().all().__len__() == 4
        summaries = s.execute(select(TrailEvent.summary).where(TrailEvent.entity == "anchor")
                              .order_by(TrailEvent.seq)).scalars().all()
    assert summaries[0] == f"{calendar_world['audit']} planned_start = PELO-2027 E-40"
    assert len(summaries) == 5  # four anchors created, one changed
    _verify(db)
    assert calendar.unanchor(db, coord, "audit", calendar_world["audit"], "planned_start") is True
    assert calendar.unanchor(db, coord, "audit", calendar_world["audit"], "planned_start") is False
    _verify(db)


def _indicator(db, coord) -> str:
    with db.write() as s:
        return records.create(s, coord, "indicator", {"name": "Paquetes entregados en tiempo", "unit": "%",
                                                      "direction": "higher", "target": 100, "frequency": "per_event",
                                                      "event": "PELO-2027", "process": "PR-05"}).code


def test_anchoring_is_refused_with_reasons(db, people, calendar_world):
    coord, audit = people["coord"], calendar_world["audit"]
    before = _events(db)
    with pytest.raises(ValidationError) as err:
        calendar.anchor(db, coord, "audit", audit, "planned_start", "PELO-2027", "E30")
    assert err.value.fields == ["offset"] and "E-30" in str(err.value)
    with pytest.raises(ValidationError) as err:
        calendar.anchor(db, coord, "audit", audit, "actual_start", "PELO-2027", "E-3")
    assert err.value.fields == ["field"]
    with pytest.raises(ValidationError) as err:
        calendar.anchor(db, coord, "risk", "RO-001", "review_date", "PELO-2027", "E-3")
    assert err.value.fields == ["entity"]
    with pytest.raises(ValidationError):  # the plan would end before it starts
        calendar.anchor(db, coord, "audit", audit, "planned_start", "PELO-2027", "E+30")
    with pytest.raises(PermissionDenied):
        calendar.anchor(db, people["reader"], "audit", audit, "planned_start", "PELO-2027", "E-30")
    assert _events(db) == before


def test_shift_moves_exactly_the_anchored_dates_in_one_transaction(db, people, calendar_world):
    coord = people["coord"]
    action = _action(db, coord, date(2027, 7, 20))
    done = _action(db, coord, date(2027, 5, 20))
    ind = _indicator(db, coord)
    for entity, code, field, offset in (
            ("audit", calendar_world["audit"], "planned_start", "E-36"),
            ("audit", calendar_world["audit"], "planned_end", "E-34"),
            ("review", calendar_world["review"], "planned_date", "E+25"),
            ("document", calendar_world["document"], "next_review", "E+56"),
            ("action", action.code, "due_date", None),
            ("action", done.code, "due_date", "E-17"),
            ("indicator", ind, "due", "E+30")):
        calendar.anchor(db, coord, entity, code, field, "PELO-2027", offset)
    nonconformities.update_action_status(db, coord, done.code, "done", completed_on=date(2027, 5, 18))
    with pytest.raises(TransitionError, match="no longer be planned"):  # finished: history
        calendar.anchor(db, coord, "action", done.code, "due_date", "PELO-2027", "E-10")
    before, events_before = _dates(db), _events(db)

    result = calendar.shift_event(db, coord, "PELO-2027", date(2027, 6, 13))

    after = _dates(db)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert all((new - old).days == 7 for old, new in changed.values())
    with db.read() as s:
        ids = {e: records.get_row(s, e, c).id for e, c in (
            ("audit", calendar_world["audit"]), ("review", calendar_world["review"]),
            ("document", calendar_world["document"]), ("action", action.code), ("event", "PELO-2027"))}
    expected = {("audit", ids["audit"], "planned_start"), ("audit", ids["audit"], "planned_end"),
                ("review", ids["review"], "planned_date"), ("document", ids["document"], "next_review"),
                ("action", ids["action"], "due_date"),
                ("event", ids["event"], "start_date"), ("event", ids["event"], "key_date"),
                ("event", ids["event"], "end_date")}
    stage_keys = {k for k in changed if k[0] == "stage"}
    assert len(stage_keys) == 10  # five stages, start and end each
    assert set(changed) - stage_keys == expected  # the other event's audit and the done action stay
    lines = [m.line() for m in result.moved]
    assert lines[:3] == ["PELO-2027 start_date 2026-09-01 → 2026-09-08", "PELO-2027 key_date 2027-06-06 → 2027-06-13",
                         "PELO-2027 end_date 2027-09-30 → 2027-10-07"]
    assert f"{calendar_world['audit']} planned_start 2027-05-01 → 2027-05-08" in lines
    assert f"{ind} due 2027-07-06 → 2027-07-13" in lines
    assert len(result.moved) == 3 + 10 + 5 + 1
    assert [(m.code, m.old, m.new) for m in result.kept] == [(done.code, date(2027, 5, 20), date(2027, 5, 20))]
    assert result.days == 7 and result.old_key == KEY and result.new_key == date(2027, 6, 13)
    assert {x.code: x.relative for x in calendar.anchors_of(db, "PELO-2027")}[done.code] == "E-24"
    # one event per moved record (event, 5 stages, audit, review, document, action) + the kept anchor
    assert _events(db) == events_before + 1 + 5 + 4 + 1
    with db.read() as s:
        summaries = set(s.execute(select(TrailEvent.summary).where(TrailEvent.seq > events_before)).scalars())
    assert "shifted with PELO-2027 by 7 days" in summaries
    assert "key day 2027-06-06 → 2027-06-13 (+7 days)" in summaries
    _verify(db)
    back = calendar.shift_event(db, coord, "PELO-2027", "2027-06-06")
    assert back.days == -7 and _dates(db) == before
    _verify(db)


def test_shift_refusals_write_nothing(db, people, calendar_world):
    before = _events(db)
    with pytest.raises(ValidationError) as err:
        calendar.shift_event(db, people["coord"], "PELO-2027", "13/06/2027")
    assert err.value.fields == ["to"]
    with pytest.raises(PermissionDenied):
        calendar.shift_event(db, people["owner"], "PELO-2027", "2027-06-13")
    assert calendar.shift_event(db, people["coord"], "PELO-2027", KEY).moved == []
    calendar.anchor(db, people["coord"], "audit", calendar_world["audit"], "planned_start", "PELO-2027", "E-36")
    before = _events(db)
    with pytest.raises(TransitionError, match="invalid"):  # only the start is anchored: it would pass the end
        calendar.shift_event(db, people["coord"], "PELO-2027", "2027-06-16")
    assert _events(db) == before


def test_timeline_places_activities_in_their_stages(db, people, calendar_world):
    coord = people["coord"]
    action = _action(db, coord, date(2027, 6, 10))
    calendar.anchor(db, coord, "action", action.code, "due_date", "PELO-2027", "E+4")
    calendar.anchor(db, coord, "document", calendar_world["document"], "next_review", "PELO-2027", "E-400")
    tl = timeline(db, "PELO-2027")
    bands = {b.kind: b for b in tl.bands}
    assert [b.kind for b in tl.bands] == [BEFORE, "preparation", "campaign", "election_day", "counting", "post", AFTER]
    assert [(i.code, i.relative, i.anchored) for i in bands["campaign"].items] == [(calendar_world["audit"], "E-36", False)]
    assert [(i.code, i.relative, i.anchored) for i in bands["counting"].items] == [(action.code, "E+4", True)]
    assert [i.code for i in bands["post"].items] == [calendar_world["review"]]
    assert [i.code for i in bands[BEFORE].items] == [calendar_world["document"]]
    assert (tl.freeze_start, tl.freeze_end) == (date(2027, 5, 22), date(2027, 6, 9))
    assert calendar_world["other_audit"] not in {i.code for i in tl.items}
