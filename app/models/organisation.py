"""Organisations (providers) and the services they run (a home, a supported-living scheme ...)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

#: bytes of randomness in a start link's code: 24 (192 bits) gives 32 URL-safe characters
CODE_BYTES = 24


def new_start_code() -> str:
    """A tablet start link's code: unguessable (192 random bits), never listed in public."""
    return secrets.token_urlsafe(CODE_BYTES)


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("suppression_threshold >= 1", name="threshold_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the provider's name, as it publishes it
    name: Mapped[str] = mapped_column(String(200))
    #: a short name used in links
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: counts under this number are hidden in every summary (DESIGN.md, Reports)
    suppression_threshold: Mapped[int] = mapped_column(default=5)
    #: the languages its tablets offer besides the default, e.g. "cy ur" (empty: the default only)
    languages: Mapped[str] = mapped_column(String(200), default="", server_default="")

    services: Mapped[list[Service]] = relationship(back_populates="organisation", order_by="Service.name")


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: the service's everyday name, e.g. "Oak House"
    name: Mapped[str] = mapped_column(String(200))
    #: the code in a tablet's start link (/at/<code>): new_start_code(), unguessable; only
    #: staff of the organisation see it (admin services page), and a new one ends the old link
    code: Mapped[str] = mapped_column(String(64), unique=True, default=new_start_code)

    organisation: Mapped[Organisation] = relationship(back_populates="services")


class Tablet(Base):
    """A tablet enrolled to one service by a signed-in staff member.

    The tablet keeps ``id`` and ``nonce`` in a long-lived signed cookie (app/respond/enrolment.py);
    "Stop using this tablet here" sets ``ended_at`` and the cookie no longer opens anything.
    """

    __tablename__ = "tablet"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    #: random, in the cookie beside the id: a signed cookie for another id cannot be made up
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()
