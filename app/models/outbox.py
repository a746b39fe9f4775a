"""The mail outbox: a message is written in the same transaction as what it tells of, and sent
only after that transaction committed (by the request's after-commit flush or `flask send-mail`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class MailOutbox(Base):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: one address per row, so a retry never sends twice to the others
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    #: plain text; never an answer, never a person's name
    body: Mapped[str] = mapped_column(Text)
    #: why it was written, e.g. "raised", "urgent", "overdue"
    kind: Mapped[str] = mapped_column(String(32), default="")
    #: the alert it tells of (NULL for other mail)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("safeguarding_alert.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when a sender last took it to send (two senders never send one row at once)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when a send was last tried (the request's flush waits MAIL_RETRY_SECONDS between tries)
    tried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
