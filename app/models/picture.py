"""An organisation's own pictures (issue 12, item 2): a photo or drawing a quality lead uploaded,
used in its questionnaires as ``symbol: own:<name>`` and shown only to its own staff and tablets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class OwnPicture(Base):
    __tablename__ = "own_picture"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: its name in a questionnaire file (``own:<name>``): small letters, digits and dashes
    name: Mapped[str] = mapped_column(String(60))
    #: what it shows, for people who cannot see it (required)
    alt_text: Mapped[str] = mapped_column(String(150))
    #: the stored files' hash (in its address, so a new picture of the same name is fetched anew)
    digest: Mapped[str] = mapped_column(String(16))
    width: Mapped[int]
    height: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
