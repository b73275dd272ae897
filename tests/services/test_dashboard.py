"""The dashboard figures on a small frozen dataset (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from tui.dataset import POLICY_TEXT, TODAY, fill

from qms_tui.services.dashboard import AGE_BUCKETS, bucket_range, dashboard


@pytest.fixture
def filled(db):  # type: ignore[no-untyped-def]
    fill(db)
    return db


def test_policy_objectives_and_lights(filled):
    d = dashboard(filled, today=TODAY)
    assert d.policy is not None and d.policy.text == POLICY_TEXT and d.policy.code == "POL-01"
    assert [c.code for c in d.objectives] == ["OBJ-01", "OBJ-02"]
    obj1 = d.objectives[0]
    assert [(i.code, i.light) for i in obj1.indicators] == [("IND-001", "green"), ("IND-002", "yellow")]
    assert obj1.count("green") == 1 and obj1.count("red") == 0
    ind1 = obj1.indicators[0]
    assert ind1.value == 99.1 and ind1.period == "2025-05" and round(ind1.attainment, 1) == 101.1
    assert [i.code for i in d.unlinked] == ["IND-004"]


def test_overdue_indicators(filled):
    d = dashboard(filled, today=TODAY)
    assert [i.code for i in d.overdue] == ["IND-004"]  # never measured since January
    assert d.overdue[0].missing >= 1 and d.overdue[0].light == "none"


def test_open_nonconformities_by_severity_and_age(filled):
    d = dashboard(filled, today=TODAY)
    assert d.nc_open == {("major", "0-30"): 1, ("minor", "31-60"): 1, ("minor", "90+"): 1, ("", "0-30"): 1}
    assert d.nc_open_total == 4 and d.nc_drafts == 1
    assert d.nc_severity_total("minor") == 2
    assert d.severities == ("major", "minor", "")


def test_agenda_projects_and_overdue_actions(filled):
    d = dashboard(filled, today=TODAY)
    assert [a.code for a in d.audits] == ["AUD-2025-01"]
    assert [r.code for r in d.reviews] == ["RD-2025-01"]
    assert d.projects == {"plan": 1, "do": 1}
    assert d.actions_overdue == 1
    later = dashboard(filled, today=date(2025, 7, 2))
    assert later.audits == ()  # its planned start has passed


def test_empty_database(db):
    d = dashboard(db, today=TODAY)
    assert d.policy is None and d.objectives == () and d.nc_open_total == 0 and d.overdue == ()


def test_bucket_ranges_cover_every_age_once():
    today = date(2025, 6, 16)
    assert bucket_range("0-30", today) == (date(2025, 5, 17), None)
    assert bucket_range("31-60", today) == (date(2025, 4, 17), date(2025, 5, 16))
    assert bucket_range("90+", today) == (None, date(2025, 3, 17))
    assert [b[0] for b in AGE_BUCKETS] == ["0-30", "31-60", "61-90", "90+"]


def test_a_bounded_number_of_queries(filled):
    """The figures cost the same number of statements however many rows there are."""
    counts = [_statements(filled)]
    fill_more(filled)
    counts.append(_statements(filled))
    assert counts[0] == counts[1] and counts[0] < 20


def _statements(db) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def listener(*args) -> None:  # type: ignore[no-untyped-def]
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        dashboard(db, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def fill_more(db) -> None:  # type: ignore[no-untyped-def]
    from tui.dataset import COORD

    from qms_tui.services import records

    with db.write() as s:
        for n in range(5):
            records.create(s, COORD, "indicator", {"name": f"Extra {n}", "unit": "%", "direction": "higher",
                                                   "target": "90", "frequency": "monthly", "objective": "OBJ-02"})
            records.create(s, COORD, "nonconformity", {"title": f"NC {n}", "description": "x", "source": "complaint",
                                                       "detected_on": "2025-01-10", "severity": "major"})
