"""Organisations (providers) and the services they run (a home, a supported-living scheme ...)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


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

    services: Mapped[list[Service]] = relationship(back_populates="organisation",
                                                   order_by="Service.name")


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: the service's everyday name, e.g. "Oak House"
    name: Mapped[str] = mapped_column(String(200))
    #: the code in a tablet's start link (/at/<code>); hard to guess, easy to type
    code: Mapped[str] = mapped_column(String(32), unique=True)

    organisation: Mapped[Organisation] = relationship(back_populates="services")
