"""E-mail through SMTP, against a local aiosmtpd server on a free port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_string
from email.message import Message

import pytest
from sqlalchemy import func, select

from jobs.conftest import AT, write_settings
from qms_tui.db.models import Notification
from qms_tui.jobs import runner
from qms_tui.jobs.runner import FAILED, OK

REMINDERS = ["measurements", "audits", "reviews", "actions", "effectiveness", "documents"]


class Sink:
    """Keeps what it receives; refuses the addresses in ``refuse``."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        content = envelope.content.decode("utf-8", "replace")
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_string(content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def sqlite_small(tmp_path):  # type: ignore[no-untyped-def]
    from jobs.conftest import fill
    from qms_tui.db.session import Database
    from qms_tui.services.setup import init_database

    db = Database(f"sqlite:///{tmp_path / 'qms.db'}")
    init_database(db)
    fill(db)
    yield db
    db.dispose()


def _configure(tmp_path, monkeypatch, port: int, enabled: bool = True) -> None:  # type: ignore[no-untyped-def]
    path = write_settings(tmp_path / "mail.toml", tmp_path, reports=False, enabled=enabled,
                          host="127.0.0.1", port=port, **{"from": "sgce@iecm.test"})
    monkeypatch.setenv("QMS_CONFIG", str(path))


def _emailed(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(Notification)
                         .where(Notification.emailed_at.is_not(None))).scalar_one()


def test_new_notifications_are_emailed_once(sqlite_small, smtp_server, tmp_path, monkeypatch):
    sink, port = smtp_server
    _configure(tmp_path, monkeypatch, port)
    out = {o.job: o for o in runner.tick(sqlite_small.url, AT, db=sqlite_small, jobs=REMINDERS + ["mail"])}
    assert out["mail"].status == OK and out["mail"].message == "sent 10 e-mails"  # aperez has no address
    assert len(sink.messages) == 10
    to = sorted(rcpt[0] for _f, rcpt, _m in sink.messages)
    assert to == ["coord@iecm.test"] * 3 + ["jlopez@iecm.test"] * 7
    sender, _rcpt, msg = next(m for m in sink.messages if "AC-2025-001" in m[2]["Subject"])
    assert sender == "sgce@iecm.test"
    assert msg["Subject"] == "[SGCE] Action AC-2025-001 is overdue since 2025-06-20: Capacitar"
    assert msg["To"] == "Juan López <jlopez@iecm.test>" or "jlopez@iecm.test" in msg["To"]
    assert "Record: AC-2025-001" in msg.get_payload(decode=True).decode()
    assert _emailed(sqlite_small) == 10

    again = runner.run_job("mail", sqlite_small.url, "2025-07-01T08:15", db=sqlite_small)
    assert again.status == OK and again.message == "nothing to send"
    assert len(sink.messages) == 10


def test_a_refused_recipient_does_not_stop_the_others(sqlite_small, smtp_server, tmp_path, monkeypatch):
    sink, port = smtp_server
    sink.refuse = {"jlopez@iecm.test"}
    _configure(tmp_path, monkeypatch, port)
    out = {o.job: o for o in runner.tick(sqlite_small.url, AT, db=sqlite_small, jobs=REMINDERS + ["mail"])}
    assert out["mail"].status == OK
    assert out["mail"].message.startswith("sent 3 e-mails; refused: jlopez@iecm.test")
    assert _emailed(sqlite_small) == 3


def test_email_is_off_by_default_and_a_dead_server_fails_the_job(sqlite_small, tmp_path, monkeypatch):
    _configure(tmp_path, monkeypatch, free_port(), enabled=False)
    runner.tick(sqlite_small.url, AT, db=sqlite_small, jobs=REMINDERS)
    assert runner.run_job("mail", sqlite_small.url, AT, db=sqlite_small).message == "e-mail is off"

    _configure(tmp_path, monkeypatch, free_port())  # nobody listens there
    out = runner.run_job("mail", sqlite_small.url, "2025-07-01T08:15", db=sqlite_small)
    assert out.status == FAILED and "ConnectionRefusedError" in out.message
    assert _emailed(sqlite_small) == 0
