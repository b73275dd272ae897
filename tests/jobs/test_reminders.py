"""What is due on a day (services.reminders) and the notifications written from it, on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jobs.conftest import COORD, EXPECTED, TODAY, notification_set
from qms_tui.domain.actor import SYSTEM, Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.errors import PermissionDenied
from qms_tui.services import notifications, reminders
from qms_tui.services.notifications import Draft, dedupe_key


def _keys(drafts) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(d.kind, d.record_code, d.recipient) for d in drafts}


def test_every_kind_of_reminder_is_due_for_the_responsible_people(small):
    drafts = reminders.all_reminders(small, TODAY, lang="en")
    assert _keys(drafts) == EXPECTED
    assert len(drafts) == len(EXPECTED)  # one per record, due date and person


def test_titles_say_what_and_when(small):
    by_code = {d.record_code: d for d in reminders.all_reminders(small, TODAY, lang="en")}
    assert by_code["AC-2025-001"].title == "Action AC-2025-001 is overdue since 2025-06-20: Capacitar"
    assert by_code["IND-001"].title.endswith("the measurement of 2025-06 is due by 2025-07-15")
    assert by_code["IND-002"].title.endswith("2 periods without a measurement (latest 2025-05, due 2025-06-15)")
    assert by_code["IND-002"].body == "2025-04, 2025-05"
    assert by_code["IND-003"].title.endswith("the measurement for EV-PJ is due by 2025-07-05")
    assert by_code["IND-004"].due_date == date(2025, 5, 15)
    assert by_code["DOC-A"].entity == "document"
    assert by_code["VE-2025-002"].entity == "effectiveness_check"


def test_lead_days_move_the_window(small):
    assert not reminders.audit_reminders(small, TODAY, lead_days=5)  # starts in 9 days
    assert {d.record_code for d in reminders.audit_reminders(small, TODAY, lead_days=60)} == {"AUD-2025-01", "AUD-2025-02"}
    assert {d.record_code for d in reminders.action_reminders(small, TODAY, lead_days=0)} == {"AC-2025-001"}
    assert {d.record_code for d in reminders.document_reminders(small, TODAY, lead_days=200)} == {"DOC-A", "DOC-B", "DOC-C"}
    assert reminders.review_reminders(small, TODAY + timedelta(days=4), lead_days=0)[0].record_code == "RD-2025-01"
    assert not reminders.review_reminders(small, TODAY + timedelta(days=5), lead_days=30)  # its day has passed


def test_measurements_follow_the_dashboards_rule(small):
    from qms_tui.services.indicators import overdue_indicators

    overdue = {st.code for st in overdue_indicators(small, TODAY)}
    drafts = reminders.measurement_reminders(small, TODAY, "en")
    assert {d.record_code for d in drafts if d.kind == "measurement_overdue"} == overdue
    # after the grace days the monthly one is overdue; before the period ends nothing is due
    later = {d.record_code: d.kind for d in reminders.measurement_reminders(small, date(2025, 7, 16), "en")}
    assert later["IND-001"] == "measurement_overdue"
    assert "IND-001" not in {d.record_code for d in reminders.measurement_reminders(small, date(2025, 6, 10), "en")}


def test_writing_twice_adds_nothing_and_the_inbox_reads_newest_first(small):
    drafts = reminders.all_reminders(small, TODAY, lang="en")
    assert notifications.create(small, SYSTEM, drafts) == len(EXPECTED)
    assert notifications.create(small, SYSTEM, drafts) == 0
    assert notifications.create(small, SYSTEM, drafts + drafts) == 0
    assert notification_set(small) == EXPECTED
    assert notifications.count(small) == len(EXPECTED)

    page = notifications.inbox(small, "jlopez", limit=3)
    assert page.total == 7 and len(page.rows) == 3
    assert [n.id for n in page.rows] == sorted((n.id for n in page.rows), reverse=True)
    rest = notifications.inbox(small, "jlopez", offset=3, limit=3)
    assert {n.id for n in page.rows}.isdisjoint(n.id for n in rest.rows)
    assert notifications.inbox(small, "jlopez", text="ac-2025-001").total == 1
    assert notifications.inbox(small, "nobody").total == 0
    assert notifications.unread_count(small, "jlopez") == 7


def test_only_the_recipient_marks_read(small):
    notifications.create(small, SYSTEM, reminders.all_reminders(small, TODAY, lang="en"))
    mine = notifications.inbox(small, "jlopez").rows[0]
    jlopez = Actor(login="jlopez", role=Role.PROCESS_OWNER)
    with pytest.raises(PermissionDenied):
        notifications.mark_read(small, COORD, mine.id)
    assert notifications.mark_read(small, jlopez, mine.id) is True
    assert notifications.mark_read(small, jlopez, mine.id) is False
    assert notifications.unread_count(small, "jlopez") == 6
    assert notifications.inbox(small, "jlopez", unread_only=True).total == 6
    assert notifications.mark_all_read(small, jlopez) == 6
    assert notifications.unread_count(small, "jlopez") == 0
    assert notifications.unread_count(small, "coord") == 3  # others untouched


def test_only_the_system_or_coordinators_write_notifications(small):
    reader = Actor(login="x", role=Role.READER)
    with pytest.raises(PermissionDenied):
        notifications.create(small, reader, [Draft(1, "coord", "report_ready", "t")])


def test_dedupe_key_has_every_part():
    assert dedupe_key("action_overdue", "action", "AC-2025-001", date(2025, 6, 20), "jlopez") == \
        "action_overdue:action:AC-2025-001:2025-06-20:jlopez"
    assert dedupe_key("report_ready", None, None, None, "coord") == "report_ready:-:-:-:coord"
