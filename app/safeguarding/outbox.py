"""The mail outbox: mail is written as a row in the same transaction as the alert it tells of, and
sent only after that transaction committed, never while one is open.

Two senders: the request's after-commit flush (when the request wrote mail, and at most every
MAIL_SWEEP_SECONDS also to retry what failed and to remind the lead of overdue alerts), and
`flask send-mail`. A row is claimed before it is sent, so two senders never send it twice at once.
A send that fails keeps the row (attempts, last_error) for the next try; it never fails a request.

Mail holds no answer and no name: it says that an alert is waiting and links to it. The link
comes from EXTERNAL_URL, never from the request's Host header.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale, gettext
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ..models import MailOutbox, Role, SafeguardingAlert, SafeguardingLead, User, utcnow

log = logging.getLogger(__name__)

#: a claim older than this is taken as a sender that died mid-send
STALE_CLAIM = timedelta(minutes=10)
QUEUED = "easyvoice.mail_queued"


def lead_for(db: Session, organisation_id: int) -> User | None:
    row = db.get(SafeguardingLead, organisation_id)
    return row.user if row is not None and row.user.active else None


def recipients(db: Session, organisation_id: int) -> list[str]:
    """The safeguarding lead, or (with no lead chosen) every active quality lead."""
    lead = lead_for(db, organisation_id)
    if lead is not None:
        return [lead.email]
    return list(
        db.scalars(
            select(User.email)
            .where(
                User.organisation_id == organisation_id, User.role == Role.QUALITY_LEAD, User.active.is_(True)
            )
            .order_by(User.id)
        )
    )


def _config() -> Mapping[str, Any]:
    return current_app.config if has_app_context() else {}


def alert_link(alert_id: int, config: Mapping[str, Any] | None = None) -> str:
    base = str(
        (config if config is not None else _config()).get("EXTERNAL_URL") or "http://127.0.0.1:5000"
    ).rstrip("/")
    return f"{base}/provider/alerts/{alert_id}"


def _message(kind: str, link: str, hours: object) -> tuple[str, str]:
    """Subject and body. No answer, no name, no service: only that something waits, and where."""
    subjects = {
        "raised": gettext("EasyVoice: a safeguarding alert needs you"),
        "urgent": gettext("EasyVoice: urgent: a person wants to talk to someone now"),
        "overdue": gettext("EasyVoice: a safeguarding alert is still waiting"),
        "more": gettext("EasyVoice: more was added to a safeguarding alert"),
    }
    openings = {
        "raised": gettext("A safeguarding alert was raised at one of your services."),
        "urgent": gettext("The person asked to talk to someone now. Please act today."),
        "overdue": gettext(
            "Nobody has acknowledged this safeguarding alert in %(hours)s hours.", hours=hours
        ),
        "more": gettext("Something more that worries us was added to a safeguarding alert."),
    }
    body = "\n".join(
        (
            openings[kind],
            gettext("Please sign in to see it and act: %(link)s", link=link),
            gettext("This email holds no answer and no personal details on purpose."),
            "",
        )
    )
    return subjects[kind], body


def tell_lead(db: Session, alert: SafeguardingAlert, kind: str) -> list[MailOutbox]:
    """Write the mail about ``alert`` to the outbox, in the caller's transaction."""
    db.flush()  # the alert's id is in the link
    config = _config()
    # in the staff's language (the default locale), never the respondent's
    with force_locale(config.get("BABEL_DEFAULT_LOCALE") or "en_GB"):
        subject, body = _message(kind, alert_link(alert.id, config), config.get("ALERT_OVERDUE_HOURS") or 24)
    rows = [
        MailOutbox(to=to, subject=subject, body=body, kind=kind, alert_id=alert.id, created_at=utcnow())
        for to in recipients(db, alert.organisation_id)
    ]
    db.add_all(rows)
    if rows:
        db.info[QUEUED] = True
    return rows


# -- sending -------------------------------------------------------------------------------------
class _Connection:
    """One SMTP connection for a batch, opened on first use."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config, self.smtp = config, None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            config = self.config
            smtp = smtplib.SMTP(
                config["MAIL_SERVER"],
                int(config.get("MAIL_PORT") or 25),
                timeout=float(config.get("MAIL_TIMEOUT") or 10),
            )
            try:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        self.smtp.send_message(message)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def send_pending(
    session_factory: Any, config: Mapping[str, Any], *, retry_all: bool = False, limit: int = 100
) -> tuple[int, int]:
    """Send unsent mail; returns (sent, failed). Each step is its own short transaction: no
    transaction is open while the mail server is spoken to.

    ``retry_all`` (flask send-mail) also retries rows that failed a moment ago; the request's
    flush waits MAIL_RETRY_SECONDS between tries of one row, so a dead server slows no one down.
    """
    if not config.get("MAIL_SERVER"):
        return 0, 0
    now = utcnow()
    wait = timedelta(seconds=float(config.get("MAIL_RETRY_SECONDS") or 0))
    with session_factory() as db:
        query = select(MailOutbox.id, MailOutbox.claimed_at).where(
            MailOutbox.sent_at.is_(None),
            or_(MailOutbox.claimed_at.is_(None), MailOutbox.claimed_at < now - STALE_CLAIM),
        )
        if not retry_all and wait:
            query = query.where(or_(MailOutbox.tried_at.is_(None), MailOutbox.tried_at < now - wait))
        due = db.execute(query.order_by(MailOutbox.id).limit(limit)).all()
    sent = failed = 0
    connection = _Connection(config)
    try:
        for row_id, claimed_at in due:
            message = _claim(session_factory, row_id, claimed_at, config)
            if message is None:
                continue  # another sender has it
            try:
                connection.send(message)
            except (OSError, smtplib.SMTPException) as error:
                connection.close()
                _finish(session_factory, row_id, error=f"{type(error).__name__}: {error}"[:1000])
                log.warning("Could not send mail %s: %s", row_id, error)
                failed += 1
            else:
                _finish(session_factory, row_id, error=None)
                sent += 1
    finally:
        connection.close()
    return sent, failed


def _claim(
    session_factory: Any, row_id: int, claimed_at: Any, config: Mapping[str, Any]
) -> EmailMessage | None:
    with session_factory() as db, db.begin():
        taken = db.execute(
            update(MailOutbox)
            .where(
                MailOutbox.id == row_id,
                MailOutbox.sent_at.is_(None),
                MailOutbox.claimed_at.is_(None)
                if claimed_at is None
                else MailOutbox.claimed_at == claimed_at,
            )
            .values(claimed_at=utcnow(), attempts=MailOutbox.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            return None
        row = db.get(MailOutbox, row_id)
        message = EmailMessage()
        message["Subject"] = row.subject
        message["From"] = config.get("MAIL_FROM") or "easyvoice@localhost"
        message["To"] = row.to
        message.set_content(row.body)
        return message


def _finish(session_factory: Any, row_id: int, *, error: str | None) -> None:
    with session_factory() as db, db.begin():
        row = db.get(MailOutbox, row_id)
        row.tried_at = utcnow()
        if error is None:
            row.sent_at, row.last_error = row.tried_at, None
        else:  # let go of it, so the next sender tries again
            row.claimed_at, row.last_error = None, error
