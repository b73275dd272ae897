"""A per-event indicator planned relative to election day (``E+30``) is due then — not at the
event's end — in its status, on the dashboard's overdue list and in the reminders; moving the
key day moves that due date too (issue #10)."""

from __future__ import annotations

from datetime import date

from qms_tui.domain import clock
from qms_tui.services import calendar, indicators, records, reminders


def _indicator(db, coord) -> str:  # type: ignore[no-untyped-def]
    with db.write() as s:
        return records.create(s, coord, "indicator", {"name": "Paquetes entregados en tiempo", "unit": "%",
                                                      "direction": "higher", "target": 100, "frequency": "per_event",
                                                      "event": "PELO-2027", "process": "PR-05",
                                                      "owner": "owner"}).code


def _reminder(db, code: str, today: date) -> tuple[str, date] | None:  # type: ignore[no-untyped-def]
    found = [(d.kind, d.due_date) for d in reminders.measurement_reminders(db, today, "en") if d.record_code == code]
    return found[0] if found else None


def test_the_anchored_due_date_drives_status_and_reminders(db, people, calendar_world):
    coord = people["coord"]
    code = _indicator(db, coord)
    # not anchored: due at the event's end (2027-09-30) plus the grace days
    st = indicators.indicator_status(db, code, date(2027, 7, 10))
    assert not st.overdue and st.event_due is not None and st.event_due > date(2027, 9, 30)

    calendar.anchor(db, coord, "indicator", code, "due", "PELO-2027", "E+30")  # key day 2027-06-06
    st = indicators.indicator_status(db, code, date(2027, 7, 10))
    assert (st.overdue, st.missing, st.event, st.event_due) == (True, 1, "PELO-2027", date(2027, 7, 6))
    assert code in [s.code for s in indicators.overdue_indicators(db, date(2027, 7, 10))]
    assert _reminder(db, code, date(2027, 7, 10)) == ("measurement_overdue", date(2027, 7, 6))
    assert _reminder(db, code, date(2027, 7, 1)) == ("measurement_due", date(2027, 7, 6))

    calendar.shift_event(db, coord, "PELO-2027", date(2027, 6, 13))  # a week later
    st = indicators.indicator_status(db, code, date(2027, 7, 10))
    assert (st.overdue, st.event_due) == (False, date(2027, 7, 13))
    assert _reminder(db, code, date(2027, 7, 10)) == ("measurement_due", date(2027, 7, 13))

    with clock.frozen(date(2027, 7, 10)):
        indicators.record_measurement(db, coord, code, "2027-06-13", 98)
    assert not indicators.indicator_status(db, code, date(2027, 8, 1)).overdue
    assert _reminder(db, code, date(2027, 8, 1)) is None
