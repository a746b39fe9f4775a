"""Safeguarding: who the lead is, the organisation's own concern words, and alerts.

One alert per response (an Expert by Experience's observations are one response per visit, so one
alert per visit). Each worrying answer, free text with concern words, or observation of concern is a
signal listed inside its alert. Alerts move raised -> acknowledged -> closed and are never deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .organisation import Service
from .response import Response
from .user import User

ALERT_SOURCES = ("answer", "free_text", "observation")
ALERT_STATUSES = ("raised", "acknowledged", "closed")


class SafeguardingLead(Base):
    """Who receives an organisation's safeguarding alerts."""

    __tablename__ = "safeguarding_lead"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship()


class ConcernWord(Base):
    """A word or phrase that raises an alert when free text holds it (added to the built-in list)."""

    __tablename__ = "concern_word"
    __table_args__ = (UniqueConstraint("organisation_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: lower-case; matched as whole words
    word: Mapped[str] = mapped_column(String(80))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SafeguardingAlert(Base):
    """A possible disclosure of harm in one response: raised -> acknowledged -> closed. Never deleted.

    It holds its signals and where they were given, and no more: no name, no session, no device.
    """

    __tablename__ = "safeguarding_alert"
    __table_args__ = (
        CheckConstraint("source IN ('answer', 'free_text', 'observation')", name="source"),
        CheckConstraint("status IN ('raised', 'acknowledged', 'closed')", name="status"),
        CheckConstraint("status = 'raised' OR acknowledged_at IS NOT NULL", name="acknowledged_when"),
        CheckConstraint("status != 'closed' OR closed_at IS NOT NULL", name="closed_when"),
        CheckConstraint("NOT urgent OR urgent_at IS NOT NULL", name="urgent_when"),
        UniqueConstraint("response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    #: what raised it first: answer | free_text | observation (an expert's checklist on a visit)
    source: Mapped[str] = mapped_column(String(16))
    #: the response it belongs to (one alert per response); NULL once `flask purge` deleted it
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"))
    #: who answered, who helped and who was in the room, as codes, when it was raised (kept
    #: after a purge; the page shows the response's own final answers while it exists)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="raised")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: what was done (written when it is closed)
    outcome: Mapped[str | None] = mapped_column(Text)
    #: the person asked to talk to someone now
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    urgent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the lead was last reminded of an alert nobody acknowledged (NULL: never)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()
    response: Mapped[Response | None] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    signals: Mapped[list[SafeguardingSignal]] = relationship(
        back_populates="alert", order_by="SafeguardingSignal.id"
    )


class SafeguardingSignal(Base):
    """One thing that worried us inside an alert: a worrying answer, free text or an observation."""

    __tablename__ = "safeguarding_signal"
    __table_args__ = (
        CheckConstraint("source IN ('answer', 'free_text', 'observation')", name="source"),
        UniqueConstraint("alert_id", "question_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_alert.id"), index=True)
    #: answer | free_text | observation
    source: Mapped[str] = mapped_column(String(16))
    #: the question's id, or the observation's reference ("_anything_else" for the closing question)
    question_key: Mapped[str | None] = mapped_column(String(80))
    #: the question as asked, in the words the person saw
    question_text: Mapped[str | None] = mapped_column(String(500))
    #: the answer as the person saw it: the options' words ("Sad"), or the free text
    answer: Mapped[str] = mapped_column(Text)
    #: the option values behind ``answer`` (codes, for reports; never shown as the answer)
    values: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: the concern words found in free text
    matched: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: an Expert by Experience's note with the observation
    note: Mapped[str | None] = mapped_column(String(500))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    alert: Mapped[SafeguardingAlert] = relationship(back_populates="signals")


# The mail outbox: a message is written in the same transaction as what it tells of, and sent
# only after that transaction committed (by the request's after-commit flush or `flask send-mail`).
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
