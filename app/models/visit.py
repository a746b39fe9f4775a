"""Visits by Experts by Experience: the visit, handing the tablet over, and photos. The check of
what a provider claims is in ``verification``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .organisation import Organisation, Service
from .user import User

VISIT_STATUSES = ("planned", "open", "closed")


class Visit(Base):
    """An Expert by Experience's visit to one service on one day."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'open', 'closed')", name="status"),
        CheckConstraint("co_checker_id IS NULL OR co_checker_id <> expert_id", name="co_checker_not_expert"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the provider whose service is visited; only its users see the visit
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    #: the day of the visit
    visit_date: Mapped[date] = mapped_column(Date)
    #: the Expert by Experience who planned the visit and leads it
    expert_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: a second Expert by Experience who checks with them (optional)
    co_checker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: the supporter's name, as the expert gives it (a supporter has no account)
    supporter_name: Mapped[str | None] = mapped_column(String(120))
    #: the slugs of the questionnaires asked on this visit, in the order chosen
    questionnaires: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: planned -> open (on the day) -> closed
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service] = relationship()
    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    co_checker: Mapped[User | None] = relationship(foreign_keys=[co_checker_id])


class Handover(Base):
    """One time the tablet was handed to a respondent; the expert's sign-in waits meanwhile."""

    __tablename__ = "handover"
    __table_args__ = (
        CheckConstraint("end_reason IN ('pin', 'sign_in')", name="end_reason"),
        CheckConstraint("failed_pins >= 0", name="failed_pins"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    #: the expert who handed the tablet over; only their pin number gets it back
    expert_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: the secret the tablet's session holds while the handover lasts
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: the questionnaire the respondent may answer
    questionnaire: Mapped[str] = mapped_column(String(80))
    #: "ask together": the expert reads, the person points; every answer is marked supported
    together: Mapped[bool] = mapped_column(default=False)
    #: hash of the expert's session id at handover: that session may never be used again
    suspended_sid_ref: Mapped[str | None] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how the tablet came back: "pin" or "sign_in" (NULL while handed over)
    end_reason: Mapped[str | None] = mapped_column(String(16))
    #: wrong pin numbers typed during this handover
    failed_pins: Mapped[int] = mapped_column(default=0)
    #: set at the 5th wrong pin number: only a full sign-in gets the tablet back
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when someone on the visit page said they had seen the lock alert
    alert_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship()
    expert: Mapped[User] = relationship()


class Photo(Base):
    """A photo of places and things on a visit (never of people), stored without its metadata."""

    __tablename__ = "visit_photo"
    __table_args__ = (CheckConstraint("no_people", name="no_people_confirmed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    #: the file's name in the instance folder's photos/ (random, never from the upload)
    file_name: Mapped[str] = mapped_column(String(80), unique=True)
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column()
    #: what the photo shows, in the expert's words (also its alt text)
    caption: Mapped[str | None] = mapped_column(String(200))
    #: the expert ticked "There are no people in this photo" (the database refuses false)
    no_people: Mapped[bool] = mapped_column()
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship()
