"""E-mail the notifications not yet sent (SMTP; off unless ``[smtp] enabled = true``).

Only unread notifications younger than ``max_age_days`` go out (turning e-mail on does not
flood people with old reminders), to active people with an address. Each one sent is marked
``emailed_at`` so it never goes twice; a recipient the server refuses is skipped (and tried
again next time until it ages out); a server that cannot be reached fails the job, which is
retried.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from qms_tui.config import SmtpSettings
from qms_tui.db.session import Database
from qms_tui.domain.actor import SYSTEM
from qms_tui.domain.enums import N_
from qms_tui.i18n import tr_lang
from qms_tui.services import notifications
from qms_tui.services.notifications import Outgoing

TIMEOUT = 30  # seconds for the SMTP conversation
BATCH = 200


def message(item: Outgoing, sender: str, lang: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr((item.name, item.email))
    msg["Subject"] = f"[SGCE] {item.title}"
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    lines = [item.title, ""]
    if item.body:
        lines += [item.body, ""]
    if item.record_code:
        lines.append(tr_lang(lang, N_("Record: {code}"), code=item.record_code))
    if item.due_date:
        lines.append(tr_lang(lang, N_("Date: {date}"), date=item.due_date.isoformat()))
    lines += ["", tr_lang(lang, N_("Open it in qms: Inbox (ctrl+p, then “Inbox”)."))]
    msg.set_content("\n".join(lines))
    return msg


def send_pending(db: Database, smtp: SmtpSettings, lang: str) -> str:
    """Send what is waiting; returns a one-line summary. Raises when the server fails."""
    if not smtp.enabled:
        return "e-mail is off"
    pending = notifications.pending_email(db, max_age_days=smtp.max_age_days, limit=BATCH)
    if not pending:
        return "nothing to send"
    sent: list[int] = []
    refused: list[str] = []
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, smtp.password)
            for item in pending:
                try:
                    server.send_message(message(item, smtp.sender, lang))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    refused.append(f"{item.email} ({_reason(exc)})")
                    continue
                sent.append(item.id)
    finally:
        notifications.mark_emailed(db, SYSTEM, sent)  # even when the server failed midway
    summary = f"sent {len(sent)} e-mails"
    if refused:
        summary += f"; refused: {', '.join(refused[:5])}" + (" …" if len(refused) > 5 else "")
    return summary


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:120]

